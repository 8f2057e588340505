import Market
@testable import MarketData
import Testing

/// The queue-reactive market: its intensities and price rule on hand-worked books, determinism,
/// its days and times.
struct QueueReactiveMarketTests {
    typealias P = QueueReactiveMarket.Parameters

    /// A market with only market orders (limit orders and cancels off, empty queues refilling
    /// almost never), so the next event is a market order on one side.
    static let marketOrdersOnly = P(seed: 5, days: 1, limitRate: [0, 0], refillRate: [1e-9, 1e-9], cancelRate: [0, 0],
                                    marketRate: 1, tradeSize: 1, moveProbability: 1, redrawProbability: 0)

    @Test func intensitiesFollowTheQueueSizes() {
        let p = P(limitRate: [1.2, 0.8], refillRate: [30, 5], cancelRate: [0.4, 0.3], marketRate: 1.5, orderSize: 25)
        // Bid: 100 lots then an empty second queue; ask: 25 lots then 400.
        let m = QueueReactiveMarket(p, queues: (100, 0, 25, 400), referenceBid: 1_000)
        let r = m.intensities
        // Limit orders: the queue's rate, or the refill rate when it is empty.
        #expect(r.limit.0 == 1.2 && r.limit.1 == 5 && r.limit.2 == 1.2 && r.limit.3 == 0.8)
        // Cancels: rate x sqrt(q / 25): 0.4 x 2, none on an empty queue, 0.4 x 1, 0.3 x 4.
        #expect(abs(r.cancel.0 - 0.8) < 1e-12 && r.cancel.1 == 0 && abs(r.cancel.2 - 0.4) < 1e-12 && abs(r.cancel.3 - 1.2) < 1e-12)
        #expect(r.market == 1.5)
    }

    @Test func anAskDepletionThatMovesThePriceShiftsTheBookUp() {
        var m = QueueReactiveMarket(P(moveProbability: 1, redrawProbability: 0), queues: (100, 50, 0, 70), referenceBid: 1_000)
        m.deplete(ask: true)
        #expect(m.referenceBid == 1_001)
        // The new bid level at the old ask price starts empty; the old best bid is second; the
        // ask's second queue is now first, and a new second queue is drawn.
        #expect(m.queues.0 == 0 && m.queues.1 == 100 && m.queues.2 == 70 && m.queues.3 > 0)
        #expect(m.counts.depletions == 1 && m.counts.priceMoves == 1 && m.counts.redraws == 0)
    }

    @Test func aBidDepletionThatMovesThePriceShiftsTheBookDown() {
        var m = QueueReactiveMarket(P(moveProbability: 1, redrawProbability: 0), queues: (0, 50, 30, 70), referenceBid: 1_000)
        m.deplete(ask: false)
        #expect(m.referenceBid == 999)
        #expect(m.queues.0 == 50 && m.queues.1 > 0 && m.queues.2 == 0 && m.queues.3 == 30)
    }

    @Test func aDepletionThatDoesNotMoveThePriceLeavesTheBook() {
        var m = QueueReactiveMarket(P(moveProbability: 0), queues: (100, 50, 0, 70), referenceBid: 1_000)
        m.deplete(ask: true)
        #expect(m.referenceBid == 1_000)
        #expect(m.queues == (100, 50, 0, 70))
        #expect(m.counts.depletions == 1 && m.counts.priceMoves == 0)
    }

    @Test func aRedrawKeepsOnlyTheNewEmptyLevel() {
        var m = QueueReactiveMarket(P(moveProbability: 1, redrawProbability: 1, freshQueueSize: 1_000),
                                    queues: (3, 3, 0, 3), referenceBid: 1_000)
        m.deplete(ask: true)
        #expect(m.referenceBid == 1_001 && m.counts.redraws == 1)
        #expect(m.queues.0 == 0)
        // Drawn anew with a mean of 1,000 lots: three draws all at 3 lots or less would be a
        // one-in-a-billion event.
        #expect(m.queues.1 > 3 || m.queues.2 > 3 || m.queues.3 > 3)
    }

