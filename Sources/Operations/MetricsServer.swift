import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The Prometheus endpoint: a small HTTP/1.1 server that answers `GET /metrics` with the
/// exporter's metrics in the text format (and 404 for any other path).
///
/// As a `Service` it listens from ``run()`` until graceful shutdown or cancellation;
/// ``start()`` may bind earlier (to learn the port when 0 was asked for).
public final class MetricsServer: Service, Sendable, CustomStringConvertible {
    /// For logs.
    public var description: String { "metrics endpoint" }

    /// The address and port asked for (port 0: any free port; see ``localPort``).
    public let host: String
    public let port: Int
    private let exporter: MetricsExporter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let channel = Mutex<(any Channel)?>(nil)

    /// A server for `exporter` on `host:port` (by default this machine only), on `group`'s
    /// event loops (by default NIO's shared ones).
    public init(host: String = "127.0.0.1", port: Int, exporter: MetricsExporter,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger) {
        self.host = host
        self.port = port
        self.exporter = exporter
        self.group = group
        self.logger = logger
    }

    /// Starts listening, once (later calls return the same port), and returns the port.
    /// Throws ``MetricsServerError`` when the address cannot be bound.
    @discardableResult
    public func start() async throws -> Int {
        if let port = localPort { return port }
        let exporter = self.exporter
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler { await exporter.exposition() })
                }
            }
        let bound: any Channel
        do {
            bound = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw MetricsServerError(host: host, port: port, reason: "\(error)")
        }
        channel.withLock { $0 = bound }
        let actual = bound.localAddress?.port ?? port
        logger.info("Metrics endpoint listening", metadata: ["url": "http://\(host):\(actual)\(MetricsHTTPHandler.path)"])
        return actual
    }

    /// The port listened on, once started.
    public var localPort: Int? {
        channel.withLock { $0?.localAddress?.port }
    }

    /// Listens until graceful shutdown or cancellation, then stops.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }

    /// Stops listening (a connection being served finishes its request).
    public func stop() async {
        guard let bound = channel.withLock({ c -> (any Channel)? in
            defer { c = nil }
            return c
        }) else { return }
        try? await bound.close()
        logger.debug("Metrics endpoint closed")
    }
}

/// The metrics endpoint could not listen: the address, the port and the reason.
public struct MetricsServerError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var reason: String

    public init(host: String, port: Int, reason: String) {
        self.host = host
        self.port = port
        self.reason = reason
    }

    /// `cannot serve metrics on HOST:PORT: REASON`.
    public var description: String { "cannot serve metrics on \(host):\(port): \(reason)" }
}
