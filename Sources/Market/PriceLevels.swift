/// One side of a book as a list of price levels (ticks -> lots), kept sorted from the worst
/// price to the best: a change at or near the top of the book, which is what feeds and
/// recordings mostly send, touches the end of the array, and the best level is read without a
/// search. Shared by the market maker's view of a feed (`QuoteBook`) and the replay's recorded
/// book (`RecordedBook`).
public struct PriceLevels: Sendable, Equatable {
    /// A price level.
    public struct Level: Sendable, Equatable, Hashable {
        public var price: Int64
        public var size: Int64

        @inlinable
        public init(price: Int64, size: Int64) {
            self.price = price
            self.size = size
        }
    }

    /// Bids (best = highest) or asks (best = lowest).
    public let side: Side
    /// Worst first, best last.
    @usableFromInline var levels: ContiguousArray<Level> = []

    public init(_ side: Side, capacity: Int = 16) {
        self.side = side
        levels.reserveCapacity(capacity)
    }

    /// Whether price `a` is better than `b` on this side.
    @inlinable @inline(__always)
    func isBetter(_ a: Int64, than b: Int64) -> Bool { side == .buy ? a > b : a < b }

    /// The best level.
    @inlinable
    public var best: Level? { levels.last }
    @inlinable
    public var count: Int { levels.count }
    @inlinable
    public var isEmpty: Bool { levels.isEmpty }

    /// The index of the first level better than `price`: a level at `price` is just before it,
    /// a new one goes there. Searched from the best end, where changes mostly land: a few steps
    /// down near the top, a binary search past eight.
    @inlinable @inline(__always)
    func position(of price: Int64) -> Int {
        var i = levels.count
        var steps = 0
        while i > 0 && isBetter(levels[i - 1].price, than: price) {
            i -= 1
            steps += 1
            if steps == 8 {
                var low = 0
                var high = i
                while low < high {
                    let mid = (low + high) / 2
                    if isBetter(levels[mid].price, than: price) { high = mid } else { low = mid + 1 }
                }
                return low
            }
        }
        return i
    }

    /// The size at `price` (0 when there is no such level).
    @inlinable
    public func size(at price: Int64) -> Int64 {
        let i = position(of: price)
        return i > 0 && levels[i - 1].price == price ? levels[i - 1].size : 0
    }

    /// Level `price` holds `size` (kept even at 0: see ``remove(price:)``).
    @inlinable
    public mutating func set(price: Int64, size: Int64) {
        let i = position(of: price)
        if i > 0 && levels[i - 1].price == price {
            levels[i - 1].size = size
        } else {
            levels.insert(Level(price: price, size: size), at: i)
        }
    }

    /// Level `price` is gone.
    @inlinable
    public mutating func remove(price: Int64) {
        let i = position(of: price)
        if i > 0 && levels[i - 1].price == price { levels.remove(at: i - 1) }
    }

    /// Every level better than `price` is gone.
    @inlinable
    public mutating func removeBetter(than price: Int64) {
        while let last = levels.last, isBetter(last.price, than: price) { levels.removeLast() }
    }

    /// The side is this one level (or nothing, for nil).
    @inlinable
    public mutating func setOnly(price: Int64?, size: Int64) {
        if levels.count == 1, let price {
            levels[0] = Level(price: price, size: size)
            return
        }
        levels.removeAll(keepingCapacity: true)
        if let price { levels.append(Level(price: price, size: size)) }
    }

    public mutating func removeAll() {
        levels.removeAll(keepingCapacity: true)
    }

    /// Level `i` counted from the best (0).
    @inlinable @inline(__always)
    public func level(fromBest i: Int) -> Level? {
        i < levels.count ? levels[levels.count - 1 - i] : nil
    }

    /// The best `depth` levels, best first.
    public func best(_ depth: Int) -> [Level] {
        Array(levels.reversed().prefix(depth))
    }
}
