/// MarketDataRequestReject (MsgType `Y`): a MarketDataRequest was refused.
public struct MarketDataRequestReject: FIXMessageBody, Equatable {
    /// `"Y"`.
    public static let msgType = "Y"

    /// MDReqID (262): the MDReqID of the refused request.
    public var mdReqID: String
    /// MDReqRejReason (281): why it was refused.
    public var reason: MDReqRejReason?
    /// Text (58): free text.
    public var text: String?

    /// A rejection of the market data request `mdReqID`.
    public init(mdReqID: String, reason: MDReqRejReason? = nil, text: String? = nil) {
        self.mdReqID = mdReqID
        self.reason = reason
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        mdReqID = try r.string(Tag.mdReqID)
        reason = try r.codeIfPresent(Tag.mdReqRejReason)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.text, text)
        e.writeField(Tag.mdReqID, mdReqID)
        e.writeFieldIfPresent(Tag.mdReqRejReason, reason)
    }
}
