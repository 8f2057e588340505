import Market

/// The market's book as a recording shows it: visible size per price level on each side.
///
/// Depth events set levels one by one; a level-1 quote sets the best level of each side and
/// removes whatever the quote says is no longer there (levels better than the quoted price).
public struct RecordedBook: Sendable {
    /// Ascending prices: the best bid is last.
    private var bids: ContiguousArray<(price: Int64, size: Int64)> = []
    /// Descending prices: the best ask is last.
    private var asks: ContiguousArray<(price: Int64, size: Int64)> = []

    public init() {}

    public var bestBid: (price: Int64, size: Int64)? { bids.last }
    public var bestAsk: (price: Int64, size: Int64)? { asks.last }
    public var isEmpty: Bool { bids.isEmpty && asks.isEmpty }

    /// Visible size at `price` on `side` (0 when there is no such level).
    public func size(_ side: Side, at price: Int64) -> Int64 {
        let book = side == .buy ? bids : asks
        let i = Self.index(side, price, in: book)
        return i < book.count && book[i].price == price ? book[i].size : 0
    }

    /// Level `price` of `side` now holds `size` (0 removes it).
    public mutating func set(_ side: Side, price: Int64, size: Int64) {
        if side == .buy { Self.set(.buy, price, size, in: &bids) } else { Self.set(.sell, price, size, in: &asks) }
    }

    /// The best level of `side` is `price` with `size` (nil: the side is empty): better levels
    /// are gone; with `only`, every other level too (a level-1 recording knows no others).
    public mutating func setBest(_ side: Side, price: Int64?, size: Int64, only: Bool = false) {
        if only {
            // The side is this one level, or nothing.
            if side == .buy { Self.setOnly(price, size, in: &bids) } else { Self.setOnly(price, size, in: &asks) }
            return
        }
        if side == .buy { Self.setBest(.buy, price, size, in: &bids) } else { Self.setBest(.sell, price, size, in: &asks) }
    }

    public mutating func clear() {
        bids.removeAll(keepingCapacity: true)
        asks.removeAll(keepingCapacity: true)
    }

    /// The best `depth` levels of `side`, best first.
    public func levels(_ side: Side, depth: Int) -> [(price: Int64, size: Int64)] {
        Array((side == .buy ? bids : asks).reversed().prefix(depth))
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
        let count = side == .buy ? bids.count : asks.count
        guard i < count else { return nil }
        let level = side == .buy ? bids[count - 1 - i] : asks[count - 1 - i]
        return (side == .sell ? level.price > limit : level.price < limit) ? nil : level
    }

    // MARK: - Storage

    /// Where a level at `price` is or would go (bids ascending, asks descending).
    private static func index(_ side: Side, _ price: Int64, in book: ContiguousArray<(price: Int64, size: Int64)>) -> Int {
        var lo = 0
        var hi = book.count
        if let last = book.last {
            if side == .buy ? price > last.price : price < last.price { return book.count }
            if price == last.price { return book.count - 1 }
        }
        while lo < hi {
            let mid = (lo + hi) / 2
            if side == .buy ? book[mid].price < price : book[mid].price > price { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private static func set(_ side: Side, _ price: Int64, _ size: Int64, in book: inout ContiguousArray<(price: Int64, size: Int64)>) {
        let i = index(side, price, in: book)
        let exists = i < book.count && book[i].price == price
        if size > 0 {
            if exists { book[i].size = size } else { book.insert((price, size), at: i) }
        } else if exists {
            book.remove(at: i)
        }
    }

    private static func setOnly(_ price: Int64?, _ size: Int64, in book: inout ContiguousArray<(price: Int64, size: Int64)>) {
        if book.count == 1, let price, size > 0 {
            book[0] = (price, size)
            return
        }
        book.removeAll(keepingCapacity: true)
        if let price, size > 0 { book.append((price, size)) }
    }

    private static func setBest(_ side: Side, _ price: Int64?, _ size: Int64,
                                in book: inout ContiguousArray<(price: Int64, size: Int64)>) {
        guard let price else {
            book.removeAll(keepingCapacity: true)
            return
        }
        while let last = book.last, side == .buy ? last.price > price : last.price < price { book.removeLast() }
        set(side, price, size, in: &book)
    }
}
