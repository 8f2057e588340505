import Market
import MarketData

/// An exchange for one instrument driven by a recording: the rest of the market is the
/// recorded book and trades, and only our orders are simulated inside it, with a queue
/// position.
///
/// - A new order of ours joins its price level with (1 - Rc) x the level's visible size ahead
///   of it (Rc, the rank coefficient, in [0, 1]; 1 is the front of the queue).
/// - The volume ahead shrinks as trades print at that price (trades take the front of the queue
///   first) and as the recorded size of the level shrinks beyond what traded there (the
///   ``QueueModel`` says how much of that was ahead of us). It never exceeds the level's size.
/// - The order fills when nothing is left ahead and the market trades at its price (by the
///   volume that trade had left over), or in full at once when the market trades through its
///   price or the recorded opposite side reaches it.
/// - An order that crosses the recorded opposite side when it arrives fills against it at once,
///   at the recorded prices and up to the recorded sizes; the rest rests.
/// - A recording with trades only is quoted as best bid = last - 1 tick and best ask = last + 1
///   tick, with no visible size (so our orders are at the front of their levels).
///
/// With level-1 data only (quotes, no depth), a level other than the best is not visible: an
/// order resting there gets its queue ahead when its level first shows a size.
///
/// Our orders trade with the recorded market only, not with each other. Fills of our resting
/// orders are at their own price, with the market (owner ``ReplayExchange/marketOwner``, order
/// 0) as the taker.
public struct ReplayExchange: Sendable {
    public let instrument: Instrument
    /// The rank coefficient Rc in [0, 1].
    public var rankCoefficient: Double
    public var queueModel: any QueueModel
    /// The largest quantity (lots) an order may have.
    public var maxQuantity: Int64 = 1_000_000_000

    /// The owner standing for the recorded market in fills.
    public static let marketOwner: OwnerID = 0

    /// The recorded book (empty for trades-only recordings).
    public private(set) var book = RecordedBook()
    /// Whether the recording has shown any quote or depth (else quotes come from the last trade).
    public private(set) var hasQuotes = false
    /// Whether it has shown depth (levels beyond the best).
    public private(set) var hasDepth = false
    /// The last recorded trade: price and size.
    public private(set) var lastTrade: (price: Int64, size: Int64)?
    /// The time of the last event.
    public private(set) var time: Int64 = 0
    /// The id the next accepted order gets.
    public private(set) var nextOrderID: OrderID = 1
    /// How far apart its ids are (several replays in one venue take every n-th id each).
    public let orderIDStep: OrderID

    /// One of our working orders.
    public struct SimulatedOrder: Hashable, Sendable {
        public var id: OrderID
        public var owner: OwnerID
        public var side: Side
        public var price: Int64
        public var quantity: Int64
        public var leaves: Int64
        /// Recorded volume ahead of it at its level (lots).
        public var ahead: Int64
        /// Whether ``ahead`` has been set from a visible size (false while its level has not
        /// been visible since it arrived).
        var aheadKnown: Bool
        /// Volume traded at its price since the level's size was last recorded: a shrink of the
        /// level that this explains is not counted again.
        var tradedSinceUpdate: Int64
    }

    /// Our working orders, in arrival order.
    public private(set) var orders: [SimulatedOrder] = []

    /// The price range of our buy orders and of our sell orders (`lowest > highest` when a side
    /// has none), kept with ``orders``: most market events touch none of our orders, and these
    /// say so without a look at each.
    private var buyLow: Int64 = .max
    private var buyHigh: Int64 = .min
    private var sellLow: Int64 = .max
    private var sellHigh: Int64 = .min

    /// Our highest buy price (nil: no buy order).
    public var ownBestBid: Int64? { buyHigh >= buyLow ? buyHigh : nil }
    /// Our lowest sell price (nil: no sell order).
    public var ownBestAsk: Int64? { sellLow <= sellHigh ? sellLow : nil }

    /// A replay of `instrument`'s market; our orders get the ids `firstOrderID`,
    /// `firstOrderID + orderIDStep`, ... (several replays in one venue, ``MultiReplayVenue``,
    /// take interleaved ids so that an id names one order of one book).
    public init(instrument: Instrument, rankCoefficient: Double = 0.8, queueModel: any QueueModel = PowerProbabilityQueueModel(),
                firstOrderID: OrderID = 1, orderIDStep: OrderID = 1) {
        precondition((0...1).contains(rankCoefficient), "the rank coefficient is in [0, 1]")
        precondition(firstOrderID > 0 && orderIDStep > 0, "order ids from 1")
        nextOrderID = firstOrderID
        self.orderIDStep = orderIDStep
        self.instrument = instrument
        self.rankCoefficient = rankCoefficient
        self.queueModel = queueModel
    }

