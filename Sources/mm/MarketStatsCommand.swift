import Market
import MarketData
import ArgumentParser
import Foundation

/// `mm market-stats`: the stylized facts of a market (recorded or generated).
struct MarketStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market-stats",
        abstract: "Measure a market's stylized facts: spread, best queue and trade sizes, depletions, mean reversion.",
        discussion: """
            Reads --data in its --format (or a generated market: synthetic, queue-reactive) as \
            mm backtest reads it and prints: the time-weighted shares of a spread of 1, 2 and 3 \
            or more ticks and quantiles of the best bid and ask sizes (sampled each second of \
            market time), trade sizes, the share of best-price retreats (bid down, ask up) that \
            followed a depletion (the level held at most a tenth of its largest size just \
            before), the correlation of successive changes of the mid, and the variance ratio \
            VR = Var(60 s change) / (60 Var(1 s change)) of the mid (1: random walk, below 1: \
            mean reversion). For the queue-reactive market it adds the model's own counts.

            Several instruments: --merge FILE (repeatable) reads more recordings in --format \
            (binance or events), merged in time with --data; --correlated reads the built-in \
            market of three instruments whose returns have correlation --correlation. It prints \
            each instrument's figures and the correlation of each pair's mid returns over \
            --return-interval seconds (60).

            Exit status: 0; 1 when the data has a bad record; 2 for a file that cannot be \
            opened; 64 for bad options.
            """
    )

    @OptionGroup var recording: MarketDataOptions

    @Flag(help: "Print the figures as one JSON document.")
    var json = false

    @Option(name: .customLong("merge"), help: ArgumentHelp("Another recording, of another instrument, in --format (binance or events, which name their instrument), merged in time with --data; repeatable. Prints each instrument's facts and the correlation of their mids' one-minute returns.", valueName: "file"))
    var merge: [String] = []

    @Flag(help: "The built-in market of three correlated instruments (ALPHA, BETA, GAMMA; --days, --seed, --correlation) instead of --data.")
    var correlated = false

    @Option(help: ArgumentHelp("With --correlated: the correlation of the instruments' returns, in [0, 1].", valueName: "rho"))
    var correlation = 0.6

    @Option(help: ArgumentHelp("With several instruments: the interval of the returns whose correlation is measured, seconds of market time.", valueName: "seconds"))
    var returnInterval = 60.0

    func validate() throws {
        if correlated {
            guard recording.data == nil, recording.format == nil, merge.isEmpty else {
                throw ValidationError("--correlated is a generated market: it goes without --data, --format and --merge")
            }
            guard (0...1).contains(correlation) else { throw ValidationError("--correlation must be in [0, 1]") }
        } else if correlation != 0.6 {
            throw ValidationError("--correlation goes with --correlated")
        }
        guard returnInterval >= 0.001, returnInterval <= 86_400 else { throw ValidationError("--return-interval must be in [0.001, 86400] seconds") }
        if !merge.isEmpty {
            guard recording.data != nil, recording.format == .binance || recording.format == .events else {
                throw ValidationError("--merge needs --data and --format binance or events (the files name their instruments)")
            }
        }
    }

    func run() throws {
        if correlated || !merge.isEmpty { return try runSeveral() }
        let (format, instrument, opened): (MarketDataFormat, Instrument, any MarketDataSource)
        do { (format, instrument, opened) = try recording.open(default: .queueReactive) } catch let error as MarketDataError {
            Self.fail("\(error)", status: 2)
        }
        var source = opened
        var statistics = MarketStatistics()
        do {
            while let event = try source.next() { statistics.add(event) }
        } catch {
            Self.fail("\(error)", status: 1)
        }
        let facts = statistics.facts
        let model = (source as? QueueReactiveMarket)?.counts
        if json {
            let document = MarketStatsDocument(symbol: instrument.symbol, tickSize: instrument.tickSize.description,
                                               format: format.rawValue, facts: facts, model: model.map(ModelCounts.init))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
            return
        }
        print("\(instrument.symbol) (tick \(instrument.tickSize), lot \(instrument.lotSize)): "
              + (format.isGenerated ? "\(format.rawValue) market (seed \(recording.seed), \(recording.days) days)" : "\(recording.data ?? "") (\(format.rawValue))"))
        for line in Self.lines(facts, model: model) { print(line) }
    }

    /// Several instruments: a merged recording or the correlated market.
    func runSeveral() throws {
        var market: any MultiMarketDataSource
        let title: String
        do {
            (title, market) = try recording.openSeveral(merge: merge, correlated: correlated, correlation: correlation)
        } catch let error as MarketDataError {
            Self.fail("\(error)", status: 2)
        }
        let instruments = market.instruments
        var statistics = instruments.map { _ in MarketStatistics() }
        var correlations = MidReturnCorrelation(instruments: instruments.count, interval: Int64(returnInterval * 1e9))
        do {
            while let e = try market.next() {
                statistics[e.instrument].add(e.event)
                correlations.add(e)
            }
        } catch {
            Self.fail("\(error)", status: 1)
        }
        var pairs: [PairCorrelation] = []
        for i in instruments.indices {
            for j in instruments.indices where j > i {
                let c = correlations.correlation(i, j)
                pairs.append(PairCorrelation(first: instruments[i].symbol, second: instruments[j].symbol, correlation: c.value,
                                             returns: c.returns))
            }
        }
        if json {
            let document = SeveralMarketsDocument(
                instruments: instruments.indices.map {
                    MarketStatsDocument(symbol: instruments[$0].symbol, tickSize: instruments[$0].tickSize.description,
                                        format: correlated ? "correlated" : recording.format!.rawValue, facts: statistics[$0].facts, model: nil)
                },
                correlations: pairs)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
            return
        }
        print(title)
        for (i, instrument) in instruments.enumerated() {
            print("")
            print("\(instrument.symbol) (tick \(instrument.tickSize), lot \(instrument.lotSize))")
            for line in Self.lines(statistics[i].facts, model: nil) { print(line) }
        }
        print("")
        print("correlation of mid returns over \(returnInterval == 60 ? "one minute" : "\(returnInterval) s")")
        for p in pairs {
            print("  \(p.first) / \(p.second)  " + (p.correlation.map { String(format: "%.3f", $0) } ?? "n/a") + " over \(p.returns) returns")
        }
    }

    static func lines(_ f: MarketFacts, model: QueueReactiveMarket.Counts?) -> [String] {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a" }
        func num(_ x: Double?, _ d: Int = 2) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "n/a" }
        var out = [
            "events               \(f.events) (\(f.quotes) quotes, \(f.trades) trades, \(f.otherEvents) other)",
            "spread (time)        1 tick \(pct(f.spreadShares?[0])), 2 ticks \(pct(f.spreadShares?[1])), 3+ \(pct(f.spreadShares?[2])) of \(f.samples) one-second samples",
            "best queue (lots)    " + (f.queueSizeQuantiles.map { "10% \($0[0]), median \($0[1]), 90% \($0[2])" } ?? "n/a"),
            "trade size (lots)    mean \(num(f.meanTradeSize)), " + (f.tradeSizeQuantiles.map { "median \($0[0]), 90% \($0[1])" } ?? "n/a")
                + ", one lot \(pct(f.oneLotTradeShare))",
            "price retreats       \(f.retreats), after a depletion \(pct(f.depletionShare))",
            "mid changes          \(f.midChanges), correlation of successive changes \(num(f.midChangeCorrelation, 3))",
            "mean reversion       variance ratio 60 s / 1 s \(num(f.varianceRatio60, 3)) (1: random walk), 1 s volatility \(num(f.volatility1s, 3)) ticks",
        ]
        if let m = model {
            out.append("model                \(m.events) events (\(m.limitOrders) limit, \(m.cancels) cancel, \(m.marketOrders) market orders), "
                       + "\(m.depletions) depletions, \(m.priceMoves) price moves, \(m.redraws) redraws")
        }
        return out
    }
}

/// `mm market-stats --json`.
struct MarketStatsDocument: Encodable {
    var symbol: String
    var tickSize: String
    var format: String
    var facts: MarketFacts
    var model: ModelCounts?
}

/// `mm market-stats --json` over several instruments.
struct SeveralMarketsDocument: Encodable {
    var instruments: [MarketStatsDocument]
    var correlations: [PairCorrelation]
}

/// The correlation of two instruments' one-minute mid returns (nil: too few, or no move).
struct PairCorrelation: Encodable {
    // Over --return-interval.
    var first: String
    var second: String
    var correlation: Double?
    var returns: Int
}

/// The queue-reactive model's own counts, for JSON.
struct ModelCounts: Encodable {
    var events, limitOrders, cancels, marketOrders, depletions, priceMoves, redraws, emptySides: Int

    init(_ c: QueueReactiveMarket.Counts) {
        (events, limitOrders, cancels, marketOrders) = (c.events, c.limitOrders, c.cancels, c.marketOrders)
        (depletions, priceMoves, redraws, emptySides) = (c.depletions, c.priceMoves, c.redraws, c.emptySides)
    }
}
