import FIX

/// The FIX session protocol for one session, as a state machine: events in (connected, bytes
/// received, a clock tick, an application send, logout, disconnected), actions out
/// (``SessionAction``: send bytes, deliver a message, report an event, disconnect).
///
/// It does no I/O of its own but through its ``MessageStore``, and reads no clock: every event
/// carries the time, so tests drive it with a manual clock and no sockets. The rules follow the
/// FIX 4.4 session protocol as widely used engines implement it: Logon (with
/// ResetSeqNumFlag, HeartBtInt and an authentication hook), heartbeats and TestRequests,
/// ResendRequest and gap fills, SequenceReset, PossDupFlag and OrigSendingTime, SendingTime
/// accuracy, CompID and BeginString checks, Reject and BusinessMessageReject, Logout.
public struct SessionStateMachine {
    public let configuration: SessionConfiguration
    public let store: any MessageStore
    public let dictionary: DataDictionary

    /// Checks a Logon before any state changes: nil accepts it, a text refuses it (the text goes
    /// in the Logout sent before disconnecting).
    public var authenticate: (@Sendable (FIXMessage) -> String?)?
    /// Whether a stored application message may be sent again on a ResendRequest; a veto turns
    /// it into a gap fill.
    public var allowResend: (@Sendable (FIXMessage) -> Bool)?

    private let validator: FIXValidator
    private let encoder: FIXEncoder
    /// The header of ordinary messages, CompIDs encoded once.
    private let standardHeader: FIXSessionHeader

    private enum State: Equatable {
        case disconnected
        /// Connected (acceptor), waiting for the Logon, since the given time.
        case awaitingLogon(since: Int64)
        /// Logon sent (initiator), waiting for the answer since the given time.
        case logonSent(since: Int64)
        case active
        /// Logout sent, waiting for the answer since the given time.
        case logoutSent(since: Int64)
    }

    private var state: State = .disconnected
    /// The heartbeat interval in force, in seconds.
    public private(set) var heartBtInt: Int
    private var lastSent: Int64 = 0
    private var lastReceived: Int64 = 0
    private var testRequestsSent = 0
    /// Messages received ahead of sequence, waiting for the gap to be filled.
    private var queue: [Int: FIXMessage] = [:]
    /// The bytes of the messages in ``queue``.
    private var queuedBytes = 0
    /// Whether queued messages are being processed (see ``processQueued(now:)``).
    private var drainingQueue = false
    /// The range a ResendRequest of ours asked for, until it is satisfied.
    private var resendRange: ClosedRange<Int>?
    private var receivedReset = false
    /// Whether the current connection has logged on (a refused one never does).
    private var loggedOnThisConnection = false
    private var sentReset = false
    private var actions: [SessionAction] = []
    /// Emptied action arrays handed back by the driver (``recycle(_:)``), reused so that a step
    /// allocates no array.
    private var spareActions: [[SessionAction]] = []
    /// The next target MsgSeqNum while it is known in memory only: from the delivery of an
    /// application message until the application has had it (``SessionAction/persistTarget``).
    private var unpersistedTarget: Int?
    /// Whether this step delivered an application message (it then ends with `.persistTarget`).
    private var deliveredInStep = false
    private var message = FIXMessage()

    public init(configuration: SessionConfiguration, store: any MessageStore, dictionary: DataDictionary) {
        self.configuration = configuration
        self.store = store
        self.dictionary = dictionary
        validator = FIXValidator(dictionary: dictionary, settings: configuration.validation)
        encoder = FIXEncoder(beginString: configuration.sessionID.beginString)
        standardHeader = FIXSessionHeader(senderCompID: configuration.sessionID.senderCompID,
                                          targetCompID: configuration.sessionID.targetCompID)
        heartBtInt = configuration.heartBtInt
    }

    // MARK: - State

    /// Whether the session is logged on (Logon exchanged, no Logout sent).
    public var isLoggedOn: Bool { state == .active }

    /// Whether a connection is up (from connected to disconnected).
    public var isConnected: Bool { state != .disconnected }

    /// Next MsgSeqNum we send.
    public var nextSenderMsgSeqNum: Int { store.nextSenderMsgSeqNum }

    /// Next MsgSeqNum we expect.
    public var nextTargetMsgSeqNum: Int { expectedTarget }

    /// The MsgSeqNum expected next: the store's, or one not yet written there (see
    /// ``persistTarget()``).
    private var expectedTarget: Int { unpersistedTarget ?? store.nextTargetMsgSeqNum }

    // MARK: - Events

    /// Whether `now` is inside the session's schedule.
    public func isInSession(_ now: UTCTimestamp) -> Bool {
        configuration.schedule.isInSession(now)
    }

    /// Starts the sequences again when the store's sequence began before the current period of the
    /// schedule (a daily or weekly reset).
    private mutating func resetIfNewPeriod(_ now: UTCTimestamp) {
        if let start = configuration.schedule.sessionStart(containing: now), store.creationTime < start {
            note("New session period: resetting sequence numbers to 1")
            resetStore(now)
        }
    }

