import Market

/// How good a run's fills were, the standard measures of adverse selection in market making:
/// the markouts of the ladder's fills, where in the ladder the filled orders were placed, and
/// how many fills came as their price level was emptied.
///
/// - **Markout** at horizon h: the market's mid price h seconds of market time after the fill,
///   against the fill price, signed for the side (mid - price for a buy, price - mid for a
///   sell), in ticks, averaged over the fills' lots. Positive: the market moved our way; a
///   passive fill starts at half the spread, and a fill that the market runs over goes
///   negative. The mid at t + h is the one after every event up to t + h; fills whose t + h is
///   after the last event, or when one side of the book was empty then, are left out (``Markout/lots``
///   says how many lots count).
/// - **Level**: the ladder level the filled order was placed or last moved at (1: at the best
///   price the market maker was shown then, 2: a tick behind it, ...; 0: no best price was
///   shown). Fills an hour of market time and the share of all fills, per level.
/// - **Depletion share**: the share of fills after which their price level was gone from the
///   market (the best bid below a filled buy, the best ask above a filled sell) at the event
///   that filled them or the next one: fills that came with the level being emptied. Not
///   given for a recording of trades only, which has no book.
///
/// Only the ladder's fills count, not the stop's flattening orders.
public struct FillQuality: Codable, Sendable, Equatable {
    /// The markout horizons, seconds of market time.
    public static let horizons: [Int64] = [1, 10, 60]

    public struct Markout: Codable, Sendable, Equatable {
        public var seconds: Int64
        /// Lots whose mid at the horizon was known.
        public var lots: Int64
        /// Mean markout, ticks a lot (nil: no lot counted).
        public var ticks: Double?
    }

    public struct Level: Codable, Sendable, Equatable {
        /// 1 at the best price, ...; 0: unknown.
        public var level: Int
        public var fills: Int
        public var lots: Int64
        /// Of all the ladder's fills.
        public var share: Double
        /// Fills an hour of market time (nil: no market time).
        public var perHour: Double?
    }

    /// The ladder's fills and their lots.
    public var fills: Int
    public var lots: Int64
    /// One a horizon, in the order of ``horizons``.
    public var markouts: [Markout]
    /// The levels that had fills, in order.
    public var levels: [Level]
    /// Fills whose level was emptied with them, and their share of the fills checked.
    public var depletionFills: Int
    public var depletionShare: Double?

    /// The mean markout at `seconds`, ticks a lot.
    public func markout(_ seconds: Int64) -> Double? { markouts.first { $0.seconds == seconds }?.ticks }
}

/// Builds a run's ``FillQuality`` event by event, in memory bounded by the fills of the last
/// minute of market time.
struct FillQualityTracker {
    /// Fills waiting for their horizons, oldest first; `due[h]` is the first not yet marked out
    /// at horizon h (the horizons grow, so `due` falls with h).
    private var pending: [LadderFill] = []
    private var due = [Int](repeating: 0, count: FillQuality.horizons.count)
    private let horizons = FillQuality.horizons.map { $0 * 1_000_000_000 }
    private var markoutSum = [Double](repeating: 0, count: FillQuality.horizons.count)
    private var markoutLots = [Int64](repeating: 0, count: FillQuality.horizons.count)
    /// Fills and lots by level; the last slot holds every level from it on.
    private var levelFills = [Int](repeating: 0, count: Self.levelSlots)
    private var levelLots = [Int64](repeating: 0, count: Self.levelSlots)
    static let levelSlots = 65
    private var fills = 0
    private var lots: Int64 = 0
    /// Fills of the last event whose level was still there: checked again after the next.
    private var unchecked: [LadderFill] = []
    private var depleted = 0
    private var checked = 0

