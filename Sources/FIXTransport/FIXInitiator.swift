import FIX
import FIXSessionCore
import NIOCore
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Connects a session to its counterparty and keeps it connected: after a failed attempt or a
/// lost connection it tries again after the reconnect interval, doubling the wait after each
/// failure up to eight times the interval. An attempt fails when the connection cannot be made
/// or, with TLS, when the handshake does not complete (a certificate that has expired or is not
/// trusted, for one): each is written to the session's event log and given to
/// ``onConnectionFailure``.
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

    /// Called on the session's event loop for each attempt to connect that fails, with where
    /// and why. Set it before ``start()``.
    public var onConnectionFailure: (@Sendable (FIXConnectionFailure) -> Void)?

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
                        try channel.pipeline.syncOperations.addHandler(TLSHandshakeObserver { result, peerCertificate in
                            // On the channel's event loop, the session's.
                            switch result {
                            case .success: self.failures = 0
                            case .failure(let error):
                                self.failed(.tls, FIXTLS.handshakeFailure(error, peerCertificate: peerCertificate))
                            }
                        })
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
                    // With TLS, the attempt has succeeded once the handshake has.
                    if tls == nil { self.failures = 0 }
                    self.channel = channel
                    channel.closeFuture.whenComplete { _ in self.scheduleReconnect() }
                case .failure(let error):
                    self.failed(.connect, Self.connectFailure(error))
                    self.scheduleReconnect()
                }
            }
    }

    /// A failed attempt: counted, written to the session's event log and reported.
    private func failed(_ stage: FIXConnectionFailure.Stage, _ reason: String) {
        failures += 1
        let failure = FIXConnectionFailure(host: host, port: port, stage: stage, reason: reason, failures: failures,
                                           retryIn: stopped ? nil : reconnectDelay)
        session.logEvent("\(failure)")
        onConnectionFailure?(failure)
    }

    /// The wait before the next attempt: the reconnect interval, doubled for each failure in a
    /// row after the first, up to eight times.
    private var reconnectDelay: TimeAmount {
        .nanoseconds(reconnectInterval.nanoseconds * Int64(1 << min(max(failures - 1, 0), 3)))
    }

    private func scheduleReconnect() {
        guard !stopped else { return }
        session.eventLoop.scheduleTask(in: reconnectDelay) { self.connect() }
    }

    /// Why a connection could not be made, in a few words: the system's reason (`Connection
    /// refused (errno 111)`), or the failed host name lookup.
    static func connectFailure(_ error: any Error) -> String {
        func describe(_ error: any Error) -> String {
            if let io = error as? IOError {
                return "\(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode))"
            }
            return "\(error)"
        }
        guard let e = error as? NIOConnectionError else { return describe(error) }
        if let last = e.connectionErrors.last { return describe(last.error) }
        if let dns = e.dnsAError ?? e.dnsAAAAError { return "cannot resolve \(e.host): \(describe(dns))" }
        return "\(e)"
    }
}
