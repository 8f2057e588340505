import ArgumentParser
import Exchange
import ExchangeGateway
import FIXSession
import Foundation

extension MarketDataFormat: ExpressibleByArgument {}

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

    @Option(help: ArgumentHelp("Recorded market data to replay.", valueName: "file"))
    var data: String?

    @Option(help: ArgumentHelp("Format of --data: l1csv, trades, binance, or synthetic (a seeded synthetic market; needs no file).",
                               valueName: "format"))
    var format: MarketDataFormat?

    @Option(help: ArgumentHelp("Rank coefficient Rc in [0, 1]: where a new order joins a price level (1: at the front).",
                               valueName: "rc"))
    var rc = 0.8

    @Option(help: ArgumentHelp("Queue model for cancels seen in the recording: risk-averse, or power:N (N > 0; power:1 spreads them evenly).",
                               valueName: "model"))
    var queueModel = "power:1"

    @Option(help: ArgumentHelp("Replay speed: a multiple of the recorded pace (1 is as recorded), or max.", valueName: "N|max"))
    var speed = "1"

    @Flag(help: "Skip and count bad records of --data instead of stopping at the first one.")
    var skipBad = false

    @Option(help: ArgumentHelp("Instrument symbol (default: from the recording's format or name, else BTCUSDT and ETHUSDT).",
                               valueName: "symbol"))
    var symbol: String?

    @Option(help: ArgumentHelp("Tick size of --symbol.", valueName: "decimal"))
    var tickSize: String?

    @Option(help: ArgumentHelp("Lot size of --symbol.", valueName: "decimal"))
    var lotSize: String?

    @Option(help: ArgumentHelp("Fee of the resting side of each fill: a rate on the notional (0.0002; negative for a rebate) or an amount per lot (0.5/lot).",
                               valueName: "fee"))
    var makerFee = "0"

    @Option(help: ArgumentHelp("Fee of the incoming side of each fill (as --maker-fee).", valueName: "fee"))
    var takerFee = "0"

    @Option(help: ArgumentHelp("Share of the fees the venue pays back, in [0, 1]: reported beside gross fees.", valueName: "k"))
    var rebateRatio = 0.0

    @Option(help: ArgumentHelp("Seconds between status lines.", valueName: "seconds"))
    var statusInterval = 60

    @Option(help: ArgumentHelp("Stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    func validate() throws {
        guard (0...1).contains(rc) else { throw ValidationError("--rc must be between 0 and 1, got \(rc)") }
        guard ReplaySpeed(speed) != nil else { throw ValidationError("--speed must be a positive number or max, got '\(speed)'") }
        guard statusInterval > 0 else { throw ValidationError("--status-interval must be positive") }
        if data != nil && format == nil { throw ValidationError("--data needs --format (l1csv, trades or binance)") }
        if let format, format != .synthetic, data == nil { throw ValidationError("--format \(format.rawValue) needs --data FILE") }
        _ = try model()
        _ = try feeSchedule()
        if (tickSize != nil || lotSize != nil) && symbol == nil { throw ValidationError("--tick-size and --lot-size go with --symbol") }
        if let t = tickSize, DecimalStep(t) == nil { throw ValidationError("--tick-size must be a positive decimal, got '\(t)'") }
        if let l = lotSize, DecimalStep(l) == nil { throw ValidationError("--lot-size must be a positive decimal, got '\(l)'") }
    }

    private func model() throws -> any QueueModel {
        if queueModel == "risk-averse" { return RiskAverseQueueModel() }
        if queueModel.hasPrefix("power:"), let n = Double(queueModel.dropFirst(6)), n > 0, n.isFinite {
            return PowerProbabilityQueueModel(power: n)
        }
        throw ValidationError("--queue-model must be risk-averse or power:N with N > 0, got '\(queueModel)'")
    }

    /// `0.0002` (a rate on the notional) or `0.5/lot` (an amount per lot).
    static func fee(_ text: String, option: String) throws -> Fee {
        if text.hasSuffix("/lot") {
            let amount = String(text.dropLast(4))
            let negative = amount.hasPrefix("-")
            guard let step = DecimalStep(negative ? String(amount.dropFirst()) : amount),
                  let units = DecimalStep(units: 1, scale: 8).steps(mantissa: step.units, scale: step.scale) else {
                throw ValidationError("\(option) must be a rate such as 0.0002 or an amount per lot such as 0.5/lot, got '\(text)'")
            }
            return .perLot(negative ? -units : units)
        }
        guard let fee = Fee.rate(text) else {
            throw ValidationError("\(option) must be a rate such as 0.0002 or an amount per lot such as 0.5/lot, got '\(text)'")
        }
        return fee
    }

    private func feeSchedule() throws -> FeeSchedule {
        guard (0...1).contains(rebateRatio) else { throw ValidationError("--rebate-ratio must be between 0 and 1, got \(rebateRatio)") }
        return FeeSchedule(maker: try Self.fee(makerFee, option: "--maker-fee"), taker: try Self.fee(takerFee, option: "--taker-fee"),
                           rebateRatio: rebateRatio)
    }

    /// The instrument named by the options, or the default for the format.
    private func instrument(default fallback: Instrument?) throws -> Instrument? {
        guard let symbol else { return fallback }
        if let known = BinanceCaptureSource.instrument(for: symbol.uppercased()), tickSize == nil, lotSize == nil {
            return Instrument(symbol: symbol, tickSize: known.tickSize, lotSize: known.lotSize)
        }
        guard let tick = tickSize.flatMap(DecimalStep.init) else {
            throw ValidationError("--symbol \(symbol) needs --tick-size (and --lot-size, default 1)")
        }
        return Instrument(symbol: symbol, tickSize: tick, lotSize: lotSize.flatMap(DecimalStep.init) ?? DecimalStep(units: 1, scale: 0))
    }

    func run() async throws {
        let settings: SettingsFile
        do {
            settings = try SettingsFile.load(path: config)
        } catch {
            fail("\(error)")
        }
        let market: ExchangeService.Market
        if let format {
            let fallback: Instrument?
            switch format {
            case .synthetic: fallback = SyntheticMarket.defaultInstrument
            case .binance: fallback = data.flatMap(Self.binanceInstrument(fromFileName:))
            case .l1csv, .trades: fallback = nil
            }
            guard let instrument = try instrument(default: fallback) else {
                throw ValidationError("--format \(format.rawValue) needs --symbol and --tick-size (the file does not say)")
            }
            let source: any MarketDataSource
            do {
                source = try makeMarketDataSource(format: format, path: data ?? "", instrument: instrument, skipBad: skipBad)
            } catch {
                fail("\(error)")
            }
            market = .replay(source: source, instrument: instrument, rankCoefficient: rc, queueModel: try model(),
                             speed: ReplaySpeed(speed)!)
        } else {
            let instruments = try instrument(default: nil).map { [$0] } ?? [
                Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!),
                Instrument(symbol: "ETHUSDT", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("0.001")!),
            ]
            market = .books(instruments)
        }

        let service: ExchangeService
        do {
            service = try ExchangeService(settings: settings, market: market, fees: try feeSchedule()) { line in Self.say(line) }
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

    /// `usdm_btcusdt_20240808.gz` -> BTCUSDT, when the name holds a known symbol.
    static func binanceInstrument(fromFileName path: String) -> Instrument? {
        let name = (path as NSString).lastPathComponent.uppercased()
        return ["BTCUSDT", "ETHUSDT"].first { name.contains($0) }.flatMap(BinanceCaptureSource.instrument(for:))
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
