import Exchange
import Market
import MarketData
import ArgumentParser
import ExchangeGateway
import Foundation

extension MarketDataFormat: ExpressibleByArgument {}

/// The market to trade in: a recording (or the synthetic market) and how to replay it, or the
/// exchange's own books. Shared by `mm exchange` and `mm paper`.
struct MarketOptions: ParsableArguments {
    @OptionGroup var recording: MarketDataOptions

    @Option(help: ArgumentHelp("Rank coefficient Rc in [0, 1]: where a new order joins a price level (1: at the front).",
                               valueName: "rc"))
    var rc = 0.8

    @Option(help: ArgumentHelp("Queue model for cancels seen in the recording: risk-averse, or power:N (N > 0; power:1 spreads them evenly).",
                               valueName: "model"))
    var queueModel = "power:1"

    @Option(help: ArgumentHelp("Replay speed: a multiple of the recorded pace (1 is as recorded), or max.", valueName: "N|max"))
    var speed: String?

    func validate() throws {
        guard (0...1).contains(rc) else { throw ValidationError("--rc must be between 0 and 1, got \(rc)") }
        if let speed, ReplaySpeed(speed) == nil { throw ValidationError("--speed must be a positive number or max, got '\(speed)'") }
        _ = try model()
    }

    func model() throws -> any QueueModel {
        try Self.queueModel(queueModel)
    }

    /// `risk-averse` or `power:N`.
    static func queueModel(_ text: String) throws -> any QueueModel {
        if text == "risk-averse" { return RiskAverseQueueModel() }
        if text.hasPrefix("power:"), let n = Double(text.dropFirst(6)), n > 0, n.isFinite {
            return PowerProbabilityQueueModel(power: n)
        }
        throw ValidationError("--queue-model must be risk-averse or power:N with N > 0, got '\(text)'")
    }

    /// The market: a replay when a format is given (or `defaultFormat`), else the exchange's books.
    /// A data file that cannot be opened throws its `MarketDataError`.
    func market(defaultFormat: MarketDataFormat? = nil, defaultSpeed: ReplaySpeed, eventsPerBatch: Int,
                lockstep: Bool = false) throws -> ExchangeService.Market {
        if let format = recording.format ?? defaultFormat {
            let instrument = try recording.replayInstrument(format)
            let source = try recording.source(format: format, instrument: instrument)
            return .replay(source: source, instrument: instrument, rankCoefficient: rc, queueModel: try model(),
                           speed: speed.flatMap(ReplaySpeed.init) ?? defaultSpeed, eventsPerBatch: eventsPerBatch, lockstep: lockstep)
        }
        let instruments = try recording.instrument(default: nil).map { [$0] } ?? [
            Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!),
            Instrument(symbol: "ETHUSDT", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("0.001")!),
        ]
        return .books(instruments)
    }
}

