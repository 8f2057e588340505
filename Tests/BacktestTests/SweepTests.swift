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

    /// A point as a run builds it: the extremes since the last kept point, then the values.
    static func point(_ recorder: SeriesRecorder, t: Int, profit: Int64, dayEnd: Bool = false) -> SeriesPoint {
        let same = { (v: Int64) in Double(v) }
        return SeriesPoint(tradingTime: Int64(t), time: Int64(t), profitTicks: profit, profit: Double(profit), fees: 0, dayMaxPosition: 0,
                           dayMaxLossTicks: 0, dayMaxLoss: 0, dayEnd: dayEnd,
                           profitRange: recorder.pendingProfit.range(same, current: profit),
                           feesRange: recorder.pendingFees.range(same, current: 0),
                           dayMaxPositionRange: SeriesRange(0), dayMaxLossRange: SeriesRange(0))
    }

    @Test func seriesStayBounded() {
        var recorder = SeriesRecorder(capacity: 16, interval: 1)
        for t in 0..<10_000 {
            recorder.observe(profitTicks: Int64(t), fees: 0)
            let point = Self.point(recorder, t: t, profit: Int64(t), dayEnd: t == 5_000)
            if recorder.wants(point.tradingTime) || point.dayEnd { recorder.record(point, force: point.dayEnd) }
        }
        #expect(recorder.points.count <= 16 && recorder.points.count >= 8)
        #expect(recorder.points.first?.tradingTime == 0)
        #expect(recorder.points.contains { $0.dayEnd })
        #expect(zip(recorder.points, recorder.points.dropFirst()).allSatisfy { $0.tradingTime < $1.tradingTime })
    }

    /// However far the series is thinned, the highest and the lowest value of the whole run are
    /// in the points' ranges, in the order they came.
    @Test func thinnedSeriesKeepEveryExtreme() {
        var recorder = SeriesRecorder(capacity: 8, interval: 1)
        var values: [Int64] = []
        for t in 0..<20_000 {
            // A slow wave with one spike up and one dip down between samples.
            let v: Int64 = t == 3_333 ? 1_000_000 : t == 7_777 ? -500_000 : Int64((t % 1_000) - 500)
            values.append(v)
            recorder.observe(profitTicks: v, fees: 0)
            if recorder.wants(Int64(t)) { recorder.record(Self.point(recorder, t: t, profit: v)) }
        }
        let points = recorder.points
        #expect(points.count <= 8)
        #expect(points.map(\.profitRange.high).max() == 1_000_000)
        #expect(points.map(\.profitRange.low).min() == -500_000)
        // The spike's bucket comes before the dip's, or they share one with the high first.
        let spike = points.firstIndex { $0.profitRange.high == 1_000_000 }!
        let dip = points.firstIndex { $0.profitRange.low == -500_000 }!
        #expect(spike < dip || (spike == dip && !points[spike].profitRange.lowFirst))
        // Every value observed lies within the range of the bucket that holds it.
        let overall = points.dropFirst().reduce(points[0].profitRange) { $0.merged(with: $1.profitRange) }
        #expect(overall.low == Double(values.min()!) && overall.high == Double(values.max()!))
    }

    @Test func rangesMergeInTimeOrder() {
        let a = SeriesRange(low: 1, high: 5, lowFirst: true), b = SeriesRange(low: 0, high: 3, lowFirst: false)
        #expect(a.merged(with: b) == SeriesRange(low: 0, high: 5, lowFirst: false))  // high in a, low in b
        #expect(b.merged(with: a) == SeriesRange(low: 0, high: 5, lowFirst: true))   // low in b (earlier), high in a
        #expect(a.merged(with: SeriesRange(2)) == a)
        #expect(SeriesRange(low: 1, high: 5, lowFirst: false).inOrder == [5, 1] && SeriesRange(2).inOrder == [2])
    }
}