    /// A connection is up. An initiator sends its Logon.
    public mutating func connected(now: UTCTimestamp) -> [SessionAction] {
        begin()
        guard isInSession(now) else {
            note("Outside the session's schedule: disconnecting")
            state = .disconnected
            emit(.disconnect)
            return end()
        }
        resetIfNewPeriod(now)
        let t = now.nanosecondsSinceEpoch
        lastReceived = t
        lastSent = t
        testRequestsSent = 0
        queue.removeAll()
        queuedBytes = 0
        resendRange = nil
        switch configuration.role {
        case .acceptor:
            state = .awaitingLogon(since: t)
        case .initiator:
            if configuration.resetOnLogon { resetStore(now) }
            sendLogon(now: now, reset: configuration.resetOnLogon || sentReset)
            state = .logonSent(since: t)
        }
        return end()
    }

    /// The connection is gone.
    public mutating func disconnected(now: UTCTimestamp) -> [SessionAction] {
        begin()
        if wasLoggedOn { emit(.event(.loggedOut(nil))) }
        state = .disconnected
        queue.removeAll()
        queuedBytes = 0
        resendRange = nil
        receivedReset = false
        sentReset = false
        // Only a connection that logged on ends the sequence: a refused one changes nothing.
        if configuration.resetOnDisconnect && loggedOnThisConnection { resetStore(now) }
        loggedOnThisConnection = false
        try? store.flush()
        return end()
    }

    /// A framed message arrived (bytes from `8=` to the CheckSum, as the framer returns them).
    public mutating func received(_ bytes: UnsafeRawBufferPointer, now: UTCTimestamp) -> [SessionAction] {
        begin()
        // Parse into the kept message so its storage is reused from one message to the next.
        var m = message
        message = .placeholder
        defer { message = m }
        do {
            try m.parse(bytes)
        } catch {
            note("Garbled message ignored: \(error)")
            return end()
        }
        process(&m, now: now)
        return end()
    }

    /// A framed message arrived (see ``received(_:now:)-(UnsafeRawBufferPointer,_)``).
    public mutating func received(_ bytes: [UInt8], now: UTCTimestamp) -> [SessionAction] {
        bytes.withUnsafeBytes { received($0, now: now) }
    }

    /// Time passes: heartbeats, TestRequests and the logon, logout and heartbeat timeouts.
    public mutating func tick(now: UTCTimestamp) -> [SessionAction] {
        begin()
        let t = now.nanosecondsSinceEpoch
        let second: Int64 = 1_000_000_000
        switch state {
        case .disconnected:
            break
        case .awaitingLogon(let since), .logonSent(let since):
            if Self.distance(t, since) >= Int64(min(configuration.logonTimeout, Self.maxHeartBtInt)) * second {
                note("Timed out waiting for logon")
                disconnect()
            }
        case .logoutSent(let since):
            if Self.distance(t, since) >= Int64(min(configuration.logoutTimeout, Self.maxHeartBtInt)) * second {
                note("Timed out waiting for logout response")
                disconnect()
            }
        case .active:
            if !isInSession(now) {
                note("The session's schedule has ended: logging out")
                sendLogout(text: "Session schedule ended", now: now)
                break
            }
            guard heartBtInt > 0 else { break }
            // HeartBtInt is at most 2^31 - 1 seconds (see `nextLogon`), so these stay far from
            // overflow: 1.2 x 2 x (2^31 - 1) x 10^9 < 2^63.
            let interval = Int64(min(heartBtInt, Self.maxHeartBtInt)) * second
            let silent = Self.distance(t, lastReceived)
            // TestRequest after HeartBtInt plus 20%; disconnect after a further interval.
            if silent >= (interval + interval / 5) * Int64(min(testRequestsSent, 1) + 1) {
                if testRequestsSent >= 1 {
                    note("Timed out waiting for heartbeat")
                    disconnect()
                    break
                }
                sendAdmin("1", now: now) { $0.append(Tag.testReqID, "TEST") }
                testRequestsSent += 1
                note("Sent test request TEST")
            } else if Self.distance(t, lastSent) >= interval && testRequestsSent == 0 {
                sendAdmin("0", now: now) { _ in }
            }
        }
        return end()
    }

    /// Sends an application message (MsgType and body written by `body`; PossResend=Y when the
    /// application sends again something it may have sent before). It is stored first;
    /// when the session is not logged on it is only stored, and goes out on the peer's
    /// ResendRequest. Returns the actions (the bytes to send when logged on).
    public mutating func send(msgType: String, possResend: Bool = false, now: UTCTimestamp,
                              body: (FIXEncoder) -> Void) throws(StoreError) -> [SessionAction] {
        begin()
        let seq = store.nextSenderMsgSeqNum
        let bytes = build(msgType, seq: seq, now: now, possResend: possResend, body: body)
        if configuration.persistMessages {
            try store.storeSent(seqNum: seq, message: bytes)
        } else {
            try store.setNextSenderMsgSeqNum(seq + 1)
        }
        if state == .active {
            emit(.send(bytes))
            lastSent = now.nanosecondsSinceEpoch
        }
        return end()
    }

