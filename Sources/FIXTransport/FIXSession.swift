import FIX
import FIXSessionCore
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an application gets from its sessions. Called on the session's event loop.
public protocol FIXApplication: AnyObject {
    /// A session event: logged on, logged out, a message rejected, a note for the event log.
    func onEvent(_ event: SessionEvent, session: FIXSession)
    /// An application message, in sequence.
    func fromApp(_ message: FIXMessage, session: FIXSession)
}

/// The wall clock as a ``UTCTimestamp``.
public func systemNow() -> UTCTimestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return UTCTimestamp(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec), fractionDigits: 3)
}

/// A FIX session on an event loop: the session state machine with its store and log, and the
/// connection it has now, if any. It outlives connections (the acceptor keeps one per configured
/// session; the initiator reconnects it).
///
/// Everything it holds is touched only on its event loop; the public methods may be called from
/// anywhere and hop there.
public final class FIXSession: @unchecked Sendable {
    public let id: SessionID
    public let eventLoop: EventLoop
    private var machine: SessionStateMachine
    private let log: any SessionLog
    private let application: (any FIXApplication)?
    private var channel: Channel?
    private var timer: RepeatedTask?
    private let clock: @Sendable () -> UTCTimestamp
    /// Whether the connection takes more writes (NIO's outbound buffer is under its high mark).
    private var writable = true
    /// When the connection stopped taking writes.
    private var unwritableSince: NIODeadline?
    /// How long a peer may leave the connection unwritable (not reading) before it is dropped.
    public let stalledWriteTimeout: TimeAmount
    /// Messages not written because the peer was not reading (they are in the store, and the peer
    /// gets them back by ResendRequest).
    public private(set) var skippedWrites = 0
    /// Times the connection stopped reading because the peer sent faster than the session
    /// processed (see ``FIXSessionHandler``).
    public private(set) var inboundPauses = 0
    /// Messages received on the session's connections (every framed message, admin ones
    /// included). Read on the event loop.
    @exclusivity(unchecked) public private(set) var messagesReceived = 0
    /// Messages written to the session's connections (every message, admin ones and resends
    /// included; not those held back, see ``skippedWrites``). Read on the event loop.
    @exclusivity(unchecked) public private(set) var messagesSent = 0