/// A recording (or the synthetic market) and its instrument: the data options of `mm exchange`,
/// `mm paper` and `mm backtest`.
struct MarketDataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Recorded market data to replay.", valueName: "file"))
    var data: String?

    @Option(help: ArgumentHelp("Format of --data: l1csv, trades, binance, events (written by mm convert), synthetic (a seeded synthetic market) or queue-reactive (a seeded large-tick market of the queue-reactive model); the last two need no file.",
                               valueName: "format"))
    var format: MarketDataFormat?

    @Flag(help: "Skip and count bad records of --data instead of stopping at the first one.")
    var skipBad = false

    @Option(help: ArgumentHelp("Trading days of a generated market (synthetic, queue-reactive).", valueName: "n"))
    var days = 5

    @Option(name: .customLong("events-per-day"), help: ArgumentHelp("Events a day of the synthetic market (default 100,000; only with --format synthetic).", valueName: "n"))
    var eventsPerDayOption: Int?

    /// Events a day of the synthetic market.
    var eventsPerDay: Int { eventsPerDayOption ?? 100_000 }

    @Option(help: ArgumentHelp("Seed of a generated market.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Instrument symbol (default: from the recording's format or name, else BTCUSDT and ETHUSDT).",
                               valueName: "symbol"))
    var symbol: String?

    @Option(help: ArgumentHelp("Tick size of --symbol.", valueName: "decimal"))
    var tickSize: String?

    @Option(help: ArgumentHelp("Lot size of --symbol.", valueName: "decimal"))
    var lotSize: String?

    func validate() throws {
        guard days > 0 && eventsPerDay > 0 else { throw ValidationError("--days and --events-per-day must be positive") }
        if eventsPerDayOption != nil && format != .synthetic {
            throw ValidationError("--events-per-day is for --format synthetic only (the queue-reactive market's days are its sessions)")
        }
        if data != nil && format == nil { throw ValidationError("--data needs --format (l1csv, trades, binance or events)") }
        if let format, !format.isGenerated, data == nil { throw ValidationError("--format \(format.rawValue) needs --data FILE") }
        if (tickSize != nil || lotSize != nil) && symbol == nil { throw ValidationError("--tick-size and --lot-size go with --symbol") }
        if let t = tickSize, DecimalStep(t) == nil { throw ValidationError("--tick-size must be a positive decimal, got '\(t)'") }
        if let l = lotSize, DecimalStep(l) == nil { throw ValidationError("--lot-size must be a positive decimal, got '\(l)'") }
    }

    /// The instrument named by the options, or `fallback`.
    func instrument(default fallback: Instrument?) throws -> Instrument? {
        guard let symbol else { return fallback }
        if let known = BinanceCaptureSource.instrument(for: symbol.uppercased()), tickSize == nil, lotSize == nil {
            return Instrument(symbol: symbol, tickSize: known.tickSize, lotSize: known.lotSize)
        }
        guard let tick = tickSize.flatMap(DecimalStep.init) else {
            throw ValidationError("--symbol \(symbol) needs --tick-size (and --lot-size, default 1)")
        }
        return Instrument(symbol: symbol, tickSize: tick, lotSize: lotSize.flatMap(DecimalStep.init) ?? DecimalStep(units: 1, scale: 0))
    }

    /// The instrument of the recording. An event file that cannot be read throws its
    /// `MarketDataError`.
    func replayInstrument(_ format: MarketDataFormat) throws -> Instrument {
        let fallback: Instrument?
        switch format {
        case .synthetic: fallback = SyntheticMarket.defaultInstrument
        case .queueReactive: fallback = QueueReactiveMarket.defaultInstrument
        case .binance: fallback = data.flatMap(Self.binanceInstrument(fromFileName:))
        case .events:
            // The file's header names its instrument; --symbol alone renames it, --tick-size and
            // --lot-size must agree with it (the source checks).
            // A file that cannot be read throws its MarketDataError, as opening the source does.
            let recorded = try EventFile.instrument(at: data ?? "")
            if tickSize == nil && lotSize == nil {
                return Instrument(symbol: symbol ?? recorded.symbol, tickSize: recorded.tickSize, lotSize: recorded.lotSize)
            }
            fallback = recorded
        case .l1csv, .trades: fallback = nil
        }
        guard let instrument = try instrument(default: fallback) else {
            throw ValidationError("--format \(format.rawValue) needs --symbol and --tick-size (the file does not say)")
        }
        return instrument
    }

    /// The synthetic market's parameters for `instrument`.
    func synthetic(_ instrument: Instrument) -> SyntheticMarket.Parameters {
        SyntheticMarket.Parameters(instrument: instrument, seed: seed, days: days, eventsPerDay: eventsPerDay)
    }

    /// The market (`--format`, else `defaultFormat`), its instrument and a source over it from
    /// its start. A data file that cannot be opened or read throws its `MarketDataError`.
    func open(default defaultFormat: MarketDataFormat) throws -> (format: MarketDataFormat, instrument: Instrument, source: any MarketDataSource) {
        let format = self.format ?? defaultFormat
        let instrument = try replayInstrument(format)
        return (format, instrument, try source(format: format, instrument: instrument))
    }

    /// The queue-reactive market's parameters for `instrument`.
    func queueReactive(_ instrument: Instrument) -> QueueReactiveMarket.Parameters {
        QueueReactiveMarket.Parameters(instrument: instrument, seed: seed, days: days)
    }

    /// A new source over the recording (or a generated market), from its start. A data file
    /// that cannot be opened throws its `MarketDataError`.
    func source(format: MarketDataFormat, instrument: Instrument) throws(MarketDataError) -> any MarketDataSource {
        switch format {
        case .synthetic: SyntheticMarket(synthetic(instrument))
        case .queueReactive: QueueReactiveMarket(queueReactive(instrument))
        default: try makeMarketDataSource(format: format, path: data ?? "", instrument: instrument, skipBad: skipBad)
        }
    }

    /// `usdm_btcusdt_20240808.gz` -> BTCUSDT, when the name holds a known symbol.
    static func binanceInstrument(fromFileName path: String) -> Instrument? {
        let name = (path as NSString).lastPathComponent.uppercased()
        return ["BTCUSDT", "ETHUSDT"].first { name.contains($0) }.flatMap(BinanceCaptureSource.instrument(for:))
    }
}

