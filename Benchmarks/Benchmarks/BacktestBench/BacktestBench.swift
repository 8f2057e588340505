// Benchmarks of the backtest: market events through the market maker, its risk gate and the
// replay exchange, in process, as `mm backtest` runs them.
//
// - L1 CSV: a generated level-1 recording (1,000,000 rows; 10% of them move the best price, the
//   others change sizes; the volume rises on 20%, which adds a trade before the quote), read
//   from a temporary file and replayed by one run (Rc 0.8, stop at 50 lots). One measured
//   iteration is the whole file; the scaled figures are per market event (quotes and trades).
// - The same file read by its source alone, for the share of the reading.
// - The same events converted to an event file (`mm convert`), one run and the source alone.
// - An event file of 1,000,000 level-1 quotes that only change sizes: the ladder rests and is
//   never filled, so this is the replay's own cost per event, without the market maker trading.
//   The same with trades at the touch on 20% of the rows: each fill an event of its own, then
//   its refill; the difference per fill is a fill's cost.
// - A real market: the Binance BTCUSDT capture beside the repository (../shared/data/binance),
//   its book tickers and trades only (level 1), as an event file; one run with the stop at
//   50 lots, one without, and one without with a latency of 100 us. Left out, with a line
//   saying so, when the capture is absent.
// - The built-in synthetic market (a busier one: 40% of its quotes move the price), one run.
// - The queue-reactive market generating 1,000,000 model events (limit orders, cancels and
//   market orders; scaled per model event), alone, beside the synthetic market generating
//   1,000,000 events; and one run over two days of the queue-reactive market.
// - The study's sweep (4 Rc x with and without the stop) over 200,000 rows on 1 and on 2
//   threads: the wall clock per event of all runs shows the speed-up.

import MakerCore
import Market
import MarketData
import Backtest
import Benchmark
import BenchmarkSupport
import Foundation
import Risk

