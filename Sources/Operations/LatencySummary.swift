import MakerCore
/// A latency distribution as a Prometheus summary: quantiles of an engine's
/// ``LatencyHistogram`` (each known within its bucket, about 3%), the sum and the count, in
/// seconds.
public struct LatencySummary: Sendable, Equatable {
    /// The quantiles exported.
    public static let quantiles: [Double] = [0.5, 0.9, 0.99, 0.999]

    /// Values recorded.
    public var count: UInt64
    /// Their sum, nanoseconds.
    public var sumNanoseconds: Double
    /// The value at each of ``quantiles``, nanoseconds.
    public var quantileNanoseconds: [Int64]
    /// The largest value recorded, nanoseconds (0 when none).
    public var maxNanoseconds: Int64

    public init(count: UInt64 = 0, sumNanoseconds: Double = 0, quantileNanoseconds: [Int64] = [], maxNanoseconds: Int64 = 0) {
        self.count = count
        self.sumNanoseconds = sumNanoseconds
        self.quantileNanoseconds = quantileNanoseconds
        self.maxNanoseconds = maxNanoseconds
    }

    /// The summary of `histogram`'s values.
    public init(_ histogram: LatencyHistogram) {
        count = histogram.count
        sumNanoseconds = histogram.mean * Double(histogram.count)
        quantileNanoseconds = Self.quantiles.map { histogram.percentile($0 * 100) }
        maxNanoseconds = histogram.count == 0 ? 0 : histogram.max
    }

    /// The summary in the Prometheus text format: `# HELP`, `# TYPE`, one line per quantile
    /// (NaN while nothing is recorded), `_sum` and `_count`.
    public func exposition(name: String, help: String) -> String {
        var text = "# HELP \(name) \(help)\n# TYPE \(name) summary\n"
        for (i, q) in Self.quantiles.enumerated() {
            let value = count == 0 || i >= quantileNanoseconds.count ? "NaN" : Self.seconds(Double(quantileNanoseconds[i]))
            text += "\(name){quantile=\"\(q)\"} \(value)\n"
        }
        text += "\(name)_sum \(Self.seconds(sumNanoseconds))\n"
        text += "\(name)_count \(count)\n"
        return text
    }

    /// Nanoseconds as seconds, in the shortest text that reads back exactly.
    static func seconds(_ nanoseconds: Double) -> String {
        "\(nanoseconds / 1e9)"
    }
}
