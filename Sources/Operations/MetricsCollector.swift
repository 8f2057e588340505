/// A source of metrics for a ``MetricsExporter``: it makes its metrics in the exporter's
/// registry once, and at each scrape reads the figures it exports where they live (on the event
/// loops that own them, so the hot path is not touched) and sets the metrics from them.
public protocol MetricsCollector: Sendable {
    /// Reads the current figures and sets the metrics.
    ///
    /// Throws when the figures cannot be read (their event loop has stopped): the metrics then
    /// keep the last values read.
    func collect() async throws

    /// The families the registry cannot hold (summaries), from the figures last read, in the
    /// Prometheus text format; empty when there are none.
    func summaries() -> String
}

extension MetricsCollector {
    /// No summaries.
    public func summaries() -> String { "" }
}