    // MARK: - The market

    /// The best bid and ask as the market shows them: recorded, or last -/+ 1 tick for a
    /// recording of trades only.
    public var bestBid: Int64? {
        hasQuotes ? book.bestBid?.price : lastTrade.map { $0.price - 1 }
    }

    public var bestAsk: Int64? {
        hasQuotes ? book.bestAsk?.price : lastTrade.map { $0.price + 1 }
    }

    /// Visible recorded size at `price` on `side`.
    public func visibleSize(_ side: Side, at price: Int64) -> Int64 {
        hasQuotes ? book.size(side, at: price) : 0
    }

    /// Applies one recorded event; fills of our orders are appended to `events`.
    public mutating func apply(_ event: MarketEvent, events: inout [ExchangeEvent]) {
        time = event.time
        switch event {
        case let .trade(_, price, size, aggressor):
            lastTrade = (price, size)
            tradeFills(price: price, size: size, aggressor: aggressor, events: &events)
            if !hasQuotes { crossFills(events: &events) }
        case let .quote(_, bid, bidSize, ask, askSize):
            hasQuotes = true
            let oldBid = book.size(.buy, at: bid ?? 0)
            let oldAsk = book.size(.sell, at: ask ?? 0)
            book.setBest(.buy, price: bid, size: bidSize, only: !hasDepth)
            book.setBest(.sell, price: ask, size: askSize, only: !hasDepth)
            if let bid, bid >= buyLow && bid <= buyHigh { levelChanged(.buy, price: bid, from: oldBid, to: bidSize) }
            if let ask, ask >= sellLow && ask <= sellHigh { levelChanged(.sell, price: ask, from: oldAsk, to: askSize) }
            crossFills(events: &events)
        case let .depth(_, side, price, size):
            hasQuotes = true
            hasDepth = true
            let old = book.size(side, at: price)
            book.set(side, price: price, size: size)
            if side == .buy ? price >= buyLow && price <= buyHigh : price >= sellLow && price <= sellHigh {
                levelChanged(side, price: price, from: old, to: size)
            }
            crossFills(events: &events)
        case .clear:
            book.clear()
        }
    }

    /// A recorded level changed size: a shrink beyond what traded there since the last update
    /// moves our orders up by the model's share; the queue ahead never exceeds the level.
    private mutating func levelChanged(_ side: Side, price: Int64, from old: Int64, to new: Int64) {
        var i = 0
        while i < orders.count {
            // The price first: it rules out nearly every order, in a branch that is easy to predict.
            if orders[i].price == price && orders[i].side == side { levelChanged(at: i, from: old, to: new) }
            i += 1
        }
    }

    /// ``levelChanged(_:price:from:to:)`` for our order at index `i`.
    private mutating func levelChanged(at i: Int, from old: Int64, to new: Int64) {
        var o = orders[i]
        if !o.aheadKnown {
            // First sight of the level since the order came: it joins behind (1 - Rc) of it.
            if new > 0 {
                o.ahead = joiningAhead(visible: new)
                o.aheadKnown = true
                o.tradedSinceUpdate = 0
                orders[i] = o
            }
            return
        }
        let traded = o.tradedSinceUpdate
        o.tradedSinceUpdate = 0
        let canceled = old - new - traded
        if canceled > 0 {
            let ahead = o.ahead
            let behind = max(0, old - traded - ahead)
            let share = queueModel.aheadShare(ahead: ahead, behind: behind)
            o.ahead = max(0, ahead - (Double(canceled) * share).roundedToInt64)
        }
        o.ahead = min(o.ahead, new)
        orders[i] = o
    }

    /// A trade at `price`: our orders it went through fill in full; at its price the volume
    /// takes the queue ahead first, and what is left fills our orders there in arrival order.
    private mutating func tradeFills(price: Int64, size: Int64, aggressor: Side?, events: inout [ExchangeEvent]) {
        // Only buy orders at or above the price and sell orders at or below it are touched.
        guard price <= buyHigh || price >= sellLow else { return }
        var i = 0
        var usedByOurs: Int64 = 0
        // Arrival order, so the earlier of our orders at a level is filled first.
        while i < orders.count {
            let o = orders[i]
            let through = o.side == .buy ? price < o.price : price > o.price
            if through {
                fillResting(at: i, quantity: o.leaves, events: &events)
                continue
            }
            // A trade at the price hits our order's side unless its aggressor was on that side.
            if o.price == price && aggressor != o.side {
                let available = size - o.ahead - usedByOurs
                orders[i].ahead = max(0, o.ahead - size)
                orders[i].tradedSinceUpdate += size
                if available > 0 {
                    let q = min(o.leaves, available)
                    usedByOurs += q
                    if fillResting(at: i, quantity: q, events: &events) { continue }
                }
            }
            i += 1
        }
    }

