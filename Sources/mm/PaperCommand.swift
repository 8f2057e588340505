import FirmRisk
import MakerCore
import MakerFIX
import MarketData
import ArgumentParser
import ExchangeGateway
import FIXSessionCore
import FIXTransport
import Foundation
import Logging
import NIOPosix
import Operations
import ServiceLifecycle

/// `mm paper`: the simulated exchange and the market maker in one process, over a real FIX 4.4
/// session on 127.0.0.1.
struct PaperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper",
        abstract: "Paper trading: the market maker against the simulated exchange over a FIX session.",
        discussion: """
            Starts the simulated exchange (acceptor EXCH) and the market maker (initiator MAKER) \
            in one process, connected by a FIX 4.4 session over 127.0.0.1 on a free port. The \
            exchange replays the built-in queue-reactive market (or --format synthetic, or --data FILE --format ...) at full \
            speed (--speed slows it down); the market maker subscribes to its market data, keeps \
            its ladders on both sides by cancel/replace, and checks every order against its risk \
            gate. Progress shows on the terminal; the run ends with a summary (--json: as JSON). \
            The FIX message and event logs of both sides go to --log-dir, the message logs \
            gzip-compressed (...messages.log.gz, read by mm decode, mm replay and zcat; \
            --plain-logs for text); --report DIR writes the summary there as text and JSON.

            Ctrl-C or SIGTERM ends the run early, as the end of the data does: the market maker \
            cancels its orders and logs out, both sides flush their stores and logs, and the \
            summary of what happened is printed. A second Ctrl-C or SIGTERM exits at once, with \
            status 130 or 143. Session events are logged to standard error (--log-level; risk \
            denials at debug); --metrics-port serves Prometheus metrics while it runs.

            Exit status: 0 at the end of the data or after an interruption; 1 when the recording \
            has a bad record (without --skip-bad) or the market maker did not log on and \
            subscribe within 10 s; 2 for data that cannot be used; 64 for bad options.
            """
    )

    @OptionGroup var market: MarketOptions
    @OptionGroup var fees: FeeOptions
    @OptionGroup var maker: MakerOptions

    @Option(help: ArgumentHelp("Where the FIX logs of both sides go.", valueName: "dir"))
    var logDir = "mm-paper-logs"

    @Flag(help: "Write the FIX message logs as plain text (...messages.log) rather than gzip-compressed (...messages.log.gz, about a ninth of the size).")
    var plainLogs = false

    @Option(help: ArgumentHelp("Write the summary (summary.txt, summary.json) to this folder.", valueName: "dir"))
    var report: String?

    @Flag(help: "Let the market run ahead of the market maker instead of waiting for its reaction to each event (faster; fills then depend on timing).")
    var freeRunning = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var operations: OperationsOptions

    func run() async throws {
        let logger = operations.logger("mm.paper")
        let signals = ShutdownSignals(program: "mm paper", logger: logger)
        let market: ExchangeService.Market
        do {
            market = try self.market.market(defaultFormat: .queueReactive, defaultSpeed: .max, eventsPerBatch: 1, lockstep: !freeRunning)
        } catch let error as MarketDataError {
            Self.fail("\(error)")
        }
        guard case let .replay(_, instrument, _, _, _, _, _) = market else { Self.fail("paper trading needs a market to replay") }
        let schedule = try fees.schedule()
        let logs = URL(fileURLWithPath: logDir).standardizedFileURL.path
        let compression = plainLogs ? "none" : "gzip"

        // The exchange, on any free port; its replay starts once the market maker is subscribed.
        var exchangeSettings = try Self.settings("""
            [SESSION]
            ConnectionType=acceptor
            SenderCompID=EXCH
            TargetCompID=MAKER
            SocketAcceptPort=9881
            ResetOnLogon=Y
            FileLogPath=\(logs)/exchange
            FileLogCompression=\(compression)
            """)
        exchangeSettings.sessions[0].socketAcceptPort = 0
        let exchange = ExchangeLifecycle(
            exchange: try ExchangeService(settings: exchangeSettings, market: market, fees: schedule,
                                          wrapApplication: { SessionEventLogger($0, logger: logger) }) { _ in },
            logger: logger)
        try await exchange.start(replay: false)
        guard let port = exchange.exchange.ports.first else { Self.fail("the exchange did not start listening") }

        // The market maker, on the exchange's event loop: one thread serves both sides, so a
        // message from one to the other is read as soon as it is written, with no thread to wake.
        let loop = exchange.exchange.eventLoop
        var makerConfiguration = maker.configuration(instrument: instrument, fees: schedule)
        let marginFeed = await maker.startMarginFeed(symbol: instrument.symbol, logger: logger)
        makerConfiguration.marginSource = marginFeed?.feed
        let application = FIXMarketMaker(maker: MarketMaker(configuration: makerConfiguration))
        let makerSettings = try Self.settings("""
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            ReconnectInterval=1
            ResetOnLogon=Y
            FileLogPath=\(logs)/maker
            FileLogCompression=\(compression)
            """)
        let marketMaker = MarketMakerLifecycle(
            application: application,
            engine: try FIXEngine(settings: makerSettings, application: SessionEventLogger(application, logger: logger), group: loop),
            logger: logger)
        try await marketMaker.start()
        let metrics = await operations.metricsEndpoint(command: "paper", logger: logger) { registry in
            [ExchangeCollector(lifecycle: exchange, registry: registry), MarketMakerCollector(lifecycle: marketMaker, registry: registry)]
                + (marginFeed.map { [MarginFeedCollector(followed: $0, registry: registry)] } ?? [])
        }
        let progress = PaperProgress()
        let started = ContinuousClock.now
        let subscribed = try await Self.waitFor(seconds: 10) {
            if signals.received != nil { return true }
            return try await loop.submit { application.marketDataMessages > 0 }.get()
        }
        guard subscribed else { Self.fail("the market maker did not log on and subscribe within 10 s", status: 1) }
        exchange.exchange.startReplay()

        // Until the replay has ended and the market maker has caught up, or SIGINT or SIGTERM;
        // then the market maker pulls its quotes (cancels answered, or 3 s) and logs out, the
        // exchange logs out, both flush their stores and logs, and the metrics endpoint closes.
        let watch = PaperWatch()
        let monitor = PeriodicTask("progress", every: .milliseconds(200)) {
            let (messages, position, profit, fills) = try await loop.submit {
                (application.marketDataMessages, application.maker.positions.position,
                 application.maker.positions.tradingProfit(at: application.maker.mark ?? 0), application.maker.positions.fills)
            }.get()
            let replayed = try await exchange.exchange.replayed()
            progress.show("replayed \(replayed) events, \(messages) market-data messages, \(fills) fills, "
                          + "position \(position), trading P&L \(profit) ticks x lots")
            let finished = try await exchange.exchange.replayFinished()
            return !watch.ended(messages: messages, replayFinished: finished)
        } onEnd: {
            progress.end()
            // Stopped early: the market stops too, before the market maker pulls its quotes.
            try? await exchange.exchange.endReplay()
        }
        let group = signals.serviceGroup(metrics: metrics, services: [exchange, marketMaker], watcher: monitor, logger: logger)
        try await group.run()
        let elapsed = ContinuousClock.now - started
        guard let summary = marketMaker.summary else { Self.fail("the market maker stopped without a summary", status: 1) }
        let failed = exchange.finalFigures?.replayFailed ?? false
        if let signal = signals.received, let figures = exchange.finalFigures {
            let when = figures.replayEndedEarly ? "before the end of the data" : "after the end of the data"
            FileHandle.standardError.write(Data("mm paper: stopped by \(signal) after \(figures.replayedEvents) events, \(when)\n".utf8))
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
            print("run time      \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
            print("FIX logs      \(logs)")
        }
        if let report { try Self.write(summary, to: report) }
        if failed { throw ExitCode(1) }
    }

    static func settings(_ text: String) throws -> SettingsFile {
        try SettingsFile.parse(text, path: "<built-in paper settings>", directory: FileManager.default.currentDirectoryPath)
    }

    static func write(_ summary: TradingSummary, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(summary).write(to: URL(fileURLWithPath: directory).appendingPathComponent("summary.json"))
        try Data((summary.text + "\n").utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("summary.txt"))
    }

    static func waitFor(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

}

/// One progress line: rewritten in place on a terminal, printed every few seconds otherwise.
final class PaperProgress: @unchecked Sendable {
    // Used by one task at a time.
    private let terminal = isatty(STDERR_FILENO) == 1
    private var last = ContinuousClock.now - .seconds(10)
    private var shown = false

    func show(_ line: String) {
        if terminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            shown = true
        } else if ContinuousClock.now - last >= .seconds(5) {
            last = .now
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func end() {
        if terminal && shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
