import Market
/// The market as a FIX market-data feed shows it to the market maker: the price levels of each
/// side (ticks -> lots) from a snapshot and incremental refreshes, and the last trade.
///
/// Each side is a ``Market/PriceLevels``, sorted so that its best price is last.
public struct QuoteBook: Sendable, Equatable {
    private var bids = PriceLevels(.buy)
    private var asks = PriceLevels(.sell)
    /// The last trade: price (ticks) and size (lots).
    public private(set) var lastTrade: (price: Int64, size: Int64)?

    public init() {}

    public static func == (a: QuoteBook, b: QuoteBook) -> Bool {
        a.bids == b.bids && a.asks == b.asks && a.lastTrade?.price == b.lastTrade?.price && a.lastTrade?.size == b.lastTrade?.size
    }

    public var bestBid: Int64? { bids.best?.price }
    public var bestAsk: Int64? { asks.best?.price }

    /// Forgets every level (a snapshot follows).
    public mutating func clear() {
        bids.removeAll()
        asks.removeAll()
    }

    /// Level `price` of `side` now holds `size` lots (0: a level of unknown size, as a venue
    /// quoting around the last trade shows it).
    public mutating func set(_ side: Side, price: Int64, size: Int64) {
        if side == .buy { bids.set(price: price, size: size) } else { asks.set(price: price, size: size) }
    }

    /// Level `price` of `side` is gone.
    public mutating func remove(_ side: Side, price: Int64) {
        if side == .buy { bids.remove(price: price) } else { asks.remove(price: price) }
    }

    /// A trade printed.
    public mutating func trade(price: Int64, size: Int64) {
        lastTrade = (price, size)
    }

    /// Size at `price` on `side`.
    public func size(_ side: Side, at price: Int64) -> Int64 {
        side == .buy ? bids.size(at: price) : asks.size(at: price)
    }

    /// The price the book is marked at: the mid when both sides are there, else the last trade
    /// or the one side.
    public var mark: Int64? {
        if let b = bestBid, let a = bestAsk { return (a + b) / 2 }
        return lastTrade?.price ?? bestBid ?? bestAsk
    }
}
