@testable import MakerCore
import Market
import FIXTestSupport
import Testing
struct PositionBookTests {
    static let instrument = Instrument(symbol: "X", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)

    @Test func averageCostRealizesOnReduction() {
        var p = PositionBook(instrument: Self.instrument)
        p.fill(side: .buy, price: 100, quantity: 2, fee: 10, maker: true)
        p.fill(side: .buy, price: 104, quantity: 2, fee: 10, maker: true)  // average 102
        #expect(p.position == 4 && p.openCost == 408)
        p.fill(side: .sell, price: 105, quantity: 3, fee: -5, maker: false)  // realizes 3 x 3
        #expect(p.realized == 9 && p.position == 1 && p.openCost == 102)
        #expect(p.unrealized(at: 110) == 8)
        // Through zero: sell 3 more -> short 2 at 101.
        p.fill(side: .sell, price: 101, quantity: 3, fee: 0, maker: true)
        #expect(p.realized == 8 && p.position == -2 && p.openCost == 202)
        #expect(p.unrealized(at: 100) == 2)
        #expect(p.fees == 15 && p.feesPaidGross == 20 && p.volume == 10 && p.makerVolume == 7 && p.maxAbsPosition == 4)
        // 8 ticks x lots of 0.1 x 0.001 = 0.0008 currency.
        #expect(p.money(8) == 80_000)
    }

    /// Random fills: realized + unrealized always equals cash flow + position x mark.
    @Test func profitMatchesCashFlow() {
        var rng = SplitMix64(seed: 3)
        var p = PositionBook(instrument: Self.instrument)
        var cash: Int64 = 0
        for _ in 0..<10_000 {
            let side: Side = rng.below(2) == 0 ? .buy : .sell
            let price = Int64(1000 + rng.below(50))
            let quantity = Int64(1 + rng.below(3))
            cash += side == .buy ? -price * quantity : price * quantity
            p.fill(side: side, price: price, quantity: quantity, fee: 0, maker: true)
            let mark = Int64(1000 + rng.below(50))
            // Exact only while averages are whole; allow the rounding of partial closes.
            #expect(abs(p.tradingProfit(at: mark) - (cash + p.position * mark)) <= Int64(p.fills))
        }
    }
}

struct LatencyHistogramTests {
    @Test func percentilesWithinTheBucketWidth() {
        var h = LatencyHistogram()
        for v in 1...10_000 { h.record(Int64(v) * 100) }  // 100 ns ... 1 ms, uniform
        #expect(h.count == 10_000 && h.min == 100 && h.max == 1_000_000)
        for (p, exact) in [(50.0, 500_000.0), (90, 900_000), (99, 990_000)] {
            let v = Double(h.percentile(p))
            #expect(v >= exact && v <= exact * 1.04, "p\(p): \(v)")
        }
        #expect(h.percentile(100) == 1_000_000)
        #expect(abs(h.mean - 500_050) < 1)
        var other = LatencyHistogram()
        other.record(5)
        h.merge(other)
        #expect(h.min == 5 && h.count == 10_001)
        #expect(LatencyHistogram().percentile(50) == 0)
    }
}
