@testable import Backtest
@testable import MakerCore
@testable import Exchange
import Market
@testable import MarketData
import Quoting
import Risk
import Testing
/// ``InProcessRun/latency``: commands wait in flight and reach the venue, in order, that long
/// after they were sent; the market moves meanwhile.
struct LatencyTests {
    static let instrument = Instrument(symbol: "LAT", tickSize: DecimalStep(units: 1, scale: 0))
    static let second: Int64 = 1_000_000_000

    static func run(latency: Int64, levels: Int = 3) -> InProcessRun<ReplayVenue> {
        let configuration = MarketMakerConfiguration(
            instrument: instrument, quote: QuoteConfiguration(levels: levels, quantity: 1),
            stop: .disabled, margin: .fixed(0), equity: 1e12)
        let exchange = ReplayExchange(instrument: instrument, rankCoefficient: 1)
        return InProcessRun(maker: MarketMaker(configuration: configuration), venue: InProcessVenue(venue: ReplayVenue(exchange)),
                            latency: latency)
    }

    static func quote(_ t: Int64, bid: Int64 = 100, ask: Int64 = 101) -> MarketEvent {
        .quote(time: t, bid: bid, bidSize: 10, ask: ask, askSize: 10)
    }

    @Test func ordersReachTheVenueAfterTheLatency() {
        var run = Self.run(latency: 5 * Self.second)
        run.apply(Self.quote(0))
        // Sent, not arrived: the venue has none of them and the ladder waits for its answers.
        #expect(run.commandsInFlight == 6)
        #expect(run.venue.venue.exchange.orders.isEmpty)
        #expect(run.maker.quoter.counts.pendingNew == 6)
        run.apply(Self.quote(5 * Self.second - 1))
        #expect(run.commandsInFlight == 6 && run.venue.venue.exchange.orders.isEmpty)
        // At the latency they arrive, before the event of that time.
        run.apply(Self.quote(5 * Self.second))
        #expect(run.commandsInFlight == 0)
        #expect(run.venue.venue.exchange.orders.count == 6)
        #expect(run.maker.quoter.counts.working == 6)
        #expect(run.maker.quoter.prices(.buy) == [100, 99, 98] && run.maker.quoter.prices(.sell) == [101, 102, 103])
    }

    @Test func withoutLatencyOrdersArriveAtOnce() {
        var run = Self.run(latency: 0)
        run.apply(Self.quote(0))
        #expect(run.commandsInFlight == 0)
        #expect(run.venue.venue.exchange.orders.count == 6)
        #expect(run.maker.quoter.counts.working == 6)
    }

    /// A sweep prints through our asks several times within microseconds while the recorded
    /// quote stands still. At once, the refills at the same prices are hit by every print;
    /// with a latency longer than the sweep, only the orders that rested before it fill.
    @Test(arguments: [(0, 12), (1_000, 3), (1_000_000, 3)] as [(Int64, Int)])
    func aSweepFillsOnlyWhatRestedBeforeIt(latency: Int64, fills: Int) {
        var run = Self.run(latency: latency)
        run.apply(Self.quote(0))
        run.apply(Self.quote(Self.second))  // everything working by now
        #expect(run.venue.venue.exchange.orders.count == 6)
        let start = 2 * Self.second
        for (i, price) in ([104, 105, 106, 107] as [Int64]).enumerated() {
            run.apply(.trade(time: start + Int64(i) * 100, price: price, size: 5, aggressor: .buy))
        }
        #expect(run.maker.positions.fills == fills)
        #expect(run.maker.positions.position == -Int64(fills))
        // A second later the refills have arrived and rest; nothing more is on its way.
        run.apply(Self.quote(3 * Self.second))
        #expect(run.commandsInFlight == 0)
        #expect(run.venue.venue.exchange.orders.filter { $0.side == .sell }.map(\.price).sorted() == [101, 102, 103])
        #expect(run.maker.statistics.venueRejects == 0)
    }

    /// A cancel or replace that arrives after the order filled is refused by the venue, as a
    /// FIX venue would; the market maker's books stay right.
    @Test func aReplaceOvertakenByAFillIsRefused() {
        var run = Self.run(latency: 10 * Self.second, levels: 1)
        run.apply(Self.quote(0, ask: 103))
        run.apply(Self.quote(10 * Self.second, ask: 103))  // the bid at 100 and the ask at 103 arrive
        #expect(run.maker.quoter.counts.working == 2)
        // The best bid rises: the bid is replaced up to 101... and the market trades through its
        // old price before the replace arrives.
        run.apply(Self.quote(11 * Self.second, bid: 101, ask: 103))
        #expect(run.commandsInFlight == 1)
        run.apply(.trade(time: 12 * Self.second, price: 99, size: 5, aggressor: .sell))
        #expect(run.maker.positions.position == 1)
        run.apply(Self.quote(30 * Self.second, bid: 101, ask: 103))
        #expect(run.commandsInFlight == 0)
        #expect(run.maker.quoter.statistics.unknownUpdates == 1)  // the refusal of the replace, for an order gone
        #expect(run.maker.gate.exposures[0].position == 1)
        // The refused replace left no open quantity behind: what the gate counts open is what rests.
        let resting = run.venue.venue.exchange.orders
        #expect(run.maker.gate.exposures[0].openBuyQuantity == resting.filter { $0.side == .buy }.reduce(0) { $0 + $1.leaves })
        #expect(run.maker.gate.exposures[0].openSellQuantity == resting.filter { $0.side == .sell }.reduce(0) { $0 + $1.leaves })
    }

    @Test func finishingLandsEverythingInFlight() {
        var run = Self.run(latency: 5 * Self.second)
        run.apply(Self.quote(0))
        run.apply(Self.quote(Self.second, bid: 101, ask: 102))
        #expect(run.commandsInFlight > 0)
        run.finish(now: 2 * Self.second)
        #expect(run.commandsInFlight == 0)
        #expect(run.venue.venue.exchange.orders.isEmpty)
        #expect(run.maker.quoter.orders.isEmpty)
        #expect(run.maker.gate.exposures[0].openOrders == 0)
    }
}
