import Prometheus
import Synchronization

/// Reads the market maker and its sessions at each scrape: one hop to its event loop, where
/// every counter lives (the last figures once it has stopped).
public final class MarketMakerCollector: MetricsCollector {
    private let lifecycle: MarketMakerLifecycle
    private let metrics: MarketMakerMetrics
    private let sessionMetrics: FIXSessionMetrics
    private let last = Mutex(MarketMakerFigures())

    /// A collector of the market maker `lifecycle` runs, into `registry`.
    public init(lifecycle: MarketMakerLifecycle, registry: PrometheusCollectorRegistry) {
        self.lifecycle = lifecycle
        metrics = MarketMakerMetrics(registry: registry)
        sessionMetrics = FIXSessionMetrics(registry: registry)
    }

    public func collect() async throws {
        let (figures, sessions) = try await lifecycle.figures()
        metrics.update(figures)
        sessionMetrics.update(sessions)
        last.withLock { $0 = figures }
    }

    public func summaries() -> String {
        metrics.summaries(last.withLock { $0 })
    }
}
