import Foundation

/// The correlation of several instruments' mid returns over a fixed interval of market time (one
/// minute by default): at each interval's end every instrument's mid (that of its last quote with
/// both sides) is sampled, and each pair's correlation is that of their log returns over the
/// intervals where both had a mid at both ends. An interval that follows intervals without any
/// event (a night) is not counted: its return would span the gap. Memory: a few sums a pair.
public struct MidReturnCorrelation: Sendable {
    public let count: Int
    public let interval: Int64
    private var mids: [Double]
    private var previous: [Double]
    private var lastInterval: Int64 = .min
    /// Per pair (i < j, row by row): n, sum x, sum y, sum xx, sum yy, sum xy.
    private var sums: [[Double]]

    public init(instruments count: Int, interval: Int64 = 60_000_000_000) {
        precondition(count > 0 && interval > 0, "instruments and interval")
        self.count = count
        self.interval = interval
        mids = Array(repeating: .nan, count: count)
        previous = Array(repeating: .nan, count: count)
        sums = Array(repeating: Array(repeating: 0, count: 6), count: count * (count - 1) / 2)
    }

    public mutating func add(_ e: InstrumentEvent) {
        guard e.instrument >= 0, e.instrument < count else { return }
        let k = e.event.time >= 0 ? e.event.time / interval : (e.event.time + 1) / interval - 1
        if k != lastInterval {
            // The interval that ended: its return, from the mids at its start to those at its end.
            if lastInterval != .min { addReturns() }
            // After intervals without any event (a night), the next interval's return would
            // span the gap: it is not counted.
            previous = k == lastInterval &+ 1 ? mids : Array(repeating: .nan, count: count)
            lastInterval = k
        }
        if case let .quote(_, bid?, _, ask?, _) = e.event, bid > 0, ask >= bid {
            mids[e.instrument] = (Double(bid) + Double(ask)) / 2
        }
    }

    private mutating func addReturns() {
        var p = 0
        for i in 0..<count {
            for j in (i + 1)..<count {
                defer { p += 1 }
                let x = Foundation.log(mids[i] / previous[i]), y = Foundation.log(mids[j] / previous[j])
                guard x.isFinite, y.isFinite else { continue }
                sums[p][0] += 1
                sums[p][1] += x
                sums[p][2] += y
                sums[p][3] += x * x
                sums[p][4] += y * y
                sums[p][5] += x * y
            }
        }
    }

    /// The correlation of instruments `i` and `j` (nil with fewer than 3 returns, or a mid
    /// that never moved), and how many returns it is over.
    public func correlation(_ i: Int, _ j: Int) -> (value: Double?, returns: Int) {
        guard i != j else { return (1, 0) }
        let (a, b) = (min(i, j), max(i, j))
        let p = a * count - a * (a + 1) / 2 + (b - a - 1)
        let s = sums[p]
        let n = s[0]
        guard n >= 3 else { return (nil, Int(n)) }
        let cov = s[5] / n - (s[1] / n) * (s[2] / n)
        let vx = s[3] / n - (s[1] / n) * (s[1] / n), vy = s[4] / n - (s[2] / n) * (s[2] / n)
        guard vx > 0, vy > 0 else { return (nil, Int(n)) }
        return (cov / (vx * vy).squareRoot(), Int(n))
    }
}
