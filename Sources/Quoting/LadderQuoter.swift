import Market
/// The study's quoting ladder: market state in, order intents out. A pure state machine: no
/// clock of its own, no I/O; the engine calls it and sends what it returns, in order.
///
/// Each side quotes ``QuoteConfiguration/levels`` levels of ``QuoteConfiguration/quantity`` lots
/// (bids at `bestBid - offset - k`, asks at `bestAsk + offset + k`). ``update(bestBid:bestAsk:now:into:)``
/// compares that target with the orders it has and asks for the fewest requests that reach it:
/// - an order at a target price stays;
/// - orders at prices the target lacks are moved by cancel/replace (35=G) to the missing levels,
///   the order farthest from the other side to the missing level nearest it (when the best bid
///   rises, the lowest bid moves up to the new top level; when the best ask falls, the highest
///   ask moves down);
/// - new orders fill the missing levels no move covers (after fills, the study's refill);
/// - cancels only when the ladder shrinks (fewer levels configured, the side pulled, its best
///   price gone) or an order stands at a level of a crossed or locked market. A level is never
///   emptied by a cancel to be filled by a new order: moves are replaces. An order off the
///   target with no missing level to go to (a ladder cut short by a locked market or by prices
///   near zero) stays where it is until a level opens, as long as it does not cross the market.
///
/// Each side is aimed at its best price as ``QuoteConfiguration/refreshTolerance`` says: a move
/// toward the other side smaller than the tolerance leaves the side where it was; any move away
/// re-aims it at once, so no level is ever better than the side's best price.
///
/// An order with a request in flight is not touched until the venue answers; it holds the level
/// it will have. Missing levels are filled nearest the other side first, bids before asks at
/// the same distance; cancels go first.
///
/// Guarantees: a side never has more than `levels` live orders (new orders are sent only into
/// free room, counting orders with requests in flight; lowering `levels` cancels the surplus);
/// every price is positive; no request puts one of our bids at or above one of our asks. For the
/// last, an order counts at the price it will have once its request in flight succeeds, and a
/// request that would meet one of our orders on the other side is held back to a later update.
/// Within one batch each request is safe given the ones before it, which holds as long as the
/// venue handles one session's requests in order, as FIX venues do. What this cannot cover: a
/// replace the venue refuses puts the order back at its old price, which our other side may
/// have moved to meanwhile. A venue refuses a replace when the order is gone, and in order
/// reports that end arrives first; a refusal for another reason (a price band, say) is the
/// residual risk, which the venue's self-trade prevention then meets.
///
/// Reports go to ``apply(_:into:)``. It updates the orders and emits only the cancels
/// ``setSides(buy:sell:into:)`` or ``cancelAll(into:)`` owed to an order that had a request in flight;
/// it never quotes: the ladder is refilled after fills at the next update, which also refreshes
/// the message budget.
///
/// The `into:` variants append to a caller's buffer and allocate nothing in the steady state;
/// the variants returning arrays are conveniences.
public struct LadderQuoter: Sendable {
    /// The ladder's shape and limits; changes take effect at the next update.
    public var configuration: QuoteConfiguration
    /// The live orders and their states.
    public private(set) var tracker: OrderTracker
    /// Whether bids are quoted (see ``setSides(buy:sell:into:)``).
    /// Most orders each side may have (``setMaxOrders(buy:sell:)``); the levels by default.
    public private(set) var maxBuyOrders = Int.max
    public private(set) var maxSellOrders = Int.max
    public private(set) var buyEnabled = true
    /// Whether asks are quoted.
    public private(set) var sellEnabled = true
    /// The best bid the bids are aimed at; nil while bids are not quoted.
    public private(set) var bidAnchor: Int64?
    /// The best ask the asks are aimed at; nil while asks are not quoted.
    public private(set) var askAnchor: Int64?
    /// The message budget's state; nil while there is no budget.
    public private(set) var bucket: TokenBucket?

