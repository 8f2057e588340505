/// MarketDataIncrementalRefresh (MsgType `X`): changes to books (or other data): new, changed
/// and deleted entries, possibly of several instruments.
public struct MarketDataIncrementalRefresh: FIXMessageBody, Equatable {
    /// `"X"`.
    public static let msgType = "X"

    /// MDReqID (262): the request this update is for.
    public var mdReqID: String?
    /// The NoMDEntries (268) instances: the changes, in order.
    public var entries: [MDIncrementalEntry]

    /// An incremental refresh.
    public init(mdReqID: String? = nil, entries: [MDIncrementalEntry]) {
        self.mdReqID = mdReqID
        self.entries = entries
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        let group = try GroupReader.readRequired(.mdIncEntries, in: r) { (g: BodyReader) throws(FIXMessageDecodeError) -> MDIncrementalEntry in
            try MDIncrementalEntry(g)
        }
        r.exclude(group.span)
        entries = group.values
        mdReqID = try r.stringIfPresent(Tag.mdReqID)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.mdReqID, mdReqID)
        e.writeField(Tag.noMDEntries, entries.count)
        for entry in entries { entry.write(into: e) }
    }
}

/// One change of a MarketDataIncrementalRefresh (an instance of NoMDEntries, 268).
public struct MDIncrementalEntry: Sendable, Equatable {
    /// MDUpdateAction (279): new, change or delete.
    public var action: MDUpdateAction
    /// MDEntryType (269): what the entry is (conditionally required: some venues leave it out of
    /// deletes).
    public var type: MDEntryType?
    /// MDEntryID (278): the entry's identifier, which later changes and deletes refer to.
    public var id: String?
    /// MDEntryRefID (280): for a change, the MDEntryID of the entry it replaces.
    public var refID: String?
    /// Symbol (55): the instrument, when the update is not for the subscription's single one.
    public var symbol: String?
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
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

    /// An incremental market data entry.
    public init(action: MDUpdateAction, type: MDEntryType? = nil, id: String? = nil, refID: String? = nil,
                symbol: String? = nil, securityID: String? = nil, securityIDSource: String? = nil,
                price: FIXDecimal? = nil, size: FIXDecimal? = nil, date: String? = nil, time: String? = nil,
                numberOfOrders: Int? = nil, positionNo: Int? = nil) {
        self.action = action
        self.type = type
        self.id = id
        self.refID = refID
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.price = price
        self.size = size
        self.date = date
        self.time = time
        self.numberOfOrders = numberOfOrders
        self.positionNo = positionNo
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        action = try r.code(Tag.mdUpdateAction)
        type = try r.codeIfPresent(Tag.mdEntryType)
        id = try r.stringIfPresent(Tag.mdEntryID)
        refID = try r.stringIfPresent(Tag.mdEntryRefID)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        price = try r.decimalIfPresent(Tag.mdEntryPx)
        size = try r.decimalIfPresent(Tag.mdEntrySize)
        date = try r.stringIfPresent(Tag.mdEntryDate)
        time = try r.stringIfPresent(Tag.mdEntryTime)
        numberOfOrders = try r.intIfPresent(Tag.numberOfOrders)
        positionNo = try r.intIfPresent(Tag.mdEntryPositionNo)
    }

    /// Appends the entry's fields in the FIX 4.4 group order, MDUpdateAction first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.mdUpdateAction, action)
        e.writeFieldIfPresent(Tag.mdEntryType, type)
        e.writeFieldIfPresent(Tag.mdEntryID, id)
        e.writeFieldIfPresent(Tag.mdEntryRefID, refID)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.mdEntryPx, price)
        e.writeFieldIfPresent(Tag.mdEntrySize, size)
        e.writeFieldIfPresent(Tag.mdEntryDate, date)
        e.writeFieldIfPresent(Tag.mdEntryTime, time)
        e.writeFieldIfPresent(Tag.numberOfOrders, numberOfOrders)
        e.writeFieldIfPresent(Tag.mdEntryPositionNo, positionNo)
    }
}