    /// A buy market order that empties the ask's first queue: the trade, then the quote of the
    /// moved book (spread two ticks until a bid arrives at the old ask price). A sell one
    /// mirrors it.
    @Test func aMarketOrderThatEmptiesTheBestShowsTheTradeThenTheMove() {
        var m = QueueReactiveMarket(Self.marketOrdersOnly, queues: (1, 80, 1, 80), referenceBid: 1_000)
        #expect(m.next() == .quote(time: 9 * 3_600_000_000_000 + m.parameters.firstDay.daysSinceEpoch * 86_400_000_000_000,
                                   bid: 1_000, bidSize: 1, ask: 1_001, askSize: 1))
        let trade = m.next(), quote = m.next()
        guard case let .trade(t, price, size, aggressor)? = trade, case let .quote(qt, bid, bidSize, ask, askSize)? = quote else {
            Issue.record("expected a trade then a quote, got \(trade), \(quote)")
            return
        }
        #expect(size == 1 && qt == t)
        if aggressor == .buy {
            #expect(price == 1_001)
            #expect(bid == 1_000 && bidSize == 1 && ask == 1_002 && askSize == 80)
            #expect(m.referenceBid == 1_001)
        } else {
            #expect(aggressor == .sell && price == 1_000)
            #expect(bid == 999 && bidSize == 80 && ask == 1_001 && askSize == 1)
            #expect(m.referenceBid == 999)
        }
        #expect(m.counts.marketOrders == 1 && m.counts.depletions == 1 && m.counts.priceMoves == 1)
    }

    @Test func sameSeedSameEventsAnotherSeedOthers() {
        func events(seed: UInt64) -> [MarketEvent] {
            var m = QueueReactiveMarket(P(seed: seed, days: 1))
            return (0..<20_000).compactMap { _ in m.next() }
        }
        let a = events(seed: 3)
        #expect(a.count == 20_000)
        #expect(a == events(seed: 3))
        #expect(a != events(seed: 4))
    }

    @Test func daysAreWeekdaySessionsAndTimesIncrease() {
        // 2024-01-05 is a Friday: the days are Friday and the next Monday.
        let p = P(seed: 2, days: 2, firstDay: CivilDate(year: 2024, month: 1, day: 5)!,
                  sessionStart: 10 * 3_600_000_000_000, sessionEnd: 11 * 3_600_000_000_000)
        var m = QueueReactiveMarket(p)
        var last = Int64.min
        var days = Set<Int64>()
        var trades = 0
        var afterTrade = false
        while let e = m.next() {
            // A trade and the quote that shows it share a time; otherwise times increase.
            #expect(e.time > last || (afterTrade && e.time == last))
            last = e.time
            if case .trade = e { afterTrade = true } else { afterTrade = false }
            let day = e.time / 86_400_000_000_000
            days.insert(day)
            let ofDay = e.time - day * 86_400_000_000_000
            #expect(ofDay >= p.sessionStart && ofDay < p.sessionEnd)
            if case .trade = e { trades += 1 }
            if case let .quote(_, bid?, _, ask?, _) = e { #expect(ask - bid >= 1 && ask - bid <= 3) }
        }
        #expect(days.sorted().map { CivilDate(daysSinceEpoch: $0).weekday } == [5, 1])
        #expect(trades > 1_000)
        #expect(m.next() == nil)
    }

    /// Over a day the price rule's coin shows: about theta of the depletions move the price.
    @Test func aboutThetaOfTheDepletionsMoveThePrice() {
        var m = QueueReactiveMarket(P(seed: 9, days: 1, moveProbability: 0.7))
        while m.next() != nil {}
        let c = m.counts
        #expect(c.events == c.limitOrders + c.cancels + c.marketOrders)
        #expect(c.depletions > 500)
        let share = Double(c.priceMoves) / Double(c.depletions)
        // Three standard deviations of a binomial share.
        #expect(abs(share - 0.7) < 3 * (0.7 * 0.3 / Double(c.depletions)).squareRoot())
    }

    @Test func theSizeTableHasTheExponentialsMean() {
        let q = QueueReactiveMarket.exponentialQuantiles
        let mean = q.reduce(0, +) / Double(q.count)
        #expect(abs(mean - 1) < 0.001)
        #expect(q.allSatisfy { $0 > 0 } && zip(q, q.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// The waiting times' exponential: its mean and its tail.
    @Test func theWaitingTimesAreExponential() {
        var m = QueueReactiveMarket(P(seed: 21))
        let n = 1_000_000
        var sum = 0.0, beyond1 = 0, beyond5 = 0
        for _ in 0..<n {
            let e = m.exponential()
            #expect(e >= 0 && e.isFinite)
            sum += e
            if e > 1 { beyond1 += 1 }
            if e > 5 { beyond5 += 1 }
        }
        // Mean 1 (standard error 0.001); P(E > 1) = e^-1, P(E > 5) = e^-5.
        #expect(abs(sum / Double(n) - 1) < 0.005)
        #expect(abs(Double(beyond1) / Double(n) - 0.367_879) < 0.002)
        #expect(abs(Double(beyond5) / Double(n) - 0.006_738) < 0.000_4)
    }

    @Test func badParametersAreNamed() {
        #expect(P(limitRate: [1]).problem == "limitRate needs two rates (first and second queue)")
        #expect(P(refillRate: [0, 1]).problem == "refillRate must be positive (an empty queue must refill)")
        #expect(P(cancelRate: [-1, 1]).problem == "cancelRate must be in 0...1e9")
        #expect(P(tradeSize: 0.5).problem == "tradeSize must be in 1...1e9 lots")
        #expect(P(moveProbability: 1.5).problem == "moveProbability and redrawProbability must be in 0...1")
        #expect(P(sessionStart: 10, sessionEnd: 5).problem == "the session must be within one day")
        #expect(P().problem == nil)
    }
}