    /// Sends a typed application message (see ``send(msgType:now:body:)``).
    public mutating func send(_ body: some FIXMessageBody, now: UTCTimestamp) throws(StoreError) -> [SessionAction] {
        try send(msgType: type(of: body).msgType, now: now) { body.writeBody(into: $0) }
    }

    /// Sends a TestRequest with TestReqID `id` (when logged on). The peer answers with a
    /// Heartbeat carrying `id` once it has processed everything received before
    /// (``SessionEvent/heartbeat(testReqID:)``): a barrier that a venue can wait on.
    public mutating func testRequest(id: String, now: UTCTimestamp) -> [SessionAction] {
        begin()
        if state == .active { sendAdmin("1", now: now) { $0.append(Tag.testReqID, id) } }
        return end()
    }

    /// Sends a Heartbeat now (when logged on): after writes were held back, it shows the peer the
    /// gap, which it then asks for.
    public mutating func heartbeat(now: UTCTimestamp) -> [SessionAction] {
        begin()
        if state == .active { sendAdmin("0", now: now) { _ in } }
        return end()
    }

    /// Starts the Logout handshake (or disconnects when not logged on).
    public mutating func logout(text: String? = nil, now: UTCTimestamp) -> [SessionAction] {
        begin()
        switch state {
        case .active:
            sendLogout(text: text, now: now)
        case .disconnected, .logoutSent:
            break
        case .awaitingLogon, .logonSent:
            disconnect()
        }
        return end()
    }

    /// Writes the next target MsgSeqNum to the store once the application has had the messages
    /// delivered before (the driver calls it when it meets ``SessionAction/persistTarget``).
    /// Returns the actions (a disconnect when the store fails).
    public mutating func persistTarget() -> [SessionAction] {
        begin()
        if let value = unpersistedTarget {
            unpersistedTarget = nil
            setTarget(value)
        }
        return end()
    }

    // MARK: - Processing

    private mutating func process(_ m: inout FIXMessage, now: UTCTimestamp) {
        let msgType = m.msgType ?? ""
        switch state {
        case .disconnected:
            return
        case .awaitingLogon:
            // The first message of a connection must be a Logon; anything else closes the
            // connection without an answer, and without touching the sequence numbers.
            if msgType != "A" {
                refuseSilently("the first message is not a Logon (MsgType \(msgType.isEmpty ? "missing" : msgType))")
                return
            }
        case .logonSent:
            // The answer to our Logon: a Logon, or a Logout refusing it.
            if msgType != "A" && msgType != "5" {
                note("First message is not a Logon: disconnecting")
                disconnect()
                return
            }
        default:
            break
        }

        if m.beginString != configuration.sessionID.beginString {
            if case .awaitingLogon = state {
                refuseSilently("wrong BeginString \(m.beginString ?? "(missing)")")
                return
            }
            if msgType == "5" {
                nextLogout(&m, now: now, verifySequence: false)
            } else {
                sendLogout(text: "Incorrect BeginString", now: now)
                if msgType != "A" { incrementTarget() }
                if case .awaitingLogon = state { disconnect() }
            }
            return
        }

        if configuration.useDataDictionary, let reject = validator.validate(&m) {
            if case .awaitingLogon = state {
                refuseSilently("invalid Logon: \(reject.text)" + (reject.refTagID.map { " (tag \($0))" } ?? ""))
                return
            }
            if msgType == "A" {
                sendLogout(text: reject.text, now: now)
                disconnect()
                return
            }
            sendReject(to: m, reject.reason, tag: reject.refTagID, text: reject.text, now: now)
            return
        }

        switch msgType {
        case "A": nextLogon(&m, now: now)
        case "0": nextHeartbeat(&m, now: now)
        case "1": nextTestRequest(&m, now: now)
        case "2": nextResendRequest(&m, now: now)
        case "3": nextReject(&m, now: now)
        case "4": nextSequenceReset(&m, now: now)
        case "5": nextLogout(&m, now: now, verifySequence: true)
        default: nextApplication(&m, now: now)
        }
    }

