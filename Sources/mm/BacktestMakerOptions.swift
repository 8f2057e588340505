import MakerCore
import Market
import ArgumentParser
import Quoting
import Risk

/// The market maker's settings for `mm backtest`: those of `mm paper` but the stop (which the
/// backtest sweeps with `--stop`) and with the study's fee options.
struct BacktestMakerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Price levels quoted on each side.", valueName: "n"))
    var levels = 5

    @Option(help: ArgumentHelp("Lots per level.", valueName: "lots"))
    var lots: Int64 = 1

    @Option(help: ArgumentHelp("Ticks between the best price and the first level.", valueName: "ticks"))
    var offset: Int64 = 0

    @Option(help: ArgumentHelp("Net-position stop: flatten at this many lots; each Rc runs with it and without it. off: only without.",
                               valueName: "lots|off"))
    var stop = "50"

    @Option(help: ArgumentHelp("Quote again once |position| is back within this (default: half the stop).", valueName: "lots"))
    var restartThreshold: Int64?

    @Option(help: ArgumentHelp("Fee of every fill, maker and taker: a rate on the notional (0.0002; negative for a rebate, written --fee=-0.0001) or an amount per lot (0.5/lot).",
                               valueName: "fee"))
    var fee = "0"

    @Option(help: ArgumentHelp("Fee of the resting side of each fill (overrides --fee).", valueName: "fee"))
    var makerFee: String?

    @Option(help: ArgumentHelp("Fee of the incoming side of each fill (overrides --fee).", valueName: "fee"))
    var takerFee: String?

    @Option(help: ArgumentHelp("Rebate ratio k in [0, 1]: the share of fees paid back; the tables show net = p - (1 - k) f.",
                               valueName: "k"))
    var rebate = 0.0

    @OptionGroup var risk: RiskOptions

    /// The stop's limit; nil for `off`.
    var stopLimit: Int64? {
        get throws {
            if stop.lowercased() == "off" { return nil }
            guard let n = Int64(stop), n > 0 else { throw ValidationError("--stop must be a positive number of lots or off, got '\(stop)'") }
            return n
        }
    }

    func validate() throws {
        guard (1...QuoteConfiguration.maxLevels).contains(levels) else {
            throw ValidationError("--levels must be between 1 and \(QuoteConfiguration.maxLevels)")
        }
        guard lots > 0 else { throw ValidationError("--lots must be positive") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        let limit = try stopLimit
        if let r = restartThreshold {
            guard let limit else { throw ValidationError("--restart-threshold needs a --stop limit") }
            guard (0..<limit).contains(r) else { throw ValidationError("--restart-threshold must be in 0..<\(limit)") }
        }
        _ = try fees()
    }

    func fees() throws -> FeeSchedule {
        guard (0...1).contains(rebate) else { throw ValidationError("--rebate must be between 0 and 1, got \(rebate)") }
        let both = try FeeOptions.fee(fee, option: "--fee")
        return FeeSchedule(maker: try makerFee.map { try FeeOptions.fee($0, option: "--maker-fee") } ?? both,
                           taker: try takerFee.map { try FeeOptions.fee($0, option: "--taker-fee") } ?? both,
                           rebateRatio: rebate)
    }

    /// The market maker, as `mm paper` builds it from the same options (its stop is set per run).
    func configuration(instrument: Instrument) throws -> MarketMakerConfiguration {
        risk.configuration(instrument: instrument, quote: QuoteConfiguration(levels: levels, quantity: lots, offset: offset),
                           stop: .disabled, minOrderLots: 0, fees: try fees())
    }
}
