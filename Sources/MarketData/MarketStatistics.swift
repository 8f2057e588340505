import Market

/// The stylized facts of a market, measured from its events in one pass and bounded memory:
/// how wide the spread is, how big the best queues and the trades are, whether price changes
/// come from queues running out, and whether the price reverts.
///
/// Level 1 is read from `.quote` events (depth and clear events are counted, not read; a
/// recording of trades only has no spread or queue figures).
///
/// - **Time-weighted figures** (spread, best queue sizes) come from samples of the level 1 on
///   a grid of one second of market time; a gap of more than a minute without events (a
///   night, a weekend) is not sampled.
/// - **Depletions.** A *retreat* is a best price moving away (the bid down or the ask up): its
///   level is gone. A retreat follows a depletion when, just before it, the level held at most
///   a tenth of the most it showed while it was the best (its last shown size less the lots
///   traded at its price since): the queue ran out rather than moving away whole.
/// - **Mean reversion.** The variance ratio VR = Var(60 s change of the mid) / (60 x Var(1 s
///   change)), on the one-second grid within sessions: 1 for a random walk, below 1 when the
///   price reverts, above when it trends. And the correlation of successive changes of the mid
///   (event time): negative when moves bounce back.
public struct MarketStatistics: Sendable {
    public private(set) var events = 0
    public private(set) var quotes = 0
    public private(set) var trades = 0
    public private(set) var otherEvents = 0
    /// Grid samples with a two-sided book, and their spreads: 1, 2 and 3 or more ticks.
    public private(set) var samples = 0
    public private(set) var spreadCounts = [0, 0, 0]
    public private(set) var retreats = 0
    public private(set) var depletionRetreats = 0
    /// Changes of the mid (event time).
    public private(set) var midChanges = 0

    private var queueSizes = Reservoir(seed: 1)
    private var tradeSizes = Reservoir(seed: 2)
    private var tradeLots: Int64 = 0
    private var oneLotTrades = 0
    // The level 1 as last shown.
    private var bid: Int64?, ask: Int64?, bidSize: Int64 = 0, askSize: Int64 = 0
    private var bidMax: Int64 = 0, askMax: Int64 = 0
    private var bidTraded: Int64 = 0, askTraded: Int64 = 0
    // The grid.
    private var nextSample: Int64 = .min
    private var lastEventTime: Int64 = .min
    private var gridMids: [Int64] = []  // mid x 2 of the last 61 samples of the session
    private var change1 = RunningMoments(), change60 = RunningMoments()
    // Successive mid changes (mid x 2).
    private var lastMid2: Int64?
    private var lastChange: Int64 = 0
    private var changePairs = RunningCovariance()

    static let second: Int64 = 1_000_000_000

    public init() {}

    public mutating func add(_ event: MarketEvent) {
        events += 1
        sample(upTo: event.time)
        lastEventTime = event.time
        switch event {
        case let .quote(_, newBid, newBidSize, newAsk, newAskSize):
            quotes += 1
            show(bid: newBid, bidSize: newBidSize, ask: newAsk, askSize: newAskSize)
        case let .trade(_, price, size, _):
            trades += 1
            tradeLots += size
            if size == 1 { oneLotTrades += 1 }
            tradeSizes.add(size)
            if price == bid { bidTraded += size }
            if price == ask { askTraded += size }
        case .depth, .clear:
            otherEvents += 1
        }
    }

    /// A new level 1: retreats, and the mid's change.
    private mutating func show(bid newBid: Int64?, bidSize newBidSize: Int64, ask newAsk: Int64?, askSize newAskSize: Int64) {
        if let old = bid {
            if newBid.map({ $0 < old }) ?? true { retreat(lastSize: bidSize - bidTraded, most: bidMax) }
            if newBid != old { (bidMax, bidTraded) = (0, 0) }
        }
        if let old = ask {
            if newAsk.map({ $0 > old }) ?? true { retreat(lastSize: askSize - askTraded, most: askMax) }
            if newAsk != old { (askMax, askTraded) = (0, 0) }
        }
        (bid, ask, bidSize, askSize) = (newBid, newAsk, newBidSize, newAskSize)
        bidMax = max(bidMax, newBidSize)
        askMax = max(askMax, newAskSize)
        guard let b = newBid, let a = newAsk, a > b else { return }
        let mid2 = a &+ b
        if let last = lastMid2, mid2 != last {
            midChanges += 1
            let change = mid2 &- last
            if lastChange != 0 { changePairs.add(Double(lastChange), Double(change)) }
            lastChange = change
        }
        lastMid2 = mid2
    }

    private mutating func retreat(lastSize: Int64, most: Int64) {
        retreats += 1
        if lastSize * 10 <= most { depletionRetreats += 1 }
    }

