import FIX
import FIXSession
import NIOCore
import NIOPosix
import NIOSSL

/// Connects a session to its counterparty and keeps it connected: after a failed attempt or a
/// lost connection it tries again after the reconnect interval, doubling the wait after each
/// failure up to eight times the interval.
public final class FIXInitiator: @unchecked Sendable {
    public let session: FIXSession
    private let group: EventLoopGroup
    private let host: String
    private let port: Int
    private let reconnectInterval: TimeAmount
    private let maxMessageSize: Int
    private let tls: NIOSSLContext?
    /// TCP_NODELAY on the connection.
    private let noDelay: Bool
    private var failures = 0
    private var stopped = false
    private var channel: Channel?

    /// An initiator for `session` to `host:port`, with TLS when a context is given (see
    /// ``FIXTLS/clientContext(_:)``); `noDelay`: TCP_NODELAY on the connection.
    public init(session: FIXSession, group: EventLoopGroup, host: String, port: Int,
                reconnectInterval: TimeAmount = .seconds(30), maxMessageSize: Int = 1 << 20, tls: NIOSSLContext? = nil,
                noDelay: Bool = true) {
        self.tls = tls
        self.noDelay = noDelay
        self.session = session
        self.group = group
        self.host = host
        self.port = port
        self.reconnectInterval = reconnectInterval
        self.maxMessageSize = maxMessageSize
    }

    /// Starts connecting.
    public func start() {
        session.eventLoop.execute { self.connect() }
    }

    /// Logs out and stops reconnecting.
    public func stop() {
        session.eventLoop.execute {
            self.stopped = true
            self.session.logout()
        }
    }

    private func connect() {
        guard !stopped else { return }
        let session = self.session
        let maxMessageSize = self.maxMessageSize
        let tls = self.tls
        ClientBootstrap(group: session.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: noDelay ? 1 : 0)
            .channelOption(.writeBufferWaterMark, value: FIXSession.writeBufferWaterMark)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: maxMessageSize)))
                    try channel.pipeline.syncOperations.addHandler(FIXSessionHandler(session: session))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.failures = 0
                    self.channel = channel
                    channel.closeFuture.whenComplete { _ in self.scheduleReconnect() }
                case .failure:
                    self.failures += 1
                    self.scheduleReconnect()
                }
            }
    }

    private func scheduleReconnect() {
        guard !stopped else { return }
        let factor = Int64(1 << min(max(failures - 1, 0), 3))
        session.eventLoop.scheduleTask(in: .nanoseconds(reconnectInterval.nanoseconds * factor)) { self.connect() }
    }
}
