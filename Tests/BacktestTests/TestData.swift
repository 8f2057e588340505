import MakerCore
import Market
import MarketData
import Foundation
import Quoting
import Risk
@testable import Backtest

/// Settings and data shared by the backtest tests.
enum TestData {
    static let instrument = Instrument(symbol: "ID", tickSize: DecimalStep(units: 1, scale: 0))

    /// The study's identity conditions: one lot a level, `levels` levels, no fees, no stop
    /// (the margin model fixed at 0 so nothing but the ladder shapes the position).
    static func identitySettings(levels: Int, instrument: Instrument = instrument) -> BacktestSettings {
        BacktestSettings(maker: MarketMakerConfiguration(instrument: instrument, quote: QuoteConfiguration(levels: levels, quantity: 1),
                                                         margin: .fixed(0), equity: 1e12),
                         rankCoefficients: [1], stopLimit: nil)
    }

    /// A trade a second at each price of `path`.
    static func trades(_ path: [Int64]) -> [MarketEvent] {
        path.enumerated().map { .trade(time: 1_700_000_000_000_000_000 + Int64($0.offset) * 1_000_000_000, price: $0.element, size: 1, aggressor: nil) }
    }

    /// (K - z^2) / 2.
    static func identityProfit(_ path: [Int64]) -> Int64 {
        let k = zip(path, path.dropFirst()).reduce(Int64(0)) { $0 + abs($1.1 - $1.0) }
        let z = path.last! - path.first!
        return (k - z * z) / 2
    }

    /// Replays `events` through a backtest run of `settings`' first run, returning the net
    /// position after each event and the result.
    static func replay(_ events: [MarketEvent], settings: BacktestSettings) -> (positions: [Int64], result: BacktestResult) {
        let run = BacktestRun(spec: settings.runs[0], settings: settings)
        var loop = run.start()
        var positions: [Int64] = []
        for e in events {
            loop.apply(e)
            positions.append(loop.run.maker.positions.position)
        }
        loop.finish()
        return (positions, loop.result(spec: run.spec, skipped: 0))
    }

    /// A small synthetic market.
    static func synthetic(days: Int = 2, eventsPerDay: Int = 2_000, seed: UInt64 = 7) -> SyntheticMarket.Parameters {
        SyntheticMarket.Parameters(seed: seed, days: days, eventsPerDay: eventsPerDay)
    }

    /// The market maker of `mm backtest` with fees, on the synthetic instrument.
    static func feeSettings(stop: Int64? = 10, rcs: [Double] = [0.5, 0.9]) -> BacktestSettings {
        BacktestSettings(maker: MarketMakerConfiguration(instrument: SyntheticMarket.defaultInstrument,
                                                         limits: RiskLimits(maxOrderQuantity: 1_000),
                                                         fees: FeeSchedule(maker: .rate("-0.0001")!, taker: .rate("0.0003")!, rebateRatio: 0.25)),
                         rankCoefficients: rcs, stopLimit: stop)
    }

    /// The Binance captures beside the project, when they are there.
    static let binanceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/binance")

    static func binance(_ name: String) -> String? {
        let path = binanceFolder.appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

/// A deterministic random generator (SplitMix64) for the tests' random paths.
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}
