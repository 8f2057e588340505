@testable import Exchange
import Market
import FIXTestSupport
import Testing
/// Matching scenarios on one book: price-time priority, order kinds, cancel, replace, self-trade
/// prevention, the price band.
struct OrderBookTests {
    static let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)

    /// A book with a running id counter and the events of the last call.
    struct Harness {
        var book = OrderBook(instrument: OrderBookTests.instrument)
        var nextID: OrderID = 1
        var events: [ExchangeEvent] = []

        @discardableResult
        mutating func submit(_ r: OrderRequest) -> OrderID {
            events.removeAll()
            let id = nextID
            book.submit(r, id: id, events: &events)
            if case .accepted? = events.first { nextID += 1 }
            return id
        }

        mutating func cancel(_ id: OrderID, owner: OwnerID) {
            events.removeAll()
            book.cancel(id, owner: owner, events: &events)
        }

        mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64) {
            events.removeAll()
            book.replace(id, owner: owner, price: price, quantity: quantity, events: &events)
        }

        var fills: [Fill] { events.compactMap { if case .fill(let f) = $0 { f } else { nil } } }
    }

    @Test func priceThenTimePriority() {
        var h = Harness()
        let a = h.submit(.limit(.sell, price: 101, quantity: 5, owner: 1))
        let b = h.submit(.limit(.sell, price: 100, quantity: 5, owner: 2))
        let c = h.submit(.limit(.sell, price: 100, quantity: 5, owner: 3))
        #expect(h.book.bestAsk! == (100, 10))
        #expect(h.book.queue(.sell, price: 100) == [b, c])
        // A buy for 12 at 101: b (first at the best price), then c, then 2 of a.
        let t = h.submit(.limit(.buy, price: 101, quantity: 12, owner: 4))
        #expect(h.fills.map { [$0.makerOrderID, OrderID($0.price), OrderID($0.quantity)] } == [[b, 100, 5], [c, 100, 5], [a, 101, 2]])
        #expect(h.fills.map(\.takerOrderID) == [t, t, t])
        #expect(h.fills.last?.takerLeaves == 0 && h.fills.last?.makerLeaves == 3)
        #expect(h.book.bestAsk! == (101, 3))
        #expect(h.book.bestBid == nil)
        #expect(h.book.lastTrade! == (101, 2))
    }

    @Test func partialFillRests() {
        var h = Harness()
        h.submit(.limit(.sell, price: 100, quantity: 3, owner: 1))
        let t = h.submit(.limit(.buy, price: 100, quantity: 5, owner: 2))
        #expect(h.fills.count == 1 && h.fills[0].quantity == 3 && h.fills[0].takerLeaves == 2)
        #expect(h.book.bestBid! == (100, 2))
        #expect(h.book.order(t)!.leaves == 2 && h.book.order(t)!.quantity == 5)
    }

    @Test func marketOrders() {
        var h = Harness()
        h.submit(.market(.buy, quantity: 1, owner: 1))
        #expect(h.events == [.rejected(owner: 1, reason: .noLiquidity)])
        h.submit(.limit(.sell, price: 100, quantity: 2, owner: 2))
        h.submit(.limit(.sell, price: 105, quantity: 2, owner: 2))
        let m = h.submit(.market(.buy, quantity: 5, owner: 1))
        #expect(h.fills.map(\.price) == [100, 105])
        #expect(h.events.last == .canceled(orderID: m, owner: 1, leaves: 1, reason: .immediateOrCancel))
        #expect(h.book.bestAsk == nil && h.book.orderCount == 0)
    }

    @Test func immediateOrCancel() {
        var h = Harness()
        h.submit(.limit(.buy, price: 100, quantity: 2, owner: 2))
        let i = h.submit(.limit(.sell, price: 99, quantity: 5, owner: 1, timeInForce: .immediateOrCancel))
        #expect(h.fills.map(\.quantity) == [2])
        #expect(h.events.last == .canceled(orderID: i, owner: 1, leaves: 3, reason: .immediateOrCancel))
        #expect(h.book.bestAsk == nil)
    }

    @Test func fillOrKill() {
        var h = Harness()
        h.submit(.limit(.sell, price: 100, quantity: 2, owner: 2))
        h.submit(.limit(.sell, price: 101, quantity: 2, owner: 3))
        let f = h.submit(.limit(.buy, price: 101, quantity: 5, owner: 1, timeInForce: .fillOrKill))
        #expect(h.events == [.accepted(orderID: f, owner: 1), .canceled(orderID: f, owner: 1, leaves: 5, reason: .fillOrKill)])
        #expect(h.book.bestAsk! == (100, 2))  // nothing traded
        h.submit(.limit(.buy, price: 101, quantity: 4, owner: 1, timeInForce: .fillOrKill))
        #expect(h.fills.map(\.quantity) == [2, 2])
        #expect(h.book.orderCount == 0)
    }

    @Test func cancel() {
        var h = Harness()
        let a = h.submit(.limit(.buy, price: 100, quantity: 2, owner: 1))
        let b = h.submit(.limit(.buy, price: 100, quantity: 3, owner: 2))
        h.cancel(a, owner: 2)
        #expect(h.events == [.cancelRejected(orderID: a, owner: 2, reason: .unknownOrder)])
        h.cancel(a, owner: 1)
        #expect(h.events == [.canceled(orderID: a, owner: 1, leaves: 2, reason: .requested)])
        #expect(h.book.queue(.buy, price: 100) == [b])
        #expect(h.book.bestBid! == (100, 3))
        h.cancel(a, owner: 1)
        #expect(h.events == [.cancelRejected(orderID: a, owner: 1, reason: .unknownOrder)])
        h.cancel(b, owner: 2)
        #expect(h.book.bestBid == nil && h.book.levelCount(.buy) == 0)
    }

    /// Priority is kept only for the same price with less quantity.
    @Test func replaceKeepsPriorityOnlyWhenThePriceStaysAndTheQuantityGoesDown() {
        var h = Harness()
        let a = h.submit(.limit(.buy, price: 100, quantity: 5, owner: 1))
        let b = h.submit(.limit(.buy, price: 100, quantity: 5, owner: 2))
        h.replace(a, owner: 1, price: 100, quantity: 3)
        #expect(h.events == [.replaced(orderID: a, owner: 1, price: 100, quantity: 3, leaves: 3)])
        #expect(h.book.queue(.buy, price: 100) == [a, b])
        #expect(h.book.bestBid! == (100, 8))
        h.replace(a, owner: 1, price: 100, quantity: 4)  // up: to the back
        #expect(h.book.queue(.buy, price: 100) == [b, a])
        h.replace(b, owner: 2, price: 99, quantity: 5)  // new price: back of that level
        #expect(h.book.queue(.buy, price: 100) == [a] && h.book.queue(.buy, price: 99) == [b])
        h.replace(b, owner: 2, price: 100, quantity: 5)
        #expect(h.book.queue(.buy, price: 100) == [a, b])
        #expect(h.book.levelCount(.buy) == 1)
    }

    @Test func replaceCountsWhatIsFilledAndMayCross() {
        var h = Harness()
        let a = h.submit(.limit(.sell, price: 105, quantity: 5, owner: 1))
        h.submit(.limit(.buy, price: 105, quantity: 2, owner: 2))  // a: 2 filled, 3 left
        h.replace(a, owner: 1, price: 105, quantity: 2)
        #expect(h.events == [.cancelRejected(orderID: a, owner: 1, reason: .quantityNotAboveFilled)])
        h.replace(a, owner: 1, price: 105, quantity: 4)  // 2 left, same price, priority kept
        #expect(h.events == [.replaced(orderID: a, owner: 1, price: 105, quantity: 4, leaves: 2)])
        #expect(h.book.bestAsk! == (105, 2))
        let bid = h.submit(.limit(.buy, price: 103, quantity: 1, owner: 3))
        // Repriced through the bid: it trades at the bid's price, then rests.
        h.replace(a, owner: 1, price: 103, quantity: 4)
        #expect(h.events.first == .replaced(orderID: a, owner: 1, price: 103, quantity: 4, leaves: 2))
        #expect(h.fills.map { [$0.makerOrderID, OrderID($0.price), OrderID($0.quantity)] } == [[bid, 103, 1]])
        #expect(h.book.order(a)!.leaves == 1 && h.book.bestAsk! == (103, 1))
        h.replace(99, owner: 1, price: 103, quantity: 4)
        #expect(h.events == [.cancelRejected(orderID: 99, owner: 1, reason: .unknownOrder)])
    }

    @Test func selfTradePreventionCancelsTheRestingOrder() {
        var h = Harness()
        let own = h.submit(.limit(.sell, price: 100, quantity: 2, owner: 1))
        let other = h.submit(.limit(.sell, price: 100, quantity: 2, owner: 2))
        let t = h.submit(.limit(.buy, price: 100, quantity: 3, owner: 1))
        #expect(h.events == [
            .accepted(orderID: t, owner: 1),
            .canceled(orderID: own, owner: 1, leaves: 2, reason: .selfTrade),
            .fill(Fill(makerOrderID: other, makerOwner: 2, takerOrderID: t, takerOwner: 1, takerSide: .buy, price: 100,
                       quantity: 2, makerLeaves: 0, takerLeaves: 1)),
        ])
        #expect(h.book.bestBid! == (100, 1) && h.book.bestAsk == nil)
    }

    @Test func checksQuantityPriceAndBand() {
        var h = Harness()
        h.book = OrderBook(instrument: Instrument(symbol: "X", tickSize: DecimalStep("1")!, priceBand: .basisPoints(1000)),
                           referencePrice: 1000, maxQuantity: 100)
        h.submit(.limit(.buy, price: 1000, quantity: 0, owner: 1))
        #expect(h.events == [.rejected(owner: 1, reason: .invalidQuantity)])
        h.submit(.limit(.buy, price: 1000, quantity: 101, owner: 1))
        #expect(h.events == [.rejected(owner: 1, reason: .invalidQuantity)])
        h.submit(.limit(.buy, price: 0, quantity: 1, owner: 1))
        #expect(h.events == [.rejected(owner: 1, reason: .invalidPrice)])
        h.submit(.limit(.buy, price: 1101, quantity: 1, owner: 1))
        #expect(h.events == [.rejected(owner: 1, reason: .priceOutsideBand)])
        h.submit(.limit(.buy, price: 1100, quantity: 1, owner: 1))
        #expect(h.book.bestBid! == (1100, 1))
        // The band follows the last trade.
        h.submit(.limit(.sell, price: 1100, quantity: 1, owner: 2))
        #expect(h.book.referencePrice == 1100)
        h.submit(.limit(.sell, price: 1210, quantity: 1, owner: 2))
        #expect(h.book.bestAsk! == (1210, 1))
        #expect(h.nextID == 4)
    }

    @Test func levelsViewBestFirst() {
        var h = Harness()
        for (p, q) in [(98, 1), (100, 2), (99, 3), (100, 4)] { h.submit(.limit(.buy, price: Int64(p), quantity: Int64(q), owner: 1)) }
        for (p, q) in [(103, 1), (101, 2)] { h.submit(.limit(.sell, price: Int64(p), quantity: Int64(q), owner: 2)) }
        #expect(h.book.levels(.buy, depth: 2) == [.init(price: 100, quantity: 6, orders: 2), .init(price: 99, quantity: 3, orders: 1)])
        #expect(h.book.levels(.sell, depth: 5) == [.init(price: 101, quantity: 2, orders: 1), .init(price: 103, quantity: 1, orders: 1)])
    }

    /// Random operations against a simple reference model: same fills, same book.
    @Test func randomOperationsMatchAReferenceModel() {
        var rng = SplitMix64(seed: 42)
        var h = Harness()
        var model = ReferenceBook()
        var live: [OrderID] = []
        for step in 0..<20_000 {
            let r = rng.next() % 10
            if r < 6 || live.isEmpty {
                let side: Side = rng.next() % 2 == 0 ? .buy : .sell
                let price = Int64(95 + rng.next() % 11)
                let qty = Int64(1 + rng.next() % 5)
                let owner = OwnerID(1 + rng.next() % 4)
                let tif: TimeInForce = rng.next() % 10 == 0 ? .immediateOrCancel : .day
                let request = OrderRequest.limit(side, price: price, quantity: qty, owner: owner, timeInForce: tif)
                let id = h.submit(request)
                let expected = model.submit(request, id: id)
                #expect(h.fills == expected, "step \(step)")
                if h.book.order(id) != nil { live.append(id) }
            } else if r < 9 {
                let i = Int(rng.next() % UInt64(live.count))
                let id = live.remove(at: i)
                guard let o = h.book.order(id) else { continue }
                h.cancel(id, owner: o.owner)
                model.cancel(id)
            } else {
                let i = Int(rng.next() % UInt64(live.count))
                let id = live[i]
                guard let o = h.book.order(id) else { live.remove(at: i); continue }
                let price = o.price + Int64(rng.next() % 3) - 1
                let qty = o.quantity - o.leaves + Int64(1 + rng.next() % 5)
                h.replace(id, owner: o.owner, price: price, quantity: qty)
                #expect(h.fills == model.replace(id, price: price, quantity: qty), "step \(step)")
            }
            live.removeAll { h.book.order($0) == nil }
            #expect(h.book.levels(.buy, depth: 20) == model.levels(.buy), "step \(step)")
            #expect(h.book.levels(.sell, depth: 20) == model.levels(.sell), "step \(step)")
            if h.book.levels(.buy, depth: 20) != model.levels(.buy) { return }
        }
    }
}

