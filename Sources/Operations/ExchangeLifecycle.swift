import ExchangeGateway
import FIXTransport
import Logging
import ServiceLifecycle
import Synchronization

/// The simulated exchange as a `Service`: ``run()`` starts it (unless ``start(replay:)``
/// already did) and keeps it until graceful shutdown or cancellation, then stops it gracefully
/// (``stop()``): every session logged out, the stores and logs flushed and closed, the event
/// loop stopped.
///
/// In one process with a market maker on the exchange's event loop (`mm paper`), the market
/// maker must stop first: put this service before the market maker's in the group, which stops
/// its services in reverse order.
public final class ExchangeLifecycle: Service, Sendable, CustomStringConvertible {
    /// For logs.
    public var description: String { "exchange" }

    /// The exchange.
    public let exchange: ExchangeService
    private let stopTimeout: Duration
    private let logger: Logger

    private enum Phase { case idle, running, stopping, stopped }
    private struct State {
        var phase = Phase.idle
        var finalFigures: (ExchangeFigures, [FIXSessionFigures])?
    }

    private let state = Mutex(State())

    /// A service for `exchange`; at a stop, the peers have `stopTimeout` to answer the Logout.
    public init(exchange: ExchangeService, stopTimeout: Duration = .seconds(5), logger: Logger) {
        self.exchange = exchange
        self.stopTimeout = stopTimeout
        self.logger = logger
    }

    /// Starts listening, and the replay unless `replay` is false (see
    /// ``ExchangeService/start(replay:)``); once.
    public func start(replay: Bool = true) async throws {
        let first = state.withLock { s -> Bool in
            guard s.phase == .idle else { return false }
            s.phase = .running
            return true
        }
        guard first else { return }
        try await exchange.start(replay: replay)
    }

    public func run() async throws {
        try await start()
        while !(await ShutdownWait.pause(.seconds(3600))) {}
        try await stop()
    }

    /// Stops gracefully, once: keeps the last figures, logs every session out, flushes and
    /// closes the stores and logs, and stops the event loop.
    public func stop() async throws {
        let first = state.withLock { s -> Bool in
            guard s.phase == .idle || s.phase == .running else { return false }
            s.phase = .stopping
            return true
        }
        guard first else { return }
        defer { state.withLock { $0.phase = .stopped } }
        let figures = try? await (exchange.figures(), FIXSessionFigures.read(exchange.sessions))
        state.withLock { $0.finalFigures = figures }
        logger.notice("Stopping the exchange: logging sessions out", metadata: ["logged_on": "\(figures?.0.sessionsLoggedOn ?? 0)"])
        try await exchange.stop(timeout: stopTimeout)
        logger.info("Exchange stopped: stores and logs flushed", metadata: [
            "orders": "\(figures?.0.orders ?? 0)", "fills": "\(figures?.0.fills ?? 0)",
        ])
    }

    /// Whether ``stop()`` has begun.
    public var isStopped: Bool {
        state.withLock { $0.phase == .stopping || $0.phase == .stopped }
    }

    /// The figures of the exchange and its sessions: read now while it runs, the last ones read
    /// before it stopped once it is stopping.
    public func figures() async throws -> (ExchangeFigures, [FIXSessionFigures]) {
        let (phase, final) = state.withLock { ($0.phase, $0.finalFigures) }
        switch phase {
        case .idle, .running:
            return (try await exchange.figures(), try await FIXSessionFigures.read(exchange.sessions))
        case .stopping, .stopped:
            guard let final else { throw LifecycleStopped() }
            return final
        }
    }

    /// The last figures read before the exchange stopped (nil before ``stop()``).
    public var finalFigures: ExchangeFigures? {
        state.withLock { $0.finalFigures?.0 }
    }
}
