@testable import Exchange
import Market
@testable import MarketData
import FIXTestSupport
import Testing
/// Our orders inside a recorded market: queue position, fills by trades and by crossing, the
/// queue models, trades-only and level-1 recordings.
struct ReplayExchangeTests {
    static let instrument = Instrument(symbol: "X", tickSize: DecimalStep("1")!)

    struct Harness {
        var exchange: ReplayExchange
        var events: [ExchangeEvent] = []

        init(rc: Double = 0.8, model: any QueueModel = RiskAverseQueueModel()) {
            exchange = ReplayExchange(instrument: ReplayExchangeTests.instrument, rankCoefficient: rc, queueModel: model)
        }

        mutating func apply(_ e: MarketEvent) {
            events.removeAll()
            exchange.apply(e, events: &events)
        }

        @discardableResult
        mutating func submit(_ r: OrderRequest) -> OrderID {
            events.removeAll()
            exchange.submit(r, events: &events)
            guard case .accepted(let id, _)? = events.first else { return 0 }
            return id
        }

        mutating func depth(_ side: Side, _ price: Int64, _ size: Int64) { apply(.depth(time: 0, side: side, price: price, size: size)) }
        mutating func trade(_ price: Int64, _ size: Int64, _ aggressor: Side? = nil) {
            apply(.trade(time: 0, price: price, size: size, aggressor: aggressor))
        }

        var fills: [Fill] { events.compactMap { if case .fill(let f) = $0 { f } else { nil } } }
        func ahead(_ id: OrderID) -> Int64? { exchange.order(id)?.ahead }
    }

    @Test func joinsBehindOneMinusRcOfTheLevel() {
        for (rc, expected) in [(1.0, Int64(0)), (0.8, 10), (0.0, 50)] {
            var h = Harness(rc: rc)
            h.depth(.buy, 100, 50)
            h.depth(.sell, 101, 50)
            let id = h.submit(.limit(.buy, price: 100, quantity: 1, owner: 1))
            #expect(h.ahead(id) == expected, "Rc \(rc)")
        }
    }

    @Test func tradesTakeTheQueueAheadFirst() {
        var h = Harness(rc: 0.8)
        h.depth(.buy, 100, 50)
        h.depth(.sell, 101, 50)
        let id = h.submit(.limit(.buy, price: 100, quantity: 2, owner: 1))
        h.trade(100, 4, .sell)
        #expect(h.fills.isEmpty && h.ahead(id) == 6)
        // A trade at the ask does not touch our bid.
        h.trade(101, 30, .buy)
        #expect(h.fills.isEmpty && h.ahead(id) == 6)
        h.trade(100, 7, .sell)  // 6 ahead, 1 left for us
        #expect(h.fills.map(\.quantity) == [1])
        #expect(h.fills.first?.makerOrderID == id && h.fills.first?.price == 100 && h.fills.first?.makerLeaves == 1)
        #expect(h.ahead(id) == 0)
        h.trade(100, 5, .sell)
        #expect(h.fills.map(\.quantity) == [1])
        #expect(h.exchange.order(id) == nil)
    }

    /// Two of our orders at one level share a trade in arrival order.
    @Test func ourOrdersAtOneLevelFillInArrivalOrder() {
        var h = Harness(rc: 1)
        h.depth(.sell, 101, 10)
        let a = h.submit(.limit(.sell, price: 101, quantity: 2, owner: 1))
        let b = h.submit(.limit(.sell, price: 101, quantity: 2, owner: 2))
        h.trade(101, 3, .buy)
        #expect(h.fills.map { [$0.makerOrderID, OrderID($0.quantity)] } == [[a, 2], [b, 1]])
    }

    @Test func levelShrinkWithTheQueueModels() {
        // Risk averse: cancels come from behind; the queue ahead is only capped by the level.
        var h = Harness(rc: 0.8, model: RiskAverseQueueModel())
        h.depth(.buy, 100, 50)
        var id = h.submit(.limit(.buy, price: 100, quantity: 1, owner: 1))
        h.depth(.buy, 100, 40)
        #expect(h.ahead(id) == 10)
        h.depth(.buy, 100, 5)
        #expect(h.ahead(id) == 5)

        // Proportional: 10 ahead, 40 behind; 10 canceled -> 2 of them ahead.
        h = Harness(rc: 0.8, model: PowerProbabilityQueueModel(power: 1))
        h.depth(.buy, 100, 50)
        id = h.submit(.limit(.buy, price: 100, quantity: 1, owner: 1))
        h.depth(.buy, 100, 40)
        #expect(h.ahead(id) == 8)

        // Power 2: 10 ahead, 40 behind -> 100/1700 of the cancels were ahead.
        h = Harness(rc: 0.8, model: PowerProbabilityQueueModel(power: 2))
        h.depth(.buy, 100, 50)
        id = h.submit(.limit(.buy, price: 100, quantity: 1, owner: 1))
        h.depth(.buy, 100, 16)  // 34 canceled, about 2 ahead
        #expect(h.ahead(id) == 8)
        #expect(abs(PowerProbabilityQueueModel(power: 2).aheadShare(ahead: 10, behind: 40) - 100.0 / 1700) < 1e-12)
        // A level that grows leaves the queue ahead alone.
        h.depth(.buy, 100, 80)
        #expect(h.ahead(id) == 8)
    }

