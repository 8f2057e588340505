import MakerCore
import Market
import MarketData
import ArgumentParser
import Backtest
import FIX
import Foundation

/// `mm backtest`: the study's sweep over Rc, in process, with its tables and charts.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest: the study's sweep over the rank coefficient Rc, with and without the net-position stop.",
        discussion: """
            Replays the market (the built-in queue-reactive market, a large-tick market like the \
            study's; --format synthetic for the other built-in one, or --data FILE --format ...) \
            once for each Rc of --rc, with the net-position stop and without it (--stop off: only \
            without), through the same quoting, risk and exchange code as mm paper, with no FIX \
            in between; the runs go in parallel (--jobs). Prints, per Rc, trading profit, fees, \
            the net after the rebate, the break-even rebate k_c = 1 - p/f, trades, the largest \
            net position, the worst intraday loss and stop events; per day and the mean of the \
            days when the data spans several; the fills' markouts at 1, 10 and 60 s, the share \
            that emptied their level and the ladder levels they were placed at; and the study's \
            Tables 1 and 2 beside this sweep's figures. --json prints the same as one JSON document; \
            --report DIR writes the charts (SVG and PNG), index.html and summary.json.

            Exit status: 0; 1 when the data has a bad record (without --skip-bad); 2 for a file \
            that cannot be opened or a report that cannot be written; 64 for bad options.
            """
    )

    @OptionGroup var recording: MarketDataOptions

    @Option(help: ArgumentHelp("Rank coefficients Rc in [0, 1], comma-separated: where a new order joins a price level (1: at the front).",
                               valueName: "rc,..."))
    var rc = "0.5,0.7,0.8,0.9"

    @Option(help: ArgumentHelp("Queue model for cancels seen in the recording: risk-averse, or power:N (N > 0; power:1 spreads them evenly).",
                               valueName: "model"))
    var queueModel = "power:1"

    @Option(help: ArgumentHelp("Microseconds from an order, replace or cancel leaving the market maker to its reaching the exchange (market time; 0: at once, the study's model).",
                               valueName: "us"))
    var latency = 0.0

    @Flag(help: "Trade the recording's trades only (quotes and depth dropped, aggressors forgotten): the study's price path, quoted at last -/+ 1 tick.")
    var tradesOnly = false

    @OptionGroup var maker: BacktestMakerOptions

    @Option(help: ArgumentHelp("Runs at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Flag(help: "Print the results as one JSON document.")
    var json = false

    @Option(help: ArgumentHelp("Write the charts (SVG, PNG), index.html and summary.json to this folder.", valueName: "dir"))
    var report: String?

    func validate() throws {
        _ = try rankCoefficients()
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        _ = try MarketOptions.queueModel(queueModel)
        guard latency >= 0 && latency <= 60_000_000 else {
            throw ValidationError("--latency must be between 0 and 60000000 microseconds (60 s), got \(latency)")
        }
    }

    /// `--latency` in nanoseconds.
    var latencyNanoseconds: Int64 { Int64((latency * 1_000).rounded()) }

    func rankCoefficients() throws -> [Double] {
        let parts = rc.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Double] = []
        for p in parts {
            guard let x = Double(p), (0...1).contains(x) else {
                throw ValidationError("--rc must be numbers between 0 and 1 separated by commas, got '\(rc)'")
            }
            if !values.contains(x) { values.append(x) }
        }
        return values
    }

    func run() throws {
        let format = recording.format ?? .queueReactive
        let instrument: Instrument
        do { instrument = try recording.replayInstrument(format) } catch let error as MarketDataError { Self.fail("\(error)") }
        var settings = BacktestSettings(maker: try maker.configuration(instrument: instrument), rankCoefficients: try rankCoefficients(),
                                        stopLimit: try maker.stopLimit, restartThreshold: maker.restartThreshold,
                                        queueModel: try MarketOptions.queueModel(queueModel))
        settings.latency = latencyNanoseconds
        let recording = self.recording
        let tradesOnly = self.tradesOnly
        let factory: BacktestSweep.SourceFactory = { () throws(MarketDataError) -> any MarketDataSource in
            let source = try recording.source(format: format, instrument: instrument)
            return tradesOnly ? MarketData.tradesOnly(source) : source
        }
        // Open the data once up front, so a missing file is reported before anything runs.
        do { _ = try factory() } catch { Self.fail("\(error)") }

        let sweep = BacktestSweep(settings: settings, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let runs = settings.runs.count
        let total = format == .synthetic ? recording.days * recording.eventsPerDay * runs : nil
        let fileSize = format.isGenerated ? nil
            : (try? FileManager.default.attributesOfItem(atPath: recording.data ?? "")[.size] as? NSNumber)?.int64Value
        let progress = BacktestProgress(totalEvents: total, fileSize: fileSize, runs: runs)
        progress.start()
        let started = ContinuousClock.now
        let results: [BacktestResult]
        do {
            results = try sweep.run(source: factory, progress: { progress.add($0) }, finished: { _ in progress.runFinished() })
        } catch {
            progress.end()
            Self.fail("\(error)", status: 1)
        }
        let elapsed = ContinuousClock.now - started
        progress.end()
        let seconds = elapsed.inSeconds
        let performance = BacktestPerformance(results: results, seconds: seconds, jobs: min(sweep.jobs, runs))
        let description = describe(format: format, instrument: instrument, results: results)

        if json {
            let document = BacktestDocument(description: description, settings: settings, results: results,
                                            performance: performance, withSeries: false)
            print(String(decoding: try document.json(pretty: false), as: UTF8.self))
        } else {
            print(description)
            print("")
            for line in StudyTables.lines(results) { print(line) }
            for line in StudyComparison.lines(results) { print(line) }
            print(performance.text)
        }
        if let report {
            let document = BacktestDocument(description: description, settings: settings, results: results,
                                            performance: performance, withSeries: true)
            do {
                try StudyReport(document: document).write(to: report)
            } catch {
                Self.fail("cannot write the report to \(report): \(error)")
            }
            if !json { print("report        \(report)/index.html") }
        }
    }

    /// The first line of the output: the data and the settings.
    func describe(format: MarketDataFormat, instrument: Instrument, results: [BacktestResult]) -> String {
        let only = tradesOnly ? ", trades only" : ""
        let data = switch format {
        case .synthetic: "synthetic market (seed \(recording.seed), \(recording.days) days of \(recording.eventsPerDay) events\(only))"
        case .queueReactive: "queue-reactive market (seed \(recording.seed), \(recording.days) days\(only))"
        default: "\(recording.data ?? "") (\(format.rawValue)\(only))"
        }
        let events = results.first?.events ?? 0
        let skipped = results.first?.skippedRecords ?? 0
        let fees = (try? maker.fees()).map { "maker fee \(Self.fee($0.maker)), taker fee \(Self.fee($0.taker)), rebate k \(maker.rebate)" } ?? ""
        return "\(instrument.symbol) (tick \(instrument.tickSize), lot \(instrument.lotSize)): \(data), \(events) events"
            + (skipped > 0 ? " (\(skipped) bad records skipped)" : "")
            + "; \(maker.levels) levels of \(maker.lots) lot\(maker.lots == 1 ? "" : "s") a side, offset \(maker.offset); "
            + "queue model \(queueModel); " + (latencyNanoseconds > 0 ? "latency \(Self.microseconds(latencyNanoseconds)) us; " : "")
            + fees
    }

    /// Nanoseconds as microseconds, exactly and without trailing zeros (`50`, `0.25`).
    static func microseconds(_ ns: Int64) -> String {
        FIXDecimal(mantissa: ns, scale: 3).normalized.description
    }

    static func fee(_ fee: Fee) -> String {
        switch fee {
        case .none: "0"
        case .perLot(let m): "\(StudyTables.number(StudyFigures.currency(m), decimals: 8))/lot"
        case let .perNotional(units, scale): "\(DecimalStep(units: abs(units), scale: scale).description.withSign(units < 0))"
        }
    }

}

extension String {
    fileprivate func withSign(_ negative: Bool) -> String { negative ? "-" + self : self }
}