    private mutating func nextLogon(_ m: inout FIXMessage, now: UTCTimestamp) {
        if state == .active {
            if m.bool(Tag.resetSeqNumFlag) == true {
                // The peer starts the sequences again without logging out: both sides at 1.
                note("Logon with ResetSeqNumFlag=Y on a logged-on session: resetting sequence numbers to 1")
                resetStore(now)
                guard verify(&m, now: now, checkTooHigh: false, checkTooLow: true) else { return }
                sendLogon(now: now, reset: true, heartBtInt: heartBtInt)
                sentReset = false
                incrementTarget()
                return
            }
            // Any other Logon on a logged-on session: a session-level error, the session goes on.
            sendReject(to: m, .other, tag: nil, text: "Logon received on a logged-on session", now: now)
            return
        }
        if case .awaitingLogon = state {
            // Checked before anything changes: a Logon that fails here leaves the session as it was.
            guard verifyLogonHeader(&m, now: now) else { return }
            if let credentials = configuration.credentials,
               !credentials.matches(username: m.string(Tag.username), password: m.string(Tag.password)) {
                refuse("Invalid username or password", now: now)
                return
            }
        }
        if let authenticate, let refusal = authenticate(m) {
            refuse(refusal, now: now)
            return
        }
        if let value = m.int(Tag.heartBtInt) {
            if value < 0 {
                refuse("HeartBtInt must not be negative", now: now)
                return
            }
            if value > Self.maxHeartBtInt {
                refuse("HeartBtInt must not be greater than \(Self.maxHeartBtInt)", now: now)
                return
            }
        } else if m.has(Tag.heartBtInt) {
            refuse("HeartBtInt is not a whole number of seconds", now: now)
            return
        }
        let resetFlag = m.bool(Tag.resetSeqNumFlag) ?? false
        receivedReset = resetFlag
        if resetFlag {
            note("Logon contains ResetSeqNumFlag=Y, resetting sequence numbers to 1")
            if !sentReset { resetStore(now) }
        }
        if configuration.role == .acceptor && configuration.resetOnLogon && !resetFlag { resetStore(now) }
        guard verify(&m, now: now, checkTooHigh: false, checkTooLow: true) else { return }

        if configuration.role == .acceptor || (receivedReset && !sentReset) {
            heartBtInt = m.int(Tag.heartBtInt) ?? heartBtInt
            note("Received logon request")
            sendLogon(now: now, reset: resetFlag, heartBtInt: heartBtInt)
            note("Responding to logon request")
        } else {
            note("Received logon response")
        }
        state = .active
        loggedOnThisConnection = true
        sentReset = false
        receivedReset = false
        let seq = m.msgSeqNum ?? 0
        if seq > expectedTarget && !resetFlag {
            queueAndRequestResend(m, seq: seq, now: now)
        } else {
            incrementTarget()
        }
        emit(.event(.loggedOn))
        processQueued(now: now)
    }

    private mutating func nextHeartbeat(_ m: inout FIXMessage, now: UTCTimestamp) {
        guard verify(&m, now: now) else { return }
        incrementTarget()
        if let id = m.string(Tag.testReqID), !id.isEmpty { emit(.event(.heartbeat(testReqID: id))) }
        processQueued(now: now)
    }

    private mutating func nextTestRequest(_ m: inout FIXMessage, now: UTCTimestamp) {
        guard verify(&m, now: now) else { return }
        let id = m.string(Tag.testReqID) ?? ""
        sendAdmin("0", now: now) { $0.append(Tag.testReqID, id) }
        incrementTarget()
        processQueued(now: now)
    }

    private mutating func nextReject(_ m: inout FIXMessage, now: UTCTimestamp) {
        guard verify(&m, now: now, checkTooHigh: false, checkTooLow: true) else { return }
        incrementTarget()
        processQueued(now: now)
    }

    private mutating func nextSequenceReset(_ m: inout FIXMessage, now: UTCTimestamp) {
        let gapFill = m.bool(Tag.gapFillFlag) ?? false
        guard verify(&m, now: now, checkTooHigh: gapFill, checkTooLow: gapFill) else { return }
        guard let newSeqNo = m.int(Tag.newSeqNo) else { return }
        guard newSeqNo <= Self.maxSequenceNumber else {
            sendReject(to: m, .valueIncorrect, tag: Tag.newSeqNo, text: nil, now: now)
            return
        }
        let expected = expectedTarget
        note("Received SequenceReset from \(expected) to \(newSeqNo)")
        if newSeqNo > expected {
            setTarget(newSeqNo)
            processQueued(now: now)
        } else if newSeqNo < expected {
            sendReject(to: m, .valueIncorrect, tag: nil, text: nil, now: now)
        }
    }

    private mutating func nextLogout(_ m: inout FIXMessage, now: UTCTimestamp, verifySequence: Bool) {
        if verifySequence {
            guard verify(&m, now: now, checkTooHigh: false, checkTooLow: false) else { return }
        }
        if case .logoutSent = state {
            note("Received logout response")
        } else {
            note("Received logout request")
            sendLogout(text: nil, now: now)
            note("Sending logout response")
        }
        incrementTarget()
        if configuration.resetOnLogout { resetStore(now) }
        emit(.event(.loggedOut(m.string(Tag.text))))
        state = .disconnected
        emit(.disconnect)
    }

    private mutating func nextResendRequest(_ m: inout FIXMessage, now: UTCTimestamp) {
        guard verify(&m, now: now, checkTooHigh: false, checkTooLow: false) else { return }
        // BeginSeqNo 0 (or less) asks from the first message: no message goes out numbered 0.
        let begin = max(m.int(Tag.beginSeqNo) ?? 1, 1)
        var end = m.int(Tag.endSeqNo) ?? 0
        let nextSender = store.nextSenderMsgSeqNum
        note("Received ResendRequest from \(begin) to \(end)")
        if end == 0 || end >= nextSender { end = nextSender - 1 }
        if begin <= end {
            resend(from: begin, through: end, now: now)
        }
        let seq = m.msgSeqNum ?? 0
        if seq == expectedTarget {
            incrementTarget()
            processQueued(now: now)
        }
    }

