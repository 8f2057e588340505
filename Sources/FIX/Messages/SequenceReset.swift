/// SequenceReset (MsgType `4`): moves the receiver's expected sequence number to `newSeqNo`,
/// either filling a gap during a resend (GapFillFlag `Y`) or resetting outright.
public struct SequenceReset: FIXMessageBody, Equatable {
    /// `"4"`.
    public static let msgType = "4"

    /// NewSeqNo (36): the next sequence number the receiver should expect.
    public var newSeqNo: Int
    /// GapFillFlag (123): `true` when this replaces administrative messages in a resend (gap
    /// fill); `false` or absent for a reset.
    public var gapFillFlag: Bool?

    /// A sequence reset to `newSeqNo`; a gap fill when `gapFillFlag` is `true`.
    public init(newSeqNo: Int, gapFillFlag: Bool? = nil) {
        self.newSeqNo = newSeqNo
        self.gapFillFlag = gapFillFlag
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        newSeqNo = try r.int(Tag.newSeqNo)
        gapFillFlag = try r.boolIfPresent(Tag.gapFillFlag)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.newSeqNo, newSeqNo)
        e.writeFieldIfPresent(Tag.gapFillFlag, gapFillFlag)
    }
}
