import Market

/// The order book of one instrument: limit orders resting at integer-tick prices, matched with
/// price-time priority.
///
/// Storage is laid out for speed: orders live in a slab of slots reused through a free list and
/// linked into a FIFO queue per price level; each side is an array of levels sorted so that the
/// best price is last; an order id finds its slot through one hash lookup. After warm-up, adding,
/// canceling and matching allocate nothing.
public struct OrderBook: Sendable {
    public let instrument: Instrument
    /// The largest quantity (lots) an order may have.
    public var maxQuantity: Int64
    /// The price limit orders' band is measured from: the last trade's, or the opening
    /// reference until the first trade.
    public private(set) var referencePrice: Int64?
    /// The last trade: price (ticks) and quantity (lots).
    public private(set) var lastTrade: (price: Int64, quantity: Int64)?

    @usableFromInline
    struct Slot: Sendable {
        var id: OrderID
        var owner: OwnerID
        var side: Side
        var price: Int64
        /// Total quantity of the order (lots), including what has been filled.
        var quantity: Int64
        var leaves: Int64
        var previous: Int32
        var next: Int32
    }

    @usableFromInline
    struct Level: Sendable {
        var price: Int64
        var head: Int32
        var tail: Int32
        /// Lots resting at this price.
        var quantity: Int64
        var count: Int32
    }

    private var slots: ContiguousArray<Slot> = []
    private var freeSlots: ContiguousArray<Int32> = []
    private var slotOf = UInt64Map<Int32>()
    /// Ascending prices: the best bid is last.
    private var bids: ContiguousArray<Level> = []
    /// Descending prices: the best ask is last.
    private var asks: ContiguousArray<Level> = []

    public init(instrument: Instrument, referencePrice: Int64? = nil, maxQuantity: Int64 = 1_000_000_000) {
        self.instrument = instrument
        self.referencePrice = referencePrice
        self.maxQuantity = maxQuantity
    }

    /// Room for `orders` resting orders without growing.
    public mutating func reserveCapacity(_ orders: Int) {
        slots.reserveCapacity(orders)
        freeSlots.reserveCapacity(orders)
        slotOf.reserveCapacity(orders)
    }

    // MARK: - Views

    /// Best bid: price (ticks) and total quantity (lots).
    public var bestBid: (price: Int64, quantity: Int64)? { bids.last.map { ($0.price, $0.quantity) } }
    /// Best ask: price (ticks) and total quantity (lots).
    public var bestAsk: (price: Int64, quantity: Int64)? { asks.last.map { ($0.price, $0.quantity) } }
    /// Resting orders.
    public var orderCount: Int { slotOf.count }
    /// Price levels on a side.
    public func levelCount(_ side: Side) -> Int { side == .buy ? bids.count : asks.count }

    /// One price level of a market-data view.
    public struct LevelView: Hashable, Sendable {
        public var price: Int64
        public var quantity: Int64
        public var orders: Int
    }

    /// The best `depth` levels of `side`, best first.
    public func levels(_ side: Side, depth: Int) -> [LevelView] {
        let book = side == .buy ? bids : asks
        return book.reversed().prefix(depth).map { LevelView(price: $0.price, quantity: $0.quantity, orders: Int($0.count)) }
    }

    /// A working order: side, price, total quantity and leaves.
    public func order(_ id: OrderID) -> (owner: OwnerID, side: Side, price: Int64, quantity: Int64, leaves: Int64)? {
        guard let s = slotOf[id] else { return nil }
        let o = slots[Int(s)]
        return (o.owner, o.side, o.price, o.quantity, o.leaves)
    }

    /// The ids of the orders at `price` on `side`, in time priority.
    public func queue(_ side: Side, price: Int64) -> [OrderID] {
        guard let i = levelIndex(side, price) else { return [] }
        var out: [OrderID] = []
        var s = (side == .buy ? bids : asks)[i].head
        while s >= 0 {
            out.append(slots[Int(s)].id)
            s = slots[Int(s)].next
        }
        return out
    }

    // MARK: - Orders

    /// Checks a new order's quantity and price; nil when it may enter the book.
    public func check(_ r: OrderRequest) -> OrderRejectReason? {
        OrderChecks.new(r, instrument: instrument, maxQuantity: maxQuantity, reference: referencePrice)
    }

