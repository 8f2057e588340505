import Market
/// The market as a FIX market-data feed shows it to the market maker: the price levels of each
/// side (ticks -> lots) from a snapshot and incremental refreshes, and the last trade.
///
/// Each side is an array sorted so that its best price is last: a change at or near the top of
/// the book, which is what a feed mostly sends, touches the end of the array, and the best
/// price is read without a search.
public struct QuoteBook: Sendable, Equatable {
    /// Ascending by price: the best bid last.
    private var bids: [Level] = []
    /// Descending by price: the best ask last.
    private var asks: [Level] = []
    /// The last trade: price (ticks) and size (lots).
    public private(set) var lastTrade: (price: Int64, size: Int64)?

    private struct Level: Sendable, Equatable {
        var price: Int64
        var size: Int64
    }

    public init() {
        bids.reserveCapacity(16)
        asks.reserveCapacity(16)
    }

    public static func == (a: QuoteBook, b: QuoteBook) -> Bool {
        a.bids == b.bids && a.asks == b.asks && a.lastTrade?.price == b.lastTrade?.price && a.lastTrade?.size == b.lastTrade?.size
    }

    public var bestBid: Int64? { bids.last?.price }
    public var bestAsk: Int64? { asks.last?.price }

    /// Forgets every level (a snapshot follows).
    public mutating func clear() {
        bids.removeAll(keepingCapacity: true)
        asks.removeAll(keepingCapacity: true)
    }

    /// Level `price` of `side` now holds `size` lots (0: a level of unknown size, as a venue
    /// quoting around the last trade shows it).
    public mutating func set(_ side: Side, price: Int64, size: Int64) {
        if side == .buy { Self.set(&bids, price: price, size: size, better: >) } else { Self.set(&asks, price: price, size: size, better: <) }
    }

    /// Level `price` of `side` is gone.
    public mutating func remove(_ side: Side, price: Int64) {
        if side == .buy { Self.remove(&bids, price: price, better: >) } else { Self.remove(&asks, price: price, better: <) }
    }

    /// A trade printed.
    public mutating func trade(price: Int64, size: Int64) {
        lastTrade = (price, size)
    }

    /// Size at `price` on `side`.
    public func size(_ side: Side, at price: Int64) -> Int64 {
        let levels = side == .buy ? bids : asks
        let i = Self.position(of: price, in: levels, better: side == .buy ? (>) : (<))
        return i > 0 && levels[i - 1].price == price ? levels[i - 1].size : 0
    }

    /// The price the book is marked at: the mid when both sides are there, else the last trade
    /// or the one side.
    public var mark: Int64? {
        if let b = bestBid, let a = bestAsk { return (a + b) / 2 }
        return lastTrade?.price ?? bestBid ?? bestAsk
    }

    // MARK: - Sorted levels

    /// The index of the first level better than `price` (levels run from worst to best): a
    /// level at `price` is just before it, a new one goes there. Searched from the best end,
    /// where changes mostly land.
    @inline(__always)
    private static func position(of price: Int64, in levels: [Level], better: (Int64, Int64) -> Bool) -> Int {
        var i = levels.count
        // Walk down from the best while the level is better than `price`: a few steps near the
        // top; a binary search past eight.
        var steps = 0
        while i > 0 && better(levels[i - 1].price, price) {
            i -= 1
            steps += 1
            if steps == 8 {
                var low = 0
                var high = i
                while low < high {
                    let mid = (low + high) / 2
                    if better(levels[mid].price, price) { high = mid } else { low = mid + 1 }
                }
                return low
            }
        }
        return i
    }

    @inline(__always)
    private static func set(_ levels: inout [Level], price: Int64, size: Int64, better: (Int64, Int64) -> Bool) {
        let i = position(of: price, in: levels, better: better)
        if i > 0 && levels[i - 1].price == price {
            levels[i - 1].size = size
        } else {
            levels.insert(Level(price: price, size: size), at: i)
        }
    }

    @inline(__always)
    private static func remove(_ levels: inout [Level], price: Int64, better: (Int64, Int64) -> Bool) {
        let i = position(of: price, in: levels, better: better)
        if i > 0 && levels[i - 1].price == price { levels.remove(at: i - 1) }
    }
}