    /// Our resting orders that the market now crosses (the recorded opposite side, or the
    /// quotes of a trades-only recording, at or through their price) fill in full.
    private mutating func crossFills(events: inout [ExchangeEvent]) {
        let bid = bestBid
        let ask = bestAsk
        // Nothing crosses unless the ask reaches our highest bid or the bid our lowest ask.
        guard ask.map({ $0 <= buyHigh }) ?? false || bid.map({ $0 >= sellLow }) ?? false else { return }
        var i = 0
        while i < orders.count {
            let o = orders[i]
            let crossed = o.side == .buy ? ask.map { $0 <= o.price } ?? false : bid.map { $0 >= o.price } ?? false
            if crossed, fillResting(at: i, quantity: o.leaves, events: &events) { continue }
            i += 1
        }
    }

    /// Fills `quantity` of our resting order at index `i` at its price; true when it is done
    /// (and removed, so the same index now holds the next order).
    @discardableResult
    private mutating func fillResting(at i: Int, quantity: Int64, events: inout [ExchangeEvent]) -> Bool {
        let o = orders[i]
        let leaves = o.leaves - quantity
        events.append(.fill(Fill(makerOrderID: o.id, makerOwner: o.owner, takerOrderID: 0, takerOwner: Self.marketOwner,
                                 takerSide: o.side.opposite, price: o.price, quantity: quantity,
                                 makerLeaves: leaves, takerLeaves: 0)))
        if leaves == 0 {
            orders.remove(at: i)
            boundsChanged()
            return true
        }
        orders[i].leaves = leaves
        return false
    }

    // MARK: - Our orders

    /// A new order of ours (see ``OrderBook/submit(_:id:events:)`` for the events).
    public mutating func submit(_ r: OrderRequest, events: inout [ExchangeEvent]) {
        if let reason = OrderChecks.new(r, instrument: instrument, maxQuantity: maxQuantity, reference: lastTrade?.price) {
            events.append(.rejected(owner: r.owner, reason: reason))
            return
        }
        let limit = r.kind == .market ? (r.side == .buy ? Int64.max : Int64.min) : r.price
        // How much it would take first (a market order with nothing to take is refused, a
        // fill-or-kill one that cannot fill in full is canceled), then the fills.
        let total = takerLiquidity(r.side, limit: limit, upTo: r.quantity)
        if r.kind == .market && total == 0 {
            events.append(.rejected(owner: r.owner, reason: .noLiquidity))
            return
        }
        let id = nextOrderID
        nextOrderID += orderIDStep
        events.append(.accepted(orderID: id, owner: r.owner))
        if r.timeInForce == .fillOrKill && total < r.quantity {
            events.append(.canceled(orderID: id, owner: r.owner, leaves: r.quantity, reason: .fillOrKill))
            return
        }
        // Most of our orders take nothing: the call is kept off their path.
        if total > 0 {
            appendTakerFills(total, order: id, owner: r.owner, side: r.side, limit: limit, leaves: r.quantity, events: &events)
        }
        let leaves = r.quantity - total
        guard leaves > 0 else { return }
        if r.kind == .limit && r.timeInForce == .day {
            rest(SimulatedOrder(id: id, owner: r.owner, side: r.side, price: r.price, quantity: r.quantity, leaves: leaves,
                                ahead: 0, aheadKnown: false, tradedSinceUpdate: 0))
        } else {
            events.append(.canceled(orderID: id, owner: r.owner, leaves: leaves, reason: .immediateOrCancel))
        }
    }