    /// Enters a new order under `id`: it is checked, matched against the other side as far as
    /// its price allows, and what is left rests (a day limit order) or is canceled (IOC,
    /// market). A fill-or-kill order that cannot fill in full is canceled without trading.
    public mutating func submit(_ r: OrderRequest, id: OrderID, events: inout [ExchangeEvent]) {
        if let reason = check(r) {
            events.append(.rejected(owner: r.owner, reason: reason))
            return
        }
        if r.kind == .market && (r.side == .buy ? asks.isEmpty : bids.isEmpty) {
            events.append(.rejected(owner: r.owner, reason: .noLiquidity))
            return
        }
        events.append(.accepted(orderID: id, owner: r.owner))
        let limit = r.kind == .market ? (r.side == .buy ? Int64.max : Int64.min) : r.price
        if r.timeInForce == .fillOrKill && available(against: r.side, limit: limit, owner: r.owner) < r.quantity {
            events.append(.canceled(orderID: id, owner: r.owner, leaves: r.quantity, reason: .fillOrKill))
            return
        }
        let leaves = match(id: id, owner: r.owner, side: r.side, limit: limit, quantity: r.quantity, events: &events)
        guard leaves > 0 else { return }
        if r.kind == .limit && r.timeInForce == .day {
            rest(id: id, owner: r.owner, side: r.side, price: r.price, quantity: r.quantity, leaves: leaves)
        } else {
            events.append(.canceled(orderID: id, owner: r.owner, leaves: leaves, reason: .immediateOrCancel))
        }
    }

