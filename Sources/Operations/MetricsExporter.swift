import Logging
import Metrics
import Prometheus

/// The registry of the metrics endpoint and the collectors that fill it: each scrape reads every
/// collector's figures, then renders the registry (and the collectors' summaries) in the
/// Prometheus text format.
///
/// Scrapes run one after the other, so two of them never set the same metrics at once.
public actor MetricsExporter {
    /// The registry the collectors' metrics live in; anything else may add its own.
    public nonisolated let registry: PrometheusCollectorRegistry
    private var collectors: [any MetricsCollector] = []
    private var previous: Task<String, Never>?
    private let logger: Logger

    /// An exporter over `registry`; `logger` hears (at debug) of collectors that could not be read.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Adds a collector, read at each scrape from now on.
    public func add(_ collector: any MetricsCollector) {
        collectors.append(collector)
    }

    /// Makes the registry the process's swift-metrics backend, so metrics that libraries record
    /// through swift-metrics are served too. Once per process, before any metric is made.
    public nonisolated func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// The metrics now, in the Prometheus text format (version 0.0.4).
    public func exposition() async -> String {
        let before = previous
        let collectors = self.collectors
        let registry = self.registry
        let logger = self.logger
        let scrape = Task {
            _ = await before?.value
            var summaries = ""
            for collector in collectors {
                do {
                    try await collector.collect()
                } catch {
                    logger.debug("Metrics collector not read", metadata: ["collector": "\(type(of: collector))", "error": "\(error)"])
                }
                summaries += collector.summaries()
            }
            return registry.emitToString() + summaries
        }
        previous = scrape
        return await scrape.value
    }
}
