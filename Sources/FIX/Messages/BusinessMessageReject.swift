/// BusinessMessageReject (MsgType `j`): an application message was rejected for a reason that
/// is not a session-level one (unsupported message type, unknown security, ...).
public struct BusinessMessageReject: FIXMessageBody, Equatable {
    /// `"j"`.
    public static let msgType = "j"

    /// RefSeqNum (45): MsgSeqNum of the rejected message.
    public var refSeqNum: Int?
    /// RefMsgType (372): MsgType of the rejected message.
    public var refMsgType: String
    /// BusinessRejectRefID (379): the business identifier of the rejected message (its ClOrdID,
    /// MDReqID, ...).
    public var businessRejectRefID: String?
    /// BusinessRejectReason (380): why it was rejected.
    public var reason: BusinessRejectReason
    /// Text (58): free text.
    public var text: String?

    /// A business-level rejection of a message of type `refMsgType`.
    public init(refSeqNum: Int? = nil, refMsgType: String, businessRejectRefID: String? = nil,
                reason: BusinessRejectReason, text: String? = nil) {
        self.refSeqNum = refSeqNum
        self.refMsgType = refMsgType
        self.businessRejectRefID = businessRejectRefID
        self.reason = reason
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        refSeqNum = try r.intIfPresent(Tag.refSeqNum)
        refMsgType = try r.string(Tag.refMsgType)
        businessRejectRefID = try r.stringIfPresent(Tag.businessRejectRefID)
        reason = try r.code(Tag.businessRejectReason)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.refSeqNum, refSeqNum)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeField(Tag.refMsgType, refMsgType)
        e.writeFieldIfPresent(Tag.businessRejectRefID, businessRejectRefID)
        e.writeField(Tag.businessRejectReason, reason)
    }
}
