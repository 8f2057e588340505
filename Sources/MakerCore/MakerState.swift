import Market
import Quoting
import Risk

/// Everything a market maker needs to go on after a stop: its position and what it cost, its
/// working orders with their requests in flight, the next order keys, the kill switch and the
/// net-position stop, and the day's P&L baseline and worst intraday loss. ``MarketMaker/state``
/// takes it; ``MarketMaker/init(configuration:restoring:)`` goes on from it. A ``MakerJournal``
/// keeps it on disk.
public struct MakerState: Equatable, Sendable {
    public var positions: PositionBook
    /// The ladder's live orders.
    public var ladder: [QuotedOrder]
    /// Flattening orders not yet done.
    public var flattening: [FlatteningOrder]
    /// The key the ladder's next request gets.
    public var nextKey: OrderKey
    /// The key the next flattening order gets.
    public var nextFlattenKey: OrderKey
    public var killSwitch: Bool
    public var stop: NetPositionStop.Saved
    public var risk: IntradayRisk

    public init(positions: PositionBook, ladder: [QuotedOrder] = [], flattening: [FlatteningOrder] = [],
                nextKey: OrderKey = OrderKey(1), nextFlattenKey: OrderKey = OrderKey(MarketMaker.flatteningKeyBase), killSwitch: Bool = false,
                stop: NetPositionStop.Saved = .init(direction: 0, peak: 0, position: 0, events: 0),
                risk: IntradayRisk = IntradayRisk()) {
        self.positions = positions
        self.ladder = ladder
        self.flattening = flattening
        self.nextKey = nextKey
        self.nextFlattenKey = nextFlattenKey
        self.killSwitch = killSwitch
        self.stop = stop
        self.risk = risk
    }
}

/// A flattening order (immediate or cancel) the venue has not finished with.
public struct FlatteningOrder: Hashable, Sendable {
    public var key: OrderKey
    public var side: Side
    public var quantity: Int64
    public var filled: Int64
    /// The limit price (ticks) of a flattening limit order; nil for a market order.
    public var limitPrice: Int64?

    public init(key: OrderKey, side: Side, quantity: Int64, filled: Int64, limitPrice: Int64?) {
        self.key = key
        self.side = side
        self.quantity = quantity
        self.filled = filled
        self.limitPrice = limitPrice
    }
}

/// The day's P&L baseline and the worst intraday losses (ticks x lots), as the market maker
/// tracks them.
public struct IntradayRisk: Hashable, Sendable {
    /// The UTC day (days since 1970) the baseline belongs to; -1 before the first.
    public var day: Int64 = -1
    /// Trading profit at the day's start.
    public var dayStartProfit: Int64 = 0
    /// The worst intraday loss so far, all days.
    public var maxIntradayLoss: Int64 = 0
    /// The worst intraday loss of `day`.
    public var maxIntradayLossToday: Int64 = 0

    public init(day: Int64 = -1, dayStartProfit: Int64 = 0, maxIntradayLoss: Int64 = 0, maxIntradayLossToday: Int64 = 0) {
        self.day = day
        self.dayStartProfit = dayStartProfit
        self.maxIntradayLoss = maxIntradayLoss
        self.maxIntradayLossToday = maxIntradayLossToday
    }
}

/// One order of a market maker as a journal keeps it: a ladder order or a flattening order.
public enum MakerOrder: Hashable, Sendable {
    case ladder(QuotedOrder)
    case flattening(FlatteningOrder)

    /// The key the venue knows the order by.
    public var key: OrderKey {
        switch self {
        case .ladder(let o): o.key
        case .flattening(let o): o.key
        }
    }
}
