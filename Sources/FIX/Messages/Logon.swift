/// Logon (MsgType `A`): starts a session (and, sent back, accepts it).
public struct Logon: FIXMessageBody, Equatable {
    /// `"A"`.
    public static let msgType = "A"

    /// EncryptMethod (98): the session's encryption; `.none` in practice.
    public var encryptMethod: EncryptMethod
    /// HeartBtInt (108): the heartbeat interval in seconds.
    public var heartBtInt: Int
    /// ResetSeqNumFlag (141): `true` when both sides are to reset their sequence numbers to 1.
    public var resetSeqNumFlag: Bool?
    /// NextExpectedMsgSeqNum (789): the next MsgSeqNum the sender expects to receive.
    public var nextExpectedMsgSeqNum: Int?
    /// MaxMessageSize (383): the largest message, in bytes, the sender accepts.
    public var maxMessageSize: Int?
    /// Username (553): the user name, when the counterparty authenticates by user.
    public var username: String?
    /// Password (554): the password that goes with `username`.
    public var password: String?

    /// A logon with heartbeat interval `heartBtInt` seconds.
    public init(encryptMethod: EncryptMethod = .none, heartBtInt: Int, resetSeqNumFlag: Bool? = nil,
                nextExpectedMsgSeqNum: Int? = nil, maxMessageSize: Int? = nil,
                username: String? = nil, password: String? = nil) {
        self.encryptMethod = encryptMethod
        self.heartBtInt = heartBtInt
        self.resetSeqNumFlag = resetSeqNumFlag
        self.nextExpectedMsgSeqNum = nextExpectedMsgSeqNum
        self.maxMessageSize = maxMessageSize
        self.username = username
        self.password = password
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        encryptMethod = try r.code(Tag.encryptMethod)
        heartBtInt = try r.int(Tag.heartBtInt)
        resetSeqNumFlag = try r.boolIfPresent(Tag.resetSeqNumFlag)
        nextExpectedMsgSeqNum = try r.intIfPresent(Tag.nextExpectedMsgSeqNum)
        maxMessageSize = try r.intIfPresent(Tag.maxMessageSize)
        username = try r.stringIfPresent(Tag.username)
        password = try r.stringIfPresent(Tag.password)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.encryptMethod, encryptMethod)
        e.writeField(Tag.heartBtInt, heartBtInt)
        e.writeFieldIfPresent(Tag.resetSeqNumFlag, resetSeqNumFlag)
        e.writeFieldIfPresent(Tag.maxMessageSize, maxMessageSize)
        e.writeFieldIfPresent(Tag.username, username)
        e.writeFieldIfPresent(Tag.password, password)
        e.writeFieldIfPresent(Tag.nextExpectedMsgSeqNum, nextExpectedMsgSeqNum)
    }
}
