/// Heartbeat (MsgType `0`): sent when nothing else was sent for HeartBtInt seconds, and in
/// answer to a TestRequest.
public struct Heartbeat: FIXMessageBody, Equatable {
    /// `"0"`.
    public static let msgType = "0"

    /// TestReqID (112): the TestRequest this heartbeat answers; absent when not an answer.
    public var testReqID: String?

    /// A heartbeat, answering the TestRequest `testReqID` when given.
    public init(testReqID: String? = nil) {
        self.testReqID = testReqID
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        testReqID = try r.stringIfPresent(Tag.testReqID)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.testReqID, testReqID)
    }
}
