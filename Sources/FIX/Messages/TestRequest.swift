/// TestRequest (MsgType `1`): asks the counterparty for a Heartbeat carrying the same TestReqID.
public struct TestRequest: FIXMessageBody, Equatable {
    /// `"1"`.
    public static let msgType = "1"

    /// TestReqID (112): the identifier the answering Heartbeat must echo.
    public var testReqID: String

    /// A test request with identifier `testReqID`.
    public init(testReqID: String) {
        self.testReqID = testReqID
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        testReqID = try r.string(Tag.testReqID)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.testReqID, testReqID)
    }
}
