import ArgumentParser
import Engine
import Exchange
import ExchangeGateway
import FIXSession
import FIXTransport
import Foundation
import NIOPosix

/// `mm paper`: the simulated exchange and the market maker in one process, over a real FIX 4.4
/// session on 127.0.0.1.
struct PaperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paper",
        abstract: "Paper trading: the market maker against the simulated exchange over a FIX session.",
        discussion: """
            Starts the simulated exchange (acceptor EXCH) and the market maker (initiator MAKER) \
            in one process, connected by a FIX 4.4 session over 127.0.0.1 on a free port. The \
            exchange replays the built-in synthetic market (or --data FILE --format ...) at full \
            speed (--speed slows it down); the market maker subscribes to its market data, keeps \
            its ladders on both sides by cancel/replace, and checks every order against its risk \
            gate. Progress shows on the terminal; the run ends with a summary (--json: as JSON). \
            The FIX message and event logs of both sides go to --log-dir; --report DIR writes \
            the summary there as text and JSON.
            """
    )

    @OptionGroup var market: MarketOptions
    @OptionGroup var fees: FeeOptions
    @OptionGroup var maker: MakerOptions

    @Option(help: ArgumentHelp("Where the FIX logs of both sides go.", valueName: "dir"))
    var logDir = "mm-paper-logs"

    @Option(help: ArgumentHelp("Write the summary (summary.txt, summary.json) to this folder.", valueName: "dir"))
    var report: String?

    @Flag(help: "Let the market run ahead of the market maker instead of waiting for its reaction to each event (faster; fills then depend on timing).")
    var freeRunning = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() async throws {
        let market: ExchangeService.Market
        do {
            market = try self.market.market(defaultFormat: .synthetic, defaultSpeed: .max, eventsPerBatch: 1, lockstep: !freeRunning)
        } catch let error as MarketDataError {
            Self.fail("\(error)")
        }
        guard case let .replay(_, instrument, _, _, _, _, _) = market else { Self.fail("paper trading needs a market to replay") }
        let schedule = try fees.schedule()
        let logs = URL(fileURLWithPath: logDir).standardizedFileURL.path

        // The exchange, on any free port; its replay starts once the market maker is subscribed.
        var exchangeSettings = try Self.settings("""
            [SESSION]
            ConnectionType=acceptor
            SenderCompID=EXCH
            TargetCompID=MAKER
            SocketAcceptPort=9881
            ResetOnLogon=Y
            FileLogPath=\(logs)/exchange
            """)
        exchangeSettings.sessions[0].socketAcceptPort = 0
        let exchange = try ExchangeService(settings: exchangeSettings, market: market, fees: schedule) { _ in }
        try await exchange.start(replay: false)
        guard let port = exchange.ports.first else { Self.fail("the exchange did not start listening") }

        // The market maker, on the exchange's event loop: one thread serves both sides, so a
        // message from one to the other is read as soon as it is written, with no thread to wake.
        let loop = exchange.eventLoop
        let application = FIXMarketMaker(maker: MarketMaker(configuration: maker.configuration(instrument: instrument, fees: schedule)))
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
            """)
        let engine = try FIXEngine(settings: makerSettings, application: application, group: loop)
        try await engine.start()
        let progress = Progress()
        let started = ContinuousClock.now
        guard try await Self.waitFor(seconds: 10, { try await loop.submit { application.marketDataMessages > 0 }.get() }) else {
            Self.fail("the market maker did not log on and subscribe within 10 s", status: 1)
        }
        exchange.startReplay()

        // Until the replay has ended and the market maker has caught up.
        let stop = StopSignal()
        var lastMessages = -1
        var quietSince = ContinuousClock.now
        while !stop.requested {
            try await Task.sleep(for: .milliseconds(200))
            let (messages, position, profit, fills) = try await loop.submit {
                (application.marketDataMessages, application.maker.positions.position,
                 application.maker.positions.tradingProfit(at: application.maker.mark ?? 0), application.maker.positions.fills)
            }.get()
            let replayed = try await exchange.replayed()
            progress.show("replayed \(replayed) events, \(messages) market-data messages, \(fills) fills, "
                          + "position \(position), trading P&L \(profit) ticks x lots")
            if messages != lastMessages {
                lastMessages = messages
                quietSince = .now
            }
            if try await exchange.replayFinished(), ContinuousClock.now - quietSince > .milliseconds(500) { break }
        }
        progress.end()
        let failed = try await exchange.replayFailed()

        // Pull the quotes, log out, and sum up.
        // Stop quoting, and log out once every cancel is answered (or after 3 s).
        try await loop.submit { application.stopQuoting() }.get()
        _ = try await PaperCommand.waitFor(seconds: 3) { try await loop.submit { application.workingOrders == 0 }.get() }
        let summary = try await loop.submit { TradingSummary(maker: application.maker, latency: application.latency) }.get()
        try await engine.stop()
        try await exchange.stop()
        let elapsed = ContinuousClock.now - started

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

    static func fail(_ text: String, status: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("mm paper: \(text)\n".utf8))
        Foundation.exit(status)
    }
}

/// One progress line: rewritten in place on a terminal, printed every few seconds otherwise.
final class Progress {
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