    /// Samples the level 1 at each whole second before `time`.
    private mutating func sample(upTo time: Int64) {
        if lastEventTime == .min || time - lastEventTime > 60 * Self.second {
            // The first event, or a gap: a new session of samples.
            nextSample = (time / Self.second + 1) * Self.second
            gridMids.removeAll(keepingCapacity: true)
            return
        }
        while nextSample <= time {
            nextSample += Self.second
            guard let b = bid, let a = ask, a > b else { continue }
            samples += 1
            spreadCounts[Int(min(a - b, 3)) - 1] += 1
            queueSizes.add(bidSize)
            queueSizes.add(askSize)
            let mid2 = a &+ b
            if let last = gridMids.last { change1.add(Double(mid2 &- last) / 2) }
            if gridMids.count == 61 {
                gridMids.removeFirst()
                change60.add(Double(mid2 &- gridMids[0]) / 2)
            }
            gridMids.append(mid2)
        }
    }

    /// The figures so far.
    public var facts: MarketFacts {
        let spreadShares = samples > 0 ? spreadCounts.map { Double($0) / Double(samples) } : nil
        let varianceRatio = change1.count > 1 && change60.count > 1 && change1.variance > 0
            ? change60.variance / (60 * change1.variance) : nil
        return MarketFacts(events: events, quotes: quotes, trades: trades, otherEvents: otherEvents, samples: samples,
                           spreadShares: spreadShares, queueSizeQuantiles: queueSizes.quantiles([0.1, 0.5, 0.9]),
                           meanTradeSize: trades > 0 ? Double(tradeLots) / Double(trades) : nil,
                           tradeSizeQuantiles: tradeSizes.quantiles([0.5, 0.9]),
                           oneLotTradeShare: trades > 0 ? Double(oneLotTrades) / Double(trades) : nil,
                           retreats: retreats, depletionShare: retreats > 0 ? Double(depletionRetreats) / Double(retreats) : nil,
                           midChanges: midChanges, midChangeCorrelation: changePairs.correlation,
                           varianceRatio60: varianceRatio,
                           volatility1s: change1.count > 1 ? change1.variance.squareRoot() : nil)
    }
}

/// What ``MarketStatistics`` found (prices in ticks, sizes in lots).
public struct MarketFacts: Codable, Sendable, Equatable {
    public var events: Int
    public var quotes: Int
    public var trades: Int
    public var otherEvents: Int
    /// One-second grid samples with a two-sided book.
    public var samples: Int
    /// Time-weighted shares of a spread of 1, 2 and 3 or more ticks.
    public var spreadShares: [Double]?
    /// The 10%, 50% and 90% quantiles of the best bid and ask sizes (time-weighted).
    public var queueSizeQuantiles: [Int64]?
    public var meanTradeSize: Double?
    /// The median and 90% quantile of trade sizes.
    public var tradeSizeQuantiles: [Int64]?
    public var oneLotTradeShare: Double?
    /// Best prices that moved away, and the share of them that followed a depletion.
    public var retreats: Int
    public var depletionShare: Double?
    /// Changes of the mid, and the correlation of successive ones.
    public var midChanges: Int
    public var midChangeCorrelation: Double?
    /// Var(60 s change) / (60 Var(1 s change)) of the mid.
    public var varianceRatio60: Double?
    /// Standard deviation of the mid's one-second change, ticks.
    public var volatility1s: Double?
}

/// A uniform sample of at most 65,536 values of a stream (Vitter's algorithm R), for quantiles
/// in bounded memory; seeded, so the same stream gives the same sample.
struct Reservoir: Sendable {
    static let capacity = 1 << 16
    private var values: [Int64] = []
    private var seen = 0
    private var random: Xoshiro256StarStar

    init(seed: UInt64) { random = Xoshiro256StarStar(seed: seed) }

    mutating func add(_ value: Int64) {
        seen += 1
        if values.count < Self.capacity {
            values.append(value)
        } else {
            let j = Int(random.below(UInt64(seen)))
            if j < Self.capacity { values[j] = value }
        }
    }

    /// The quantiles `qs` (each in 0...1) of the sample, nil when it is empty.
    func quantiles(_ qs: [Double]) -> [Int64]? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return qs.map { sorted[min(sorted.count - 1, Int($0 * Double(sorted.count)))] }
    }
}

/// Count, mean and variance of a stream (Welford's method).
struct RunningMoments: Sendable {
    private(set) var count = 0
    private var mean = 0.0
    private var m2 = 0.0

    mutating func add(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
    }

    /// The sample variance (0 under two values).
    var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
}

/// The correlation of a stream of pairs.
struct RunningCovariance: Sendable {
    private var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0

    mutating func add(_ x: Double, _ y: Double) {
        n += 1
        sx += x
        sy += y
        sxx += x * x
        syy += y * y
        sxy += x * y
    }

    var correlation: Double? {
        guard n > 1 else { return nil }
        let cov = sxy / n - (sx / n) * (sy / n)
        let vx = sxx / n - (sx / n) * (sx / n), vy = syy / n - (sy / n) * (sy / n)
        return vx > 0 && vy > 0 ? cov / (vx * vy).squareRoot() : nil
    }
}
