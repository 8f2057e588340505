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
    /// The lowest and highest values of the bucket this point closes (every event since the
    /// point before it), so that a chart of the points keeps each bucket's extremes: profit
    /// and fees in currency, the day's maximum |net position| in lots and maximum loss in
    /// currency.
    public var profitRange: SeriesRange
    public var feesRange: SeriesRange
    public var dayMaxPositionRange: SeriesRange
    public var dayMaxLossRange: SeriesRange
}

/// The lowest and the highest value of a series over a bucket of its points, and which came
/// first.
public struct SeriesRange: Codable, Sendable, Equatable {
    public var low: Double
    public var high: Double
    /// Whether the low came before the high (equal values: true).
    public var lowFirst: Bool

    public init(low: Double, high: Double, lowFirst: Bool) {
        self.low = low
        self.high = high
        self.lowFirst = lowFirst
    }

    /// One value.
    public init(_ value: Double) { self.init(low: value, high: value, lowFirst: true) }

    /// This bucket followed by `later`, as one.
    public func merged(with later: SeriesRange) -> SeriesRange {
        let lowHere = low <= later.low, highHere = high >= later.high
        let first: Bool
        switch (lowHere, highHere) {
        case (true, true): first = lowFirst
        case (false, false): first = later.lowFirst
        case (true, false): first = true
        case (false, true): first = false
        }
        return SeriesRange(low: min(low, later.low), high: max(high, later.high), lowFirst: first)
    }

    /// The extremes in the order they came (one value when they are equal).
    public var inOrder: [Double] {
        low == high ? [low] : lowFirst ? [low, high] : [high, low]
    }
}

/// The extremes of a series of whole numbers since it was last taken, tracked event by event.
struct PendingRange: Sendable, Equatable {
    private(set) var low: Int64 = 0
    private(set) var high: Int64 = 0
    private(set) var lowFirst = true
    private(set) var isEmpty = true

    @inline(__always)
    mutating func observe(_ v: Int64) {
        if isEmpty {
            (low, high, lowFirst, isEmpty) = (v, v, true, false)
        } else if v < low {
            low = v
            lowFirst = false
        } else if v > high {
            high = v
            lowFirst = true
        }
    }

    /// The range in chart units (`convert`); `current` alone when nothing was observed.
    func range(_ convert: (Int64) -> Double, current: Int64) -> SeriesRange {
        isEmpty ? SeriesRange(convert(current)) : SeriesRange(low: convert(low), high: convert(high), lowFirst: lowFirst)
    }

    mutating func reset() { isEmpty = true }
}

/// Samples a run's values at a bounded number of points, whatever the length of the data.
///
/// A point is kept when at least ``interval`` of trading time has passed since the last one
/// (and when forced, at the end of each day and of the run). When ``capacity`` points are
/// held, the first stays and of each following pair one is dropped (the day's last point if
/// either is one, else the later), and the interval becomes at least twice what it was and
/// at least the mean spacing of the points kept, so memory stays flat and the points stay
/// evenly spread. Each point carries the extremes of the events since the point before it
/// (``SeriesPoint/profitRange`` and the others), merged when points are dropped, so no
/// extreme is lost however far the series is thinned.
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

    /// The extremes since the last kept point: profit (ticks x lots) and fees (``Market/Money``).
    /// The day's maximum |net position| and maximum loss need none: they are running maxima
    /// within a day and a day's last event is always a point, so a bucket's highest is its last.
    var pendingProfit = PendingRange(), pendingFees = PendingRange()

    /// Takes in one event's values, for the extremes of the bucket it falls in.
    @inline(__always)
    mutating func observe(profitTicks: Int64, fees: Int64) {
        pendingProfit.observe(profitTicks)
        pendingFees.observe(fees)
    }

    /// Whether a point at `tradingTime` would be kept (cheap: call before building the point).
    public func wants(_ tradingTime: Int64) -> Bool { tradingTime >= next }

    /// Keeps `point` (when ``wants(_:)`` or `force`).
    public mutating func record(_ point: SeriesPoint, force: Bool = false) {
        guard force || point.tradingTime >= next else { return }
        pendingProfit.reset()
        pendingFees.reset()
        if let last = points.last, last.tradingTime == point.tradingTime {
            var point = point
            point.profitRange = last.profitRange.merged(with: point.profitRange)
            point.feesRange = last.feesRange.merged(with: point.feesRange)
            point.dayMaxPositionRange = last.dayMaxPositionRange.merged(with: point.dayMaxPositionRange)
            point.dayMaxLossRange = last.dayMaxLossRange.merged(with: point.dayMaxLossRange)
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
            var point = points[i].dayEnd && !points[later].dayEnd ? points[i] : points[later]
            if later != i {
                // The kept point stands for both buckets: their extremes together.
                let a = points[i], b = points[later]
                point.profitRange = a.profitRange.merged(with: b.profitRange)
                point.feesRange = a.feesRange.merged(with: b.feesRange)
                point.dayMaxPositionRange = a.dayMaxPositionRange.merged(with: b.dayMaxPositionRange)
                point.dayMaxLossRange = a.dayMaxLossRange.merged(with: b.dayMaxLossRange)
            }
            points[kept] = point
            kept += 1
            i += 2
        }
        points.removeLast(points.count - kept)
        // New points as dense as the kept ones.
        let span = points[points.count - 1].tradingTime - points[0].tradingTime
        interval = max(interval * 2, span / Int64(max(1, points.count - 1)))
    }
}
