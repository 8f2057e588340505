import FIXTestSupport
import Testing
@testable import Quoting

/// The refresh tolerance and the message budget.
struct ToleranceAndBudgetTests {
    static let second: Int64 = 1_000_000_000

    // MARK: Refresh tolerance

    /// With a tolerance of 3, bids follow a rising best bid only once it has risen 3 ticks from
    /// where they were aimed; asks, which a rising market moves away from, follow at once.
    @Test func bidsWaitForTheToleranceAsksFollowAMoveAway() {
        var m = ImmediateMarket(QuoteConfiguration(refreshTolerance: 3))
        m.quote(bid: 100, ask: 101)
        // Up 1 and 2: bids stay aimed at 100; the ask side re-aims (its nearest ask moves out).
        #expect(m.quote(bid: 101, ask: 102).map(\.side) == [.sell])
        #expect(m.quote(bid: 102, ask: 103).map(\.side) == [.sell])
        #expect(m.quoter.anchor(.buy) == 100)
        #expect(m.quoter.prices(.buy) == [100, 99, 98, 97, 96])
        // Up 3 from 100: bids re-aim at 103; 96, 97, 98 move to 103, 102, 101.
        let up3 = m.quote(bid: 103, ask: 104)
        #expect(up3.filter { $0.side == .buy }.count == 3)
        #expect(m.quoter.prices(.buy) == [103, 102, 101, 100, 99])
        // A fall re-aims at once (the levels above it were traded through); the asks, which the
        // fall moves toward, wait: 1 tick is within the tolerance.
        let down = m.quote(bid: 102, ask: 103)
        #expect(down.map(\.side) == [.buy])
        #expect(m.quoter.prices(.buy) == [102, 101, 100, 99, 98])
        #expect(m.quoter.anchor(.sell) == 104)
        #expect(m.quoter.prices(.sell) == [104, 105, 106, 107, 108])
    }

    /// Flickering quotes cost nothing once the ladder sits one tick behind them.
    @Test func toleranceAbsorbsFlicker() {
        var m = ImmediateMarket(QuoteConfiguration(refreshTolerance: 2))
        m.quote(bid: 100, ask: 102)
        var messages = 0
        for i in 0..<100 {
            let up = Int64(i % 2)
            messages += m.quote(bid: 100 + up, ask: 102).count
        }
        #expect(messages == 0)
        var exact = ImmediateMarket()
        exact.quote(bid: 100, ask: 102)
        var exactMessages = 0
        for i in 0..<100 {
            let up = Int64(i % 2)
            exactMessages += exact.quote(bid: 100 + up, ask: 102).count
        }
        // Every change but the first call's (which repeats the first quote) moves one bid.
        #expect(exactMessages == 99)
    }

    /// Tolerance 0 and 1 both mean "any change".
    @Test(arguments: [41, 42] as [UInt64])
    func toleranceZeroAndOneAreTheSame(_ seed: UInt64) {
        var a = ImmediateMarket(QuoteConfiguration(refreshTolerance: 0))
        var b = ImmediateMarket(QuoteConfiguration(refreshTolerance: 1))
        var rng = SplitMix64(seed: seed)
        var last: Int64 = 1_000
        for _ in 0..<1_000 {
            last += Int64(rng.below(5) - 2)
            var ra: [OrderUpdate] = [], rb: [OrderUpdate] = []
            a.venue.trade(at: last, into: &ra)
            b.venue.trade(at: last, into: &rb)
            a.deliver(ra)
            b.deliver(rb)
            let spread = Int64(rng.below(2))
            #expect(a.quote(bid: last - 1 - spread, ask: last + 1) == b.quote(bid: last - 1 - spread, ask: last + 1))
        }
    }

    /// Random paths with a tolerance: the invariants hold, and a side's ladder is never better
    /// than its best price.
    @Test(arguments: [2, 3, 5] as [Int64])
    func invariantsWithTolerance(_ tolerance: Int64) {
        var m = ImmediateMarket(QuoteConfiguration(refreshTolerance: tolerance))
        var rng = SplitMix64(seed: UInt64(tolerance))
        var last: Int64 = 1_000
        var total = 0
        for step in 0..<2_000 {
            last += Int64(rng.below(5) - 2)
            var reports: [OrderUpdate] = []
            m.venue.trade(at: last, into: &reports)
            m.deliver(reports)
            let bid = last - Int64(1 + rng.below(2))
            let ask = last + Int64(1 + rng.below(2))
            total += m.quote(bid: bid, ask: ask).count
            guard LadderInvariants.check(m.quoter, levels: 5, "step \(step)") else { return }
            #expect(m.quoter.prices(.buy).allSatisfy { $0 <= bid })
            #expect(m.quoter.prices(.sell).allSatisfy { $0 >= ask })
            #expect(m.quoter.tracker.liveCount(.buy) == 5 && m.quoter.tracker.liveCount(.sell) == 5)
        }
        #expect(m.quoter.statistics.cancels == 0)
        #expect(total > 0)
    }

