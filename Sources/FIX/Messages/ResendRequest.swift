/// ResendRequest (MsgType `2`): asks the counterparty to resend messages `beginSeqNo` through
/// `endSeqNo`.
public struct ResendRequest: FIXMessageBody, Equatable {
    /// `"2"`.
    public static let msgType = "2"

    /// BeginSeqNo (7): the first sequence number to resend.
    public var beginSeqNo: Int
    /// EndSeqNo (16): the last sequence number to resend; 0 means all messages after
    /// `beginSeqNo` ("infinity").
    public var endSeqNo: Int

    /// A request to resend `beginSeqNo` through `endSeqNo` (0: through the latest).
    public init(beginSeqNo: Int, endSeqNo: Int = 0) {
        self.beginSeqNo = beginSeqNo
        self.endSeqNo = endSeqNo
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        beginSeqNo = try r.int(Tag.beginSeqNo)
        endSeqNo = try r.int(Tag.endSeqNo)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.beginSeqNo, beginSeqNo)
        e.writeField(Tag.endSeqNo, endSeqNo)
    }
}
