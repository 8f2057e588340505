import FIX

/// The settings of one session, as read from a `[SESSION]` section of a settings file and the
/// `[DEFAULT]` section it inherits from (see ``SettingsFile``).
///
/// Each property names its key; `Sessions/README.md` is the full reference. Paths are resolved
/// against the settings file's directory. Every property has the default the file format
/// gives it, so a value made with ``init(sessionID:connectionType:socketConnectPort:socketAcceptPort:)``
/// is what a minimal file would give.
public struct SessionSettings: Sendable, Equatable {
    /// `BeginString` (only `FIX.4.4`), `SenderCompID` (ours) and `TargetCompID` (the
    /// counterparty's). All three identify the session; no two sessions of a file share them.
    public var sessionID: SessionID
    /// `ConnectionType`: `initiator` or `acceptor`. Required.
    public var connectionType: ConnectionType

    // MARK: Connection

    /// `SocketConnectHost`: where an initiator connects. Default `127.0.0.1`.
    public var socketConnectHost: String
    /// `SocketConnectPort`: the port an initiator connects to. Required for an initiator.
    public var socketConnectPort: Int?
    /// `SocketAcceptAddress`: the address an acceptor listens on. Default `127.0.0.1` (this
    /// machine only); `0.0.0.0` listens on every interface.
    public var socketAcceptAddress: String
    /// `SocketAcceptPort`: the port an acceptor listens on. Required for an acceptor. Sessions
    /// of a file may share a port; the Logon's CompIDs pick the session.
    public var socketAcceptPort: Int?
    /// `ReconnectInterval`: seconds an initiator waits before connecting again. Default 30.
    public var reconnectInterval: Int
    /// `SocketNodelay`: disable Nagle's algorithm (TCP_NODELAY). Default Y.
    public var socketNodelay: Bool
    /// `SocketReuseAddress`: set SO_REUSEADDR on the listening socket, so an acceptor can
    /// restart at once. Default Y.
    public var socketReuseAddress: Bool
    /// TLS, when `SocketUseSSL=Y` (default N: plain TCP); nil without TLS.
    public var tls: TLSSettings?
    /// `Username` with the password read from `PasswordFile` (its first line) or the environment
    /// variable `PasswordEnv`: an acceptor requires them on Logon (553, 554), an initiator sends
    /// them. nil (the default): none.
    public var credentials: LogonCredentials?

    // MARK: Session protocol

    /// `HeartBtInt`: the heartbeat interval in seconds an initiator asks for in its Logon (an
    /// acceptor uses the one the Logon carries). Default 30.
    public var heartBtInt: Int
    /// `LogonTimeout`: seconds to wait for the answer to a Logon. Default 10.
    public var logonTimeout: Int
    /// `LogoutTimeout`: seconds to wait for the answer to a Logout before disconnecting.
    /// Default 2.
    public var logoutTimeout: Int
    /// `ResetOnLogon`: start a new sequence (both MsgSeqNums back to 1) at each Logon, and ask
    /// the peer to as well (ResetSeqNumFlag 141=Y). Default N.
    public var resetOnLogon: Bool
    /// `ResetOnLogout`: start a new sequence after a normal Logout. Default N.
    public var resetOnLogout: Bool
    /// `ResetOnDisconnect`: start a new sequence whenever the connection drops. Default N.
    public var resetOnDisconnect: Bool
    /// `RefreshOnLogon`: reload the sequence numbers from the store at each Logon (for a store
    /// shared with a standby process). Default N.
    public var refreshOnLogon: Bool
    /// `ResendRequestChunkSize`: the largest range one ResendRequest asks for; 0 asks for
    /// everything missing at once. Default 0.
    public var resendRequestChunkSize: Int
    /// `CheckLatency`: reject a message whose SendingTime (52) is more than ``maxLatency``
    /// seconds from our clock (SessionRejectReason 10). Default Y.
    public var checkLatency: Bool
    /// `MaxLatency` (or its synonym `SendingTimeAccuracy`): the SendingTime tolerance in seconds
    /// used by ``checkLatency``. Default 120.
    public var maxLatency: Int

    // MARK: Schedule (UTC)

