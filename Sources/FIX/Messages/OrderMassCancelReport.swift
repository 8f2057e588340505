/// OrderMassCancelReport (MsgType `r`): the answer to an OrderMassCancelRequest: what was
/// canceled (the scope and how many orders), or why the request was refused.
public struct OrderMassCancelReport: FIXMessageBody, Equatable {
    /// `"r"`.
    public static let msgType = "r"

    /// ClOrdID (11): the request's ClOrdID.
    public var clOrdID: String?
    /// OrderID (37): the receiver's identifier of the request.
    public var orderID: String
    /// SecondaryOrderID (198): another identifier given by the receiver.
    public var secondaryOrderID: String?
    /// MassCancelRequestType (530): the request's scope.
    public var massCancelRequestType: MassCancelRequestType
    /// MassCancelResponse (531): the scope canceled, or ``MassCancelResponse/rejected``.
    public var massCancelResponse: MassCancelResponse
    /// MassCancelRejectReason (532): why the request was refused.
    public var massCancelRejectReason: MassCancelRejectReason?
    /// TotalAffectedOrders (533): how many orders were canceled.
    public var totalAffectedOrders: Int?
    /// The NoAffectedOrders (534) instances: the orders canceled, when the receiver lists them.
    public var affectedOrders: [AffectedOrder]
    /// Symbol (55): the request's security.
    public var symbol: String?
    /// SecurityID (48): the security's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Side (54): the request's side.
    public var side: Side?
    /// TransactTime (60): when the orders were canceled.
    public var transactTime: UTCTimestamp?
    /// Text (58): free text (why the request was refused, say).
    public var text: String?

    /// A mass cancel report.
    public init(clOrdID: String? = nil, orderID: String, secondaryOrderID: String? = nil,
                massCancelRequestType: MassCancelRequestType, massCancelResponse: MassCancelResponse,
                massCancelRejectReason: MassCancelRejectReason? = nil, totalAffectedOrders: Int? = nil,
                affectedOrders: [AffectedOrder] = [], symbol: String? = nil, securityID: String? = nil,
                securityIDSource: String? = nil, side: Side? = nil, transactTime: UTCTimestamp? = nil,
                text: String? = nil) {
        self.clOrdID = clOrdID
        self.orderID = orderID
        self.secondaryOrderID = secondaryOrderID
        self.massCancelRequestType = massCancelRequestType
        self.massCancelResponse = massCancelResponse
        self.massCancelRejectReason = massCancelRejectReason
        self.totalAffectedOrders = totalAffectedOrders
        self.affectedOrders = affectedOrders
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
        self.transactTime = transactTime
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        if let group = try GroupReader.read(.affectedOrders, in: r, { (g: BodyReader) throws(FIXMessageDecodeError) -> AffectedOrder in
            try AffectedOrder(g)
        }) {
            r.exclude(group.span)
            affectedOrders = group.values
        } else {
            affectedOrders = []
        }
        clOrdID = try r.stringIfPresent(Tag.clOrdID)
        orderID = try r.string(Tag.orderID)
        secondaryOrderID = try r.stringIfPresent(Tag.secondaryOrderID)
        massCancelRequestType = try r.code(Tag.massCancelRequestType)
        massCancelResponse = try r.code(Tag.massCancelResponse)
        massCancelRejectReason = try r.codeIfPresent(Tag.massCancelRejectReason)
        totalAffectedOrders = try r.intIfPresent(Tag.totalAffectedOrders)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.codeIfPresent(Tag.side)
        transactTime = try r.timestampIfPresent(Tag.transactTime)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeField(Tag.orderID, orderID)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.side, side)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.transactTime, transactTime)
        e.writeFieldIfPresent(Tag.secondaryOrderID, secondaryOrderID)
        e.writeField(Tag.massCancelRequestType, massCancelRequestType)
        e.writeField(Tag.massCancelResponse, massCancelResponse)
        e.writeFieldIfPresent(Tag.massCancelRejectReason, massCancelRejectReason)
        e.writeFieldIfPresent(Tag.totalAffectedOrders, totalAffectedOrders)
        if !affectedOrders.isEmpty {
            e.writeField(Tag.noAffectedOrders, affectedOrders.count)
            for order in affectedOrders { order.write(into: e) }
        }
    }
}

/// One order an OrderMassCancelReport lists as canceled (an instance of NoAffectedOrders, 534).
public struct AffectedOrder: Sendable, Equatable {
    /// OrigClOrdID (41): the order's ClOrdID.
    public var origClOrdID: String
    /// AffectedOrderID (535): the receiver's identifier of the order.
    public var orderID: String?
    /// AffectedSecondaryOrderID (536): another identifier of the order given by the receiver.
    public var secondaryOrderID: String?

    /// An order canceled.
    public init(origClOrdID: String, orderID: String? = nil, secondaryOrderID: String? = nil) {
        self.origClOrdID = origClOrdID
        self.orderID = orderID
        self.secondaryOrderID = secondaryOrderID
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        origClOrdID = try r.string(Tag.origClOrdID)
        orderID = try r.stringIfPresent(Tag.affectedOrderID)
        secondaryOrderID = try r.stringIfPresent(Tag.affectedSecondaryOrderID)
    }

    /// Appends the instance's fields in the group's order, OrigClOrdID first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.origClOrdID, origClOrdID)
        e.writeFieldIfPresent(Tag.affectedOrderID, orderID)
        e.writeFieldIfPresent(Tag.affectedSecondaryOrderID, secondaryOrderID)
    }
}