    private var counters = QuoterStatistics()
    private var nextKey: UInt64
    // Scratch space reused by every update.
    private var candidates: [Candidate] = []
    /// What the last plan of each side saw when it asked for nothing (see ``IdlePlan``).
    private var idleBids = IdlePlan()
    private var idleAsks = IdlePlan()

    /// A quoter with no orders. Keys start at `firstKey` and count up: give each run a range of
    /// its own if ClOrdIDs must not repeat across runs.
    public init(configuration: QuoteConfiguration = QuoteConfiguration(), firstKey: OrderKey = OrderKey(1)) {
        self.configuration = configuration
        self.nextKey = firstKey.rawValue
        let levels = min(max(configuration.levels, 0), QuoteConfiguration.maxLevels)
        tracker = OrderTracker(capacity: 4 * max(levels, 4))
        candidates.reserveCapacity(4 * max(levels, 4))
    }

    // MARK: - Market data

    /// Re-aims the ladder at the best prices (nil: that side has no price) at time `now` (ns,
    /// any monotonic origin; used only by the message budget) and returns the requests that
    /// reach the target.
    public mutating func update(bestBid: Int64?, bestAsk: Int64?, now: Int64) -> [QuoteIntent] {
        var intents: [QuoteIntent] = []
        update(bestBid: bestBid, bestAsk: bestAsk, now: now, into: &intents)
        return intents
    }

    /// ``update(bestBid:bestAsk:now:)`` appending to `intents`.
    public mutating func update(bestBid: Int64?, bestAsk: Int64?, now: Int64, into intents: inout [QuoteIntent]) {
        counters.updates += 1
        if let budget = configuration.messageBudget {
            if bucket == nil { bucket = TokenBucket(budget) }
            bucket!.refill(now: now, budget: budget)
        }
        var work = candidates
        candidates = []
        if !work.isEmpty { work.removeAll(keepingCapacity: true) }

        let bids = aim(.buy, best: bestBid, otherBest: bestAsk)
        let asks = aim(.sell, best: bestAsk, otherBest: bestBid)
        // Scratch on the stack: the orders' indices by side, and the stale ones of a side.
        let n = tracker.orders.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * n + 1) { scratch in
            let sides = partitionBySide(into: scratch)
            let stale = UnsafeMutableBufferPointer(rebasing: scratch[(2 * n)...])
            planUnlessIdle(bids.ladder, capacity: bids.capacity, otherBest: bestAsk, orders: sides.bids, stale: stale, into: &work)
            planUnlessIdle(asks.ladder, capacity: asks.capacity, otherBest: bestBid, orders: sides.asks, stale: stale, into: &work)
        }

