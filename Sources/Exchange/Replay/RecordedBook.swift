import Market

/// The market's book as a recording shows it: visible size per price level on each side.
///
/// Depth events set levels one by one; a level-1 quote sets the best level of each side and
/// removes whatever the quote says is no longer there (levels better than the quoted price).
public struct RecordedBook: Sendable {
    private var bids = PriceLevels(.buy)
    private var asks = PriceLevels(.sell)

    public init() {}

    public var bestBid: (price: Int64, size: Int64)? { bids.best.map { ($0.price, $0.size) } }
    public var bestAsk: (price: Int64, size: Int64)? { asks.best.map { ($0.price, $0.size) } }
    public var isEmpty: Bool { bids.isEmpty && asks.isEmpty }

    /// Visible size at `price` on `side` (0 when there is no such level).
    public func size(_ side: Side, at price: Int64) -> Int64 {
        side == .buy ? bids.size(at: price) : asks.size(at: price)
    }

    /// Level `price` of `side` now holds `size` (0 removes it).
    public mutating func set(_ side: Side, price: Int64, size: Int64) {
        if side == .buy { Self.set(&bids, price, size) } else { Self.set(&asks, price, size) }
    }

    /// The best level of `side` is `price` with `size` (nil: the side is empty): better levels
    /// are gone; with `only`, every other level too (a level-1 recording knows no others).
    public mutating func setBest(_ side: Side, price: Int64?, size: Int64, only: Bool = false) {
        if side == .buy { Self.setBest(&bids, price, size, only: only) } else { Self.setBest(&asks, price, size, only: only) }
    }

    public mutating func clear() {
        bids.removeAll()
        asks.removeAll()
    }

    /// The best `depth` levels of `side`, best first.
    public func levels(_ side: Side, depth: Int) -> [(price: Int64, size: Int64)] {
        (side == .buy ? bids : asks).best(depth).map { ($0.price, $0.size) }
    }

    /// Lots on `side` at `limit` or better, up to `quantity`.
    public func available(_ side: Side, limit: Int64, upTo quantity: Int64) -> Int64 {
        var total: Int64 = 0
        var i = 0
        while total < quantity, let level = level(side, i, limit: limit) {
            total += min(quantity - total, level.size)
            i += 1
        }
        return total
    }

    /// Level `i` of `side` counted from the best (0), when it is at `limit` or better.
    @inline(__always)
    public func level(_ side: Side, _ i: Int, limit: Int64) -> (price: Int64, size: Int64)? {
        guard let level = side == .buy ? bids.level(fromBest: i) : asks.level(fromBest: i) else { return nil }
        return (side == .sell ? level.price > limit : level.price < limit) ? nil : (level.price, level.size)
    }

    @inline(__always)
    private static func set(_ levels: inout PriceLevels, _ price: Int64, _ size: Int64) {
        if size > 0 { levels.set(price: price, size: size) } else { levels.remove(price: price) }
    }

    @inline(__always)
    private static func setBest(_ levels: inout PriceLevels, _ price: Int64?, _ size: Int64, only: Bool) {
        if only {
            levels.setOnly(price: size > 0 ? price : nil, size: size)
            return
        }
        guard let price else {
            levels.removeAll()
            return
        }
        levels.removeBetter(than: price)
        set(&levels, price, size)
    }
}
