import Market

/// One point of a run's time series, for the charts: values at a moment of market time.
public struct SeriesPoint: Codable, Sendable, Equatable {
    /// Trading time (ns) since the run's first event, the gaps between trading days left out:
    /// each day's time runs from its first event to its last, and the days follow each other.
    public var tradingTime: Int64
    /// Market time (ns since the epoch).
    public var time: Int64
    /// Cumulative trading profit, ticks x lots.
    public var profitTicks: Int64
    /// The same in currency.
    public var profit: Double
    /// Cumulative fees, ``Exchange/Money`` units.
    public var fees: Int64
    /// The largest |net position| so far today (lots).
    public var dayMaxPosition: Int64
    /// The worst intraday loss so far today, ticks x lots.
    public var dayMaxLossTicks: Int64
    /// The same in currency.
    public var dayMaxLoss: Double
    /// Whether this is the last point of a trading day.
    public var dayEnd: Bool
}

/// Samples a run's values at a bounded number of points, whatever the length of the data.
///
/// A point is kept when at least ``interval`` of trading time has passed since the last one
/// (and when forced, at the end of each day and of the run). When ``capacity`` points are
/// held, the first stays and of each following pair one is dropped (the day's last point if
/// either is one, else the later), and the interval becomes at least twice what it was and
/// at least the mean spacing of the points kept, so memory stays flat and the points stay
/// evenly spread.
public struct SeriesRecorder: Sendable, Equatable {
    /// The most points held (at least 4).
    public let capacity: Int
    /// The trading time (ns) between kept points; doubles as the data grows.
    public private(set) var interval: Int64
    public private(set) var points: [SeriesPoint] = []
    private var next: Int64 = 0

    /// A recorder of at most `capacity` points, starting one point every `interval` ns.
    public init(capacity: Int = 1024, interval: Int64 = 1_000_000) {
        precondition(capacity >= 4 && interval > 0, "a series needs room for 4 points and a positive interval")
        self.capacity = capacity
        self.interval = interval
        points.reserveCapacity(capacity)
    }

    /// Whether a point at `tradingTime` would be kept (cheap: call before building the point).
    public func wants(_ tradingTime: Int64) -> Bool { tradingTime >= next }

    /// Keeps `point` (when ``wants(_:)`` or `force`).
    public mutating func record(_ point: SeriesPoint, force: Bool = false) {
        guard force || point.tradingTime >= next else { return }
        if let last = points.last, last.tradingTime == point.tradingTime {
            points[points.count - 1] = point
        } else {
            if points.count == capacity { halve() }
            points.append(point)
        }
        next = point.tradingTime + interval
    }

    private mutating func halve() {
        var kept = 1
        var i = 1
        while i < points.count {
            let later = i + 1 < points.count ? i + 1 : i
            points[kept] = points[i].dayEnd && !points[later].dayEnd ? points[i] : points[later]
            kept += 1
            i += 2
        }
        points.removeLast(points.count - kept)
        // New points as dense as the kept ones.
        let span = points[points.count - 1].tradingTime - points[0].tradingTime
        interval = max(interval * 2, span / Int64(max(1, points.count - 1)))
    }
}
