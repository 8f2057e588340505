@testable import Backtest
@testable import MakerCore
@testable import Exchange
@testable import MarketData
import Quoting
import Risk
import Testing
/// The span of times ``MarketMaker/quietSpan(around:)`` gives is one in which
/// ``MarketMaker/reactsTheSame(at:as:)`` holds: ``InProcessRun`` takes a time inside it as quiet
/// without asking.
struct QuietStepTests {
    @Test(arguments: [60_000_000_000, 1_000_000_000] as [Int64])
    func quietSpanIsInsideReactsTheSame(barInterval: Int64) {
        let configuration = MarketMakerConfiguration(
            instrument: SyntheticMarket.defaultInstrument, limits: RiskLimits(maxOrderQuantity: 1_000),
            margin: MarginModel.Configuration(barInterval: barInterval, warmupBars: 3, staleAfter: 4 * barInterval))
        let exchange = ReplayExchange(instrument: configuration.instrument, rankCoefficient: 0.8)
        var run = InProcessRun(maker: MarketMaker(configuration: configuration), venue: InProcessVenue(venue: ReplayVenue(exchange)))
        // Few events a day, so that bars, days and stale spells pass between them.
        var market = SyntheticMarket(SyntheticMarket.Parameters(days: 3, eventsPerDay: 2_000))
        var checked = 0, inside = 0
        var n = 0
        while let event = market.next() {
            run.apply(event)
            n += 1
            guard n % 7 == 0 else { continue }
            let previous = event.time
            let span = run.maker.quietSpan(around: previous)
            if let span { #expect(span.contains(previous)) }
            for offset in [-86_400, -3_600, -61, -60, -1, 0, 1, 59, 60, 61, 239, 240, 241, 3_600, 86_400] as [Int64] {
                let t = previous + offset * 1_000_000_000 / (barInterval < 60_000_000_000 ? 60 : 1)
                checked += 1
                if let span, span.contains(t) {
                    inside += 1
                    #expect(run.maker.reactsTheSame(at: t, as: previous), "event \(n) at \(previous), t \(t)")
                }
            }
        }
        #expect(checked > 5_000 && inside > 1_000)
    }
}