/// A small seeded generator for the data (not measured).
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum L1File {
    static let instrument = Instrument(symbol: "BENCH", tickSize: DecimalStep(units: 1, scale: 2))

    /// Writes `rows` level-1 rows to a temporary file; returns its path.
    static func write(rows: Int, seed: UInt64) -> String {
        var g = Generator(state: seed)
        var bid: Int64 = 100_000
        var volume: Int64 = 0
        var time: Int64 = 1_704_186_000_000_000_000  // 2024-01-02 09:00 UTC
        var text = "timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume\n"
        text.reserveCapacity(rows * 48)
        for _ in 0..<rows {
            time += Int64(1 + g.below(20_000_000))
            if g.below(10) == 0 { bid += g.below(2) == 0 ? 1 : -1 }
            let spread = Int64(g.below(10) == 0 ? 2 : 1)
            var last = bid
            if g.below(5) == 0 {
                volume += Int64(1 + g.below(3))
                last = g.below(2) == 0 ? bid : bid + spread
            }
            text += "\(time),\(price(bid)),\(1 + g.below(20)),\(price(bid + spread)),\(1 + g.below(20)),\(price(last)),\(volume)\n"
        }
        let path = NSTemporaryDirectory() + "backtest-bench-\(seed)-\(rows).csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Writes `rows` level-1 rows whose prices stay (bid 1000.00, ask 1000.01) and whose sizes
    /// change to a temporary file; returns its path. Without `trades` nothing trades and the
    /// ladder rests: no fill, no order after the first ones. With them, as in ``write(rows:seed:)``,
    /// the volume rises on 20% of the rows by 1 to 3 lots at the bid or the ask: a trade at the
    /// touch, which fills at most our order there, so each fill is an event of its own.
    /// The file at `path` with a space after each comma, as a new file.
    static func padded(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let out = path + ".padded.csv"
        try? text.replacingOccurrences(of: ",", with: ", ").write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    static func writeFixedPrices(rows: Int, seed: UInt64, trades: Bool) -> String {
        var g = Generator(state: seed)
        var time: Int64 = 1_704_186_000_000_000_000
        var volume = 0
        var text = "timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume\n"
        text.reserveCapacity(rows * 48)
        for _ in 0..<rows {
            time += Int64(1 + g.below(20_000_000))
            var last = "1000.00"
            if trades && g.below(5) == 0 {
                volume += 1 + g.below(3)
                last = g.below(2) == 0 ? "1000.00" : "1000.01"
            }
            text += "\(time),1000.00,\(1 + g.below(20)),1000.01,\(1 + g.below(20)),\(last),\(volume)\n"
        }
        let path = NSTemporaryDirectory() + "backtest-bench-fixed-\(trades ? "trades" : "sizes")-\(seed)-\(rows).csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static func price(_ ticks: Int64) -> String { "\(ticks / 100).\(ticks % 100 < 10 ? "0" : "")\(ticks % 100)" }

    static func settings(rcs: [Double] = [0.8], stop: Int64? = 50) -> BacktestSettings {
        BacktestSettings(maker: MarketMakerConfiguration(instrument: instrument, limits: RiskLimits(maxOrderQuantity: 1_000)),
                         rankCoefficients: rcs, stopLimit: stop)
    }

    /// Converts the CSV file at `path` to an event file; returns its path.
    static func convert(_ path: String) throws -> String {
        var source = try L1SnapshotCSVSource(path: path, instrument: instrument)
        let writer = try EventFileWriter(path: path + ".events", instrument: instrument)
        while let event = try source.next() { try writer.write(event) }
        try writer.finish()
        return writer.path
    }

    /// Events a source gives.
    static func count(_ path: String) throws -> Int {
        var source = try L1SnapshotCSVSource(path: path, instrument: instrument)
        var n = 0
        while try source.next() != nil { n += 1 }
        return n
    }
}

/// The Binance BTCUSDT capture of ../shared/data/binance (beside the repository) as level-1
/// data: its book tickers and trades, without the depth updates and snapshots.
enum CaptureL1 {
    static let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep(units: 1, scale: 1), lotSize: DecimalStep(units: 1, scale: 3))

    /// The capture inflated to a temporary file of JSON lines (by gzip); nil when it is absent
    /// or cannot be inflated.
    static func inflated() -> String? {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let capture = repository.deletingLastPathComponent().appendingPathComponent("shared/data/binance/usdm_btcusdt_20240808.gz").path
        let out = NSTemporaryDirectory() + "backtest-bench-btcusdt.jsonl"
        guard FileManager.default.fileExists(atPath: capture), FileManager.default.createFile(atPath: out, contents: nil),
              let handle = FileHandle(forWritingAtPath: out) else { return nil }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-dc", capture]
        gzip.standardOutput = handle
        do { try gzip.run() } catch { return nil }
        gzip.waitUntilExit()
        try? handle.close()
        return gzip.terminationStatus == 0 ? out : nil
    }

    /// The capture's level-1 events written to a temporary event file: its path and the number
    /// of events; nil when the capture is absent or cannot be read.
    static func eventFile() -> (path: String, events: Int)? {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let capture = repository.deletingLastPathComponent().appendingPathComponent("shared/data/binance/usdm_btcusdt_20240808.gz").path
        guard FileManager.default.fileExists(atPath: capture) else { return nil }
        do {
            var source = try BinanceCaptureSource(path: capture, instrument: instrument)
            let writer = try EventFileWriter(path: NSTemporaryDirectory() + "backtest-bench-btcusdt-l1.events", instrument: instrument)
            var events = 0
            while let event = try source.next() {
                switch event {
                case .quote, .trade:
                    try writer.write(event)
                    events += 1
                case .depth, .clear:
                    continue
                }
            }
            try writer.finish()
            return (writer.path, events)
        } catch {
            print("BacktestBench: the BTCUSDT capture could not be read: \(error)")
            return nil
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let rows = 1_000_000
    let path = L1File.write(rows: rows, seed: 1)
    let events = (try? L1File.count(path)) ?? 0
    let settings = L1File.settings()
    let run = BacktestRun(spec: settings.runs[0], settings: settings)
    func configuration(_ n: Int) -> Benchmark.Configuration {
        Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput, .peakMemoryResident],
                                timeUnits: .nanoseconds, warmupIterations: 1, scalingFactor: .one,
                                maxDuration: .seconds(20), maxIterations: 5, thresholds: nil)
    }
    // Scaled by the events of one pass, so the figures are per event.
    func perEvent(_ n: Int) -> Benchmark.Configuration {
        var c = configuration(n)
        c.scalingFactor = n >= 1_000_000 ? .mega : .kilo
        return c
    }

    /// One run over the file, and the file read by its source alone, for the share of the reading.
    func runAndRead<S: MarketDataSource>(_ name: String, _ open: @escaping @Sendable () throws -> S) {
        Benchmark("Backtest: \(name), one run (per event; \(events) events)", configuration: perEvent(events)) { benchmark in
            var source = try open()
            benchmark.startMeasurement()
            let result = try run.run(&source)
            benchmark.stopMeasurement()
            precondition(result.events == events && result.figures.trades > 0, "the run trades")
            blackHole(result)
        }
        Benchmark("Backtest: \(name), the source alone (per event)", configuration: perEvent(events)) { benchmark in
            var source = try open()
            var n = 0
            benchmark.startMeasurement()
            while try source.next() != nil { n += 1 }
            benchmark.stopMeasurement()
            precondition(n == events, "the source gives every event")
            blackHole(n)
        }
    }
    runAndRead("L1 CSV") { try L1SnapshotCSVSource(path: path, instrument: L1File.instrument) }
    // The same rows with a space after each comma: no line is plain, so every one is read by the
    // general reading (CSVFields) instead of CSVRowScanner, with the same values. The two
    // "source alone" figures side by side are CSVRowScanner's reason to exist.
    let padded = L1File.padded(path)
    Benchmark("Backtest: L1 CSV with padded fields (the general reading), the source alone (per event)",
              configuration: perEvent(events)) { benchmark in
        var source = try L1SnapshotCSVSource(path: padded, instrument: L1File.instrument)
        var n = 0
        benchmark.startMeasurement()
        while try source.next() != nil { n += 1 }
        benchmark.stopMeasurement()
        precondition(n == events, "the padded file gives every event")
        blackHole(n)
    }
    let eventFile = (try? L1File.convert(path)) ?? ""
    runAndRead("event file") { try EventFileSource(path: eventFile, instrument: L1File.instrument) }

    // The replay itself: level-1 quotes that only change sizes, so the ladder rests and is never
    // filled. The cost of an event where the market maker trades is on top of this.
    let sizesOnly = (try? L1File.convert(L1File.writeFixedPrices(rows: rows, seed: 3, trades: false))) ?? ""
    Benchmark("Backtest: event file, sizes only, the ladder resting, one run (per event; \(rows) events)",
              configuration: perEvent(rows)) { benchmark in
        var source = try EventFileSource(path: sizesOnly, instrument: L1File.instrument)
        benchmark.startMeasurement()
        let result = try run.run(&source)
        benchmark.stopMeasurement()
        precondition(result.events == rows && result.figures.trades == 0, "the ladder rests")
        blackHole(result)
    }

    // The same quotes with trades at the touch: each fill comes in an event of its own, and is
    // followed by the refill. Its time over the resting run's, per fill, is what a fill costs.
    // No stop, so that every order is the ladder's.
    let touchSettings = L1File.settings(stop: nil)
    let touchRun = BacktestRun(spec: touchSettings.runs[0], settings: touchSettings)
    if let touch = try? L1File.convert(L1File.writeFixedPrices(rows: rows, seed: 3, trades: true)),
       var source = try? EventFileSource(path: touch, instrument: L1File.instrument),
       let dry = try? touchRun.run(&source) {
        let events = dry.events
        Benchmark("Backtest: event file, trades at the touch, prices fixed, one run (per event; \(events) events, "
                  + "\(dry.figures.trades) fills)", configuration: perEvent(events)) { benchmark in
            var source = try EventFileSource(path: touch, instrument: L1File.instrument)
            benchmark.startMeasurement()
            let result = try touchRun.run(&source)
            benchmark.stopMeasurement()
            precondition(result.events == events && result.figures.trades == dry.figures.trades, "the same fills each run")
            blackHole(result)
        }
    }

    let synthetic = SyntheticMarket.Parameters(days: 2, eventsPerDay: 500_000)
    let syntheticSettings = BacktestSettings(maker: MarketMakerConfiguration(instrument: SyntheticMarket.defaultInstrument,
                                                                             limits: RiskLimits(maxOrderQuantity: 1_000)),
                                             rankCoefficients: [0.8], stopLimit: 50)
    Benchmark("Backtest: synthetic market, one run (per event)", configuration: perEvent(1_000_000)) { benchmark in
        var source = SyntheticMarket(synthetic)
        benchmark.startMeasurement()
        let result = try BacktestRun(spec: syntheticSettings.runs[0], settings: syntheticSettings).run(&source)
        benchmark.stopMeasurement()
        blackHole(result)
    }

    Benchmark("Market: queue-reactive model, 1,000,000 model events (per model event)", configuration: perEvent(1_000_000)) { benchmark in
        var source = QueueReactiveMarket(QueueReactiveMarket.Parameters(days: 1_000))
        var shown = 0
        benchmark.startMeasurement()
        while source.counts.events < 1_000_000, source.next() != nil { shown += 1 }
        benchmark.stopMeasurement()
        precondition(source.counts.events >= 1_000_000 && shown > 0, "the model generates")
        blackHole(shown)
    }
    Benchmark("Market: synthetic market, 1,000,000 events (per event)", configuration: perEvent(1_000_000)) { benchmark in
        var source = SyntheticMarket(SyntheticMarket.Parameters(days: 2, eventsPerDay: 500_000))
        var n = 0
        benchmark.startMeasurement()
        while source.next() != nil { n += 1 }
        benchmark.stopMeasurement()
        precondition(n == 1_000_000, "the market generates")
        blackHole(n)
    }
    let queueReactiveSettings = BacktestSettings(maker: MarketMakerConfiguration(instrument: QueueReactiveMarket.defaultInstrument,
                                                                                 limits: RiskLimits(maxOrderQuantity: 1_000)),
                                                 rankCoefficients: [0.8], stopLimit: 50)
    Benchmark("Backtest: queue-reactive market, 2 days, one run (per run)", configuration: configuration(1)) { benchmark in
        var source = QueueReactiveMarket(QueueReactiveMarket.Parameters(days: 2))
        benchmark.startMeasurement()
        let result = try BacktestRun(spec: queueReactiveSettings.runs[0], settings: queueReactiveSettings).run(&source)
        benchmark.stopMeasurement()
        blackHole(result)
    }

    // A real market as level 1: the BTCUSDT capture beside the repository (when present), its
    // book tickers and trades only, written once to an event file.
    if let capture = CaptureL1.eventFile() {
        let perEventMetric = BenchmarkMetric.custom("ns an event", polarity: .prefersSmaller, useScalingFactor: false)
        // With the stop, without it, and without it with orders 100 us on their way (fewer
        // fills: refills miss the rest of the sweeps).
        for (stop, latency) in [(50, 0), (nil, 0), (nil, 100_000)] as [(Int64?, Int64)] {
            var settings = BacktestSettings(maker: MarketMakerConfiguration(instrument: CaptureL1.instrument),
                                            rankCoefficients: [0.8], stopLimit: stop)
            settings.latency = latency
            let run = BacktestRun(spec: settings.runs[0], settings: settings)
            // Too few events for a per-event scaling of the harness's figures: the wall clock is
            // per run, and the custom metric divides each run's time by its events.
            var c = configuration(capture.events)
            c.metrics.append(perEventMetric)
            c.maxIterations = 50
            let name = (stop == nil ? "no stop" : "stop at 50 lots") + (latency > 0 ? ", latency \(latency / 1_000) us" : "")
            Benchmark("Backtest: BTCUSDT capture as L1, \(name), one run (\(capture.events) events)",
                      configuration: c) { benchmark in
                var source = try EventFileSource(path: capture.path, instrument: CaptureL1.instrument)
                let start = DispatchTime.now().uptimeNanoseconds
                benchmark.startMeasurement()
                let result = try run.run(&source)
                benchmark.stopMeasurement()
                benchmark.measurement(perEventMetric, Int(DispatchTime.now().uptimeNanoseconds - start) / capture.events)
                precondition(result.events == capture.events && result.figures.trades > 0, "the run trades")
                blackHole(result)
            }
        }
        // The capture's JSON lines, inflated once: read by the capture's source (JSONScanner
        // walking each line in place), against Foundation's JSONSerialization parsing the same
        // lines into objects (the lines split beforehand, not timed; nothing converted after):
        // JSONScanner's reason to exist.
        if let plain = CaptureL1.inflated() {
            // Each line is `<receive time> <JSON object>`: the objects alone for JSONSerialization.
            let lines = (try? Data(contentsOf: URL(fileURLWithPath: plain)))
                .map { $0.split(separator: UInt8(ascii: "\n")).map { line in
                    Data(line.drop { $0 != UInt8(ascii: " ") }.dropFirst())
                } } ?? []
            var c = configuration(lines.count)
            c.maxIterations = 10
            Benchmark("Capture reading: BTCUSDT JSON lines, the capture's source (per run, \(lines.count) lines)",
                      configuration: c) { benchmark in
                var source = try BinanceCaptureSource(path: plain, instrument: CaptureL1.instrument)
                var n = 0
                benchmark.startMeasurement()
                while try source.next() != nil { n += 1 }
                benchmark.stopMeasurement()
                precondition(n > 0, "the capture gives events")
                blackHole(n)
            }
            Benchmark("Capture reading: BTCUSDT JSON lines, JSONSerialization alone (per run, \(lines.count) lines)",
                      configuration: c) { benchmark in
                var n = 0
                benchmark.startMeasurement()
                for line in lines {
                    if (try? JSONSerialization.jsonObject(with: line)) != nil { n += 1 }
                }
                benchmark.stopMeasurement()
                precondition(n == lines.count, "every line parses")
                blackHole(n)
            }
        }
    } else {
        print("BacktestBench: the BTCUSDT capture is not in ../shared/data/binance beside the repository; its benchmark is left out")
    }

    let small = L1File.write(rows: 200_000, seed: 2)
    let smallEvents = (try? L1File.count(small)) ?? 0
    let sweepSettings = L1File.settings(rcs: [0.5, 0.7, 0.8, 0.9])
    for jobs in [1, 2] {
        Benchmark("Backtest sweep: 8 runs on \(jobs) thread\(jobs == 1 ? "" : "s") (per event of all runs)",
                  configuration: perEvent(smallEvents * sweepSettings.runs.count)) { benchmark in
            benchmark.startMeasurement()
            let results = try BacktestSweep(settings: sweepSettings, jobs: jobs).run { () throws(MarketDataError) -> any MarketDataSource in
                try L1SnapshotCSVSource(path: small, instrument: L1File.instrument)
            }
            benchmark.stopMeasurement()
            blackHole(results)
        }
    }
}