    private mutating func nextApplication(_ m: inout FIXMessage, now: UTCTimestamp) {
        guard verify(&m, now: now) else { return }
        let msgType = m.msgType ?? ""
        if let supported = configuration.supportedMessageTypes, !supported.contains(msgType) {
            incrementTarget()
            sendBusinessReject(to: m, reason: 3, text: "Unsupported Message Type", now: now)
        } else {
            // At-least-once delivery: the new target number is written to the store only once
            // the application has had the message, so a crash in between brings it back (with
            // its MsgSeqNum, by which the application recognizes it) rather than losing it.
            if unpersistedTarget == nil { unpersistedTarget = store.nextTargetMsgSeqNum }
            deliveredInStep = true
            incrementTarget()
            emit(.deliver(m))
        }
        processQueued(now: now)
    }

    /// The largest HeartBtInt (108) accepted on a Logon, in seconds: FIX's int is 32 bits, and
    /// the timers' arithmetic in nanoseconds stays in range with it.
    public static let maxHeartBtInt = Int(Int32.max)

    /// The largest MsgSeqNum (34) and NewSeqNo (36) accepted: far beyond any real session, and
    /// far enough from `Int.max` that counting on from it cannot overflow.
    public static let maxSequenceNumber = 1 << 53

    /// `a - b`, saturated instead of overflowing (times from the wire span more than 2^63 ns
    /// between the representable years' ends).
    static func distance(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return b < 0 ? .max : .min }
        return d
    }

    /// Whether `sendingTime` is further from `now` than the configured accuracy.
    private func sendingTimeIsOff(_ sendingTime: UTCTimestamp, now: UTCTimestamp) -> Bool {
        guard let accuracy = configuration.sendingTimeAccuracy else { return false }
        let d = Self.distance(now.nanosecondsSinceEpoch, sendingTime.nanosecondsSinceEpoch)
        let limit = Int64(min(max(accuracy, 0), Self.maxHeartBtInt)) * 1_000_000_000
        return d > limit || d < -limit
    }

    /// The header checks of a connection's first message, the Logon (acceptor): a Logon with an
    /// unreadable header, a SendingTime out of the accuracy or CompIDs that are not this session's
    /// closes the connection with nothing sent (FIX: a Logon that fails authentication or these
    /// checks gets no answer). False when the connection is being closed.
    private mutating func verifyLogonHeader(_ m: inout FIXMessage, now: UTCTimestamp) -> Bool {
        guard let sendingTime = m.timestamp(Tag.sendingTime), let seq = m.msgSeqNum,
              let sender = m.string(Tag.senderCompID), let target = m.string(Tag.targetCompID) else {
            refuseSilently("a Logon without a readable header")
            return false
        }
        if sendingTimeIsOff(sendingTime, now: now) {
            refuseSilently("SendingTime \(sendingTime) is off by more than \(configuration.sendingTimeAccuracy ?? 0) s")
            return false
        }
        if sender != configuration.sessionID.targetCompID || target != configuration.sessionID.senderCompID {
            refuseSilently("CompIDs \(sender)->\(target) are not this session's")
            return false
        }
        if seq < 1 || seq > Self.maxSequenceNumber {
            refuseSilently("MsgSeqNum \(seq) out of range")
            return false
        }
        return true
    }

    /// Refuses a Logon without an answer: the connection closes and nothing else changes.
    private mutating func refuseSilently(_ reason: String) {
        emit(.event(.logonRefused(reason + "; disconnecting without an answer")))
        disconnect()
    }

    /// Refuses a Logon with a Logout that says why, then closes the connection. The target
    /// sequence number does not move: the refused message never counted.
    private mutating func refuse(_ reason: String, now: UTCTimestamp) {
        emit(.event(.logonRefused(reason)))
        sendLogout(text: reason, now: now)
        disconnect()
    }

    /// Sequence, time and CompID checks common to every message; false when the message must not
    /// be processed further (the reaction has been emitted).
    private mutating func verify(_ m: inout FIXMessage, now: UTCTimestamp, checkTooHigh: Bool = true,
                                 checkTooLow: Bool = true) -> Bool {
        guard let sendingTime = m.timestamp(Tag.sendingTime), let seq = m.msgSeqNum,
              let sender = m.string(Tag.senderCompID), let target = m.string(Tag.targetCompID) else {
            note("Message without a readable header: disconnecting")
            disconnect()
            return false
        }
        if seq > Self.maxSequenceNumber {
            let text = "MsgSeqNum \(seq) is out of range"
            note(text)
            sendLogout(text: text, now: now)
            disconnect()
            return false
        }
        if sendingTimeIsOff(sendingTime, now: now) {
            sendReject(to: m, .sendingTimeAccuracyProblem, tag: nil, text: nil, now: now)
            sendLogout(text: nil, now: now)
            return false
        }
        if sender != configuration.sessionID.targetCompID || target != configuration.sessionID.senderCompID {
            sendReject(to: m, .compIDProblem, tag: nil, text: nil, now: now)
            sendLogout(text: nil, now: now)
            return false
        }
        let expected = expectedTarget
        if checkTooHigh && seq > expected {
            queueAndRequestResend(m, seq: seq, now: now)
            return false
        }
        if checkTooLow && seq < expected {
            if m.bool(Tag.possDupFlag) == true {
                // A possible duplicate already received: ignored, after the OrigSendingTime rules.
                if m.msgType != "4" {
                    guard let orig = m.timestamp(Tag.origSendingTime) else {
                        sendReject(to: m, .requiredTagMissing, tag: Tag.origSendingTime, text: nil, now: now)
                        return false
                    }
                    if orig > sendingTime {
                        sendReject(to: m, .sendingTimeAccuracyProblem, tag: nil, text: nil, now: now)
                        sendLogout(text: nil, now: now)
                    }
                }
                return false
            }
            let text = "MsgSeqNum too low, expecting \(expected) but received \(seq)"
            note(text)
            sendLogout(text: text, now: now)
            disconnect()
            return false
        }
        if checkTooHigh || checkTooLow, let range = resendRange, seq >= range.upperBound {
            note("ResendRequest for messages from \(range.lowerBound) to \(range.upperBound) has been satisfied")
            resendRange = nil
        }
        lastReceived = now.nanosecondsSinceEpoch
        testRequestsSent = 0
        return true
    }

    /// Keeps a message that came ahead of sequence and asks for the gap (once per gap).
    private mutating func queueAndRequestResend(_ m: FIXMessage, seq: Int, now: UTCTimestamp) {
        let expected = expectedTarget
        note("MsgSeqNum too high, expecting \(expected) but received \(seq)")
        if queue.count >= configuration.maxQueuedMessages || queuedBytes + m.bytes.count > configuration.maxQueuedBytes {
            let text = "Too many messages received ahead of sequence (\(queue.count) held, \(queuedBytes) bytes)"
            note(text)
            sendLogout(text: text, now: now)
            disconnect()
            return
        }
        if let replaced = queue.updateValue(m, forKey: seq) { queuedBytes -= replaced.bytes.count }
        queuedBytes += m.bytes.count
        lastReceived = now.nanosecondsSinceEpoch
        if let range = resendRange, range.contains(expected) {
            note("Already sent ResendRequest from \(range.lowerBound) to \(range.upperBound); not sending another")
            return
        }
        var end = 0
        let chunk = configuration.resendRequestChunkSize
        if chunk > 0 && seq - 1 - expected >= chunk { end = expected + chunk - 1 }
        sendAdmin("2", now: now) {
            $0.append(Tag.beginSeqNo, expected)
            $0.append(Tag.endSeqNo, end)
        }
        resendRange = expected...(end == 0 ? seq - 1 : end)
        note("Sent ResendRequest from \(expected) to \(end)")
    }

    /// Processes queued messages that have become next in sequence. Processing a queued message
    /// comes back here; the loop of the outermost call does the work, so the depth does not grow
    /// with the number of queued messages.
    private mutating func processQueued(now: UTCTimestamp) {
        guard !drainingQueue else { return }
        drainingQueue = true
        defer { drainingQueue = false }
        while state == .active || isLogoutPending {
            let expected = expectedTarget
            guard var q = queue.removeValue(forKey: expected) else { break }
            queuedBytes -= q.bytes.count
            note("Processing queued message \(expected)")
            let msgType = q.msgType ?? ""
            if msgType == "A" || msgType == "2" {
                incrementTarget()
            } else {
                process(&q, now: now)
            }
        }
        // Messages now behind the expected number will never be processed.
        if !queue.isEmpty {
            let expected = expectedTarget
            queue = queue.filter { $0.key > expected }
            queuedBytes = queue.values.reduce(0) { $0 + $1.bytes.count }
        }
    }

    /// The FIX 4.4 session-level message types.
    private static let adminMessageTypes: Set<String> = ["0", "1", "2", "3", "4", "5", "A"]

    private var isLogoutPending: Bool {
        if case .logoutSent = state { return true }
        return false
    }

    // MARK: - Resend

    /// Answers a ResendRequest for `begin...end`: application messages again with PossDupFlag=Y
    /// and OrigSendingTime; admin messages, vetoed messages and missing numbers as gap fills.
    private mutating func resend(from begin: Int, through end: Int, now: UTCTimestamp) {
        var stored: [(seqNum: Int, message: [UInt8])] = []
        if configuration.persistMessages {
            do {
                stored = try store.sentMessages(in: begin...end)
            } catch {
                note("Cannot read the store for a resend: \(error); answering with a gap fill")
            }
        }
        var gapStart: Int? = nil
        var next = begin
        for (seq, bytes) in stored {
            if seq > next && gapStart == nil { gapStart = next }
            next = seq + 1
            guard let original = try? FIXMessage(bytes: bytes) else {
                if gapStart == nil { gapStart = seq }
                continue
            }
            let msgType = original.msgType ?? ""
            let isAdmin = dictionary.message(msgType)?.category == "admin" || Self.adminMessageTypes.contains(msgType)
            if isAdmin || !(allowResend?(original) ?? true) {
                if gapStart == nil { gapStart = seq }
                continue
            }
            if let start = gapStart {
                sendGapFill(seq: start, newSeqNo: seq, now: now)
                gapStart = nil
            }
            emit(.send(possDuplicate(of: original, now: now)))
        }
        if gapStart == nil && next <= end { gapStart = next }
        if let start = gapStart {
            sendGapFill(seq: start, newSeqNo: end + 1, now: now)
        }
        lastSent = now.nanosecondsSinceEpoch
    }

    /// A stored message as it goes out again: PossDupFlag=Y, OrigSendingTime = its SendingTime,
    /// SendingTime now; everything else as it was.
    private func possDuplicate(of original: FIXMessage, now: UTCTimestamp) -> [UInt8] {
        var header: [(tag: Int, value: [UInt8])] = []
        var body: [(tag: Int, value: [UInt8])] = []
        var origSendingTime: [UInt8] = []
        for field in original.fields {
            let tag = Int(field.tag)
            let value = original.withValue(field) { Array($0) }
            switch tag {
            case Tag.beginString, Tag.bodyLength, Tag.msgType, Tag.checkSum, Tag.possDupFlag, Tag.origSendingTime:
                continue
            case Tag.sendingTime:
                origSendingTime = value
            default:
                if dictionary.isHeaderField(tag) { header.append((tag, value)) } else { body.append((tag, value)) }
            }
        }
        header.append((Tag.possDupFlag, Array("Y".utf8)))
        // OrigSendingTime is the first SendingTime, as it was written.
        header.append((Tag.origSendingTime, origSendingTime))
        var sendingTime: [UInt8] = []
        now.write(into: &sendingTime, fractionDigits: 3)
        header.append((Tag.sendingTime, sendingTime))
        header.sort { $0.tag < $1.tag }
        encoder.start(msgType: original.msgType ?? "")
        for (tag, value) in header { encoder.append(tag, bytes: value) }
        for (tag, value) in body { encoder.append(tag, bytes: value) }
        return Array(encoder.finish())
    }

    // MARK: - Sending

    private mutating func begin() {
        if actions.capacity == 0, let spare = spareActions.popLast() { actions = spare }
        actions.removeAll(keepingCapacity: true)
        deliveredInStep = false
    }

    private mutating func end() -> [SessionAction] {
        if deliveredInStep {
            deliveredInStep = false
            emit(.persistTarget)
        }
        let result = actions
        actions = []
        return result
    }

    /// Hands back an action array a step returned, once the driver has performed it: its storage
    /// serves a later step (steps then allocate no array). Optional.
    public mutating func recycle(_ performed: consuming [SessionAction]) {
        guard spareActions.count < 8 else { return }
        var buffer = performed
        buffer.removeAll(keepingCapacity: true)
        spareActions.append(buffer)
    }

    private mutating func emit(_ action: SessionAction) { actions.append(action) }

    private mutating func note(_ text: String) { emit(.event(.note(text))) }

    /// Whether the session is logged on, or was until it sent a Logout not yet answered: its end
    /// is a logout the application hears of.
    private var wasLoggedOn: Bool {
        switch state {
        case .active: true
        case .logoutSent: loggedOnThisConnection
        default: false
        }
    }

    private mutating func disconnect() {
        if wasLoggedOn { emit(.event(.loggedOut(nil))) }
        state = .disconnected
        emit(.disconnect)
    }

    private func header(seq: Int, now: UTCTimestamp, possDup: Bool = false, possResend: Bool = false,
                        origSendingTime: UTCTimestamp? = nil) -> FIXHeader {
        FIXHeader(senderCompID: configuration.sessionID.senderCompID, targetCompID: configuration.sessionID.targetCompID,
                  msgSeqNum: seq, sendingTime: now, possDupFlag: possDup ? true : nil,
                  possResend: possResend ? true : nil, origSendingTime: origSendingTime)
    }

    private func build(_ msgType: String, seq: Int, now: UTCTimestamp, possDup: Bool = false, possResend: Bool = false,
                       origSendingTime: UTCTimestamp? = nil, routeBackTo received: FIXMessage? = nil,
                       body: (FIXEncoder) -> Void) -> [UInt8] {
        encoder.start(msgType: msgType)
        if !possDup && !possResend && origSendingTime == nil && received == nil {
            // The common case, every order and report: the header without building one.
            standardHeader.write(msgSeqNum: seq, sendingTime: now, into: encoder)
            body(encoder)
            return Array(encoder.finish())
        }
        var h = header(seq: seq, now: now, possDup: possDup, possResend: possResend, origSendingTime: origSendingTime)
        if let received {
            // Reverse route: the answer goes back through the parties the message came through.
            func routing(_ tag: Int) -> String? {
                guard let value = received.string(tag), !value.isEmpty else { return nil }
                return value
            }
            h.deliverToCompID = routing(Tag.onBehalfOfCompID)
            h.deliverToSubID = routing(Tag.onBehalfOfSubID)
            h.deliverToLocationID = routing(Tag.onBehalfOfLocationID)
            h.onBehalfOfCompID = routing(Tag.deliverToCompID)
            h.onBehalfOfSubID = routing(Tag.deliverToSubID)
            h.onBehalfOfLocationID = routing(Tag.deliverToLocationID)
        }
        h.write(into: encoder)
        body(encoder)
        return Array(encoder.finish())
    }

    /// Sends an admin message with the next sequence number, storing it when messages persist.
    private mutating func sendAdmin(_ msgType: String, now: UTCTimestamp, routeBackTo received: FIXMessage? = nil,
                                    body: (FIXEncoder) -> Void) {
        let seq = store.nextSenderMsgSeqNum
        let bytes = build(msgType, seq: seq, now: now, routeBackTo: received, body: body)
        do {
            if configuration.persistMessages {
                try store.storeSent(seqNum: seq, message: bytes)
            } else {
                try store.setNextSenderMsgSeqNum(seq + 1)
            }
        } catch {
            note("Store failed: \(error); disconnecting")
            disconnect()
            return
        }
        emit(.send(bytes))
        lastSent = now.nanosecondsSinceEpoch
    }

    private mutating func sendLogon(now: UTCTimestamp, reset: Bool, heartBtInt: Int? = nil) {
        let interval = heartBtInt ?? configuration.heartBtInt
        if reset { sentReset = true }
        let role = configuration.role, credentials = configuration.credentials
        sendAdmin("A", now: now) {
            $0.append(Tag.encryptMethod, 0)
            $0.append(Tag.heartBtInt, interval)
            if reset { $0.append(Tag.resetSeqNumFlag, true) }
            if role == .initiator, let credentials {
                $0.append(Tag.username, credentials.username)
                $0.append(Tag.password, credentials.password)
            }
        }
    }

    private mutating func sendLogout(text: String?, now: UTCTimestamp) {
        sendAdmin("5", now: now) { e in
            if let text { e.append(Tag.text, text) }
        }
        if state != .disconnected { state = .logoutSent(since: now.nanosecondsSinceEpoch) }
    }

    private mutating func sendGapFill(seq: Int, newSeqNo: Int, now: UTCTimestamp) {
        let bytes = build("4", seq: seq, now: now, possDup: true, origSendingTime: now) {
            $0.append(Tag.newSeqNo, newSeqNo)
            $0.append(Tag.gapFillFlag, true)
        }
        emit(.send(bytes))
        note("Sent SequenceReset (gap fill) from \(seq) to \(newSeqNo)")
    }

    /// Reject (3) of a received message; the target sequence number moves past it when it was the
    /// one expected (not for Logon and SequenceReset).
    private mutating func sendReject(to m: FIXMessage, _ reason: SessionRejectReason, tag: Int?, text: String?,
                                     now: UTCTimestamp) {
        let seq = m.msgSeqNum ?? 0
        let msgType = m.msgType
        let text = text ?? reason.text
        sendAdmin("3", now: now, routeBackTo: m) { e in
            e.append(Tag.refSeqNum, seq)
            e.append(Tag.text, text)
            if let tag { e.append(Tag.refTagID, tag) }
            if let msgType { e.append(Tag.refMsgType, msgType) }
            e.append(Tag.sessionRejectReason, reason.rawValue)
        }
        emit(.event(.rejected(refSeqNum: seq, reason: text, business: false)))
        if msgType != "A" && msgType != "4" && seq == expectedTarget {
            incrementTarget()
            processQueued(now: now)
        }
    }

    private mutating func sendBusinessReject(to m: FIXMessage, reason: Int, text: String, now: UTCTimestamp) {
        let seq = m.msgSeqNum ?? 0
        let msgType = m.msgType ?? ""
        sendAdmin("j", now: now, routeBackTo: m) { e in
            e.append(Tag.refSeqNum, seq)
            e.append(Tag.text, text)
            e.append(Tag.refMsgType, msgType)
            e.append(Tag.businessRejectReason, reason)
        }
        emit(.event(.rejected(refSeqNum: seq, reason: text, business: true)))
    }

    // MARK: - Store

    private mutating func incrementTarget() {
        setTarget(expectedTarget + 1)
    }

    private mutating func setTarget(_ value: Int) {
        // Behind an application message not yet handed over, the number waits with it.
        if unpersistedTarget != nil {
            unpersistedTarget = value
            return
        }
        do {
            try store.setNextTargetMsgSeqNum(value)
        } catch {
            note("Store failed: \(error); disconnecting")
            disconnect()
        }
    }

    private mutating func resetStore(_ now: UTCTimestamp) {
        unpersistedTarget = nil
        do {
            try store.reset(at: now)
        } catch {
            note("Store reset failed: \(error); disconnecting")
            disconnect()
        }
    }
}
