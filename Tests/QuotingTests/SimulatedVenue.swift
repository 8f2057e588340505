import Market
@testable import Quoting

/// A tiny venue for the quoter's tests: it handles requests in the order sent, as a FIX venue
/// handles one session's messages, answers each at once, and fills our orders the market trades
/// through. Where its reports go (straight back, or into a delay queue) is up to the test.
struct SimulatedVenue {
    struct Order: Equatable {
        var key: OrderKey
        var side: Side
        var price: Int64
        var quantity: Int64
        var cum: Int64 = 0
        var leaves: Int64
    }

    var orders: [Order] = []
    /// Lots bought minus lots sold.
    var position: Int64 = 0
    /// Ticks received for sales minus ticks paid for purchases.
    var cash: Int64 = 0
    var fills = 0
    /// Times a request put one of our bids at or above one of our asks.
    var selfCrosses = 0

    func index(_ key: OrderKey) -> Int? { orders.firstIndex { $0.key == key } }

    /// Handles one request and appends the venue's answer.
    mutating func handle(_ intent: QuoteIntent, into reports: inout [OrderUpdate]) {
        switch intent {
        case let .new(key, side, price, quantity):
            orders.append(Order(key: key, side: side, price: price, quantity: quantity, leaves: quantity))
            reports.append(.accepted(key))
        case let .replace(key, newKey, _, price, quantity, _):
            guard let i = index(key), quantity > orders[i].cum else {
                reports.append(.replaceRejected(newKey))
                return
            }
            orders[i].key = newKey
            orders[i].price = price
            orders[i].quantity = quantity
            orders[i].leaves = quantity - orders[i].cum
            reports.append(.replaced(newKey, price: price, quantity: quantity, leaves: orders[i].leaves))
        case let .cancel(key, newKey, _):
            guard let i = index(key) else {
                reports.append(.cancelRejected(newKey))
                return
            }
            orders.remove(at: i)
            reports.append(.canceled(newKey, origKey: key))
        }
        if let bid = highest(.buy), let ask = lowest(.sell), bid >= ask { selfCrosses += 1 }
    }

    /// The market trades at `last`: our bids at or above it and our asks at or below it fill in
    /// full (the study's rank coefficient 1: a touch fills).
    mutating func trade(at last: Int64, into reports: inout [OrderUpdate]) {
        var i = 0
        while i < orders.count {
            let o = orders[i]
            if o.side == .buy ? o.price >= last : o.price <= last {
                position += o.side == .buy ? o.leaves : -o.leaves
                cash += (o.side == .buy ? -1 : 1) * o.price * o.leaves
                fills += 1
                reports.append(.fill(o.key, price: o.price, quantity: o.leaves, leaves: 0))
                orders.remove(at: i)
            } else {
                i += 1
            }
        }
    }

    /// Fills `quantity` lots of the order `key` (a partial fill when fewer than its leaves).
    mutating func fill(_ key: OrderKey, quantity: Int64, into reports: inout [OrderUpdate]) {
        guard let i = index(key) else { return }
        let q = min(quantity, orders[i].leaves)
        orders[i].cum += q
        orders[i].leaves -= q
        reports.append(.fill(key, price: orders[i].price, quantity: q, leaves: orders[i].leaves))
        if orders[i].leaves == 0 { orders.remove(at: i) }
    }

    /// Cancels the order `key` on the venue's own initiative (self-trade prevention, say).
    mutating func cancelOnItsOwn(_ key: OrderKey, into reports: inout [OrderUpdate]) {
        guard let i = index(key) else { return }
        orders.remove(at: i)
        reports.append(.canceled(key))
    }

    func prices(_ side: Side) -> [Int64] {
        orders.filter { $0.side == side }.map(\.price).sorted(by: side == .buy ? (>) : (<))
    }

    func highest(_ side: Side) -> Int64? { orders.filter { $0.side == side }.map(\.price).max() }
    func lowest(_ side: Side) -> Int64? { orders.filter { $0.side == side }.map(\.price).min() }
}

/// A quoter wired to a venue that answers at once: each batch of intents is sent, every report
/// goes straight back, and whatever `apply` emits is sent in turn.
struct ImmediateMarket {
    var quoter: LadderQuoter
    var venue = SimulatedVenue()
    var now: Int64 = 0

    init(_ configuration: QuoteConfiguration = QuoteConfiguration()) {
        quoter = LadderQuoter(configuration: configuration)
    }

    /// Sends `intents` and feeds back every report.
    mutating func settle(_ intents: [QuoteIntent]) {
        var pending = intents
        while !pending.isEmpty {
            var reports: [OrderUpdate] = []
            for intent in pending { venue.handle(intent, into: &reports) }
            pending = []
            for r in reports { quoter.apply(r, into: &pending) }
        }
    }

    /// Delivers reports the venue produced outside a request (fills, its own cancels).
    mutating func deliver(_ reports: [OrderUpdate]) {
        var pending: [QuoteIntent] = []
        for r in reports { quoter.apply(r, into: &pending) }
        settle(pending)
    }

    /// One market update: the quoter's intents, which are then sent and acknowledged.
    @discardableResult
    mutating func quote(bid: Int64?, ask: Int64?, advance: Int64 = 1_000_000) -> [QuoteIntent] {
        now += advance
        let intents = quoter.update(bestBid: bid, bestAsk: ask, now: now)
        settle(intents)
        return intents
    }
}

extension QuoteIntent {
    /// The intent's key (new), OrigClOrdID (replace, cancel).
    var orderKey: OrderKey {
        switch self {
        case .new(let k, _, _, _), .replace(let k, _, _, _, _, _), .cancel(let k, _, _): k
        }
    }
}
