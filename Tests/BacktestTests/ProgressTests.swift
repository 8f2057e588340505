import Foundation
import Market
import MarketData
import Testing
@testable import Backtest

/// A run reports its events and the bytes of its file; a sweep's share done follows the events
/// when their number is known, else the bytes, and is 100% once every run has finished.
struct ProgressTests {
    @Test func aRunReportsAllItsEventsAndBytes() throws {
        let text = "timestamp,price,size\n" + (0..<200_000).map { "\(1_700_000_000_000_000_000 + $0 * 1_000_000),\(100 + $0 % 3),1\n" }.joined()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID()).csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = try #require((try FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber).int64Value
        let settings = TestData.feeSettings()
        var source = try TradesCSVSource(path: path, instrument: TestData.instrument)
        var steps: [BacktestRun.RunProgress] = []
        _ = try BacktestRun(spec: settings.runs[0], settings: settings).run(&source) { steps.append($0) }
        #expect(steps.reduce(0) { $0 + $1.events } == 200_000)
        #expect(steps.reduce(Int64(0)) { $0 + $1.bytes } == size)
        #expect(steps.count == 200_000 / BacktestRun.progressStride + 1)
        #expect(steps.allSatisfy { $0.bytes >= 0 })
    }

    @Test func theShareDoneFollowsEventsElseBytes() {
        let byEvents = SweepProgress(totalEvents: 1_000, fileSize: nil, runs: 2)
        #expect(byEvents.fraction == 0)
        byEvents.add(BacktestRun.RunProgress(events: 250, bytes: 0))
        #expect(byEvents.fraction == 0.25)
        let byBytes = SweepProgress(totalEvents: nil, fileSize: 400, runs: 2)
        byBytes.add(BacktestRun.RunProgress(events: 10, bytes: 200))
        #expect(byBytes.fraction == 0.25)
        byBytes.add(BacktestRun.RunProgress(events: 10, bytes: 1_000))
        #expect(byBytes.fraction == 1)
        // Unknown: no share; every run finished: 100% whatever was counted.
        let unknown = SweepProgress(totalEvents: nil, fileSize: nil, runs: 2)
        #expect(unknown.fraction == nil)
        unknown.runFinished()
        #expect(unknown.fraction == nil)
        unknown.runFinished()
        #expect(unknown.fraction == 1)
        byEvents.runFinished()
        byEvents.runFinished()
        #expect(byEvents.fraction == 1 && byEvents.events == 250 && byEvents.finishedRuns == 2)
    }
}
