import ArgumentParser
import Engine
import Exchange
import FIXSession
import FIXTransport
import Foundation
import NIOPosix

/// `mm quote`: the market maker live against a FIX 4.4 counterparty.
struct QuoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Quote live against a FIX 4.4 counterparty.",
        discussion: """
            Connects the initiator session of the settings file, subscribes to market data for \
            --symbol once logged on, and keeps its ladders on both sides by cancel/replace, every \
            order through the risk gate. Runs until interrupted (Ctrl-C or SIGTERM) or \
            --duration, printing a status line every --status-interval seconds; then cancels its \
            orders, logs out and prints the summary (--json: as JSON).

            The counterparty must answer MarketDataRequest (V) with a snapshot (W) and \
            incremental refreshes (X), and orders with execution reports (8) and cancel rejects \
            (9), as `mm exchange` does.
            """
    )

    @Option(help: ArgumentHelp("Session settings file (one initiator session).", valueName: "path"))
    var config = "Sessions/maker.cfg"

    @Option(help: ArgumentHelp("Instrument to quote.", valueName: "symbol"))
    var symbol = "BTCUSDT"

    @Option(help: ArgumentHelp("Tick size of --symbol (BTCUSDT and ETHUSDT are known).", valueName: "decimal"))
    var tickSize: String?

    @Option(help: ArgumentHelp("Lot size of --symbol.", valueName: "decimal"))
    var lotSize: String?

    @OptionGroup var maker: MakerOptions
    @OptionGroup var fees: FeeOptions

    @Option(help: ArgumentHelp("Seconds between status lines.", valueName: "seconds"))
    var statusInterval = 60

    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
        _ = try instrument()
    }

    func instrument() throws -> Instrument {
        if tickSize == nil, lotSize == nil, let known = BinanceCaptureSource.instrument(for: symbol.uppercased()) {
            return Instrument(symbol: symbol, tickSize: known.tickSize, lotSize: known.lotSize)
        }
        guard let tick = tickSize.flatMap(DecimalStep.init) else {
            throw ValidationError("--symbol \(symbol) needs --tick-size (and --lot-size, default 1)")
        }
        guard lotSize == nil || DecimalStep(lotSize!) != nil else { throw ValidationError("--lot-size must be a positive decimal") }
        return Instrument(symbol: symbol, tickSize: tick, lotSize: lotSize.flatMap(DecimalStep.init) ?? DecimalStep(units: 1, scale: 0))
    }

    func run() async throws {
        let settings: SettingsFile
        do {
            settings = try SettingsFile.load(path: config)
        } catch {
            Self.fail("\(error)")
        }
        let initiators = settings.sessions.filter { $0.connectionType == .initiator }
        guard initiators.count == 1, settings.sessions.count == 1 else {
            Self.fail("\(config): expected one initiator session, found \(settings.sessions.count) session(s)")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let application = FIXMarketMaker(maker: MarketMaker(configuration: maker.configuration(instrument: try instrument(),
                                                                                                 fees: try fees.schedule())))
        let engine: FIXEngine
        do {
            engine = try FIXEngine(settings: settings, application: application, group: loop)
            try await engine.start()
        } catch {
            Self.fail("\(error)")
        }
        let s = initiators[0]
        Self.say("connecting to \(s.socketConnectHost):\(s.socketConnectPort ?? 0) as \(s.sessionID.senderCompID)")

        let stop = StopSignal()
        let started = ContinuousClock.now
        var nextStatus = started + .seconds(statusInterval)
        while !stop.requested {
            try await Task.sleep(for: .milliseconds(100))
            if let duration, ContinuousClock.now - started >= .seconds(duration) { break }
            if ContinuousClock.now >= nextStatus {
                nextStatus += .seconds(statusInterval)
                Self.say("status: " + (try await loop.submit { Self.status(application, engine: engine) }.get()))
            }
        }
        // Stop quoting, and log out once every cancel is answered (or after 3 s).
        try await loop.submit { application.stopQuoting() }.get()
        _ = try await PaperCommand.waitFor(seconds: 3) { try await loop.submit { application.workingOrders == 0 }.get() }
        let summary = try await loop.submit { TradingSummary(maker: application.maker, latency: application.latency) }.get()
        try await engine.stop()
        try await group.shutdownGracefully()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text)
        }
    }

    static func status(_ app: FIXMarketMaker, engine: FIXEngine) -> String {
        let m = app.maker
        let on = engine.sessions.first?.isLoggedOn ?? false
        return "\(on ? "logged on" : "not logged on"), bid \(app.book.bestBid.map(String.init) ?? "-") ask "
            + "\(app.book.bestAsk.map(String.init) ?? "-"), working \(m.quoter.orders(.buy).count)/\(m.quoter.orders(.sell).count), "
            + "fills \(m.positions.fills), position \(m.positions.position), P&L \(m.positions.tradingProfit(at: m.mark ?? 0)) ticks x lots"
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data("mm quote: \(line)\n".utf8))
    }

    static func fail(_ text: String, status: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("mm quote: \(text)\n".utf8))
        Foundation.exit(status)
    }
}
