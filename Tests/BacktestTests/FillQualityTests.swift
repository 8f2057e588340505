import Market
import MarketData
import MakerCore
import Testing
@testable import Backtest

/// The markout arithmetic, the depletion check and the levels, on hand-worked fills; and the
/// figures of a whole run.
struct FillQualityTests {
    static let second: Int64 = 1_000_000_000

    static func fill(_ t: Int64, _ side: Side, _ price: Int64, _ lots: Int64 = 1, level: Int = 1) -> LadderFill {
        LadderFill(time: t, side: side, price: price, quantity: lots, level: level)
    }

    @Test func markoutsAreTheMidAfterEachHorizonSignedForTheSide() {
        var t = FillQualityTracker()
        // A buy of 1 lot at 100 and a sell of 3 lots at 102, both at time 0; the book 100/102.
        t.record([Self.fill(0, .buy, 100), Self.fill(0, .sell, 102, 3)], market: (100, 102), hasBook: true)
        // At 1 s the book is still 100/102 (mid 101): the buy +1, the sell +1.
        t.markOut(before: Self.second, market: (100, 102))  // not yet past 1 s: nothing
        // Half a second later the book moved to 103/104 (mid 103.5): the events up to 1 s saw
        // 100/102, so the 1 s markouts use mid 101.
        t.markOut(before: Self.second + Self.second / 2, market: (100, 102))
        // At 10 s and 60 s the mid is 103.5: the buy +3.5, the sell -1.5.
        t.markOut(before: 61 * Self.second, market: (103, 104))
        let q = t.quality(marketTime: 3_600 * Self.second)
        #expect(q.markout(1) == 1)
        // (1 x 3.5 + 3 x -1.5) / 4 = -0.25.
        #expect(q.markout(10) == -0.25 && q.markout(60) == -0.25)
        #expect(q.markouts.map(\.lots) == [4, 4, 4])
        #expect(q.fills == 2 && q.lots == 4)
    }

    @Test func aHorizonAfterTheDataIsLeftOut() {
        var t = FillQualityTracker()
        t.record([Self.fill(0, .buy, 100)], market: (100, 101), hasBook: true)
        // The data ends at 30 s: the 1 s and 10 s horizons are marked, the 60 s one is not.
        t.markOut(before: 30 * Self.second + 1, market: (99, 100))
        let q = t.quality(marketTime: 30 * Self.second)
        #expect(q.markout(1) == -0.5 && q.markout(10) == -0.5)
        #expect(q.markout(60) == nil && q.markouts[2].lots == 0)
    }

    @Test func aOneSidedBookAtTheHorizonIsLeftOut() {
        var t = FillQualityTracker()
        t.record([Self.fill(0, .sell, 100)], market: (99, 100), hasBook: true)
        t.markOut(before: 2 * Self.second, market: (99, nil))
        #expect(t.quality(marketTime: 0).markouts[0].lots == 0)
    }

    @Test func depletionIsTheLevelGoneAtItsEventOrTheNext() {
        var t = FillQualityTracker()
        // A buy at 100 whose level is gone at once (best bid 99), a sell at 101 whose level is
        // still there (best ask 101), then a buy at 98 still there.
        t.record([Self.fill(0, .buy, 100), Self.fill(0, .sell, 101)], market: (99, 101), hasBook: true)
        #expect(t.hasUnchecked)
        // The next event: the ask went up to 102, so the sell's level went with it.
        t.record([Self.fill(5, .buy, 98)], market: (98, 102), hasBook: true)
        // The event after: the bid is still 98, so the buy at 98 came without a depletion.
        t.record([], market: (98, 99), hasBook: true)
        #expect(!t.hasUnchecked)
        let q = t.quality(marketTime: 0)
        #expect(q.depletionFills == 2 && q.depletionShare == 2.0 / 3.0)
    }

    @Test func tradesOnlyHasNoDepletionShare() {
        var t = FillQualityTracker()
        t.record([Self.fill(0, .buy, 100)], market: (99, 101), hasBook: false)
        #expect(t.quality(marketTime: 0).depletionShare == nil)
    }

    @Test func levelsCountFillsSharesAndRates() {
        var t = FillQualityTracker()
        t.record([Self.fill(0, .buy, 100, level: 1), Self.fill(0, .buy, 99, 2, level: 2), Self.fill(0, .sell, 101, level: 1),
                  Self.fill(0, .sell, 105, level: 500)], market: (nil, nil), hasBook: true)
        let q = t.quality(marketTime: 2 * 3_600 * Self.second)
        #expect(q.levels.map(\.level) == [1, 2, FillQualityTracker.levelSlots - 1])
        #expect(q.levels[0].fills == 2 && q.levels[0].share == 0.5 && q.levels[0].perHour == 1)
        #expect(q.levels[1].lots == 2)
    }

    /// Memory follows the last minute of fills, not the run: a day of a fill a second keeps at
    /// most about a minute of them.
    @Test func pendingFillsStayBounded() {
        var t = FillQualityTracker()
        for s in 0..<86_400 {
            let now = Int64(s) * Self.second
            t.markOut(before: now, market: (100, 101))
            t.record([Self.fill(now, .buy, 100)], market: (100, 101), hasBook: true)
            #expect(t.pendingCount <= 61 + 1_024)
        }
        let q = t.quality(marketTime: 86_400 * Self.second)
        #expect(q.markout(60) == 0.5 && q.markouts[2].lots == 86_400 - 61)  // 0 ... 86,338 s: 60 s before the last event or more
    }

    /// A run's fills on the queue-reactive market: every ladder fill is counted once, and the
    /// market's mean markout is what the markouts' own arithmetic gives.
    @Test func aRunCountsEveryLadderFill() throws {
        let instrument = QueueReactiveMarket.defaultInstrument
        let settings = BacktestSettings(maker: MarketMakerConfiguration(instrument: instrument), rankCoefficients: [0.5], stopLimit: nil)
        var source = QueueReactiveMarket(QueueReactiveMarket.Parameters(instrument: instrument, seed: 4, days: 1,
                                                                          sessionEnd: 10 * 3_600_000_000_000))
        let result = try BacktestRun(spec: settings.runs[0], settings: settings).run(&source)
        let q = result.fillQuality
        // Without the stop every fill is the ladder's.
        #expect(q.fills == result.figures.trades && q.fills > 100)
        #expect(q.levels.reduce(0) { $0 + $1.fills } == q.fills)
        // Bounded by how far the market moves in a minute.
        for m in q.markouts { #expect(m.ticks.map { abs($0) < 50 } ?? false) }
        #expect(q.depletionShare.map { (0...1).contains($0) } ?? false)
    }
}
