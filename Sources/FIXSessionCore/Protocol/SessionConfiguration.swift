import FIX

/// How one session behaves: its identity and role, timers, resets and checks.
public struct SessionConfiguration: Sendable {
    public var sessionID: SessionID
    /// Which side of the connection this session is: the initiator connects and sends the
    /// Logon; the acceptor answers it.
    public var role: ConnectionType
    /// HeartBtInt (108) in seconds: the initiator proposes it; the acceptor uses the initiator's.
    public var heartBtInt: Int
    /// Sequence numbers start again at 1 on each Logon (ResetOnLogon).
    public var resetOnLogon: Bool
    /// ... after each Logout (ResetOnLogout).
    public var resetOnLogout: Bool
    /// ... after each disconnection (ResetOnDisconnect).
    public var resetOnDisconnect: Bool
    /// Largest difference allowed between SendingTime and our clock, in seconds; nil: not checked.
    public var sendingTimeAccuracy: Int?
    /// Largest range one ResendRequest asks for (0: everything at once).
    public var resendRequestChunkSize: Int
    /// Seconds to wait for the Logon answer before disconnecting.
    public var logonTimeout: Int
    /// Seconds to wait for the Logout answer before disconnecting.
    public var logoutTimeout: Int
    /// Sent messages are kept for resend; when off, a ResendRequest is answered with a gap fill.
    public var persistMessages: Bool
    /// Whether received messages are checked against the dictionary.
    public var useDataDictionary: Bool
    /// Which dictionary checks are made.
    public var validation: ValidationSettings
    /// Application message types the application handles; others get a BusinessMessageReject
    /// (j, reason 3). nil: all of them.
    public var supportedMessageTypes: Set<String>?
    /// When the session may be logged on (StartTime/EndTime, StartDay/EndDay). Outside it the
    /// session logs out and refuses to log on; at the start of each period the sequence numbers
    /// start again at 1.
    public var schedule: SessionSchedule = .always
    /// The Username (553) and Password (554) an acceptor requires on Logon, and an initiator
    /// sends in its own; nil: none. A Logon without them, or with others, is refused with a
    /// Logout "Invalid username or password".
    public var credentials: LogonCredentials?
    /// Most messages kept while a gap is being filled (received ahead of sequence); past it the
    /// session logs out: a peer cannot make it hold an unbounded backlog.
    public var maxQueuedMessages = 100_000
    /// Most bytes of such messages.
    public var maxQueuedBytes = 64 << 20

    public init(sessionID: SessionID, role: ConnectionType, heartBtInt: Int = 30, resetOnLogon: Bool = false,
                resetOnLogout: Bool = false, resetOnDisconnect: Bool = false, sendingTimeAccuracy: Int? = 120,
                resendRequestChunkSize: Int = 0, logonTimeout: Int = 10, logoutTimeout: Int = 2,
                persistMessages: Bool = true, useDataDictionary: Bool = true,
                validation: ValidationSettings = .strict, supportedMessageTypes: Set<String>? = nil) {
        self.sessionID = sessionID
        self.role = role
        self.heartBtInt = heartBtInt
        self.resetOnLogon = resetOnLogon
        self.resetOnLogout = resetOnLogout
        self.resetOnDisconnect = resetOnDisconnect
        self.sendingTimeAccuracy = sendingTimeAccuracy
        self.resendRequestChunkSize = resendRequestChunkSize
        self.logonTimeout = logonTimeout
        self.logoutTimeout = logoutTimeout
        self.persistMessages = persistMessages
        self.useDataDictionary = useDataDictionary
        self.validation = validation
        self.supportedMessageTypes = supportedMessageTypes
    }

    /// The configuration a settings file gives a session.
    public init(_ settings: SessionSettings, supportedMessageTypes: Set<String>? = nil) {
        self.init(sessionID: settings.sessionID, role: settings.connectionType, heartBtInt: settings.heartBtInt,
                  resetOnLogon: settings.resetOnLogon, resetOnLogout: settings.resetOnLogout,
                  resetOnDisconnect: settings.resetOnDisconnect,
                  sendingTimeAccuracy: settings.checkLatency ? settings.maxLatency : nil,
                  resendRequestChunkSize: settings.resendRequestChunkSize, logonTimeout: settings.logonTimeout,
                  logoutTimeout: settings.logoutTimeout, persistMessages: settings.persistMessages,
                  useDataDictionary: settings.useDataDictionary, validation: settings.validation,
                  supportedMessageTypes: supportedMessageTypes)
        schedule = settings.schedule
        credentials = settings.credentials
    }
}

/// A Username (553) and Password (554) for Logon. The password is never written to a log.
public struct LogonCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Whether `username` and `password` are these, comparing the passwords in time that does
    /// not depend on where they differ.
    public func matches(username: String?, password: String?) -> Bool {
        guard let username, let password else { return false }
        let a = Array(password.utf8), b = Array(self.password.utf8)
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0 && username == self.username
    }

    /// The username only: the password stays out of logs and error messages.
    public var description: String { "user \(username), password hidden" }
}

/// What the session asks its driver (the transport, or a test) to do.
public enum SessionAction: Sendable {
    /// Write these bytes to the peer (already stored when they are to be kept for resend).
    case send([UInt8])
    /// An application message for the application, in sequence.
    case deliver(FIXMessage)
    /// The messages delivered before this action have been handed to the application: call
    /// ``SessionStateMachine/persistTarget()`` now. Until then the next target MsgSeqNum is
    /// known in memory only, so that after a crash the peer resends what the application may
    /// not have seen: delivery is at least once, and a message that comes again has the
    /// MsgSeqNum the application saw it with.
    case persistTarget
    /// Something the application and the event log should know.
    case event(SessionEvent)
    /// Close the connection.
    case disconnect
}

/// Session events, for the application and the event log.
public enum SessionEvent: Sendable, Equatable {
    /// The session is logged on.
    case loggedOn
    /// The session logged out (the text says why, when there is one).
    case loggedOut(String?)
    /// A received message was rejected (Reject 3, or BusinessMessageReject j when `business`).
    case rejected(refSeqNum: Int, reason: String, business: Bool)
    /// A Logon was refused (unknown or wrong credentials, values out of range, a bad first
    /// message): the text says why. The connection is closed; nothing else about the session
    /// changed. The driver adds the peer's address when it logs it.
    case logonRefused(String)
    /// Anything else worth a line in the event log.
    case note(String)
    /// A Heartbeat answering a TestRequest arrived, with the TestReqID (112) it carries: every
    /// message the peer sent before it has been received (a barrier, see
    /// ``SessionStateMachine/testRequest(id:now:)``).
    case heartbeat(testReqID: String)
}
