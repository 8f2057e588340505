import FIX
import FIXSessionCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Serves many sessions on one port: each connection is routed to its session by the CompIDs of
/// its first message, which must be a Logon. A connection whose first message is not a Logon,
/// names an unknown session, or a session that is already connected, is closed without an
/// answer, and the session is not touched. A connection that sends no Logon within
/// ``logonTimeout`` is closed, and at most ``maxPendingConnections`` connections may wait for
/// their Logon at once (a new one pushes the oldest waiting one out): idle connections cannot
/// pile up, nor keep a participant out. Each refusal is logged at warning with the peer's
/// address.
public final class FIXAcceptor: @unchecked Sendable {
    public let sessions: [SessionID: FIXSession]
    private let group: EventLoopGroup
    private let host: String
    private let port: Int
    private let maxMessageSize: Int
    private let tls: NIOSSLContext?
    private let noDelay: Bool
    private let reuseAddress: Bool
    private var channel: Channel?
    /// How long a new connection may take to send its Logon.
    public let logonTimeout: TimeAmount
    /// Most connections waiting for their Logon at once.
    public let maxPendingConnections: Int
    private let logger: Logger
    private let pending = PendingConnections()

    /// An acceptor for `sessions` on `host:port` (port 0: any free port; see ``localPort``),
    /// with TLS when a context is given (see ``FIXTLS/serverContext(_:)``).
    /// `noDelay`: TCP_NODELAY on each connection; `reuseAddress`: SO_REUSEADDR on the listening
    /// socket (a restarted acceptor binds its port at once).
    /// `logonTimeout` and `maxPendingConnections` bound the connections that have not logged on;
    /// refusals go to `logger`.
    public init(sessions: [FIXSession], group: EventLoopGroup, host: String = "127.0.0.1", port: Int,
                maxMessageSize: Int = 1 << 20, tls: NIOSSLContext? = nil, noDelay: Bool = true, reuseAddress: Bool = true,
                logonTimeout: TimeAmount = .seconds(10), maxPendingConnections: Int = 256,
                logger: Logger = Logger(label: "fix.acceptor", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.logonTimeout = logonTimeout
        self.maxPendingConnections = max(maxPendingConnections, 1)
        self.logger = logger
        self.tls = tls
        self.noDelay = noDelay
        self.reuseAddress = reuseAddress
        self.sessions = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) })
        self.group = group
        self.host = host
        self.port = port
        self.maxMessageSize = maxMessageSize
    }

    /// Starts listening.
    public func start() async throws {
        let sessions = self.sessions
        let maxMessageSize = self.maxMessageSize
        let tls = self.tls
        let limits = AcceptorRoutingHandler.Limits(logonTimeout: logonTimeout, maxPending: maxPendingConnections,
                                                   pending: pending, logger: logger, address: "\(host):\(port)")
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: reuseAddress ? 1 : 0)
            .childChannelOption(.socketOption(.tcp_nodelay), value: noDelay ? 1 : 0)
            // Fairness between the sessions of one event loop: a connection is read at most
            // 16 KiB (about 75 orders, 3 ms of work under a flood) a turn, so a peer that floods
            // waits its turn like the others instead of holding the loop for all it has sent.
            // (2 x 32 KiB a turn kept a quiet session's round trip at 12-14 ms p99 beside a
            // 3,000-order flood even without fsync.)
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 16 * 1024))
            .childChannelOption(.writeBufferWaterMark, value: FIXSession.writeBufferWaterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: maxMessageSize)))
                    try channel.pipeline.syncOperations.addHandler(AcceptorRoutingHandler(sessions: sessions, limits: limits))
                }
            }
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw FIXAcceptorError(host: host, port: port, reason: "\(error)")
        }
    }

    /// Connections accepted and not yet logged on (or closed).
    public var pendingConnections: Int { pending.count.load(ordering: .relaxed) }

    /// The port listened on.
    public var localPort: Int? { channel?.localAddress?.port }

    /// Stops listening and logs every connected session out.
    public func stop() async throws {
        for session in sessions.values { session.logout() }
        try await channel?.close()
    }
}

/// A listening socket that could not be opened: the address and port, and the system's reason.
public struct FIXAcceptorError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var reason: String

    public var description: String { "cannot listen on \(host):\(port): \(reason)" }
}

/// An acceptor's connections that have not logged on yet, oldest first.
final class PendingConnections: Sendable {
    private struct State {
        var channels: [UInt64: Channel] = [:]
        var next: UInt64 = 0
    }
    private let state = Mutex(State())
    /// How many wait now.
    let count = Atomic<Int>(0)
    /// Connections closed to make room for newer ones (logged now and then, not each time).
    let evicted = Atomic<Int>(0)

