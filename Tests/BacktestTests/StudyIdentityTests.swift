@testable import Backtest
@testable import MakerCore
@testable import Exchange
import Market
import FIXTestSupport
import Quoting
import Risk
import Testing
/// The study's profit identity (Chakraborty & Kearns 2011) through the whole engine: ladder,
/// risk gate and the in-process replay exchange. With one lot a level, levels >= the largest
/// one-step move, Rc = 1, trades-only data, no fees and no stop, the profit in ticks is
/// (K - z^2) / 2, K = sum |P(t+1) - P(t)|, z = P(T) - P(0), and the net position is
/// -(P(t) - P(0)) after every step.
struct StudyIdentityTests {
    static let instrument = Instrument(symbol: "ID", tickSize: DecimalStep(units: 1, scale: 0))

    static func run(_ path: [Int64], levels: Int = 5) -> (profit: Int64, positions: [Int64], maker: MarketMaker) {
        let configuration = MarketMakerConfiguration(
            instrument: instrument, quote: QuoteConfiguration(levels: levels, quantity: 1),
            stop: .init(limit: 1_000_000), margin: .fixed(0), equity: 1e12)
        let exchange = ReplayExchange(instrument: instrument, rankCoefficient: 1)
        var run = InProcessRun(maker: MarketMaker(configuration: configuration), venue: InProcessVenue(venue: ReplayVenue(exchange)))
        var positions: [Int64] = []
        for (t, price) in path.enumerated() {
            run.step(now: Int64(t) * 1_000_000_000) { venue, events in
                venue.apply(.trade(time: Int64(t), price: price, size: 1, aggressor: nil), events: &events)
            }
            positions.append(run.maker.positions.position)
        }
        return (run.maker.positions.tradingProfit(at: path.last!), positions, run.maker)
    }

    static func expected(_ path: [Int64]) -> Int64 {
        let k = zip(path, path.dropFirst()).reduce(Int64(0)) { $0 + abs($1.1 - $1.0) }
        let z = path.last! - path.first!
        return (k - z * z) / 2
    }

    static let examples: [([Int64], Int64)] = [([100, 101, 100], 1), ([100, 101], 0), ([100, 102], -1),
                                               ([100, 101, 102, 101, 100], 2), ([100, 103, 98, 101], 5)]

    @Test(arguments: examples)
    func theStudysExamples(path: [Int64], profit: Int64) {
        let r = Self.run(path)
        #expect(r.profit == profit)
        #expect(r.profit == Self.expected(path))
        #expect(r.positions == path.map { -($0 - path[0]) })
    }

    @Test func randomPaths() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<30 {
            var path: [Int64] = [1000]
            for _ in 0..<300 { path.append(path.last! + Int64(rng.below(7)) - 3) }  // moves of at most 3 ticks
            let r = Self.run(path, levels: 5)
            #expect(r.profit == Self.expected(path), "path \(path.prefix(20))...")
            #expect(r.positions == path.map { -($0 - path[0]) })
            // Never more than 5 live orders a side, never crossed.
            #expect(r.maker.quoter.orders(.buy).count <= 5 && r.maker.quoter.orders(.sell).count <= 5)
            if let bid = r.maker.quoter.prices(.buy).first, let ask = r.maker.quoter.prices(.sell).first { #expect(bid < ask) }
            #expect(r.maker.statistics.venueRejects == 0)
        }
    }
}
