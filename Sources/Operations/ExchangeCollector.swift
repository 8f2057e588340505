import Prometheus

/// Reads the simulated exchange and its sessions at each scrape, on its event loop (the last
/// figures once it is stopping).
public struct ExchangeCollector: MetricsCollector {
    private let lifecycle: ExchangeLifecycle
    private let metrics: ExchangeMetrics
    private let sessionMetrics: FIXSessionMetrics

    /// A collector of the exchange `lifecycle` runs, into `registry`.
    public init(lifecycle: ExchangeLifecycle, registry: PrometheusCollectorRegistry) {
        self.lifecycle = lifecycle
        metrics = ExchangeMetrics(registry: registry)
        sessionMetrics = FIXSessionMetrics(registry: registry)
    }

    public func collect() async throws {
        let (figures, sessions) = try await lifecycle.figures()
        metrics.update(figures)
        sessionMetrics.update(sessions)
    }
}