    /// Cancels one of our orders.
    public mutating func cancel(_ id: OrderID, owner: OwnerID, events: inout [ExchangeEvent]) {
        guard let i = orders.firstIndex(where: { $0.id == id && $0.owner == owner }) else {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: .unknownOrder))
            return
        }
        let o = orders.remove(at: i)
        boundsChanged()
        events.append(.canceled(orderID: id, owner: owner, leaves: o.leaves, reason: .requested))
    }

    /// Changes one of our orders: its queue position stays when the price stays and the quantity
    /// goes down; otherwise it joins its (new) level again, and may cross the market.
    public mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, events: inout [ExchangeEvent]) {
        guard let i = orders.firstIndex(where: { $0.id == id && $0.owner == owner }) else {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: .unknownOrder))
            return
        }
        var o = orders[i]
        let filled = o.quantity - o.leaves
        if let reason = OrderChecks.replace(price: price, quantity: quantity, filled: filled, instrument: instrument,
                                            maxQuantity: maxQuantity, reference: lastTrade?.price) {
            events.append(.cancelRejected(orderID: id, owner: owner, reason: reason))
            return
        }
        let leaves = quantity - filled
        events.append(.replaced(orderID: id, owner: owner, price: price, quantity: quantity, leaves: leaves))
        if price == o.price && leaves <= o.leaves {
            orders[i].quantity = quantity
            orders[i].leaves = leaves
            return
        }
        orders.remove(at: i)
        boundsChanged()
        let total = takerLiquidity(o.side, limit: price, upTo: leaves)
        if total > 0 {
            appendTakerFills(total, order: id, owner: owner, side: o.side, limit: price, leaves: leaves, events: &events)
        }
        let left = leaves - total
        guard left > 0 else { return }
        o.price = price
        o.quantity = quantity
        o.leaves = left
        rest(o)
    }

    /// What an incoming order at `limit` takes from the market at once, in lots: the recorded
    /// opposite side up to its sizes, or, for a trades-only recording, everything at the quote.
    private func takerLiquidity(_ side: Side, limit: Int64, upTo quantity: Int64) -> Int64 {
        if hasQuotes { return book.available(side.opposite, limit: limit, upTo: quantity) }
        guard let quote = side == .buy ? bestAsk : bestBid, side == .buy ? quote <= limit : quote >= limit else { return 0 }
        return quantity
    }

    /// Appends the fills of `total` lots (``takerLiquidity(_:limit:upTo:)``) of our incoming
    /// order `id`, which had `leaves` lots, best price first. Allocates nothing.
    private func appendTakerFills(_ total: Int64, order id: OrderID, owner: OwnerID, side: Side, limit: Int64, leaves: Int64,
                                  events: inout [ExchangeEvent]) {
        var taken: Int64 = 0
        var i = 0
        while taken < total {
            let price: Int64, size: Int64
            if hasQuotes {
                guard let level = book.level(side.opposite, i, limit: limit) else { break }
                (price, size) = (level.price, min(level.size, total - taken))
            } else {
                // A recording of trades only: everything at the quote.
                guard let quote = side == .buy ? bestAsk : bestBid else { break }
                (price, size) = (quote, total)
            }
            taken += size
            i += 1
            events.append(.fill(Fill(makerOrderID: 0, makerOwner: Self.marketOwner, takerOrderID: id, takerOwner: owner,
                                     takerSide: side, price: price, quantity: size, makerLeaves: 0, takerLeaves: leaves - taken)))
        }
    }

    private mutating func rest(_ order: SimulatedOrder) {
        var o = order
        let visible = visibleSize(o.side, at: o.price)
        o.ahead = joiningAhead(visible: visible)
        // Known unless level-1 data hides its level (behind the best, with a size not shown).
        let best = o.side == .buy ? bestBid : bestAsk
        o.aheadKnown = visible > 0 || hasDepth || !hasQuotes || best.map { o.side == .buy ? o.price >= $0 : o.price <= $0 } ?? true
        o.tradedSinceUpdate = 0
        orders.append(o)
        if o.side == .buy {
            buyLow = min(buyLow, o.price)
            buyHigh = max(buyHigh, o.price)
        } else {
            sellLow = min(sellLow, o.price)
            sellHigh = max(sellHigh, o.price)
        }
    }

    /// Works the price ranges of our orders out again after one left.
    private mutating func boundsChanged() {
        buyLow = .max
        buyHigh = .min
        sellLow = .max
        sellHigh = .min
        for o in orders {
            // Selects rather than branches: the sides alternate unpredictably.
            let buy = o.side == .buy
            buyLow = buy ? min(buyLow, o.price) : buyLow
            buyHigh = buy ? max(buyHigh, o.price) : buyHigh
            sellLow = buy ? sellLow : min(sellLow, o.price)
            sellHigh = buy ? sellHigh : max(sellHigh, o.price)
        }
    }

    /// The queue ahead of an order joining a level with `visible` lots: (1 - Rc) of them.
    private func joiningAhead(visible: Int64) -> Int64 {
        (Double(visible) * (1 - rankCoefficient)).roundedToInt64
    }

    /// One of our working orders.
    public func order(_ id: OrderID) -> SimulatedOrder? {
        orders.first { $0.id == id }
    }
}