    /// Before an event at `now`: marks out the fills whose horizon has passed, at the mid of
    /// the market as it stands (`market`: its best prices, without our orders).
    @inline(__always)
    mutating func markOut(before now: Int64, market: (bid: Int64?, ask: Int64?)) {
        guard !pending.isEmpty, anyDue(before: now) else { return }
        for h in horizons.indices {
            while due[h] < pending.count, pending[due[h]].time &+ horizons[h] < now {
                let fill = pending[due[h]]
                due[h] += 1
                guard let bid = market.bid, let ask = market.ask else { continue }
                // (mid - price) x side, in half ticks: (bid + ask) - 2 price.
                let halfTicks = Double(bid) + Double(ask) - 2 * Double(fill.price)
                markoutSum[h] += (fill.side == .buy ? halfTicks : -halfTicks) / 2 * Double(fill.quantity)
                markoutLots[h] += fill.quantity
            }
        }
        // Every horizon is past the fills before due.last: drop them.
        let done = due[due.count - 1]
        if done == pending.count {
            pending.removeAll(keepingCapacity: true)
            for h in due.indices { due[h] = 0 }
        } else if done >= 1_024 && done * 2 >= pending.count {
            pending.removeFirst(done)
            for h in due.indices { due[h] -= done }
        }
    }

    /// Whether a fill's horizon has passed before `now` (cheap: ask before reading the market).
    @inline(__always)
    func hasMarkoutsDue(before now: Int64) -> Bool { !pending.isEmpty && anyDue(before: now) }

    @inline(__always)
    private func anyDue(before now: Int64) -> Bool {
        for h in horizons.indices where due[h] < pending.count && pending[due[h]].time &+ horizons[h] < now { return true }
        return false
    }

    /// Fills held for their horizons.
    var pendingCount: Int { pending.count }

    /// Whether fills of the last event wait for their depletion check.
    var hasUnchecked: Bool { !unchecked.isEmpty }

    /// After an event: the fills it brought (`new`), and the market's best prices now. The
    /// depletion check needs a book (`hasBook`).
    @inline(__always)
    mutating func record(_ new: [LadderFill], market: (bid: Int64?, ask: Int64?), hasBook: Bool) {
        let (bid, ask) = market
        if !unchecked.isEmpty {
            for fill in unchecked where Self.levelGone(fill, bid: bid, ask: ask) { depleted += 1 }
            unchecked.removeAll(keepingCapacity: true)
        }
        for fill in new {
            if pending.isEmpty { for h in due.indices { due[h] = 0 } }
            pending.append(fill)
            fills += 1
            lots += fill.quantity
            let slot = min(max(fill.level, 0), Self.levelSlots - 1)
            levelFills[slot] += 1
            levelLots[slot] += fill.quantity
            guard hasBook else { continue }
            checked += 1
            if Self.levelGone(fill, bid: bid, ask: ask) { depleted += 1 } else { unchecked.append(fill) }
        }
    }

    /// Whether the fill's price level is no longer in the market.
    static func levelGone(_ fill: LadderFill, bid: Int64?, ask: Int64?) -> Bool {
        fill.side == .buy ? bid.map { $0 < fill.price } ?? true : ask.map { $0 > fill.price } ?? true
    }

    /// The figures, with `marketTime` (ns) for the rates.
    func quality(marketTime: Int64) -> FillQuality {
        let hours = Double(marketTime) / 3_600e9
        let markouts = FillQuality.horizons.indices.map { h in
            FillQuality.Markout(seconds: FillQuality.horizons[h], lots: markoutLots[h],
                                ticks: markoutLots[h] > 0 ? markoutSum[h] / Double(markoutLots[h]) : nil)
        }
        let levels = levelFills.indices.filter { levelFills[$0] > 0 }.map { i in
            FillQuality.Level(level: i, fills: levelFills[i], lots: levelLots[i], share: Double(levelFills[i]) / Double(fills),
                              perHour: hours > 0 ? Double(levelFills[i]) / hours : nil)
        }
        return FillQuality(fills: fills, lots: lots, markouts: markouts, levels: levels, depletionFills: depleted,
                           depletionShare: checked > 0 ? Double(depleted) / Double(checked) : nil)
    }
}
