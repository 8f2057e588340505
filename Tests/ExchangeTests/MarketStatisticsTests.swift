import Market
@testable import MarketData
import Testing

/// The stylized facts on hand-made streams.
struct MarketStatisticsTests {
    static let s: Int64 = 1_000_000_000

    static func quote(_ t: Int64, _ bid: Int64, _ bidSize: Int64, _ ask: Int64, _ askSize: Int64) -> MarketEvent {
        .quote(time: t, bid: bid, bidSize: bidSize, ask: ask, askSize: askSize)
    }

    @Test func spreadAndQueuesAreSampledEachSecond() {
        var m = MarketStatistics()
        m.add(Self.quote(0, 100, 10, 101, 30))
        m.add(Self.quote(2 * Self.s + Self.s / 2, 100, 10, 102, 30))
        m.add(.trade(time: 4 * Self.s + Self.s / 2, price: 100, size: 3, aggressor: .sell))
        let f = m.facts
        // Samples at 1 s and 2 s see one tick, at 3 s and 4 s two.
        #expect(f.samples == 4 && f.spreadShares == [0.5, 0.5, 0])
        #expect(f.queueSizeQuantiles == [10, 30, 30])
        #expect(f.meanTradeSize == 3 && f.oneLotTradeShare == 0)
    }

    @Test func aGapOfOverAMinuteIsNotSampled() {
        var m = MarketStatistics()
        m.add(Self.quote(0, 100, 10, 101, 30))
        m.add(Self.quote(3_600 * Self.s, 100, 10, 101, 30))
        m.add(Self.quote(3_602 * Self.s, 100, 10, 101, 30))
        #expect(m.facts.samples == 2)
    }

    @Test func aRetreatFollowsADepletionWhenTheQueueRanOut() {
        var m = MarketStatistics()
        m.add(Self.quote(0, 100, 100, 101, 100))
        m.add(Self.quote(1, 100, 50, 101, 100))
        // 45 of the last 50 lots trade: 5 left, a twentieth of the 100 it showed.
        m.add(.trade(time: 2, price: 100, size: 45, aggressor: .sell))
        m.add(Self.quote(3, 99, 80, 101, 100))
        // The ask moves away whole: not a depletion.
        m.add(Self.quote(4, 99, 80, 102, 90))
        // The bid improves: not a retreat.
        m.add(Self.quote(5, 100, 5, 102, 90))
        let f = m.facts
        #expect(f.retreats == 2 && f.depletionShare == 0.5)
        #expect(f.midChanges == 3)
    }

    @Test func bouncingMovesAreNegativelyCorrelatedAndRevert() {
        var m = MarketStatistics()
        for i in 0..<5_000 {
            // The mid goes up a tick and back every second.
            let up = Int64(i % 2)
            m.add(Self.quote(Int64(i) * Self.s, 100 + up, 10, 101 + up, 10))
        }
        let f = m.facts
        #expect(f.midChangeCorrelation.map { abs($0 + 1) < 1e-9 } ?? false)
        // Its 60 s changes are all zero: a variance ratio of 0.
        #expect(f.varianceRatio60 == 0)
    }

    @Test func aRandomWalkHasAVarianceRatioNearOne() {
        var m = MarketStatistics()
        var random = Xoshiro256StarStar(seed: 11)
        var mid: Int64 = 10_000
        for i in 0..<60_000 {
            mid += random.chance(0.5) ? 1 : -1
            m.add(Self.quote(Int64(i) * Self.s, mid, 10, mid + 1, 10))
        }
        let f = m.facts
        // About 1,000 independent 60 s changes: within 15% of 1.
        #expect(f.varianceRatio60.map { abs($0 - 1) < 0.15 } ?? false)
        #expect(f.midChangeCorrelation.map { abs($0) < 0.03 } ?? false)
    }

    @Test func theReservoirStaysBoundedAndKeepsTheQuantiles() {
        var r = Reservoir(seed: 3)
        for v in 0..<400_000 { r.add(Int64(v)) }
        let q = r.quantiles([0.1, 0.5, 0.9])!
        // A uniform sample of 65,536 of 0..<400,000: each quantile within 1% of the range.
        for (got, want) in zip(q, [40_000, 200_000, 360_000] as [Int64]) { #expect(abs(got - want) < 4_000) }
        #expect(Reservoir(seed: 1).quantiles([0.5]) == nil)
    }
}