    /// A trade at our level, then the level's update that shows it: counted once.
    @Test func aTradeAndTheLevelUpdateThatShowsItCountOnce() {
        var h = Harness(rc: 0.8, model: PowerProbabilityQueueModel(power: 1))
        h.depth(.buy, 100, 50)
        let id = h.submit(.limit(.buy, price: 100, quantity: 1, owner: 1))
        h.trade(100, 4, .sell)
        #expect(h.ahead(id) == 6)
        h.depth(.buy, 100, 46)
        #expect(h.ahead(id) == 6)
        // Beyond the trade, 6 canceled: 6 ahead and 40 behind -> 6 x 6/46, about 1 ahead.
        h.depth(.buy, 100, 40)
        #expect(h.ahead(id) == 5)
    }

    @Test func tradeThroughFillsInFull() {
        var h = Harness(rc: 0)
        h.depth(.buy, 100, 50)
        h.depth(.sell, 102, 50)
        let id = h.submit(.limit(.buy, price: 100, quantity: 3, owner: 1))
        h.trade(99, 1, .sell)
        #expect(h.fills.map { [$0.makerOrderID, OrderID($0.price), OrderID($0.quantity)] } == [[id, 100, 3]])
        #expect(h.exchange.orders.isEmpty)
    }

    @Test func crossingTheRecordedSideFillsAtOnce() {
        var h = Harness()
        h.depth(.sell, 101, 2)
        h.depth(.sell, 102, 5)
        h.depth(.sell, 104, 5)
        h.depth(.buy, 99, 5)
        let id = h.submit(.limit(.buy, price: 102, quantity: 10, owner: 1))
        #expect(h.fills.map { [OrderID($0.price), OrderID($0.quantity), OrderID($0.takerLeaves)] } == [[101, 2, 8], [102, 5, 3]])
        #expect(h.fills.allSatisfy { $0.takerOrderID == id && $0.makerOwner == ReplayExchange.marketOwner })
        #expect(h.exchange.order(id)?.leaves == 3)
        // Fill or kill needs it all at once.
        h.submit(.limit(.buy, price: 104, quantity: 20, owner: 1, timeInForce: .fillOrKill))
        #expect(h.fills.isEmpty)
        #expect(h.events.last.map { if case .canceled(_, _, 20, .fillOrKill) = $0 { true } else { false } } == true)
        // Market orders take what is there; with nothing there, refused.
        h.submit(.market(.sell, quantity: 7, owner: 1))
        #expect(h.fills.map { [OrderID($0.price), OrderID($0.quantity)] } == [[99, 5]])
        var empty = Harness()
        empty.submit(.market(.sell, quantity: 1, owner: 1))
        #expect(empty.events == [.rejected(owner: 1, reason: .noLiquidity)])
    }

    /// The recorded opposite side moving onto our resting price fills it.
    @Test func theMarketMovingOntoOurPriceFillsIt() {
        var h = Harness()
        h.apply(.quote(time: 0, bid: 99, bidSize: 10, ask: 101, askSize: 10))
        let id = h.submit(.limit(.buy, price: 100, quantity: 2, owner: 1))
        h.apply(.quote(time: 1, bid: 99, bidSize: 10, ask: 100, askSize: 3))
        #expect(h.fills.map { [$0.makerOrderID, OrderID($0.price), OrderID($0.quantity)] } == [[id, 100, 2]])
    }

    /// Trades only: quoted as last -/+ 1 tick, our orders at the front of their levels.
    @Test func tradesOnlyRecording() {
        var h = Harness(rc: 0.5)
        h.trade(50, 3)
        #expect(h.exchange.bestBid == 49 && h.exchange.bestAsk == 51)
        let ask = h.submit(.limit(.sell, price: 51, quantity: 1, owner: 1))
        let ask2 = h.submit(.limit(.sell, price: 52, quantity: 1, owner: 1))
        let bid = h.submit(.limit(.buy, price: 49, quantity: 1, owner: 1))
        #expect(h.ahead(ask) == 0)
        h.trade(51, 1)
        #expect(h.fills.map(\.makerOrderID) == [ask])
        // Last 51: the quote is 50 / 52 -- our ask at 52 is not crossed; a trade at 53 goes through it.
        h.trade(53, 1)
        #expect(h.fills.map(\.makerOrderID) == [ask2])
        // Last 53: bid quote 52; a trade at 48 goes through our bid.
        h.trade(48, 1)
        #expect(h.fills.map(\.makerOrderID) == [bid])
        // A buy at or above the quoted ask takes it at once.
        h.submit(.limit(.buy, price: 60, quantity: 2, owner: 1))
        #expect(h.fills.map { [OrderID($0.price), OrderID($0.quantity)] } == [[49, 2]])
    }