/// A deliberately simple order book: one array of orders in arrival order, scanned in full.
struct ReferenceBook {
    struct Order { var id: OrderID; var owner: OwnerID; var side: Side; var price: Int64; var quantity: Int64; var leaves: Int64; var time: Int }
    var orders: [Order] = []
    var clock = 0

    mutating func submit(_ r: OrderRequest, id: OrderID) -> [Fill] {
        var leaves = r.quantity
        let fills = match(id: id, owner: r.owner, side: r.side, limit: r.price, leaves: &leaves)
        if leaves > 0 && r.timeInForce == .day {
            clock += 1
            orders.append(Order(id: id, owner: r.owner, side: r.side, price: r.price, quantity: r.quantity, leaves: leaves, time: clock))
        }
        return fills
    }

    mutating func cancel(_ id: OrderID) { orders.removeAll { $0.id == id } }

    mutating func replace(_ id: OrderID, price: Int64, quantity: Int64) -> [Fill] {
        guard let i = orders.firstIndex(where: { $0.id == id }) else { return [] }
        var o = orders[i]
        let leaves = quantity - (o.quantity - o.leaves)
        if price == o.price && leaves <= o.leaves {
            orders[i].quantity = quantity
            orders[i].leaves = leaves
            return []
        }
        orders.remove(at: i)
        var left = leaves
        let fills = match(id: id, owner: o.owner, side: o.side, limit: price, leaves: &left)
        if left > 0 {
            clock += 1
            o.price = price; o.quantity = quantity; o.leaves = left; o.time = clock
            orders.append(o)
        }
        return fills
    }

