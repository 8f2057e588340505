import FirmRisk
import MakerCore
import MakerFIX
import Market
import MarketData
import ArgumentParser
import FIXSessionCore
import FIXTransport
import Foundation
import Logging
import NIOPosix
import Operations
import Quoting
import NIOCore
import ServiceLifecycle

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
            orders (waiting up to 3 s for the answers), logs out, flushes its store and log and \
            prints the summary (--json: as JSON). A second Ctrl-C or SIGTERM exits at once, \
            with status 130 or 143. Session events are logged to standard error (--log-level; \
            risk denials at debug); --metrics-port serves Prometheus metrics.

            The counterparty must answer MarketDataRequest (V) with a snapshot (W) and \
            incremental refreshes (X), and orders with execution reports (8) and cancel rejects \
            (9), as `mm exchange` does.

            With a file store (FileStorePath) the market maker's state (position and cost, \
            working orders, kill switch, net-position stop, intraday figures) is kept in a \
            journal beside the store, written before each order leaves, and recovered at start. \
            ClOrdIDs count from the start time, so they never repeat across restarts. After each \
            logon, before quoting, it reconciles with the venue: OrderMassStatusRequest (AF), \
            OrderStatusRequest (H) for orders the venue did not list, RequestForPositions (AN); \
            differences are logged as warnings and the venue's view is taken. A venue that cannot \
            answer gets --reconcile-fallback.

            With --firm-limits redis://HOST:PORT it trades under the firm's limit on --symbol \
            (firm:SYMBOL:cap in that Redis, lots of worst-case position), shared with the other \
            engines there: it leases a share (--firm-share) for --firm-lease-ttl seconds, renewed \
            off the trading path, and its risk gate denies an order that would take its worst \
            case past the share; without a share it quotes only the side that reduces its \
            position.

            A failed attempt to connect (refused, timed out, or a TLS handshake that failed, \
            such as on a certificate that has expired or is not trusted) is logged at error with \
            the address and the reason, and tried again after ReconnectInterval, doubled after \
            each failure in a row up to eight times.

            Exit status: 0 after an interruption or --duration, once logged on; 1 when it \
            stopped without ever having logged on; 2 for a settings file that cannot be used; \
            64 for bad options.
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

    @Option(help: ArgumentHelp("For a venue that cannot tell its orders (no OrderMassStatusRequest): cancel (every order the journal lists), mass-cancel (one OrderMassCancelRequest) or refuse (do not quote).",
                               valueName: "action"))
    var reconcileFallback: Reconciliation.Fallback = .cancel

    @Option(help: ArgumentHelp("Seconds each step of the reconciliation after logon waits for the venue.", valueName: "seconds"))
    var reconcileTimeout: Double = 10

    @OptionGroup var operations: OperationsOptions

    func validate() throws {
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        guard reconcileTimeout > 0, reconcileTimeout <= 3600 else { throw ValidationError("--reconcile-timeout must be in (0, 3600] seconds") }
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
        let logger = operations.logger("mm.quote")
        let signals = ShutdownSignals(program: "mm quote", logger: logger)
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
        var configuration = maker.configuration(instrument: try instrument(), fees: try fees.schedule())
        let marginFeed = await maker.startMarginFeed(symbol: configuration.instrument.symbol, logger: logger)
        configuration.marginSource = marginFeed?.feed
        let firm = maker.firmLimits(symbol: configuration.instrument.symbol, engine: initiators[0].sessionID.senderCompID,
                                    logger: logger)
        configuration.firmAllowance = firm
        // Keys from the start time (milliseconds x 2^20): ClOrdIDs never repeat across runs, even
        // without the journal.
        let firstKey = OrderKey(UInt64(max(0, Date().timeIntervalSince1970 * 1000)) << 20)
        var marketMaker = MarketMaker(configuration: configuration, firstKey: firstKey)
        var journal: MakerJournal?
        let s = initiators[0]
        if let directory = s.fileStorePath {
            let path = directory + "/" + s.sessionID.fileName + ".maker"
            do {
                let opened = try MakerJournal.open(path: path, instrument: configuration.instrument, sync: s.fsync)
                if let diagnostic = opened.diagnostic { logger.warning("Journal cut short", metadata: ["detail": "\(diagnostic)"]) }
                if let state = opened.state {
                    marketMaker = MarketMaker(configuration: configuration, restoring: state, firstKey: firstKey)
                    Self.say("state recovered from \(path): position \(state.positions.position), "
                             + "\(state.ladder.count + state.flattening.count) orders working, \(state.positions.fills) fills"
                             + (state.killSwitch ? ", kill switch engaged" : "") + (state.stop.direction != 0 ? ", net-position stop tripped" : ""))
                }
                journal = opened.journal
            } catch {
                Self.fail("the market maker's journal \(path): \(error)")
            }
        } else {
            logger.notice("No FileStorePath: the market maker's position and orders are not kept across restarts")
        }
        let application = FIXMarketMaker(maker: marketMaker)
        if let journal { application.attach(journal: journal) }
        application.reconcile(fallback: reconcileFallback, timeout: .milliseconds(Int64(reconcileTimeout * 1000)))
        application.onReconciliationWarning = { text in logger.warning("Reconciliation", metadata: ["difference": "\(text)"]) }
        if let firm {
            // What the engine holds (its worst case, position plus open orders), so that its
            // lease never falls below it: after a restart or an outage too.
            await maker.runFirmLimits(firm) {
                try? await loop.submit {
                    let gate = application.maker.gate
                    let lots = gate.exposures[0].worstCaseLots
                    // The group's value at the reference price (none yet: what the lots are
                    // worth is unknown, and 0 is sent: nothing is held before the first price).
                    let value = lots * Double(max(0, gate.references[0])) * gate.instruments[0].valuePerTickLot
                    return [Int64(lots.rounded(.up)), value.isFinite ? Int64(min(9e18, value.rounded(.up))) : 0]
                }.get()
            }
        }
        let lifecycle: MarketMakerLifecycle
        let events = SessionEventLogger(application, logger: logger)
        do {
            let engine = try FIXEngine(settings: settings, application: events, group: loop, logger: logger)
            for initiator in engine.initiators { events.watch(initiator) }
            lifecycle = MarketMakerLifecycle(application: application, engine: engine, logger: logger)
            try await lifecycle.start()
        } catch {
            Self.fail("\(error)")
        }
        let engine = lifecycle.engine
        let address = "\(s.socketConnectHost):\(s.socketConnectPort ?? 0)"
        Self.say("connecting to \(address) as \(s.sessionID.senderCompID)")
        let metrics = await operations.metricsEndpoint(command: "quote", logger: logger) { registry in
            [MarketMakerCollector(lifecycle: lifecycle, registry: registry)]
                + (marginFeed.map { [MarginFeedCollector(followed: $0, registry: registry)] } ?? [])
                + (firm.map { [FirmLimitsCollector(limits: $0, registry: registry)] } ?? [])
        }

        // Status lines until --duration, SIGINT or SIGTERM; then the market maker cancels its
        // orders, logs out and flushes its store and log, and the metrics endpoint closes last.
        let status = PeriodicTask("status lines", every: .seconds(statusInterval), for: duration.map { .milliseconds(Int64($0 * 1000)) }) {
            Self.say("status: " + (try await loop.submit { Self.status(application, engine: engine) }.get()))
            return true
        }
        let serviceGroup = signals.serviceGroup(metrics: metrics, services: [lifecycle], watcher: status, logger: logger)
        do {
            try await serviceGroup.run()
        } catch {
            try? await loop.submit { application.closeJournal() }.get()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await loop.submit { application.closeJournal() }.get()
        try await group.shutdownGracefully()
        // Stopped without ever having logged on (a refused connection, a certificate that does
        // not verify, a Logon refused): not a success.
        guard events.logons > 0 else {
            let last = events.lastConnectionFailure.map { "; last attempt: \($0.stage.rawValue) failed: \($0.reason)" } ?? ""
            Self.fail("stopped without having logged on to \(address) as \(s.sessionID.senderCompID)\(last)", status: 1)
        }
        guard let summary = lifecycle.summary else { Self.fail("the market maker stopped without a summary", status: 1) }
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

}

extension Reconciliation.Fallback: ExpressibleByArgument {}
