import Market
import MarketData
import Testing
@testable import Backtest

/// A day of less than an hour of market time, or of a tenth of the longest day when that is less
/// (data that crosses midnight by a few seconds), is listed, marked short, and left out of the
/// mean of the days.
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
        #expect(lines.contains { $0.hasPrefix("* short") && $0.hasSuffix("left out of the mean of the days") })
    }

    /// A 50-minute capture that crosses midnight by a second: the first day counts (a tenth of
    /// the longest is the minimum then), the second does not.
    @Test func aShortRecordingCountsFromATenthOfItsLongestDay() throws {
        let day = Self.midnight + 86_400 * 1_000_000_000
        let events = Self.trades(from: day - 3_000 * 1_000_000_000, to: day - 1_000_000_000, step: 1_000_000_000)
            + Self.trades(from: day, to: day + 1_000_000_000, step: 500_000_000)
        let result = Self.run(events)
        #expect(result.days.map(\.isShort) == [false, true])
        #expect(try #require(result.average).days == 1)
        // An hour exactly is never short; days of one event each are none of them short.
        var days = [DayFigures(date: "a", events: 1, marketTime: DayFigures.minimumLength, figures: result.days[0].figures),
                    DayFigures(date: "b", events: 1, marketTime: 100 * DayFigures.minimumLength, figures: result.days[0].figures)]
        DayFigures.markShort(&days)
        #expect(days.map(\.isShort) == [false, false])
        days[0].marketTime = DayFigures.minimumLength - 1
        DayFigures.markShort(&days)
        #expect(days.map(\.isShort) == [true, false])
        var single = [DayFigures(date: "a", events: 1, marketTime: 0, figures: result.days[0].figures),
                      DayFigures(date: "b", events: 1, marketTime: 0, figures: result.days[0].figures)]
        DayFigures.markShort(&single)
        #expect(single.map(\.isShort) == [false, false])
    }
}
