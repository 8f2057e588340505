/// Reject (MsgType `3`): a session-level rejection of a message that could not be processed.
public struct Reject: FIXMessageBody, Equatable {
    /// `"3"`.
    public static let msgType = "3"

    /// RefSeqNum (45): MsgSeqNum of the rejected message.
    public var refSeqNum: Int
    /// RefTagID (371): the tag the rejection concerns, when there is one.
    public var refTagID: Int?
    /// RefMsgType (372): MsgType of the rejected message, when it could be read.
    public var refMsgType: String?
    /// SessionRejectReason (373): why the message was rejected.
    public var reason: SessionRejectReason?
    /// Text (58): a free-text explanation.
    public var text: String?

    /// A session-level reject of message `refSeqNum`.
    public init(refSeqNum: Int, refTagID: Int? = nil, refMsgType: String? = nil,
                reason: SessionRejectReason? = nil, text: String? = nil) {
        self.refSeqNum = refSeqNum
        self.refTagID = refTagID
        self.refMsgType = refMsgType
        self.reason = reason
        self.text = text
    }

    /// The Reject for `reject` (reason, tag, message type and text) of message `refSeqNum`.
    public init(refSeqNum: Int, _ reject: FIXReject) {
        self.init(refSeqNum: refSeqNum, refTagID: reject.refTagID, refMsgType: reject.refMsgType,
                  reason: reject.reason, text: reject.text)
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        refSeqNum = try r.int(Tag.refSeqNum)
        refTagID = try r.intIfPresent(Tag.refTagID)
        refMsgType = try r.stringIfPresent(Tag.refMsgType)
        reason = try r.codeIfPresent(Tag.sessionRejectReason)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.refSeqNum, refSeqNum)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.refTagID, refTagID)
        e.writeFieldIfPresent(Tag.refMsgType, refMsgType)
        e.writeFieldIfPresent(Tag.sessionRejectReason, reason)
    }
}