    private mutating func match(id: OrderID, owner: OwnerID, side: Side, limit: Int64, leaves: inout Int64) -> [Fill] {
        var fills: [Fill] = []
        while leaves > 0 {
            let candidates = orders.indices.filter { orders[$0].side != side && (side == .buy ? orders[$0].price <= limit : orders[$0].price >= limit) }
            guard let best = candidates.min(by: { a, b in
                let x = orders[a], y = orders[b]
                if x.price != y.price { return side == .buy ? x.price < y.price : x.price > y.price }
                return x.time < y.time
            }) else { break }
            let maker = orders[best]
            if maker.owner == owner { orders.remove(at: best); continue }
            let q = min(leaves, maker.leaves)
            leaves -= q
            orders[best].leaves -= q
            fills.append(Fill(makerOrderID: maker.id, makerOwner: maker.owner, takerOrderID: id, takerOwner: owner, takerSide: side,
                              price: maker.price, quantity: q, makerLeaves: maker.leaves - q, takerLeaves: leaves))
            if orders[best].leaves == 0 { orders.remove(at: best) }
        }
        return fills
    }

    func levels(_ side: Side) -> [OrderBook.LevelView] {
        let mine = orders.filter { $0.side == side }
        let prices = Set(mine.map(\.price)).sorted(by: side == .buy ? (>) : (<))
        return prices.prefix(20).map { p in
            let at = mine.filter { $0.price == p }
            return OrderBook.LevelView(price: p, quantity: at.reduce(0) { $0 + $1.leaves }, orders: at.count)
        }
    }
}
