import MakerCore
import Exchange
import Market
import MarketData
import Quoting
import Risk
import Testing
@testable import Backtest

/// A replay venue that keeps every fill of our orders, to check the accounts against them.
struct RecordingVenue: TopOfBookVenue, Sendable {
    var base: ReplayVenue
    var fills: [Fill] = []

    var instruments: [Instrument] { base.instruments }
    var marketTime: Int64? { base.marketTime }
    func bookIndex(symbol: String) -> Int? { base.bookIndex(symbol: symbol) }
    func depth(book: Int, side: Side, levels: Int) -> [PriceLevel] { base.depth(book: book, side: side, levels: levels) }
    func topOfBook(book: Int) -> (bid: Int64?, ask: Int64?) { base.topOfBook(book: book) }

    mutating func apply(_ event: MarketEvent, events: inout [ExchangeEvent]) {
        base.apply(event, events: &events)
        keep(events)
    }

    mutating func submit(_ request: OrderRequest, book: Int, events: inout [ExchangeEvent]) {
        base.submit(request, book: book, events: &events)
        keep(events)
    }

    mutating func cancel(_ id: OrderID, owner: OwnerID, book: Int, events: inout [ExchangeEvent]) {
        base.cancel(id, owner: owner, book: book, events: &events)
        keep(events)
    }

    mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, book: Int, events: inout [ExchangeEvent]) {
        base.replace(id, owner: owner, price: price, quantity: quantity, book: book, events: &events)
        keep(events)
    }

    private mutating func keep(_ events: [ExchangeEvent]) {
        for case .fill(let f) in events where !fills.contains(f) { fills.append(f) }
    }
}

/// Profit = the sum over fills plus the position marked to market at the end; fees = the
/// sum of each fill's fee; the backtest's figures are the same.
struct AccountingTests {
    @Test func profitAndFeesAddUpOverTheFills() throws {
        let settings = TestData.feeSettings(stop: 10, rcs: [0.7])
        for spec in settings.runs {
            let configuration = settings.configuration(for: spec)
            let exchange = ReplayExchange(instrument: configuration.instrument, rankCoefficient: spec.rankCoefficient)
            var run = InProcessRun(maker: MarketMaker(configuration: configuration),
                                   venue: InProcessVenue(venue: RecordingVenue(base: ReplayVenue(exchange))))
            var market = SyntheticMarket(TestData.synthetic(days: 1, eventsPerDay: 4_000))
            var last: Int64 = 0
            while let e = market.next() {
                run.step(now: e.time) { venue, events in venue.apply(e, events: &events) }
                last = e.time
            }
            run.finish(now: last)
            let fills = run.venue.venue.fills
            let instrument = configuration.instrument
            var cash: Int64 = 0, position: Int64 = 0, fees: Money = 0
            for f in fills {
                let weAreMaker = f.makerOwner == run.venue.owner
                let side = weAreMaker ? f.takerSide.opposite : f.takerSide
                let signed = side == .buy ? f.quantity : -f.quantity
                position += signed
                cash -= signed * f.price
                fees += configuration.fees.fee(price: f.price, quantity: f.quantity, maker: weAreMaker, instrument: instrument)
            }
            let mark = try #require(run.maker.mark)
            let p = run.maker.positions
            #expect(fills.count == p.fills && fills.count > 100)
            #expect(position == p.position)
            #expect(cash + position * mark == p.tradingProfit(at: mark), "stop \(String(describing: spec.stopLimit))")
            #expect(fees == p.fees && fees != 0)
            if spec.stopLimit != nil { #expect(fills.contains { $0.takerOwner == run.venue.owner }, "flattening orders take") }

            // The backtest's run over the same data books the same.
            var source = SyntheticMarket(TestData.synthetic(days: 1, eventsPerDay: 4_000))
            let result = try BacktestRun(spec: spec, settings: settings).run(&source)
            #expect(result.figures.tradingProfitTicks == cash + position * mark)
            #expect(result.figures.trades == fills.count)
            #expect(result.figures.fees == StudyFigures.currency(fees))
            let f = result.figures
            #expect(abs(f.netProfitAfterRebate - (f.tradingProfit - 0.75 * f.fees)) < 1e-9)
            if f.fees > 0 {
                #expect(abs(try #require(f.breakEvenRebate) - (1 - f.tradingProfit / f.fees)) < 1e-12)
            } else {
                #expect(f.breakEvenRebate == nil)
            }
        }
    }
}
