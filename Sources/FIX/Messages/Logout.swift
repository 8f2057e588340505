/// Logout (MsgType `5`): starts or confirms the end of a session.
public struct Logout: FIXMessageBody, Equatable {
    /// `"5"`.
    public static let msgType = "5"

    /// Text (58): why the session ends.
    public var text: String?

    /// A logout, with an optional reason.
    public init(text: String? = nil) {
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.text, text)
    }
}
