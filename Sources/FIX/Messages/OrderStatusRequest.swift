/// OrderStatusRequest (MsgType `H`): asks for the current state of one order, answered by an
/// ExecutionReport with ExecType `I` (Order status).
public struct OrderStatusRequest: FIXMessageBody, Equatable {
    /// `"H"`.
    public static let msgType = "H"

    /// OrderID (37): the receiver's identifier of the order, when known.
    public var orderID: String?
    /// ClOrdID (11): a ClOrdID of the order (its latest one, after replaces, or any earlier one
    /// the receiver still knows).
    public var clOrdID: String
    /// OrdStatusReqID (790): the request's own identifier, echoed in the answer.
    public var ordStatusReqID: String?
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

    /// A status request for the order `clOrdID`.
    public init(orderID: String? = nil, clOrdID: String, ordStatusReqID: String? = nil, account: String? = nil,
                symbol: String, securityID: String? = nil, securityIDSource: String? = nil, side: Side) {
        self.orderID = orderID
        self.clOrdID = clOrdID
        self.ordStatusReqID = ordStatusReqID
        self.account = account
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        orderID = try r.stringIfPresent(Tag.orderID)
        clOrdID = try r.string(Tag.clOrdID)
        ordStatusReqID = try r.stringIfPresent(Tag.ordStatusReqID)
        account = try r.stringIfPresent(Tag.account)
        symbol = try r.string(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.code(Tag.side)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeField(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.orderID, orderID)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeField(Tag.side, side)
        e.writeField(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.ordStatusReqID, ordStatusReqID)
    }
}
