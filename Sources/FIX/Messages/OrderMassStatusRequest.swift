/// OrderMassStatusRequest (MsgType `AF`): asks for the state of every order in a scope (all of
/// them, or those in one security), answered by one ExecutionReport with ExecType `I` (Order
/// status) an order, each carrying the request's MassStatusReqID.
public struct OrderMassStatusRequest: FIXMessageBody, Equatable {
    /// `"AF"`.
    public static let msgType = "AF"

    /// MassStatusReqID (584): the request's identifier, echoed in every answer.
    public var massStatusReqID: String
    /// MassStatusReqType (585): which orders the request is about.
    public var massStatusReqType: MassStatusReqType
    /// Account (1): only the orders of this account.
    public var account: String?
    /// Symbol (55): the security, for ``MassStatusReqType/security``.
    public var symbol: String?
    /// SecurityID (48): the security's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Side (54): only the orders on this side.
    public var side: Side?

    /// A mass status request.
    public init(massStatusReqID: String, massStatusReqType: MassStatusReqType, account: String? = nil,
                symbol: String? = nil, securityID: String? = nil, securityIDSource: String? = nil, side: Side? = nil) {
        self.massStatusReqID = massStatusReqID
        self.massStatusReqType = massStatusReqType
        self.account = account
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        massStatusReqID = try r.string(Tag.massStatusReqID)
        massStatusReqType = try r.code(Tag.massStatusReqType)
        account = try r.stringIfPresent(Tag.account)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.codeIfPresent(Tag.side)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.side, side)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeField(Tag.massStatusReqID, massStatusReqID)
        e.writeField(Tag.massStatusReqType, massStatusReqType)
    }
}