        Self.sortByPriority(&work)
        emit(&work, into: &intents)
        candidates = work
    }

    // MARK: - Reports

    /// Applies one report from the venue; returns a cancel when one was owed to the order (see
    /// the type's discussion), else nothing.
    public mutating func apply(_ update: OrderUpdate) -> [QuoteIntent] {
        var intents: [QuoteIntent] = []
        apply(update, into: &intents)
        return intents
    }

    /// ``apply(_:)`` appending to `intents`.
    public mutating func apply(_ update: OrderUpdate, into intents: inout [QuoteIntent]) {
        switch tracker.apply(update) {
        case .updated(let i):
            let order = tracker.orders[i]
            if order.cancelOwed && order.state == .working {
                sendCancel(at: i, into: &intents)
            }
        case .unknown, .stale, .ended:
            break
        }
    }

    // MARK: - Risk

    /// Turns quoting of each side on or off. A side turned off has its orders canceled now (an
    /// order with a request in flight is canceled as soon as the venue answers it, by
    /// ``apply(_:into:)``); a side turned on is quoted again at the next update. These cancels are
    /// never deferred by the message budget, though they use it up (it may go into debt).
    public mutating func setSides(buy: Bool, sell: Bool) -> [QuoteIntent] {
        var intents: [QuoteIntent] = []
        setSides(buy: buy, sell: sell, into: &intents)
        return intents
    }

    /// ``setSides(buy:sell:)`` appending to `intents`.
    public mutating func setSides(buy: Bool, sell: Bool, into intents: inout [QuoteIntent]) {
        buyEnabled = buy
        sellEnabled = sell
        if !buy { pull(.buy, into: &intents) }
        if !sell { pull(.sell, into: &intents) }
    }

    /// Caps the orders each side may have (a share of a firm limit, say): the side quotes its
    /// nearest levels only, up to the cap, and at the next update an order on a level beyond it
    /// is moved into a missing nearer level or canceled; `Int.max` for no cap beyond the levels.
    public mutating func setMaxOrders(buy: Int, sell: Int) {
        maxBuyOrders = max(0, buy)
        maxSellOrders = max(0, sell)
    }

    /// Cancels every order, as ``setSides(buy:sell:)`` does for a side turned off, but leaves
    /// quoting on: the next update quotes again (turn the sides off to stop).
    public mutating func cancelAll() -> [QuoteIntent] {
        var intents: [QuoteIntent] = []
        cancelAll(into: &intents)
        return intents
    }

    /// ``cancelAll()`` appending to `intents`.
    public mutating func cancelAll(into intents: inout [QuoteIntent]) {
        pull(.buy, into: &intents)
        pull(.sell, into: &intents)
    }

    // MARK: - Views

    /// The live orders, oldest first.
    @inlinable
    public var orders: [QuotedOrder] { tracker.orders }

    /// The live orders of `side`, nearest the other side first (by the price they will have).
    public func orders(_ side: Side) -> [QuotedOrder] {
        tracker.orders.filter { $0.side == side }.sorted {
            side == .buy ? $0.targetPrice > $1.targetPrice : $0.targetPrice < $1.targetPrice
        }
    }

    /// The prices of the live orders of `side` (the prices they will have), nearest the other
    /// side first.
    public func prices(_ side: Side) -> [Int64] {
        orders(side).map(\.targetPrice)
    }

    /// How many orders are in each state.
    public var counts: OrderStateCounts { tracker.counts }

    /// What the quoter did so far.
    public var statistics: QuoterStatistics {
        var s = counters
        s.unknownUpdates = tracker.unknownUpdates
        s.staleUpdates = tracker.staleUpdates
        return s
    }

    /// Whether `side` is quoted.
    @inlinable
    public func isEnabled(_ side: Side) -> Bool { side == .buy ? buyEnabled : sellEnabled }

    /// The best price `side` is aimed at.
    @inlinable
    public func anchor(_ side: Side) -> Int64? { side == .buy ? bidAnchor : askAnchor }

    /// The key the next request will get.
    public var nextRequestKey: OrderKey { OrderKey(nextKey) }

    /// Takes back orders saved before a restart, as they stood (requests in flight included:
    /// the venue's answers, or a reconciliation, settle them), and goes on numbering requests at
    /// `nextKey` or after, never below where it stands. The next update plans around them.
    public mutating func restore(_ orders: [QuotedOrder], nextKey: OrderKey) {
        tracker.restore(orders)
        self.nextKey = max(self.nextKey, nextKey.rawValue)
        idleBids = IdlePlan()
        idleAsks = IdlePlan()
    }

    // MARK: - Planning

    /// One request the update may send.
    private struct Candidate {
        var side: Side
        var kind: QuoteIntent.Kind
        /// Index in `tracker.orders` (replace, cancel).
        var order: Int
        var price: Int64
        /// Distance of the target level from the other side; -1 for cancels, which go first.
        var rank: Int
        var done = false
    }

    /// Moves the side's anchor per the refresh tolerance; returns its target levels and how
    /// many orders it may have.
    private mutating func aim(_ side: Side, best: Int64?, otherBest: Int64?) -> (ladder: LadderLevels, capacity: Int) {
        // The levels, no more than the side's cap (the nearest ones).
        let cap = max(0, side == .buy ? maxBuyOrders : maxSellOrders)
        let levels = min(max(configuration.levels, 0), QuoteConfiguration.maxLevels, cap)
        guard isEnabled(side), let best, levels > 0 else {
            setAnchor(side, nil)
            return (LadderLevels(empty: side), 0)
        }
        var anchor = best
        if let previous = self.anchor(side), configuration.refreshTolerance > 1 {
            // How far the best moved toward the other side since the ladder was aimed.
            let toward = side == .buy ? best - previous : previous - best
            if toward >= 0 && toward < configuration.refreshTolerance { anchor = previous }
        }
        setAnchor(side, anchor)
        let offset = max(0, configuration.offset)
        let near = side == .buy ? anchor - offset : anchor + offset
        return (LadderLevels(side: side, near: near, levels: levels, otherBest: otherBest), levels)
    }

    private mutating func setAnchor(_ side: Side, _ value: Int64?) {
        if side == .buy { bidAnchor = value } else { askAnchor = value }
    }

    /// The inputs of a plan of one side that asked for nothing. ``plan(_:capacity:otherBest:orders:stale:into:)``
    /// is a function of the side's target levels, its room, its orders (their states and
    /// prices: unchanged while ``OrderTracker/changes(_:)`` is) and, when orders were left off
    /// the target, the other side's best price; with the same inputs it asks for nothing again.
    private struct IdlePlan {
        /// Whether the side's last plan asked for nothing (else the rest means nothing).
        var isSet = false
        /// Whether that plan depended on the other side's best price (``otherBest``).
        var readOther = false
        var near: Int64 = 0
        var lowest = 0
        var highest = 0
        var capacity = 0
        var changes: UInt64 = 0
        var otherBest: Int64?

        /// Whether a plan with these inputs would ask for nothing again.
        @inline(__always)
        func matches(_ ladder: LadderLevels, capacity: Int, changes: UInt64, otherBest: Int64?) -> Bool {
            isSet && near == ladder.near && lowest == ladder.allowed.lowerBound && highest == ladder.allowed.upperBound
                && self.capacity == capacity && self.changes == changes && (!readOther || self.otherBest == otherBest)
        }
    }

    /// ``plan(_:capacity:otherBest:orders:stale:into:)``, unless the side's last plan asked for nothing and
    /// nothing it depends on has changed since.
    @inline(__always)
    private mutating func planUnlessIdle(_ ladder: LadderLevels, capacity: Int, otherBest: Int64?,
                                         orders: UnsafeBufferPointer<Int>, stale: UnsafeMutableBufferPointer<Int>,
                                         into work: inout [Candidate]) {
        let changes = tracker.changes(ladder.side)
        let buy = ladder.side == .buy
        if (buy ? idleBids : idleAsks).matches(ladder, capacity: capacity, changes: changes, otherBest: otherBest) { return }
        let before = work.count
        let leftOver = plan(ladder, capacity: capacity, otherBest: otherBest, orders: orders, stale: stale, into: &work)
        let idle = work.count == before
        if buy { Self.note(&idleBids, idle, ladder, capacity, changes, leftOver, otherBest) } else {
            Self.note(&idleAsks, idle, ladder, capacity, changes, leftOver, otherBest)
        }
    }

    /// Records the inputs of a plan that asked for nothing (`idle`), or forgets them.
    @inline(__always)
    private static func note(_ plan: inout IdlePlan, _ idle: Bool, _ ladder: LadderLevels, _ capacity: Int, _ changes: UInt64,
                             _ readOther: Bool, _ otherBest: Int64?) {
        plan.isSet = idle
        guard idle else { return }
        plan.readOther = readOther
        plan.near = ladder.near
        plan.lowest = ladder.allowed.lowerBound
        plan.highest = ladder.allowed.upperBound
        plan.capacity = capacity
        plan.changes = changes
        plan.otherBest = otherBest
    }

    /// The live orders' indices by side, oldest first, written to the first two thirds of
    /// `scratch` (room for 3 x the orders). Each index is written to both halves and only its
    /// side's count moves, so the loop has no branch on the side (bids and asks alternate
    /// unpredictably in the list).
    private func partitionBySide(into scratch: UnsafeMutableBufferPointer<Int>)
        -> (bids: UnsafeBufferPointer<Int>, asks: UnsafeBufferPointer<Int>) {
        let base = scratch.baseAddress!
        var bids = 0
        var asks = 0
        tracker.orders.withUnsafeBufferPointer { orders in
            let n = orders.count
            for i in 0..<n {
                // 0 for a bid, 1 for an ask: counts move by arithmetic, not by a branch.
                let ask = Int(orders[i].side.rawValue)
                base[bids] = i
                base[n &+ asks] = i
                bids &+= 1 &- ask
                asks &+= ask
            }
        }
        let n = tracker.orders.count
        return (UnsafeBufferPointer(start: base, count: bids), UnsafeBufferPointer(start: base + n, count: asks))
    }

    /// Appends the requests that take one side from its orders (indices `sideOrders`, oldest
    /// first) to `ladder`; returns whether orders off the target were left where they are (then
    /// the other side's best price counted). `stale` is scratch room for the side's orders.
    @discardableResult
    private func plan(_ ladder: LadderLevels, capacity: Int, otherBest: Int64?, orders sideOrders: UnsafeBufferPointer<Int>,
                      stale: UnsafeMutableBufferPointer<Int>, into work: inout [Candidate]) -> Bool {
        var leftOver = false
        let side = ladder.side
        var covered: UInt64 = 0
        var live = 0
        var staleCount = 0
        // Read in place: the orders do not change while the side is planned.
        tracker.orders.withUnsafeBufferPointer { orders in
            // Orders with a request in flight hold the level they will have.
            for i in sideOrders {
                live += 1
                switch orders[i].state {
                case .pendingNew:
                    if let r = ladder.rank(orders[i].price) { covered |= 1 << UInt64(r) }
                case .pendingReplace(_, let price, _):
                    if let r = ladder.rank(price) { covered |= 1 << UInt64(r) }
                default:
                    break
                }
            }
            // Working orders at a level not yet held keep it; the others are stale.
            for i in sideOrders {
                guard case .working = orders[i].state else { continue }
                let p = orders[i].price
                if let r = ladder.rank(p), covered & (1 << UInt64(r)) == 0 {
                    covered |= 1 << UInt64(r)
                } else {
                    // Keep `stale` sorted farthest from the other side first.
                    var j = staleCount
                    staleCount += 1
                    while j > 0, side == .buy ? orders[stale[j - 1]].price > p : orders[stale[j - 1]].price < p {
                        stale[j] = stale[j - 1]
                        j -= 1
                    }
                    stale[j] = i
                }
            }
            // Missing levels, nearest first: moves first, then new orders into free room.
            var s = 0
            var free = capacity - live
            for r in ladder.allowed where covered & (1 << UInt64(r)) == 0 {
                if s < staleCount {
                    work.append(Candidate(side: side, kind: .replace, order: stale[s], price: ladder.price(r), rank: r))
                    s += 1
                } else if free > 0 {
                    work.append(Candidate(side: side, kind: .new, order: -1, price: ladder.price(r), rank: r))
                    free -= 1
                } else {
                    break
                }
            }
            // Stale orders left over: cancel those beyond the side's room and those crossing the
            // market; leave the others (they wait for a level to open).
            var excess = live - capacity
            while s < staleCount {
                let i = stale[s]
                s += 1
                let p = orders[i].price
                var crossing = false
                if let other = otherBest { crossing = side == .buy ? p >= other : p <= other }
                if crossing || excess > 0 {
                    work.append(Candidate(side: side, kind: .cancel, order: i, price: p, rank: -1))
                    excess -= 1
                } else {
                    leftOver = true
                }
            }
        }
        return leftOver
    }

    /// Orders the requests: cancels, then by level nearest the other side, bids before asks.
    private static func sortByPriority(_ work: inout [Candidate]) {
        guard work.count > 1 else { return }
        for i in 1..<work.count {
            let c = work[i]
            var j = i
            while j > 0, work[j - 1].rank > c.rank || (work[j - 1].rank == c.rank && work[j - 1].side == .sell && c.side == .buy) {
                work[j] = work[j - 1]
                j -= 1
            }
            work[j] = c
        }
    }

    /// Sends what the budget allows, each request only if it cannot meet our own orders on the
    /// other side given those sent before it; repeats while that lets more through.
    private mutating func emit(_ work: inout [Candidate], into intents: inout [QuoteIntent]) {
        var remaining = work.count
        var outOfBudget = false
        let lots = max(1, configuration.quantity)
        while remaining > 0 && !outOfBudget {
            // Our highest bid and lowest ask, at the prices the orders will have. Within a pass
            // they only widen (an order moving away still counts at its old price), so the pass
            // is conservative; the next pass sees the moves.
            var highestBid = Int64.min
            var lowestAsk = Int64.max
            tracker.orders.withUnsafeBufferPointer { orders in
                for i in orders.indices {
                    // Selects rather than branches on the side (see partitionBySide()).
                    let p = orders[i].targetPrice
                    let buy = orders[i].side == .buy
                    highestBid = buy ? max(highestBid, p) : highestBid
                    lowestAsk = buy ? lowestAsk : min(lowestAsk, p)
                }
            }
            var progress = false
            for j in work.indices where !work[j].done {
                let c = work[j]
                if c.kind != .cancel && (c.side == .buy ? c.price >= lowestAsk : c.price <= highestBid) {
                    continue
                }
                if configuration.messageBudget != nil, let b = bucket, !b.canSend {
                    outOfBudget = true
                    break
                }
                switch c.kind {
                case .new:
                    let key = makeKey()
                    tracker.insertNew(key: key, side: c.side, price: c.price, quantity: lots)
                    intents.append(.new(key, side: c.side, price: c.price, quantity: lots))
                    counters.news += 1
                    takeToken()
                case .replace:
                    let o = tracker.orders[c.order]
                    let newKey = makeKey()
                    let quantity = o.cumQuantity + lots
                    tracker.beginReplace(at: c.order, newKey: newKey, price: c.price, quantity: quantity)
                    intents.append(.replace(o.key, newKey: newKey, side: c.side, price: c.price, quantity: quantity,
                                            from: .init(price: o.price, leaves: o.leaves, filled: o.cumQuantity)))
                    counters.replaces += 1
                    takeToken()
                case .cancel:
                    sendCancel(at: c.order, into: &intents)
                }
                work[j].done = true
                remaining -= 1
                progress = true
                if c.kind != .cancel {
                    if c.side == .buy { highestBid = max(highestBid, c.price) } else { lowestAsk = min(lowestAsk, c.price) }
                }
            }
            if !progress { break }
        }
        if outOfBudget {
            counters.deferredByBudget += remaining
        } else {
            counters.heldBackBySelfCross += remaining
        }
    }

    // MARK: - Requests

    private mutating func makeKey() -> OrderKey {
        let key = OrderKey(nextKey)
        nextKey &+= 1
        return key
    }

    private mutating func takeToken() {
        if configuration.messageBudget != nil { bucket?.take() }
    }

    /// Sends a cancel for the working order at `index`.
    private mutating func sendCancel(at index: Int, into intents: inout [QuoteIntent]) {
        let order = tracker.orders[index]
        let key = makeKey()
        tracker.beginCancel(at: index, cancelKey: key)
        intents.append(.cancel(order.key, newKey: key, side: order.side))
        counters.cancels += 1
        takeToken()
    }

    /// Cancels the orders of `side`: working ones now, those with a request in flight once it is
    /// answered.
    private mutating func pull(_ side: Side, into intents: inout [QuoteIntent]) {
        setAnchor(side, nil)
        for i in tracker.orders.indices where tracker.orders[i].side == side {
            switch tracker.orders[i].state {
            case .working: sendCancel(at: i, into: &intents)
            case .pendingNew, .pendingReplace: tracker.owesCancel(at: i)
            case .pendingCancel, .filled, .canceled, .rejected: break
            }
        }
    }
}