    /// `StartTime`: when the session's daily (or weekly) period begins, UTC. With ``endTime``,
    /// or neither; neither means always in session with no scheduled reset.
    public var startTime: TimeOfDay?
    /// `EndTime`: when the period ends, UTC; before ``startTime`` for a session over midnight.
    public var endTime: TimeOfDay?
    /// `StartDay`: with ``endDay``, makes the period weekly: from StartDay at StartTime to EndDay
    /// at EndTime. Optional; needs StartTime and EndTime.
    public var startDay: Weekday?
    /// `EndDay`: see ``startDay``.
    public var endDay: Weekday?

    /// The schedule ``startTime``, ``endTime``, ``startDay`` and ``endDay`` describe
    /// (``SessionSchedule/always`` for an inconsistent combination, which a file cannot give).
    public var schedule: SessionSchedule {
        SessionSchedule(startTime: startTime, endTime: endTime, startDay: startDay, endDay: endDay) ?? .always
    }

    // MARK: Validation

    /// `DataDictionary`: the dictionary incoming messages are validated against; nil for the
    /// built-in FIX 4.4 dictionary (`DataDictionary.fix44()`).
    public var dataDictionary: String?
    /// `UseDataDictionary`: validate incoming messages against the dictionary. Default Y.
    public var useDataDictionary: Bool
    /// `ValidateFieldsOutOfOrder`, `ValidateFieldsHaveValues`, `ValidateUserDefinedFields`:
    /// which dictionary checks run. Each defaults to Y.
    public var validation: ValidationSettings

    // MARK: Storage and logs

    /// `FileStorePath`: the directory of the session's durable message store; nil for a memory
    /// store (sequence numbers start over when the process does).
    public var fileStorePath: String?
    /// `FileStoreSync`: when the file store calls fsync: `always` (each write), `never`, or at
    /// most every N ms. Default `always`.
    public var fsync: StoreSyncPolicy
    /// `PersistMessages`: keep sent application messages for resending; when N, a
    /// ResendRequest is answered with a gap fill. Default Y.
    public var persistMessages: Bool
    /// `MemoryStoreSize`: without a file store, the most bytes of sent messages the memory
    /// store keeps for resends (older ones get a gap fill). Default 8 MiB.
    public var memoryStoreSize: Int
    /// `FileLogPath`: the directory of the session's message and event logs; nil for none.
    public var fileLogPath: String?
    /// `FileLogCompression`: how the message log is written: `none` (plain text, the default)
    /// or `gzip` (`<name>.messages.log.gz`).
    public var fileLogCompression: LogCompression

    // MARK: Application

    /// `CancelOnDisconnect`: for a venue's acceptor session, cancel the participant's working
    /// orders when it logs out or its connection drops. Default N.
    public var cancelOnDisconnect: Bool

    // MARK: Source

    /// The line of the session's `[SESSION]` header in its settings file (0 when not from a file).
    public var sourceLine: Int

    /// Settings with every default; a port is needed for the connection type to work.
    public init(sessionID: SessionID, connectionType: ConnectionType,
                socketConnectPort: Int? = nil, socketAcceptPort: Int? = nil) {
        self.sessionID = sessionID
        self.connectionType = connectionType
        self.socketConnectHost = "127.0.0.1"
        self.socketConnectPort = socketConnectPort
        self.socketAcceptAddress = "127.0.0.1"
        self.socketAcceptPort = socketAcceptPort
        self.reconnectInterval = 30
        self.socketNodelay = true
        self.socketReuseAddress = true
        self.tls = nil
        self.credentials = nil
        self.heartBtInt = 30
        self.logonTimeout = 10
        self.logoutTimeout = 2
        self.resetOnLogon = false
        self.resetOnLogout = false
        self.resetOnDisconnect = false
        self.refreshOnLogon = false
        self.resendRequestChunkSize = 0
        self.checkLatency = true
        self.maxLatency = 120
        self.startTime = nil
        self.endTime = nil
        self.startDay = nil
        self.endDay = nil
        self.dataDictionary = nil
        self.useDataDictionary = true
        self.validation = ValidationSettings()
        self.fileStorePath = nil
        self.fsync = .always
        self.persistMessages = true
        self.memoryStoreSize = MemoryStore.defaultCapacity
        self.fileLogPath = nil
        self.fileLogCompression = .none
        self.cancelOnDisconnect = false
        self.sourceLine = 0
    }
}