extension MarketDataOptions {
    /// Several instruments: `--data` with the recordings of `merge` (same format, each naming
    /// its instrument) merged in time, or the correlated built-in market; and a line naming it.
    /// A file that cannot be opened throws its `MarketDataError`; two files of one symbol exit 64.
    func openSeveral(merge: [String], correlated: Bool, correlation: Double) throws -> (title: String, market: any MultiMarketDataSource) {
        if correlated {
            return ("correlated market (seed \(seed), \(days) days, correlation \(correlation))",
                    CorrelatedMarket(CorrelatedMarket.Parameters(correlation: correlation, seed: seed, days: days)))
        }
        var markets: [(instrument: Instrument, source: any MarketDataSource)] = []
        for path in [data!] + merge {
            var options = self
            options.data = path
            if path != data { (options.symbol, options.tickSize, options.lotSize) = (nil, nil, nil) }
            let (_, instrument, source) = try options.open(default: .binance)
            guard !markets.contains(where: { $0.instrument.symbol == instrument.symbol }) else {
                throw ValidationError("\(path): \(instrument.symbol) is already read from another file")
            }
            markets.append((instrument, source))
        }
        return ("\(([data!] + merge).joined(separator: ", ")) (\(format!.rawValue), merged in time)", MergedMarketData(markets))
    }
}

/// Fees on fills, shared by `mm exchange` and `mm paper`.
struct FeeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Fee of the resting side of each fill: a rate on the notional (0.0002; negative for a rebate, written --maker-fee=-0.0001) or an amount per lot (0.5/lot).",
                               valueName: "fee"))
    var makerFee = "0"

    @Option(help: ArgumentHelp("Fee of the incoming side of each fill (as --maker-fee).", valueName: "fee"))
    var takerFee = "0"

    @Option(help: ArgumentHelp("Share of the fees the venue pays back, in [0, 1]: reported beside gross fees.", valueName: "k"))
    var rebateRatio = 0.0

    func validate() throws {
        _ = try schedule()
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

    func schedule() throws -> FeeSchedule {
        guard (0...1).contains(rebateRatio) else { throw ValidationError("--rebate-ratio must be between 0 and 1, got \(rebateRatio)") }
        return FeeSchedule(maker: try Self.fee(makerFee, option: "--maker-fee"), taker: try Self.fee(takerFee, option: "--taker-fee"),
                           rebateRatio: rebateRatio)
    }
}