    /// Cancels a working order of `owner`.
    public mutating func cancel(_ id: OrderID, owner: OwnerID, events: inout [ExchangeEvent]) {
        guard let s = slotOf[id], slots[Int(s)].owner == owner else {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: .unknownOrder))
            return
        }
        let leaves = slots[Int(s)].leaves
        remove(slot: s)
        events.append(.canceled(orderID: id, owner: owner, leaves: leaves, reason: .requested))
    }

    /// Changes a working order's price and total quantity. It keeps its place in the queue only
    /// when the price is unchanged and the quantity goes down; otherwise it goes to the back of
    /// the queue at its (new) price, and trades first if that price crosses the other side.
    public mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64,
                                 events: inout [ExchangeEvent]) {
        guard let s = slotOf[id], slots[Int(s)].owner == owner else {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: .unknownOrder))
            return
        }
        let old = slots[Int(s)]
        let filled = old.quantity - old.leaves
        if let reason = OrderChecks.replace(price: price, quantity: quantity, filled: filled, instrument: instrument,
                                            maxQuantity: maxQuantity, reference: referencePrice) {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: reason))
            return
        }
        let leaves = quantity - filled
        events.append(.replaced(orderID: id, owner: owner, price: price, quantity: quantity, leaves: leaves))
        if price == old.price && leaves <= old.leaves {
            // Same price, less (or the same) quantity: the order keeps its time priority.
            let i = levelIndex(old.side, price)!
            if old.side == .buy { bids[i].quantity -= old.leaves - leaves } else { asks[i].quantity -= old.leaves - leaves }
            slots[Int(s)].quantity = quantity
            slots[Int(s)].leaves = leaves
            return
        }
        remove(slot: s)
        let left = match(id: id, owner: owner, side: old.side, limit: price, quantity: leaves, events: &events)
        if left > 0 {
            rest(id: id, owner: owner, side: old.side, price: price, quantity: quantity, leaves: left)
        }
    }

    // MARK: - Matching

    /// Lots on the other side of `side` at `limit` or better, not counting `owner`'s own orders
    /// (which self-trade prevention would cancel rather than trade).
    private func available(against side: Side, limit: Int64, owner: OwnerID) -> Int64 {
        var total: Int64 = 0
        let book = side == .buy ? asks : bids
        var i = book.count - 1
        while i >= 0 {
            let level = book[i]
            if side == .buy ? level.price > limit : level.price < limit { break }
            var s = level.head
            while s >= 0 {
                let o = slots[Int(s)]
                if o.owner != owner { total += o.leaves }
                s = o.next
            }
            i -= 1
        }
        return total
    }

    /// Trades an incoming order against the other side while prices cross; returns what is left.
    private mutating func match(id: OrderID, owner: OwnerID, side: Side, limit: Int64, quantity: Int64,
                                events: inout [ExchangeEvent]) -> Int64 {
        var leaves = quantity
        while leaves > 0 {
            guard let top = side == .buy ? asks.last : bids.last else { break }
            if side == .buy ? top.price > limit : top.price < limit { break }
            let s = top.head
            let maker = slots[Int(s)]
            if maker.owner == owner {
                // Self-trade prevention: the resting order goes.
                remove(slot: s)
                events.append(.canceled(orderID: maker.id, owner: owner, leaves: maker.leaves, reason: .selfTrade))
                continue
            }
            let traded = min(leaves, maker.leaves)
            leaves -= traded
            let makerLeaves = maker.leaves - traded
            events.append(.fill(Fill(makerOrderID: maker.id, makerOwner: maker.owner, takerOrderID: id, takerOwner: owner,
                                     takerSide: side, price: top.price, quantity: traded,
                                     makerLeaves: makerLeaves, takerLeaves: leaves)))
            lastTrade = (top.price, traded)
            referencePrice = top.price
            if makerLeaves == 0 {
                remove(slot: s)
            } else {
                slots[Int(s)].leaves = makerLeaves
                if side == .buy { asks[asks.count - 1].quantity -= traded } else { bids[bids.count - 1].quantity -= traded }
            }
        }
        return leaves
    }

    // MARK: - Storage

    /// Where `price` is on `side`, if it has a level.
    private func levelIndex(_ side: Side, _ price: Int64) -> Int? {
        let book = side == .buy ? bids : asks
        let i = Self.insertionIndex(side, price, in: book)
        return i < book.count && book[i].price == price ? i : nil
    }

    /// The index of the first level not better-ordered than `price` (bids ascending, asks
    /// descending): where a level at `price` is or would go.
    private static func insertionIndex(_ side: Side, _ price: Int64, in book: ContiguousArray<Level>) -> Int {
        // Most activity is near the best price, at the end: look there first.
        let n = book.count
        if n == 0 { return 0 }
        let last = book[n - 1].price
        if side == .buy ? price > last : price < last { return n }
        if price == last { return n - 1 }
        var lo = 0
        var hi = n - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            let p = book[mid].price
            if side == .buy ? p < price : p > price { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private mutating func rest(id: OrderID, owner: OwnerID, side: Side, price: Int64, quantity: Int64, leaves: Int64) {
        let s: Int32
        let slot = Slot(id: id, owner: owner, side: side, price: price, quantity: quantity, leaves: leaves, previous: -1, next: -1)
        if let free = freeSlots.popLast() {
            s = free
            slots[Int(free)] = slot
        } else {
            s = Int32(slots.count)
            slots.append(slot)
        }
        slotOf.set(id, s)
        if side == .buy {
            Self.append(s, price: price, leaves: leaves, side: .buy, to: &bids, slots: &slots)
        } else {
            Self.append(s, price: price, leaves: leaves, side: .sell, to: &asks, slots: &slots)
        }
    }

    private static func append(_ s: Int32, price: Int64, leaves: Int64, side: Side, to book: inout ContiguousArray<Level>,
                                slots: inout ContiguousArray<Slot>) {
        let i = insertionIndex(side, price, in: book)
        if i < book.count && book[i].price == price {
            let tail = book[i].tail
            slots[Int(tail)].next = s
            slots[Int(s)].previous = tail
            book[i].tail = s
            book[i].quantity += leaves
            book[i].count += 1
        } else {
            book.insert(Level(price: price, head: s, tail: s, quantity: leaves, count: 1), at: i)
        }
    }

    private mutating func remove(slot s: Int32) {
        let o = slots[Int(s)]
        if o.side == .buy { Self.unlink(s, o, from: &bids, slots: &slots) } else { Self.unlink(s, o, from: &asks, slots: &slots) }
        slotOf.remove(o.id)
        freeSlots.append(s)
    }

    private static func unlink(_ s: Int32, _ o: Slot, from book: inout ContiguousArray<Level>, slots: inout ContiguousArray<Slot>) {
        let i = insertionIndex(o.side, o.price, in: book)
        if o.previous >= 0 { slots[Int(o.previous)].next = o.next } else { book[i].head = o.next }
        if o.next >= 0 { slots[Int(o.next)].previous = o.previous } else { book[i].tail = o.previous }
        book[i].quantity -= o.leaves
        book[i].count -= 1
        if book[i].count == 0 {
            if i == book.count - 1 { book.removeLast() } else { book.remove(at: i) }
        }
    }
}