    // MARK: Message budget

    @Test func budgetDefersThenCatchesUp() {
        let budget = MessageBudget(messagesPerSecond: 2, burst: 4)
        var m = ImmediateMarket(QuoteConfiguration(messageBudget: budget))
        let s = Self.second
        // The burst: the 4 levels nearest the market, bid and ask alternately.
        let first = m.quote(bid: 100, ask: 101, advance: 0)
        #expect(first.map(\.price) == [100, 101, 99, 102])
        #expect(m.quoter.statistics.deferredByBudget == 6)
        // A quarter second refills half a message: nothing.
        #expect(m.quote(bid: 100, ask: 101, advance: s / 4).isEmpty)
        // Another quarter: one message, the next level in line.
        #expect(m.quote(bid: 100, ask: 101, advance: s / 4).map(\.price) == [98])
        // Much later the bucket is full again, but only at its burst.
        #expect(m.quote(bid: 100, ask: 101, advance: 10 * s).map(\.price) == [103, 97, 104, 96])
        #expect(m.quote(bid: 100, ask: 101, advance: 10 * s).map(\.price) == [105])
        // Complete, with one new order per level: nothing sent twice, nothing lost.
        #expect(m.quoter.prices(.buy) == [100, 99, 98, 97, 96])
        #expect(m.quoter.prices(.sell) == [101, 102, 103, 104, 105])
        #expect(m.quoter.statistics.news == 10 && m.quoter.statistics.intents == 10)
    }

    /// Deferred intents are recomputed, not queued: a level the market has left while it waited
    /// is never sent.
    @Test func deferredIntentsAreRecomputed() {
        let budget = MessageBudget(messagesPerSecond: 1, burst: 2)
        var m = ImmediateMarket(QuoteConfiguration(levels: 2, messageBudget: budget))
        let s = Self.second
        #expect(m.quote(bid: 100, ask: 101, advance: 0).map(\.price) == [100, 101])
        #expect(m.quote(bid: 100, ask: 101, advance: 0).isEmpty)
        // The market moves up 5 before there is budget for the second levels: they are quoted at
        // the new prices, and the first levels follow by replace.
        var sent: [QuoteIntent] = []
        for _ in 0..<10 { sent += m.quote(bid: 105, ask: 106, advance: s) }
        #expect(m.quoter.prices(.buy) == [105, 104])
        #expect(m.quoter.prices(.sell) == [106, 107])
        #expect(sent.count == 4)
        #expect(sent.filter { $0.kind == .new }.compactMap(\.price).allSatisfy { [104, 107].contains($0) })
        #expect(sent.filter { $0.kind == .replace }.count == 2)
    }

    /// Risk's cancels are never deferred; they use up the budget, which goes into debt and holds
    /// quoting back until repaid.
    @Test func riskCancelsBypassTheBudgetAndRunItIntoDebt() {
        let budget = MessageBudget(messagesPerSecond: 1, burst: 10)
        var m = ImmediateMarket(QuoteConfiguration(messageBudget: budget))
        let s = Self.second
        #expect(m.quote(bid: 100, ask: 101, advance: 0).count == 10)
        let pulled = m.quoter.setSides(buy: false, sell: false)
        #expect(pulled.count == 10)
        m.settle(pulled)
        #expect(m.quoter.bucket?.balance == -10 * TokenBucket.unit)
        #expect(m.quoter.setSides(buy: true, sell: true).isEmpty)
        // 10 s repay the debt; the 11th second brings one message.
        #expect(m.quote(bid: 100, ask: 101, advance: 10 * s).isEmpty)
        #expect(m.quote(bid: 100, ask: 101, advance: s).count == 1)
    }

    @Test func noBudgetMeansNoLimit() {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 64))
        #expect(q.update(bestBid: 1_000, bestAsk: 1_001, now: 0).count == 128)
        #expect(q.bucket == nil)
    }

    @Test func tokenBucketArithmetic() {
        let budget = MessageBudget(messagesPerSecond: 3, burst: 5)
        var b = TokenBucket(budget)
        #expect(b.available == 5)
        b.refill(now: 7, budget: budget)  // starts the clock
        for _ in 0..<5 { #expect(b.canSend); b.take() }
        #expect(!b.canSend && b.available == 0)
        b.refill(now: 7 + Self.second / 3 + 1, budget: budget)
        #expect(b.available == 1)
        // A clock going back adds nothing; a huge jump fills without overflow.
        b.refill(now: 0, budget: budget)
        #expect(b.available == 1)
        b.refill(now: Int64.max, budget: budget)
        #expect(b.available == 5 && b.balance == 5 * TokenBucket.unit)
        b.take(); b.take(); b.take(); b.take(); b.take(); b.take()
        #expect(b.balance == -TokenBucket.unit && b.available == 0)
        // A smaller burst takes effect at the next refill.
        var c = TokenBucket(budget)
        c.refill(now: 0, budget: MessageBudget(messagesPerSecond: 3, burst: 2))
        #expect(c.available == 2)
    }
}
