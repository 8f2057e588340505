import FIX
import FIXSession
import NIOCore
import NIOPosix
import NIOSSL

/// Serves many sessions on one port: each connection is routed to its session by the CompIDs of
/// its first message (the Logon). A connection for an unknown session, or for a session that is
/// already connected, is closed.
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

    /// An acceptor for `sessions` on `host:port` (port 0: any free port; see ``localPort``),
    /// with TLS when a context is given (see ``FIXTLS/serverContext(_:)``).
    /// `noDelay`: TCP_NODELAY on each connection; `reuseAddress`: SO_REUSEADDR on the listening
    /// socket (a restarted acceptor binds its port at once).
    public init(sessions: [FIXSession], group: EventLoopGroup, host: String = "127.0.0.1", port: Int,
                maxMessageSize: Int = 1 << 20, tls: NIOSSLContext? = nil, noDelay: Bool = true, reuseAddress: Bool = true) {
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
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: reuseAddress ? 1 : 0)
            .childChannelOption(.socketOption(.tcp_nodelay), value: noDelay ? 1 : 0)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: FIXSession.writeBufferWaterMark)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: maxMessageSize)))
                    try channel.pipeline.syncOperations.addHandler(AcceptorRoutingHandler(sessions: sessions))
                }
            }
        channel = try await bootstrap.bind(host: host, port: port).get()
    }

    /// The port listened on.
    public var localPort: Int? { channel?.localAddress?.port }

    /// Stops listening and logs every connected session out.
    public func stop() async throws {
        for session in sessions.values { session.logout() }
        try await channel?.close()
    }
}

/// Waits for a connection's first message and hands the connection to the session its CompIDs
/// name.
final class AcceptorRoutingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = FIXFrame
    typealias InboundOut = FIXFrame

    private let sessions: [SessionID: FIXSession]

    init(sessions: [SessionID: FIXSession]) {
        self.sessions = sessions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .message(let buffer) = unwrapInboundIn(data) else {
            // A connection must start with a well-framed Logon.
            context.close(promise: nil)
            return
        }
        let message = try? FIXMessage(bytes: buffer.readableBytesView)
        guard let message, let beginString = message.beginString, let theirs = message.string(Tag.senderCompID),
              let ours = message.string(Tag.targetCompID),
              let session = sessions[SessionID(beginString: beginString, senderCompID: ours, targetCompID: theirs)] else {
            context.close(promise: nil)
            return
        }
        let handler = FIXSessionHandler(session: session)
        do {
            try context.pipeline.syncOperations.addHandler(handler, position: .after(self))
        } catch {
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
}
