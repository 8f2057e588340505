import MarketData
import ArgumentParser
import Exchange
import ExchangeGateway
import FIXSessionCore
import Foundation
import Logging
import Operations
import ServiceLifecycle

/// `mm exchange`: the simulated exchange behind a FIX acceptor.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Run the simulated exchange behind a FIX 4.4 acceptor.",
        discussion: """
            Serves the acceptor sessions of the settings file: order entry (NewOrderSingle, \
            OrderCancelRequest, OrderCancelReplaceRequest -> ExecutionReport, OrderCancelReject), \
            what a participant asks after its logon (OrderStatusRequest and \
            OrderMassStatusRequest -> ExecutionReports with ExecType I; OrderMassCancelRequest -> \
            the cancels, then an OrderMassCancelReport; RequestForPositions -> \
            RequestForPositionsAck and PositionReports) and market data (MarketDataRequest -> \
            snapshot, then incremental refreshes). A session with CancelOnDisconnect=Y has its \
            orders canceled when it logs out or its connection drops; it hears of them at its \
            next logon.

            Without --data or --format the exchange keeps its own order books (price-time \
            priority) for BTCUSDT (tick 0.1, lot 0.001) and ETHUSDT (tick 0.01, lot 0.001), or \
            for --symbol with --tick-size and --lot-size, and the participants trade with each \
            other. With a recording, the rest of the market is the recorded book and trades, \
            replayed at --speed, and only the participants' orders are simulated inside it, \
            joining each price level behind (1 - Rc) of its visible size.

            Runs until interrupted (Ctrl-C or SIGTERM) or --duration, printing a status line \
            every --status-interval seconds (sessions, orders, fills, rejects, replay progress); \
            then logs every session out and flushes the stores and logs (a second Ctrl-C or \
            SIGTERM exits at once, with status 130 or 143). Session events are logged to \
            standard error (--log-level); --metrics-port serves Prometheus metrics.

            Exit status: 0 after an interruption or --duration; 1 when a recording has a bad \
            record (without --skip-bad); 2 for settings or data files that cannot be used; 64 \
            for bad options.
            """
    )

    @Option(help: ArgumentHelp("Session settings file (acceptor sessions).", valueName: "path"))
    var config = "Sessions/exchange.cfg"

    @OptionGroup var market: MarketOptions
    @OptionGroup var fees: FeeOptions

    @Flag(help: "Replay in lockstep: start once a session has subscribed to market data; after each event, wait until every logged-on session has answered a TestRequest (what it sent in reaction is matched first), so the same orders get the same fills on every run.")
    var lockstep = false

    @Option(help: ArgumentHelp("Seconds between status lines.", valueName: "seconds"))
    var statusInterval = 60

    @Option(help: ArgumentHelp("Done orders remembered for each participant, to answer status requests and refuse duplicate ClOrdIDs (the oldest is forgotten first).", valueName: "count"))
    var recentOrders = 100_000

    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    @Option(name: .customLong("merge"), help: ArgumentHelp("Another recording, of another instrument, in --format (binance or events, which name their instrument), replayed with --data in time order, a book each; repeatable.", valueName: "file"))
    var merge: [String] = []

    @Flag(help: "Replay the built-in market of three correlated instruments (ALPHA, BETA, GAMMA; --days, --seed, --correlation), a book each.")
    var correlated = false

    @Option(help: ArgumentHelp("With --correlated: the correlation of the instruments' returns, in [0, 1].", valueName: "rho"))
    var correlation = 0.6

    @OptionGroup var operations: OperationsOptions

    func validate() throws {
        if correlated {
            guard market.recording.data == nil, market.recording.format == nil, merge.isEmpty else {
                throw ValidationError("--correlated is a generated market: it goes without --data, --format and --merge")
            }
            guard (0...1).contains(correlation) else { throw ValidationError("--correlation must be in [0, 1]") }
        } else if correlation != 0.6 {
            throw ValidationError("--correlation goes with --correlated")
        }
        if !merge.isEmpty {
            guard market.recording.data != nil, market.recording.format == .binance || market.recording.format == .events else {
                throw ValidationError("--merge needs --data and --format binance or events (the files name their instruments)")
            }
        }
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
        guard recentOrders > 0 else { throw ValidationError("--recent-orders must be positive") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
    }

    func run() async throws {
        let logger = operations.logger("mm.exchange")
        let signals = ShutdownSignals(program: "mm exchange", logger: logger)
        let settings: SettingsFile
        do {
            settings = try SettingsFile.load(path: config)
        } catch {
            Self.fail("\(error)")
        }
        let market: ExchangeService.Market
        do {
            if correlated || !merge.isEmpty {
                let several = try self.market.recording.openSeveral(merge: merge, correlated: correlated, correlation: correlation)
                market = .replayMany(source: several.market, rankCoefficient: self.market.rc, queueModel: try self.market.model(),
                                     speed: self.market.speed.flatMap(ReplaySpeed.init) ?? .pace(1), eventsPerBatch: 4096, lockstep: lockstep)
                Self.say("replaying \(several.title): \(several.market.instruments.map(\.symbol).joined(separator: ", "))")
            } else {
                market = try self.market.market(defaultSpeed: .pace(1), eventsPerBatch: 4096, lockstep: lockstep)
            }
        } catch let error as MarketDataError {
            Self.fail("\(error)")
        }

        let lifecycle: ExchangeLifecycle
        do {
            let service = try ExchangeService(settings: settings, market: market, fees: try fees.schedule(),
                                              recentOrderLimit: recentOrders,
                                              wrapApplication: { SessionEventLogger($0, logger: logger) },
                                              logger: logger) { line in Self.say(line) }
            lifecycle = ExchangeLifecycle(exchange: service, logger: logger)
            try await lifecycle.start()
        } catch {
            Self.fail("\(error)", status: 2)
        }
        let service = lifecycle.exchange
        for line in service.recovery { Self.say(line) }
        if service.journalPath == nil {
            logger.notice("No FileStorePath: the venue's orders and positions are not kept across restarts")
        }
        let names = service.sessions.map { "\($0.id.senderCompID)->\($0.id.targetCompID)" }.joined(separator: ", ")
        Self.say("listening on port \(service.ports.map(String.init).joined(separator: ", ")) for \(names)")
        let metrics = await operations.metricsEndpoint(command: "exchange", logger: logger) { registry in
            [ExchangeCollector(lifecycle: lifecycle, registry: registry)]
        }

        // Status lines until --duration, SIGINT or SIGTERM; then the exchange logs its sessions
        // out and flushes its stores and logs, and the metrics endpoint closes last.
        let status = PeriodicTask("status lines", every: .seconds(statusInterval), for: duration.map { .milliseconds(Int64($0 * 1000)) }) {
            Self.say("status: \(try await service.status())")
            return true
        } onEnd: {
            if let line = try? await service.status() { Self.say("stopping: \(line)") }
        }
        let group = signals.serviceGroup(metrics: metrics, services: [lifecycle], watcher: status, logger: logger)
        try await group.run()
        if lifecycle.finalFigures?.replayFailed ?? false { throw ExitCode(1) }
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data("mm exchange: \(line)\n".utf8))
    }

}
