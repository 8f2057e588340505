/// OrderCancelRequest (MsgType `F`): asks to cancel the rest of an order.
public struct OrderCancelRequest: FIXMessageBody, Equatable {
    /// `"F"`.
    public static let msgType = "F"

    /// OrigClOrdID (41): ClOrdID of the order to cancel (its latest one, after replaces).
    public var origClOrdID: String
    /// OrderID (37): the receiver's identifier of the order, when known.
    public var orderID: String?
    /// ClOrdID (11): the sender's identifier of this cancel request.
    public var clOrdID: String
    /// Account (1): the order's account.
    public var account: String?
    /// Symbol (55): the order's instrument.
    public var symbol: String
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Side (54): the order's side.
    public var side: Side
    /// TransactTime (60): when the cancel request was created.
    public var transactTime: UTCTimestamp
    /// OrderQty (38): the order's total quantity.
    public var orderQty: FIXDecimal?
    /// Text (58): free text.
    public var text: String?

    /// A cancel request for the order `origClOrdID`.
    public init(origClOrdID: String, orderID: String? = nil, clOrdID: String, account: String? = nil,
                symbol: String, securityID: String? = nil, securityIDSource: String? = nil, side: Side,
                transactTime: UTCTimestamp, orderQty: FIXDecimal? = nil, text: String? = nil) {
        self.origClOrdID = origClOrdID
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.account = account
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
        self.transactTime = transactTime
        self.orderQty = orderQty
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        origClOrdID = try r.string(Tag.origClOrdID)
        orderID = try r.stringIfPresent(Tag.orderID)
        clOrdID = try r.string(Tag.clOrdID)
        account = try r.stringIfPresent(Tag.account)
        symbol = try r.string(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.code(Tag.side)
        transactTime = try r.timestamp(Tag.transactTime)
        orderQty = try r.decimalIfPresent(Tag.orderQty)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeField(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.orderID, orderID)
        e.writeFieldIfPresent(Tag.orderQty, orderQty)
        e.writeField(Tag.origClOrdID, origClOrdID)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeField(Tag.side, side)
        e.writeField(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeField(Tag.transactTime, transactTime)
    }
}
