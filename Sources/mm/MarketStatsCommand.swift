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

            Exit status: 0; 1 when the data has a bad record; 2 for a file that cannot be \
            opened; 64 for bad options.
            """
    )

    @OptionGroup var recording: MarketDataOptions

    @Flag(help: "Print the figures as one JSON document.")
    var json = false

    func run() throws {
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

/// The queue-reactive model's own counts, for JSON.
struct ModelCounts: Encodable {
    var events, limitOrders, cancels, marketOrders, depletions, priceMoves, redraws, emptySides: Int

    init(_ c: QueueReactiveMarket.Counts) {
        (events, limitOrders, cancels, marketOrders) = (c.events, c.limitOrders, c.cancels, c.marketOrders)
        (depletions, priceMoves, redraws, emptySides) = (c.depletions, c.priceMoves, c.redraws, c.emptySides)
    }
}
