import Market
import MarketData
import Testing
@testable import Backtest

/// A day of less than an hour of market time (data that crosses midnight by a few seconds) is
/// listed, marked short, and left out of the mean of the days.
struct DayRuleTests {
    /// 2024-08-08 00:00:00 UTC.
    static let midnight: Int64 = 1_723_075_200 * 1_000_000_000

    /// A trade every `step` ns from `start` to `end` (inclusive), on a zigzag of prices.
    static func trades(from start: Int64, to end: Int64, step: Int64) -> [MarketEvent] {
        let times = Array(Swift.stride(from: start, through: end, by: Int(step)))
        let zigzag: [Int64] = [0, 1, 2, 1]
        return times.indices.map { i in .trade(time: times[i], price: 100 + zigzag[i % 4], size: 1, aggressor: nil) }
    }

    static func run(_ events: [MarketEvent]) -> BacktestResult {
        TestData.replay(events, settings: TestData.feeSettings()).result
    }

    @Test func aDayOfSecondsIsListedButNotInTheMean() throws {
        let day = Self.midnight
        // From 00:00 to 23:59:59 of one day, then one second into the next.
        let events = Self.trades(from: day, to: day + 86_399 * 1_000_000_000, step: 60_000_000_000)
            + Self.trades(from: day + 86_400 * 1_000_000_000, to: day + 86_401 * 1_000_000_000, step: 500_000_000)
        let result = Self.run(events)
        #expect(result.days.map(\.date) == ["2024-08-08", "2024-08-09"])
        #expect(result.days.map(\.isShort) == [false, true])
        #expect(result.days[1].marketTime == 1_000_000_000 && result.days[1].label == "2024-08-09 (short*)")
        let mean = try #require(result.average)
        #expect(mean.days == 1)
        #expect(mean.trades == Double(result.days[0].figures.trades))
        #expect(mean.tradingProfit == result.days[0].figures.tradingProfit)
        // The tables mark it and say why.
        let lines = StudyTables.lines([result])
        #expect(lines.contains { $0.contains("2024-08-09 (short*)") })
        #expect(lines.contains("* under an hour of market time: left out of the mean of the days"))
    }

    @Test func whenEveryDayIsShortTheMeanIsOverAll() throws {
        let day = Self.midnight
        let events = Self.trades(from: day + 86_390 * 1_000_000_000, to: day + 86_399 * 1_000_000_000, step: 1_000_000_000)
            + Self.trades(from: day + 86_400 * 1_000_000_000, to: day + 86_410 * 1_000_000_000, step: 1_000_000_000)
        let result = Self.run(events)
        #expect(result.days.count == 2 && result.days.allSatisfy(\.isShort))
        #expect(try #require(result.average).days == 2)
        // An hour exactly is a whole day.
        let hour = Self.run(Self.trades(from: day, to: day + DayFigures.minimumLength, step: 60_000_000_000))
        #expect(hour.days.map(\.isShort) == [false])
    }
}
