import MakerCore
import MakerFIX
import FIXTransport
import Logging
import NIOCore
import Risk
import ServiceLifecycle
import Synchronization

/// The market maker on its FIX sessions as a `Service`: ``run()`` starts the sessions (unless
/// ``start()`` already did) and keeps them until graceful shutdown or cancellation, then stops
/// gracefully (``stop()``): no new quotes, every working order canceled and the answers awaited
/// (up to `cancelTimeout`), the summary kept, Logout, and the stores and logs flushed and
/// closed.
///
/// Meanwhile, when `logger` logs at debug, it reads the risk gate's recent denials every second
/// and logs each one (reason and order as metadata): the gate counts and keeps them on the hot
/// path; they are logged from here.
public final class MarketMakerLifecycle: Service, Sendable, CustomStringConvertible {
    /// For logs.
    public var description: String { "market maker" }

    /// The market maker and the engine running its sessions.
    public let application: FIXMarketMaker
    public let engine: FIXEngine
    private let cancelTimeout: Duration
    private let logger: Logger

    private enum Phase { case idle, running, stopping, stopped }
    private struct State {
        var phase = Phase.idle
        var summary: TradingSummary?
        var canceledInTime: Bool?
        var finalFigures: (MarketMakerFigures, [FIXSessionFigures])?
    }

    private let state = Mutex(State())

    /// A service for `application` on the sessions of `engine` (built with `application`, or an
    /// application that passes calls on to it, such as ``SessionEventLogger``).
    public init(application: FIXMarketMaker, engine: FIXEngine, cancelTimeout: Duration = .seconds(3), logger: Logger) {
        self.application = application
        self.engine = engine
        self.cancelTimeout = cancelTimeout
        self.logger = logger
    }

    /// Starts the sessions (listening and connecting), once.
    public func start() async throws {
        let first = state.withLock { s -> Bool in
            guard s.phase == .idle else { return false }
            s.phase = .running
            return true
        }
        guard first else { return }
        try await engine.start()
    }

    public func run() async throws {
        try await start()
        var seenDenials: UInt64 = 0
        while !(await ShutdownWait.pause(.seconds(1))) {
            if logger.logLevel <= .debug { seenDenials = await logDenials(after: seenDenials) }
        }
        if logger.logLevel <= .debug { _ = await logDenials(after: seenDenials) }
        try await stop()
    }

    /// Logs the denials since the `seen`-th at debug; returns the count now (`seen` when the
    /// gate cannot be read).
    private func logDenials(after seen: UInt64) async -> UInt64 {
        guard let loop = engine.sessions.first?.eventLoop, !isStopped else { return seen }
        let application = self.application
        guard let (total, recent) = try? await loop.submit({
            (application.maker.gate.totalDenials, application.maker.gate.recentDenials)
        }).get() else { return seen }
        guard total > seen else { return total }
        let new = total - seen
        let kept = min(new, UInt64(recent.count))
        if new > kept {
            logger.debug("Risk denials not logged: more than the gate keeps between two readings", metadata: ["count": "\(new - kept)"])
        }
        for denial in recent.suffix(Int(kept)) {
            logger.debug("Risk denial", metadata: [
                "reason": "\(denial.reason.metricLabel)",
                "side": "\(denial.order.side == .buy ? "buy" : "sell")",
                "kind": "\(denial.order.kind)",
                "quantity": "\(denial.order.quantity)",
                "price": "\(denial.order.price)",
                "order": "\(denial)",
            ])
        }
        return total
    }

    /// Stops gracefully, once: stops quoting and cancels every working order, waits for the
    /// answers (up to the cancel timeout, or until the session is no longer logged on), keeps
    /// the summary, logs out, and flushes and closes the stores and logs.
    public func stop() async throws {
        let first = state.withLock { s -> Bool in
            guard s.phase == .idle || s.phase == .running else { return false }
            s.phase = .stopping
            return true
        }
        guard first else { return }
        defer { state.withLock { $0.phase = .stopped } }
        guard let session = engine.sessions.first else {
            try await engine.stop()
            return
        }
        let loop = session.eventLoop
        let application = self.application
        let working = try await loop.submit { () -> Int in
            application.stopQuoting()
            return application.workingOrders
        }.get()
        logger.notice("Stopping the market maker: quoting stopped, canceling working orders", metadata: ["working_orders": "\(working)"])
        let canceled = try await ShutdownWait.until(timeout: cancelTimeout) {
            try await loop.submit { application.workingOrders == 0 || !session.isLoggedOn }.get()
        }
        let (summary, left) = try await loop.submit {
            (TradingSummary(maker: application.maker, latency: application.latency), application.workingOrders)
        }.get()
        if left > 0 {
            logger.warning("Working orders left unanswered at logout", metadata: ["working_orders": "\(left)",
                                                                                  "waited": "\(canceled ? "until logged out" : "\(cancelTimeout)")"])
        }
        state.withLock {
            $0.summary = summary
            $0.canceledInTime = left == 0
        }
        try await engine.stop()
        let sessions = engine.sessions
        let final = try await loop.submit {
            (MarketMakerFigures(application), sessions.map { FIXSessionFigures($0) })
        }.get()
        state.withLock { $0.finalFigures = final }
        logger.info("Market maker stopped: logged out, stores and logs flushed", metadata: [
            "fills": "\(summary.fills)", "position": "\(summary.finalPosition)", "trading_profit": "\(summary.tradingProfit)",
        ])
    }

    /// Whether ``stop()`` has begun.
    public var isStopped: Bool {
        state.withLock { $0.phase == .stopping || $0.phase == .stopped }
    }

    /// The summary taken by ``stop()`` once the cancels were answered, before logging out.
    public var summary: TradingSummary? {
        state.withLock { $0.summary }
    }

    /// The figures of the market maker and its sessions: read now on its event loop while it
    /// runs, the last ones read once it has stopped (its event loop may be gone by then).
    public func figures() async throws -> (MarketMakerFigures, [FIXSessionFigures]) {
        let (phase, final) = state.withLock { ($0.phase, $0.finalFigures) }
        if phase == .stopped, let final { return final }
        guard phase != .stopped, let loop = engine.sessions.first?.eventLoop else { throw LifecycleStopped() }
        let application = self.application
        let figures = try await loop.submit { MarketMakerFigures(application) }.get()
        return (figures, try await FIXSessionFigures.read(engine.sessions))
    }

    /// Whether every working order was canceled (answered) before logging out; nil before ``stop()``.
    public var canceledAllOrders: Bool? {
        state.withLock { $0.canceledInTime }
    }
}
