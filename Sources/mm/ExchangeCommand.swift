import ArgumentParser
import Exchange
import ExchangeGateway
import FIXSession
import Foundation

/// `mm exchange`: the simulated exchange behind a FIX acceptor.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Run the simulated exchange behind a FIX 4.4 acceptor.",
        discussion: """
            Serves the acceptor sessions of the settings file: order entry (NewOrderSingle, \
            OrderCancelRequest, OrderCancelReplaceRequest -> ExecutionReport, OrderCancelReject) \
            and market data (MarketDataRequest -> snapshot, then incremental refreshes).

            Without --data or --format the exchange keeps its own order books (price-time \
            priority) for BTCUSDT (tick 0.1, lot 0.001) and ETHUSDT (tick 0.01, lot 0.001), or \
            for --symbol with --tick-size and --lot-size, and the participants trade with each \
            other. With a recording, the rest of the market is the recorded book and trades, \
            replayed at --speed, and only the participants' orders are simulated inside it, \
            joining each price level behind (1 - Rc) of its visible size.

            Runs until interrupted (Ctrl-C or SIGTERM), printing a status line every \
            --status-interval seconds (sessions, orders, fills, rejects, replay progress). \
            Exit status: 0 after an interruption or --duration; 1 when a recording has a bad \
            record (without --skip-bad); 2 for bad options, settings or data files.
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

    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    func validate() throws {
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
    }

    func run() async throws {
        let settings: SettingsFile
        do {
            settings = try SettingsFile.load(path: config)
        } catch {
            fail("\(error)")
        }
        let market: ExchangeService.Market
        do {
            market = try self.market.market(defaultSpeed: .pace(1), eventsPerBatch: 4096, lockstep: lockstep)
        } catch let error as MarketDataError {
            fail("\(error)")
        }

        let service: ExchangeService
        do {
            service = try ExchangeService(settings: settings, market: market, fees: try fees.schedule()) { line in Self.say(line) }
            try await service.start()
        } catch {
            fail("\(error)", status: 2)
        }
        let names = service.sessions.map { "\($0.id.senderCompID)->\($0.id.targetCompID)" }.joined(separator: ", ")
        Self.say("listening on port \(service.ports.map(String.init).joined(separator: ", ")) for \(names)")

        let stop = StopSignal()
        let started = ContinuousClock.now
        var nextStatus = started + .seconds(statusInterval)
        while !stop.requested {
            try await Task.sleep(for: .milliseconds(100))
            if let duration, ContinuousClock.now - started >= .seconds(duration) { break }
            if ContinuousClock.now >= nextStatus {
                nextStatus += .seconds(statusInterval)
                Self.say("status: \(try await service.status())")
            }
        }
        Self.say("stopping: \(try await service.status())")
        let failed = try await service.replayFailed()
        try await service.stop()
        if failed { throw ExitCode(1) }
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data("mm exchange: \(line)\n".utf8))
    }

    func fail(_ text: String, status: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("mm exchange: \(text)\n".utf8))
        Foundation.exit(status)
    }
}

/// Set once SIGINT or SIGTERM arrives.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for s in [SIGINT, SIGTERM] {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }

    private func set() {
        lock.lock()
        flag = true
        lock.unlock()
    }

    var requested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
}
