/// Latencies in nanoseconds, kept in log-linear buckets: 32 sub-buckets per power of two, so a
/// recorded value is known within about 3%, in constant memory and with no allocation per value.
public struct LatencyHistogram: Sendable, Equatable {
    /// Sub-buckets per power of two.
    private static let subBits = 5
    private static let subCount = 1 << subBits
    private var counts: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var min: Int64 = .max
    public private(set) var max: Int64 = 0
    private var sum: Double = 0

    public init() {
        counts = Array(repeating: 0, count: (65 - Self.subBits) * Self.subCount)
    }

    /// Records one latency (negative values count as 0).
    public mutating func record(_ nanoseconds: Int64) {
        let v = Swift.max(0, nanoseconds)
        counts[Self.bucket(of: v)] += 1
        count += 1
        min = Swift.min(min, v)
        max = Swift.max(max, v)
        sum += Double(v)
    }

    /// Adds another histogram's values.
    public mutating func merge(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        sum += other.sum
    }

    /// The mean, or 0 when empty.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The value at percentile `p` (0...100): the upper bound of the bucket holding it, capped
    /// at the largest value recorded; 0 when empty.
    public func percentile(_ p: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = UInt64((p / 100 * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= Swift.max(rank, 1) { return Swift.min(Self.upperBound(of: i), max) }
        }
        return max
    }

    private static func bucket(of v: Int64) -> Int {
        if v < subCount { return Int(v) }
        let magnitude = 63 - v.leadingZeroBitCount  // >= subBits
        let shift = magnitude - subBits
        let sub = Int(v >> shift) - subCount  // 0..<subCount
        return (shift + 1) * subCount + sub
    }

    private static func upperBound(of bucket: Int) -> Int64 {
        if bucket < subCount { return Int64(bucket) }
        let shift = bucket / subCount - 1
        let sub = bucket % subCount
        return (Int64(subCount + sub + 1) << shift) - 1
    }
}
