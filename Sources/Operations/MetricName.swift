import Prometheus

/// A metric's full name and its `# HELP` text, as the registry takes them.
struct MetricName: Sendable {
    var name: String
    var help: String

    init(_ name: String, _ help: String) {
        self.name = name
        self.help = help
    }

    var descriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

extension PrometheusCollectorRegistry {
    /// The counter `metric` with `labels`, made on first use.
    func counter(_ metric: MetricName, _ labels: [(String, String)] = []) -> Counter {
        labels.isEmpty ? makeCounter(descriptor: metric.descriptor) : makeCounter(descriptor: metric.descriptor, labels: labels)
    }

    /// The gauge `metric` with `labels`, made on first use.
    func gauge(_ metric: MetricName, _ labels: [(String, String)] = []) -> Gauge {
        labels.isEmpty ? makeGauge(descriptor: metric.descriptor) : makeGauge(descriptor: metric.descriptor, labels: labels)
    }
}

extension Counter {
    /// Sets the counter to `total`, a count kept elsewhere and sampled (it never goes down while
    /// the process runs, as a counter must not).
    func set(total: Int) {
        reset()
        increment(by: Int64(Swift.max(0, total)))
    }

    /// Sets the counter to `total` (see ``set(total:)-(Int)``).
    func set(total: Int64) {
        reset()
        increment(by: Swift.max(0, total))
    }

    /// Sets the counter to `total` (see ``set(total:)-(Int)``).
    func set(total: UInt64) {
        set(total: Int64(clamping: total))
    }
}

extension Gauge {
    /// Sets the gauge to 1 when `flag` is true, else 0.
    func set(_ flag: Bool) {
        set(to: flag ? 1 : 0)
    }
}