    /// What a connection may hold unwritten for a peer: above the high mark it counts as not
    /// reading, and the session holds writes back until it drops under the low mark.
    public static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 256 * 1024, high: 1024 * 1024)

    /// How often timers (heartbeats, timeouts) are checked.
    public static let tickInterval = TimeAmount.milliseconds(200)

    /// Forces the store's and the log's writes to disk off the event loop; nil: the store syncs
    /// inline, as its policy says.
    private let committer: GroupCommit?
    /// The store, when its syncs are the committer's.
    private let storeSync: (any SyncSource)?
    /// The log, when its files are synced with the store's.
    private let logSync: (any SyncSource)?
    /// The application's files synced with the store's (``addSyncSource(_:)``).
    private var appSync: [any SyncSource] = []
    /// Messages written by the session and held until the writes before them are on disk
    /// (``StoreSyncPolicy/always`` with a committer), oldest first from `heldStart`.
    private var held: [ByteBuffer] = []
    private var heldStart = 0
    /// For each commit requested and not yet done, in order: how many held messages it releases.
    private var releases: [Int] = []
    private var releasesStart = 0
    /// Held messages not yet counted in a release.
    private var unsegmented = 0
    /// A disconnect waits for the held messages (a Logout before the close).
    private var closeAfterRelease = false
    /// When the last interval sync was requested (``StoreSyncPolicy/interval(milliseconds:)``).
    private var lastIntervalSync = NIODeadline.now()
    private let syncInterval: TimeAmount?
    /// Whether messages wait for their sync before they leave (``StoreSyncPolicy/always`` with a
    /// committer).
    private let gated: Bool
    /// Whether the store survives a crash (a ``FileStore``): then the log is handed to the
    /// operating system at the end of each burst, before what was written leaves, so a crash of
    /// the process loses no line of what the peer got. (A memory store promises nothing; its log
    /// is written in large blocks.)
    private let logFollowsStore: Bool

    /// A session driving `machine` on `eventLoop`. With a `committer`, a ``FileStore`` (and a
    /// ``FileLog``) is synced by it, off the event loop: under ``StoreSyncPolicy/always`` each
    /// message is held until a sync that covers everything written before it has completed, so
    /// nothing leaves before it is durable, and no event loop waits on the disk; under
    /// ``StoreSyncPolicy/interval(milliseconds:)`` a sync is requested once an interval and
    /// nothing waits for it. With a file store, whatever the committer, the log is handed to the
    /// operating system before anything written with it leaves.
    public init(machine: SessionStateMachine, log: any SessionLog, application: (any FIXApplication)?,
                eventLoop: EventLoop, stalledWriteTimeout: TimeAmount = .seconds(10),
                committer: GroupCommit? = nil,
                clock: @escaping @Sendable () -> UTCTimestamp = systemNow) {
        id = machine.configuration.sessionID
        self.stalledWriteTimeout = stalledWriteTimeout
        self.machine = machine
        self.log = log
        self.application = application
        self.eventLoop = eventLoop
        self.clock = clock
        logFollowsStore = machine.store is FileStore
        if let committer, let store = machine.store as? FileStore, store.sync != .never {
            store.syncExternally = true
            self.committer = committer
            storeSync = store
            logSync = log as? any SyncSource
            if case .interval(let ms) = store.sync { syncInterval = .milliseconds(Int64(max(ms, 0))) } else { syncInterval = nil }
            gated = store.syncBeforeSend
        } else {
            gated = false
            self.committer = nil
            storeSync = nil
            logSync = nil
            syncInterval = nil
        }
    }


    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    // MARK: - Connection events (from the channel handler)

    /// Attaches a new connection; false when the session already has one (a second connection
    /// for a session is refused).
    func attach(_ channel: Channel) -> Bool {
        eventLoop.assertInEventLoop()
        guard self.channel == nil else {
            log.onEvent("Second connection refused: the session already has one", at: clock())
            return false
        }
        self.channel = channel
        writable = channel.isWritable
        unwritableSince = nil
        log.onEvent("Connected to \(channel.remoteAddress.map { "\($0)" } ?? "peer")", at: clock())
        perform(machine.connected(now: clock()))
        timer = eventLoop.scheduleRepeatedTask(initialDelay: Self.tickInterval, delay: Self.tickInterval) { [weak self] _ in
            guard let self else { return }
            self.perform(self.machine.tick(now: self.clock()))
            self.checkStalledWrites()
        }
        return true
    }

    /// The connection's writability changed (the peer reads again, or has stopped reading).
    func writabilityChanged(_ isWritable: Bool, on channel: Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        writable = isWritable
        if isWritable {
            if unwritableSince != nil && skippedWrites > 0 {
                // The peer reads again: a Heartbeat shows it the gap left by the held-back
                // messages, and its ResendRequest brings them back from the store.
                perform(machine.heartbeat(now: clock()))
            }
            unwritableSince = nil
        } else if unwritableSince == nil {
            unwritableSince = .now()
            log.onEvent("The peer is not reading: holding back writes", at: clock())
        }
    }

    /// A peer that leaves the connection unwritable too long is dropped; what it missed is in the
    /// store.
    private func checkStalledWrites() {
        guard let since = unwritableSince, NIODeadline.now() - since > stalledWriteTimeout else { return }
        log.onEvent("The peer has not read for too long: disconnecting", at: clock())
        unwritableSince = nil
        channel?.close(promise: nil)
    }

    /// The connection stopped reading for a while: the session is behind a peer that floods.
    func inboundPaused(on channel: Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        inboundPauses += 1
        if inboundPauses == 1 || inboundPauses % 1000 == 0 {
            log.onEvent("The peer sends faster than the session processes: reading paused (\(inboundPauses) times)", at: clock())
        }
    }

    func received(_ buffer: ByteBuffer, from channel: Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        messagesReceived += 1
        let now = clock()
        buffer.withUnsafeReadableBytes { bytes in
            log.onIncoming(bytes, at: now)
            // With a durable store the line reaches the operating system before the store moves
            // past the message: a crash cannot leave a message counted as received but unlogged.
            if logFollowsStore { log.flush() }
            perform(machine.received(bytes, now: now))
        }
    }

    func garbled(_ garbled: FIXFramer.Garbled, from channel: Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        log.onEvent("Garbled data ignored at byte \(garbled.offset) (\(garbled.length) bytes): \(garbled)", at: clock())
    }

    func detached(_ channel: Channel) {
        eventLoop.assertInEventLoop()
        guard channel === self.channel else { return }
        self.channel = nil
        timer?.cancel()
        timer = nil
        // Held messages are in the store: the next connection gets them by ResendRequest. The
        // commits in flight still come back, and release nothing.
        held.removeAll()
        heldStart = 0
        for i in releasesStart..<releases.count { releases[i] = 0 }
        unsegmented = 0
        closeAfterRelease = false
        perform(machine.disconnected(now: clock()))
        log.onEvent("Disconnected", at: clock())
        log.flush()
    }

    // MARK: - Application calls

    /// Whether the session is logged on. Read on the event loop.
    public var isLoggedOn: Bool {
        eventLoop.assertInEventLoop()
        return machine.isLoggedOn
    }

    /// The address of the connected peer (`IP:port`), nil without a connection. Read on the
    /// event loop.
    public var peerAddress: String? {
        eventLoop.assertInEventLoop()
        return channel.flatMap { FIXSession.describe($0.remoteAddress) }
    }

    /// `IP:port` of a socket address.
    static func describe(_ address: SocketAddress?) -> String? {
        guard let address else { return nil }
        if let ip = address.ipAddress, let port = address.port { return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
        return "\(address)"
    }

    /// Whether the session has a connection. Read on the event loop.
    public var isConnected: Bool {
        eventLoop.assertInEventLoop()
        return channel != nil
    }

    /// Sends an application message: it is stored, then queued for the peer. The future
    /// succeeds once both are done (or fails with the store's error).
    public func send(msgType: String, possResend: Bool = false, body: @escaping @Sendable (FIXEncoder) -> Void) -> EventLoopFuture<Void> {
        if eventLoop.inEventLoop {
            do {
                try write(msgType: msgType, possResend: possResend, body: body)
                return eventLoop.makeSucceededVoidFuture()
            } catch {
                return eventLoop.makeFailedFuture(error)
            }
        }
        let promise = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            do {
                try self.write(msgType: msgType, possResend: possResend, body: body)
                promise.succeed(())
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    /// Sends a typed application message (see ``send(msgType:possResend:body:)``).
    public func send<M: FIXMessageBody>(_ message: M) -> EventLoopFuture<Void> {
        send(msgType: M.msgType) { message.writeBody(into: $0) }
    }

    /// Sends an application message from the session's event loop: it is stored and queued when
    /// this returns (the hot path: no future, no closure kept). Messages sent while the session
    /// handles an incoming message go out together, in one write, once it has been handled.
    /// Within ``batch(_:)`` the message takes the batch's SendingTime.
    public func write(msgType: String, possResend: Bool = false, body: (FIXEncoder) -> Void) throws(StoreError) {
        eventLoop.preconditionInEventLoop()
        let now = batchTime ?? clock()
        // The message's own SendingTime stamps its log line too: one clock read per message (none
        // within a batch).
        sendTime = now
        defer { sendTime = nil }
        perform(try machine.send(msgType: msgType, possResend: possResend, now: now, body: body))
    }

    /// Runs `body` on the session's event loop with one clock reading for every message it
    /// writes with ``write(msgType:possResend:body:)``: a burst of orders that answers one event
    /// carries one SendingTime (the clock is read once, not once per message). `sendingTime`,
    /// when given, is that time instead: a clock reading the caller already took for the event
    /// it answers, so that the clock is not read again. Batches nest; the outermost one sets the
    /// time.
    public func batch<T, E: Error>(sendingTime: UTCTimestamp? = nil, _ body: () throws(E) -> T) throws(E) -> T {
        eventLoop.preconditionInEventLoop()
        guard batchTime == nil else { return try body() }
        batchTime = sendingTime ?? clock()
        defer { batchTime = nil }
        return try body()
    }

    /// Sends a typed application message from the session's event loop (see
    /// ``write(msgType:possResend:body:)``).
    public func write<M: FIXMessageBody>(_ message: M) throws(StoreError) {
        try write(msgType: M.msgType) { message.writeBody(into: $0) }
    }

    /// Writes a line of the application's to the session's event log (risk denials, for one).
    public func logEvent(_ text: String) {
        onLoop { self.log.onEvent(text, at: self.clock()) }
    }

    /// Sends a TestRequest with TestReqID `id`; the application hears of the answering Heartbeat
    /// as ``SessionEvent/heartbeat(testReqID:)``.
    public func testRequest(id: String) {
        onLoop { self.perform(self.machine.testRequest(id: id, now: self.clock())) }
    }

    /// Starts the Logout handshake.
    public func logout(text: String? = nil) {
        onLoop { self.perform(self.machine.logout(text: text, now: self.clock())) }
    }

    /// Drops the connection at once, without a Logout (an operator's last resort, and a way to
    /// test recovery). The session keeps its sequence numbers; the next connection recovers any
    /// gap by ResendRequest.
    public func disconnect() {
        onLoop {
            self.log.onEvent("Disconnecting without logout", at: self.clock())
            self.channel?.close(promise: nil)
        }
    }

    /// The next sequence numbers (sender, target), read on the event loop.
    public func sequenceNumbers() -> EventLoopFuture<(sender: Int, target: Int)> {
        eventLoop.submit { (self.machine.nextSenderMsgSeqNum, self.machine.nextTargetMsgSeqNum) }
    }

    // MARK: - Actions

    /// How deep `perform` is nested (an application sending while it handles a message).
    private var performDepth = 0
    /// The time ``write(msgType:possResend:body:)`` read for the message it is sending, for that
    /// message's log line (its first `.send` action); nil otherwise.
    private var sendTime: UTCTimestamp?
    /// The SendingTime of the messages written inside ``batch(_:)``; nil outside one.
    private var batchTime: UTCTimestamp?
    /// Messages written by this burst of work, not flushed yet: flushed once, when the
    /// outermost `perform` ends (one system call for a burst: a resend, queued messages released
    /// by a gap fill, the orders an application sends while handling a message).
    private var unflushed = false

    private func perform(_ actions: consuming [SessionAction]) {
        performDepth += 1
        defer {
            performDepth -= 1
            if performDepth == 0 { endBurst() }
        }
        for index in actions.indices {
            switch actions[index] {
            case .send(let bytes):
                let now = sendTime ?? clock()
                sendTime = nil
                log.onOutgoing(bytes, at: now)
                if let channel {
                    if gated {
                        // Leaves once what was written before it is on disk (see `endBurst`).
                        var buffer = channel.allocator.buffer(capacity: bytes.count)
                        buffer.writeBytes(bytes)
                        held.append(buffer)
                        unsegmented += 1
                        continue
                    }
                    // Back-pressure: while the peer does not read, nothing more is buffered for
                    // it; the message is in the store and goes out again on its ResendRequest.
                    guard writable else {
                        skippedWrites += 1
                        continue
                    }
                    var buffer = channel.allocator.buffer(capacity: bytes.count)
                    buffer.writeBytes(bytes)
                    channel.write(buffer, promise: nil)
                    messagesSent += 1
                    unflushed = true
                }
            case .deliver(let message):
                application?.fromApp(message, session: self)
            case .persistTarget:
                perform(machine.persistTarget())
            case .event(let event):
                switch event {
                case .note(let text): log.onEvent(text, at: clock())
                case .logonRefused(let reason): log.onEvent("Logon refused from \(peerAddress ?? "an unknown peer"): \(reason)", at: clock())
                default: break
                }
                application?.onEvent(event, session: self)
            case .disconnect:
                // What was written goes out first (a Logout before the close).
                if gated && channel != nil && (unsegmented > 0 || releasesStart < releases.count) {
                    closeAfterRelease = true
                    continue
                }
                if unflushed {
                    unflushed = false
                    channel?.flush()
                }
                channel?.close(promise: nil)
            }
        }
        machine.recycle(actions)
    }

    // MARK: - Durability

    /// Makes an application's file (a ``RecordJournal``) durable with the session's store: under
    /// ``StoreSyncPolicy/always`` each message waits until what `source` wrote before it is on
    /// disk too, synced by the session's group commit; under an interval it is synced with the
    /// store. Without a committer (a memory store, or `never`) nothing is synced: the
    /// application hands its writes to the system itself before it sends. Call on the event loop.
    public func addSyncSource(_ source: any SyncSource) {
        eventLoop.assertInEventLoop()
        guard !appSync.contains(where: { $0 === source }) else { return }
        appSync.append(source)
    }

    /// The end of a burst of work (an incoming message handled, an application's send): the log
    /// goes to the operating system, then the messages written go out, at once or once their
    /// sync is done.
    private func endBurst() {
        if logFollowsStore { log.flush() }
        guard let committer, let storeSync else {
            flushChannel()
            return
        }
        var targets: [SyncTarget] = []
        if gated {
            storeSync.takeUnsynced(into: &targets)
            logSync?.takeUnsynced(into: &targets)
            for source in appSync { source.takeUnsynced(into: &targets) }
            if !targets.isEmpty {
                releases.append(unsegmented)
                unsegmented = 0
                committer.sync(targets, owner: ObjectIdentifier(self)) { [weak self] error in
                    guard let self else { return }
                    self.eventLoop.execute { self.committed(error) }
                }
            } else if releasesStart == releases.count {
                // Nothing written before these is waiting for the disk.
                let n = unsegmented
                unsegmented = 0
                release(n)
            } else {
                // They follow messages still waiting: they leave with them.
                releases[releases.count - 1] += unsegmented
                unsegmented = 0
            }
            return
        }
        flushChannel()
        if let syncInterval, NIODeadline.now() - lastIntervalSync >= syncInterval {
            lastIntervalSync = .now()
            storeSync.takeUnsynced(into: &targets)
            logSync?.takeUnsynced(into: &targets)
            for source in appSync { source.takeUnsynced(into: &targets) }
            if !targets.isEmpty {
                committer.sync(targets) { [weak self] error in
                    guard let self, let error else { return }
                    self.eventLoop.execute { self.syncFailed(error) }
                }
            }
        }
    }

    private func flushChannel() {
        if unflushed {
            unflushed = false
            channel?.flush()
        }
    }

    /// A commit requested by ``endBurst()`` is done: its messages leave (or, when the sync
    /// failed, the session stops: the store can no longer be trusted).
    private func committed(_ error: StoreError?) {
        eventLoop.assertInEventLoop()
        guard releasesStart < releases.count else { return }
        let n = releases[releasesStart]
        releasesStart += 1
        if releasesStart == releases.count {
            releases.removeAll(keepingCapacity: true)
            releasesStart = 0
        }
        if let error {
            syncFailed(error)
            return
        }
        release(n)
        if closeAfterRelease && releasesStart == releases.count && unsegmented == 0 {
            closeAfterRelease = false
            channel?.close(promise: nil)
        }
    }

    /// Writes the `n` oldest held messages to the connection and flushes it.
    private func release(_ n: Int) {
        guard n > 0 else { return }
        let end = min(heldStart + n, held.count)
        if let channel {
            for i in heldStart..<end {
                // Back-pressure: while the peer does not read, nothing more is buffered for it;
                // the message is in the store and goes out again on its ResendRequest.
                if writable {
                    channel.write(held[i], promise: nil)
                    messagesSent += 1
                } else {
                    skippedWrites += 1
                }
            }
            channel.flush()
        }
        heldStart = end
        if heldStart == held.count {
            held.removeAll(keepingCapacity: true)
            heldStart = 0
        } else if heldStart >= 1024 && heldStart * 2 >= held.count {
            held.removeFirst(heldStart)
            heldStart = 0
        }
    }

    /// A sync failed: nothing more leaves, and the connection closes. The store refuses every
    /// later write, so the session cannot log on again until the process is restarted with a
    /// sound disk.
    private func syncFailed(_ error: StoreError) {
        storeSync?.syncFailed(error)
        for source in appSync { source.syncFailed(error) }
        log.onEvent("Sync to disk failed: \(error); disconnecting", at: clock())
        application?.onEvent(.note("Sync to disk failed: \(error)"), session: self)
        held.removeAll()
        heldStart = 0
        unsegmented = 0
        for i in releasesStart..<releases.count { releases[i] = 0 }
        channel?.close(promise: nil)
    }
}
