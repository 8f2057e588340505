import MakerCore
import MarketData
import Testing
@testable import Backtest

/// The sweep: its runs, determinism, parallel = sequential, days, quiet steps.
struct SweepTests {
    static let market = TestData.synthetic(days: 3, eventsPerDay: 1_500)

    @Test func runsWithAndWithoutTheStop() {
        var settings = TestData.feeSettings(stop: 20, rcs: [0.5, 0.8])
        #expect(settings.runs == [BacktestRunSpec(rankCoefficient: 0.5, stopLimit: 20), BacktestRunSpec(rankCoefficient: 0.5, stopLimit: nil),
                                  BacktestRunSpec(rankCoefficient: 0.8, stopLimit: 20), BacktestRunSpec(rankCoefficient: 0.8, stopLimit: nil)])
        #expect(settings.configuration(for: settings.runs[0]).stop.limit == 20)
        #expect(settings.configuration(for: settings.runs[0]).stop.restartThreshold == 10)
        #expect(!settings.configuration(for: settings.runs[1]).stop.isEnabled)
        settings.stopLimit = nil
        #expect(settings.runs.map(\.stopLimit) == [nil, nil])
    }

    @Test func theSameRunTwiceGivesTheSameResult() throws {
        let settings = TestData.feeSettings()
        let run = BacktestRun(spec: settings.runs[0], settings: settings)
        var a = SyntheticMarket(Self.market), b = SyntheticMarket(Self.market)
        let first = try run.run(&a), second = try run.run(&b)
        #expect(first == second)
        #expect(first.figures.trades > 0)
    }

    @Test func aParallelSweepEqualsRunsOneByOne() throws {
        let settings = TestData.feeSettings(stop: 10, rcs: [0.5, 0.9])
        let market = Self.market
        let parallel = try BacktestSweep(settings: settings, jobs: 2).run { SyntheticMarket(market) }
        let single = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(market) }
        #expect(parallel.map(\.run) == settings.runs)
        #expect(parallel == single)
        for (spec, result) in zip(settings.runs, parallel) {
            var source = SyntheticMarket(market)
            #expect(try BacktestRun(spec: spec, settings: settings).run(&source) == result)
        }
        // The stop keeps the position near its limit; without it nothing does.
        #expect(parallel[0].figures.stopEvents > 0 && parallel[1].figures.stopEvents == 0)
    }

    /// Also with commands in flight (a latency): skipped steps wait for the venue's answers.
    @Test(arguments: [0, 1_000_000, 20_000_000_000] as [Int64])
    func skippingQuietStepsChangesNothing(latency: Int64) throws {
        var settings = TestData.feeSettings(stop: 10, rcs: [0.8])
        settings.latency = latency
        let quick = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(Self.market) }
        settings.skipsQuietSteps = false
        let full = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(Self.market) }
        #expect(quick == full)
        #expect(quick[0].figures.trades > 0)
    }

    /// The latency changes the run (orders miss what the market did while they were on their
    /// way) and nothing else: the same settings give the same figures again.
    @Test func aLatencyChangesTheRunReproducibly() throws {
        var settings = TestData.feeSettings(stop: 10, rcs: [0.8])
        let atOnce = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(Self.market) }
        settings.latency = 20_000_000_000
        let late = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(Self.market) }
        let again = try BacktestSweep(settings: settings, jobs: 2).run { SyntheticMarket(Self.market) }
        #expect(late == again)
        #expect(late[1].figures != atOnce[1].figures)
        #expect(late[1].figures.trades > 0)
    }

    @Test func daysSplitTheRun() throws {
        let settings = TestData.feeSettings(stop: 10, rcs: [0.8])
        let results = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(Self.market) }
        for r in results {
            #expect(r.days.map(\.date) == ["2024-01-02", "2024-01-03", "2024-01-04"])
            #expect(r.days.allSatisfy { $0.events == 1_500 })
            #expect(r.days.reduce(0) { $0 + $1.figures.tradingProfitTicks } == r.figures.tradingProfitTicks)
            #expect(r.days.reduce(0) { $0 + $1.figures.trades } == r.figures.trades)
            #expect(r.days.reduce(0) { $0 + $1.figures.stopEvents } == r.figures.stopEvents)
            #expect(abs(r.days.reduce(0) { $0 + $1.figures.fees } - r.figures.fees) < 1e-6)
            #expect(r.days.map(\.figures.maxNetPosition).max() == r.figures.maxNetPosition)
            #expect(r.days.map(\.figures.maxIntradayLossTicks).max() == r.figures.maxIntradayLossTicks)
            let average = try #require(r.average)
            #expect(average.days == 3)
            #expect(abs(average.tradingProfit * 3 - r.days.reduce(0) { $0 + $1.figures.tradingProfit }) < 1e-6)
            // The series: bounded, in order, ending with the run.
            #expect(r.series.count <= settings.seriesCapacity)
            #expect(zip(r.series, r.series.dropFirst()).allSatisfy { $0.tradingTime < $1.tradingTime })
            #expect(r.series.filter(\.dayEnd).count == 3)
            #expect(r.series.last?.profitTicks == r.figures.tradingProfitTicks)
        }
    }

    @Test func aBadRecordStopsTheSweepWithItsError() throws {
        let settings = TestData.feeSettings(stop: nil, rcs: [0.5, 0.9])
        let error = MarketDataError(.badRecord, path: "data.csv", line: 3, reason: "field 2 (price): expected a decimal, got 'x'")
        #expect(throws: error) {
            _ = try BacktestSweep(settings: settings, jobs: 2).run { () throws(MarketDataError) -> any MarketDataSource in throw error }
        }
    }

    @Test func seriesStayBounded() {
        var recorder = SeriesRecorder(capacity: 16, interval: 1)
        for t in 0..<10_000 {
            let point = SeriesPoint(tradingTime: Int64(t), time: Int64(t), profitTicks: Int64(t), profit: 0, fees: 0, dayMaxPosition: 0,
                                    dayMaxLossTicks: 0, dayMaxLoss: 0, dayEnd: t == 5_000)
            if recorder.wants(point.tradingTime) || point.dayEnd { recorder.record(point, force: point.dayEnd) }
        }
        #expect(recorder.points.count <= 16 && recorder.points.count >= 8)
        #expect(recorder.points.first?.tradingTime == 0)
        #expect(recorder.points.contains { $0.dayEnd })
        #expect(zip(recorder.points, recorder.points.dropFirst()).allSatisfy { $0.tradingTime < $1.tradingTime })
    }
}
