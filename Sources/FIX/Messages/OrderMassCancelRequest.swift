/// OrderMassCancelRequest (MsgType `q`): asks to cancel every order in a scope (all of them, or
/// those in one security, optionally on one side). The receiver reports each order canceled with
/// an ExecutionReport, and the request with an OrderMassCancelReport (`r`).
public struct OrderMassCancelRequest: FIXMessageBody, Equatable {
    /// `"q"`.
    public static let msgType = "q"

    /// ClOrdID (11): the request's identifier.
    public var clOrdID: String
    /// MassCancelRequestType (530): which orders to cancel.
    public var massCancelRequestType: MassCancelRequestType
    /// Symbol (55): the security, for ``MassCancelRequestType/security``.
    public var symbol: String?
    /// SecurityID (48): the security's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Side (54): only the orders on this side.
    public var side: Side?
    /// TransactTime (60): when the request was created.
    public var transactTime: UTCTimestamp
    /// Text (58): free text.
    public var text: String?

    /// A mass cancel request.
    public init(clOrdID: String, massCancelRequestType: MassCancelRequestType, symbol: String? = nil,
                securityID: String? = nil, securityIDSource: String? = nil, side: Side? = nil,
                transactTime: UTCTimestamp, text: String? = nil) {
        self.clOrdID = clOrdID
        self.massCancelRequestType = massCancelRequestType
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
        self.transactTime = transactTime
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        clOrdID = try r.string(Tag.clOrdID)
        massCancelRequestType = try r.code(Tag.massCancelRequestType)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.codeIfPresent(Tag.side)
        transactTime = try r.timestamp(Tag.transactTime)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.side, side)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeField(Tag.transactTime, transactTime)
        e.writeField(Tag.massCancelRequestType, massCancelRequestType)
    }
}