    /// Level-1 data: a level behind the best has no visible size; the queue ahead is set when it
    /// first shows one.
    @Test func levelOneHiddenLevel() {
        var h = Harness(rc: 0.8)
        h.apply(.quote(time: 0, bid: 100, bidSize: 20, ask: 101, askSize: 20))
        let id = h.submit(.limit(.buy, price: 99, quantity: 1, owner: 1))
        #expect(h.exchange.order(id)?.aheadKnown == false)
        h.apply(.quote(time: 1, bid: 99, bidSize: 30, ask: 100, askSize: 5))
        #expect(h.ahead(id) == 6)
        #expect(h.exchange.order(id)?.aheadKnown == true)
        // Level-1 quotes replace the side: the old 100 bid level is gone.
        #expect(h.exchange.visibleSize(.buy, at: 100) == 0)
    }

    @Test func replaceKeepsTheQueueOnlyForLessAtTheSamePrice() {
        var h = Harness(rc: 0.8)
        h.depth(.buy, 100, 50)
        h.depth(.buy, 99, 20)
        h.depth(.sell, 103, 20)
        let id = h.submit(.limit(.buy, price: 100, quantity: 5, owner: 1))
        h.trade(100, 4, .sell)
        #expect(h.ahead(id) == 6)
        h.events.removeAll()
        h.exchange.replace(id, owner: 1, price: 100, quantity: 3, events: &h.events)
        #expect(h.events == [.replaced(orderID: id, owner: 1, price: 100, quantity: 3, leaves: 3)])
        #expect(h.ahead(id) == 6)
        h.events.removeAll()
        h.exchange.replace(id, owner: 1, price: 99, quantity: 3, events: &h.events)
        #expect(h.ahead(id) == 4)  // (1 - 0.8) x 20
        h.events.removeAll()
        h.exchange.replace(id, owner: 2, price: 99, quantity: 3, events: &h.events)
        #expect(h.events == [.cancelRejected(orderID: id, owner: 2, reason: .unknownOrder)])
        h.events.removeAll()
        h.exchange.cancel(id, owner: 1, events: &h.events)
        #expect(h.events == [.canceled(orderID: id, owner: 1, leaves: 3, reason: .requested)])
    }

    /// Our best prices (``ReplayExchange/ownBestBid``, ``ReplayExchange/ownBestAsk``) follow our
    /// orders through submits, fills, cancels and replaces.
    @Test func ownBestPricesFollowTheOrders() {
        var h = Harness(rc: 0.5, model: PowerProbabilityQueueModel())
        var rng = SplitMix64(seed: 21)
        var ids: [OrderID] = []
        var mid: Int64 = 1_000
        for step in 0..<5_000 {
            switch rng.below(6) {
            case 0, 1:
                let side: Side = rng.below(2) == 0 ? .buy : .sell
                let price = side == .buy ? mid - 1 - Int64(rng.below(5)) : mid + 1 + Int64(rng.below(5))
                let id = h.submit(.limit(side, price: price, quantity: Int64(1 + rng.below(3)), owner: 1))
                if id != 0 { ids.append(id) }
            case 2:
                if let id = ids.randomElement(using: &rng) {
                    h.events.removeAll()
                    h.exchange.cancel(id, owner: 1, events: &h.events)
                }
            case 3:
                if let id = ids.randomElement(using: &rng), let o = h.exchange.order(id) {
                    h.events.removeAll()
                    let price = o.side == .buy ? mid - 1 - Int64(rng.below(5)) : mid + 1 + Int64(rng.below(5))
                    h.exchange.replace(id, owner: 1, price: price, quantity: o.quantity + 1, events: &h.events)
                }
            case 4:
                mid += Int64(rng.below(5)) - 2
                h.apply(.quote(time: Int64(step), bid: mid - 1, bidSize: Int64(rng.below(20)), ask: mid + 1, askSize: Int64(rng.below(20))))
            default:
                h.trade(mid + Int64(rng.below(5)) - 2, Int64(1 + rng.below(10)), rng.below(2) == 0 ? .buy : .sell)
            }
            let orders = h.exchange.orders
            #expect(h.exchange.ownBestBid == orders.filter { $0.side == .buy }.map(\.price).max(), "step \(step)")
            #expect(h.exchange.ownBestAsk == orders.filter { $0.side == .sell }.map(\.price).min(), "step \(step)")
        }
    }
}