    /// Adds `channel`; returns its ticket, and the oldest connection waiting when there are now
    /// more than `limit` (the caller closes it: a peer that holds idle connections open cannot
    /// keep a participant out, it only pushes its own oldest ones out).
    func add(_ channel: Channel, limit: Int) -> (ticket: UInt64, evict: Channel?) {
        state.withLock { s in
            let ticket = s.next
            s.next += 1
            s.channels[ticket] = channel
            var evict: Channel?
            if s.channels.count > limit, let oldest = s.channels.keys.min() {
                evict = s.channels.removeValue(forKey: oldest)
            }
            count.store(s.channels.count, ordering: .relaxed)
            return (ticket, evict)
        }
    }

    /// The connection of `ticket` no longer waits (logged on, closed, or evicted).
    func remove(_ ticket: UInt64) {
        state.withLock { s in
            s.channels.removeValue(forKey: ticket)
            count.store(s.channels.count, ordering: .relaxed)
        }
    }
}

/// Waits for a connection's first message and hands the connection to the session its CompIDs
/// name, when it is a Logon. Closes the connection when no Logon comes in time.
final class AcceptorRoutingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = FIXFrame
    typealias InboundOut = FIXFrame

    struct Limits: Sendable {
        var logonTimeout: TimeAmount
        var maxPending: Int
        var pending: PendingConnections
        var logger: Logger
        /// The listening address, for the log.
        var address: String
    }

    private let sessions: [SessionID: FIXSession]
    private let limits: Limits
    /// This connection's place among the pending ones, while it waits.
    private var ticket: UInt64?
    private var started = false
    private var timeout: Scheduled<Void>?
    private var peer = "unknown"

    init(sessions: [SessionID: FIXSession], limits: Limits) {
        self.sessions = sessions
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        peer = FIXSession.describe(context.channel.remoteAddress) ?? "unknown"
        let (ticket, evict) = limits.pending.add(context.channel, limit: limits.maxPending)
        self.ticket = ticket
        if let evict {
            // The oldest waiting connection makes room: a new connection that sends its Logon
            // at once is always heard.
            let evicted = limits.pending.evicted.add(1, ordering: .relaxed).newValue
            if evicted == 1 || evicted % 1000 == 0 {
                limits.logger.warning("FIX connection closed: too many connections waiting for their Logon, the oldest goes", metadata: [
                    "listener": "\(limits.address)", "closed": "\(FIXSession.describe(evict.remoteAddress) ?? "unknown")",
                    "pending": "\(limits.maxPending)", "closed_so_far": "\(evicted)",
                ])
            }
            evict.close(promise: nil)
        }
        let channel = context.channel
        let limits = self.limits, peer = self.peer
        timeout = context.eventLoop.scheduleTask(in: limits.logonTimeout) {
            limits.logger.warning("FIX connection closed: no Logon in time", metadata: [
                "listener": "\(limits.address)", "peer": "\(peer)", "timeout": "\(limits.logonTimeout)",
            ])
            channel.close(promise: nil)
        }
    }

    /// The connection no longer waits for its Logon: it logged on, or is gone.
    private func release() {
        timeout?.cancel()
        timeout = nil
        if let ticket {
            self.ticket = nil
            limits.pending.remove(ticket)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func refuse(_ context: ChannelHandlerContext, _ reason: String, session: String? = nil) {
        var metadata: Logger.Metadata = ["listener": "\(limits.address)", "peer": "\(peer)", "reason": "\(reason)"]
        if let session { metadata["session"] = "\(session)" }
        limits.logger.warning("FIX logon refused", metadata: metadata)
        release()
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .message(let buffer) = unwrapInboundIn(data) else {
            // A connection must start with a well-framed Logon.
            refuse(context, "the first message is garbled")
            return
        }
        guard let message = try? FIXMessage(bytes: buffer.readableBytesView) else {
            refuse(context, "the first message cannot be parsed")
            return
        }
        guard message.msgType == "A" else {
            refuse(context, "the first message is not a Logon (MsgType \(message.msgType ?? "missing"))")
            return
        }
        guard let beginString = message.beginString, let theirs = message.string(Tag.senderCompID),
              let ours = message.string(Tag.targetCompID) else {
            refuse(context, "a Logon without BeginString, SenderCompID or TargetCompID")
            return
        }
        let id = SessionID(beginString: beginString, senderCompID: ours, targetCompID: theirs)
        guard let session = sessions[id] else {
            refuse(context, "no such session", session: "\(beginString):\(theirs)->\(ours)")
            return
        }
        let handler = FIXSessionHandler(session: session)
        do {
            try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
        } catch {
            refuse(context, "the connection could not be set up: \(error)")
            return
        }
        release()
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
