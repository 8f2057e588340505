/// MarketDataSnapshotFullRefresh (MsgType `W`): the whole current book (or other data) of one
/// instrument.
public struct MarketDataSnapshotFullRefresh: FIXMessageBody, Equatable {
    /// `"W"`.
    public static let msgType = "W"

    /// MDReqID (262): the request this snapshot answers.
    public var mdReqID: String?
    /// Symbol (55): the instrument.
    public var symbol: String
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// The NoMDEntries (268) instances: the entries of the snapshot.
    public var entries: [MDEntry]

    /// A snapshot of `symbol`.
    public init(mdReqID: String? = nil, symbol: String, securityID: String? = nil,
                securityIDSource: String? = nil, entries: [MDEntry]) {
        self.mdReqID = mdReqID
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.entries = entries
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        let group = try GroupReader.readRequired(.mdFullEntries, in: r) { (g: BodyReader) throws(FIXMessageDecodeError) -> MDEntry in
            try MDEntry(g)
        }
        r.exclude(group.span)
        entries = group.values
        mdReqID = try r.stringIfPresent(Tag.mdReqID)
        symbol = try r.string(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeField(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.mdReqID, mdReqID)
        e.writeField(Tag.noMDEntries, entries.count)
        for entry in entries { entry.write(into: e) }
    }
}

/// One entry of a MarketDataSnapshotFullRefresh (an instance of NoMDEntries, 268): a bid, an
/// offer, a trade, ...
public struct MDEntry: Sendable, Equatable {
    /// MDEntryType (269): what the entry is.
    public var type: MDEntryType
    /// MDEntryID (278): the entry's identifier (for example an order's, in a book by order). Not
    /// part of the FIX 4.4 group, but sent by many venues; written right after MDEntryType.
    public var id: String?
    /// MDEntryPx (270): the price.
    public var price: FIXDecimal?
    /// MDEntrySize (271): the quantity.
    public var size: FIXDecimal?
    /// MDEntryDate (272): the date, UTCDateOnly `YYYYMMDD`, as sent.
    public var date: String?
    /// MDEntryTime (273): the time, UTCTimeOnly `HH:MM:SS[.sss]`, as sent.
    public var time: String?
    /// NumberOfOrders (346): how many orders make up the entry, in an aggregated book.
    public var numberOfOrders: Int?
    /// MDEntryPositionNo (290): the entry's level in the book, 1 being the best.
    public var positionNo: Int?

    /// A market data entry.
    public init(type: MDEntryType, id: String? = nil, price: FIXDecimal? = nil, size: FIXDecimal? = nil,
                date: String? = nil, time: String? = nil, numberOfOrders: Int? = nil, positionNo: Int? = nil) {
        self.type = type
        self.id = id
        self.price = price
        self.size = size
        self.date = date
        self.time = time
        self.numberOfOrders = numberOfOrders
        self.positionNo = positionNo
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        type = try r.code(Tag.mdEntryType)
        id = try r.stringIfPresent(Tag.mdEntryID)
        price = try r.decimalIfPresent(Tag.mdEntryPx)
        size = try r.decimalIfPresent(Tag.mdEntrySize)
        date = try r.stringIfPresent(Tag.mdEntryDate)
        time = try r.stringIfPresent(Tag.mdEntryTime)
        numberOfOrders = try r.intIfPresent(Tag.numberOfOrders)
        positionNo = try r.intIfPresent(Tag.mdEntryPositionNo)
    }

    /// Appends the entry's fields in the group's order, MDEntryType first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.mdEntryType, type)
        e.writeFieldIfPresent(Tag.mdEntryID, id)
        e.writeFieldIfPresent(Tag.mdEntryPx, price)
        e.writeFieldIfPresent(Tag.mdEntrySize, size)
        e.writeFieldIfPresent(Tag.mdEntryDate, date)
        e.writeFieldIfPresent(Tag.mdEntryTime, time)
        e.writeFieldIfPresent(Tag.numberOfOrders, numberOfOrders)
        e.writeFieldIfPresent(Tag.mdEntryPositionNo, positionNo)
    }
}
