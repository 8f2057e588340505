import MakerCore
import MarketData
import Foundation
import Testing
@testable import Backtest

/// The Chakraborty-Kearns identity through the backtest: one lot a level, levels >= the
/// largest one-step move, Rc = 1, no fees, no stop, trades only: profit in ticks =
/// (K - z^2) / 2 and net position = -(P(t) - P(0)) after every event.
struct StudyIdentityBacktestTests {
    static let examples: [([Int64], Int64)] = [([0, 1, 0], 1), ([0, 1], 0), ([0, 2], -1), ([0, 1, 2, 1, 0], 2), ([0, 3, -2, 1], 5)]

    @Test(arguments: examples)
    func theStudysExamples(path: [Int64], profit: Int64) {
        let prices = path.map { $0 + 100 }
        let (positions, result) = TestData.replay(TestData.trades(prices), settings: TestData.identitySettings(levels: 5))
        #expect(result.figures.tradingProfitTicks == profit)
        #expect(result.figures.tradingProfitTicks == TestData.identityProfit(prices))
        #expect(positions == prices.map { -($0 - prices[0]) })
        #expect(result.figures.fees == 0 && result.figures.stopEvents == 0)
    }

    @Test func randomPathsInMemory() {
        var random = TestRandom(state: 42)
        for trial in 0..<12 {
            let largest = Int64(1 + trial % 4)
            var path: [Int64] = [1_000]
            for _ in 0..<400 { path.append(path.last! + Int64(random.below(UInt64(2 * largest + 1))) - largest) }
            let levels = Int(largest) + Int(random.below(3))
            let (positions, result) = TestData.replay(TestData.trades(path), settings: TestData.identitySettings(levels: levels))
            #expect(result.figures.tradingProfitTicks == TestData.identityProfit(path), "trial \(trial), levels \(levels)")
            #expect(positions == path.map { -($0 - path[0]) }, "trial \(trial)")
            #expect(result.summary.venueRejects == 0 && result.summary.riskDenials.isEmpty)
        }
    }

    /// The same through the CSV reader of trades, from a file, with sizes and aggressors that
    /// the trades-only view forgets.
    @Test func randomPathFromATradesFile() throws {
        var random = TestRandom(state: 9)
        var path: [Int64] = [5_000]
        for _ in 0..<500 { path.append(path.last! + Int64(random.below(5)) - 2) }
        var csv = "timestamp,price,size,side\n"
        for (i, p) in path.enumerated() {
            csv += "2024-03-0\(1 + i / 200) 10:00:\(String(format: "%02d", (i % 200) / 4)).\(i % 4)00,\(p),\(1 + random.below(5)),\(random.below(2) == 0 ? "buy" : "sell")\n"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString).csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var source = TradesOnlySource(try TradesCSVSource(path: file.path, instrument: TestData.instrument))
        let settings = TestData.identitySettings(levels: 2)
        let result = try BacktestRun(spec: settings.runs[0], settings: settings).run(&source)
        #expect(result.events == path.count)
        #expect(result.figures.tradingProfitTicks == TestData.identityProfit(path))
        #expect(result.summary.finalPosition == -(path.last! - path[0]))
        #expect(result.days.count == 3)
        #expect(result.days.reduce(0) { $0 + $1.figures.tradingProfitTicks } == result.figures.tradingProfitTicks)
    }

    /// Recorded trades (the ETHUSDT capture: its largest move between two trades is 52 ticks)
    /// traded as trades only, with as many levels as that move.
    @Test(.enabled(if: TestData.binance("usdm_ethusdt_20240808.gz") != nil,
                   "needs ../shared/data/binance/usdm_ethusdt_20240808.gz beside the project"))
    func recordedTrades() throws {
        let path = try #require(TestData.binance("usdm_ethusdt_20240808.gz"))
        let instrument = try #require(BinanceCaptureSource.instrument(for: "ETHUSDT"))
        var reader = TradesOnlySource(try BinanceCaptureSource(path: path, instrument: instrument))
        var events: [MarketEvent] = []
        var prices: [Int64] = []
        while let e = try reader.next() {
            events.append(e)
            if case .trade(_, let p, _, _) = e { prices.append(p) }
        }
        let largest = zip(prices, prices.dropFirst()).map { abs($1 - $0) }.max() ?? 1
        #expect(prices.count > 10_000)
        try #require(largest <= 64, "the ladder has at most 64 levels")
        let (positions, result) = TestData.replay(events, settings: TestData.identitySettings(levels: Int(largest), instrument: instrument))
        #expect(result.figures.tradingProfitTicks == TestData.identityProfit(prices))
        #expect(positions == prices.map { -($0 - prices[0]) })
    }
}
