/// OrderCancelReject (MsgType `9`): a cancel or cancel/replace request could not be carried out.
public struct OrderCancelReject: FIXMessageBody, Equatable {
    /// `"9"`.
    public static let msgType = "9"

    /// OrderID (37): the sell side's identifier of the order (`"NONE"` when unknown).
    public var orderID: String
    /// SecondaryOrderID (198): another identifier of the order given by the sell side.
    public var secondaryOrderID: String?
    /// ClOrdID (11): ClOrdID of the rejected cancel or cancel/replace request.
    public var clOrdID: String
    /// OrigClOrdID (41): OrigClOrdID of the rejected request: the order it was for.
    public var origClOrdID: String
    /// OrdStatus (39): the order's state (after the rejection).
    public var ordStatus: OrdStatus
    /// Account (1): the order's account.
    public var account: String?
    /// TransactTime (60): when the rejection took place.
    public var transactTime: UTCTimestamp?
    /// CxlRejResponseTo (434): whether a cancel or a cancel/replace request is rejected.
    public var cxlRejResponseTo: CxlRejResponseTo
    /// CxlRejReason (102): why.
    public var cxlRejReason: CxlRejReason?
    /// Text (58): free text.
    public var text: String?

    /// A cancel reject.
    public init(orderID: String, secondaryOrderID: String? = nil, clOrdID: String, origClOrdID: String,
                ordStatus: OrdStatus, account: String? = nil, transactTime: UTCTimestamp? = nil,
                cxlRejResponseTo: CxlRejResponseTo, cxlRejReason: CxlRejReason? = nil, text: String? = nil) {
        self.orderID = orderID
        self.secondaryOrderID = secondaryOrderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.ordStatus = ordStatus
        self.account = account
        self.transactTime = transactTime
        self.cxlRejResponseTo = cxlRejResponseTo
        self.cxlRejReason = cxlRejReason
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        orderID = try r.string(Tag.orderID)
        secondaryOrderID = try r.stringIfPresent(Tag.secondaryOrderID)
        clOrdID = try r.string(Tag.clOrdID)
        origClOrdID = try r.string(Tag.origClOrdID)
        ordStatus = try r.code(Tag.ordStatus)
        account = try r.stringIfPresent(Tag.account)
        transactTime = try r.timestampIfPresent(Tag.transactTime)
        cxlRejResponseTo = try r.code(Tag.cxlRejResponseTo)
        cxlRejReason = try r.codeIfPresent(Tag.cxlRejReason)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeField(Tag.clOrdID, clOrdID)
        e.writeField(Tag.orderID, orderID)
        e.writeField(Tag.ordStatus, ordStatus)
        e.writeField(Tag.origClOrdID, origClOrdID)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.transactTime, transactTime)
        e.writeFieldIfPresent(Tag.cxlRejReason, cxlRejReason)
        e.writeFieldIfPresent(Tag.secondaryOrderID, secondaryOrderID)
        e.writeField(Tag.cxlRejResponseTo, cxlRejResponseTo)
    }
}
