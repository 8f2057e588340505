import Market
@testable import MarketData
import Testing
/// The synthetic market: determinism, days and sessions, consistent quotes and trades, and
/// that its spells trend and mean-revert.
struct SyntheticMarketTests {
    static let small = SyntheticMarket.Parameters(seed: 7, days: 3, eventsPerDay: 20_000, meanSpellLength: 1_000)

    @Test func sameSeedSameEvents() {
        var a = SyntheticMarket(Self.small)
        var b = SyntheticMarket(Self.small)
        var other = Self.small
        other.seed = 8
        var c = SyntheticMarket(other)
        var differences = 0
        while let e = a.next() {
            #expect(e == b.next())
            if e != c.next() { differences += 1 }
        }
        #expect(b.next() == nil)
        #expect(differences > 50_000)
        #expect(a.skipped == 0)
    }

    /// Exactly `eventsPerDay` events on each of `days` weekdays, inside the session, strictly
    /// increasing in time; each day opens with a quote.
    @Test func daysAndSessions() {
        var p = Self.small
        p.firstDay = CivilDate(year: 2024, month: 8, day: 8)!  // a Thursday: then Friday, then Monday
        var market = SyntheticMarket(p)
        var perDay: [Int64: Int] = [:]
        var last = Int64.min
        var firstOfDay: [Int64: MarketEvent] = [:]
        while let e = market.next() {
            let day = e.time / 86_400_000_000_000
            let timeOfDay = e.time % 86_400_000_000_000
            #expect(timeOfDay >= p.sessionStart && timeOfDay < p.sessionEnd)
            if e.time <= last { Issue.record("time does not increase at \(e)") }
            last = e.time
            perDay[day, default: 0] += 1
            if firstOfDay[day] == nil { firstOfDay[day] = e }
        }
        #expect(perDay.keys.sorted().map { CivilDate(daysSinceEpoch: $0).description } == ["2024-08-08", "2024-08-09", "2024-08-12"])
        #expect(perDay.values.allSatisfy { $0 == 20_000 })
        #expect(firstOfDay.values.allSatisfy { if case .quote = $0 { true } else { false } })
        #expect(market.day == 3 && market.next() == nil)
    }

    /// Quotes: bid < ask, spread 1 or 2 ticks, sizes in range. Trades: at the last quote's ask
    /// for a buyer and bid for a seller, no bigger than what the level holds.
    @Test func quotesAndTradesAreConsistent() {
        var market = SyntheticMarket(Self.small)
        var bid: Int64 = 0, ask: Int64 = 0, bidSize: Int64 = 0, askSize: Int64 = 0
        var trades = 0, quotes = 0, buys = 0
        var spreads: [Int64: Int] = [:]
        while let e = market.next() {
            switch e {
            case .quote(_, let b?, let bs, let a?, let asz):
                quotes += 1
                #expect(b < a && b >= 1)
                #expect((1...20).contains(bs) && (1...20).contains(asz))
                spreads[a - b, default: 0] += 1
                (bid, ask, bidSize, askSize) = (b, a, bs, asz)
            case .trade(_, let price, let size, let aggressor?):
                trades += 1
                #expect(size >= 1)
                if aggressor == .buy {
                    buys += 1
                    #expect(price == ask && size <= askSize)
                    askSize -= size
                } else {
                    #expect(price == bid && size <= bidSize)
                    bidSize -= size
                }
            default:
                Issue.record("unexpected \(e)")
            }
        }
        #expect(Set(spreads.keys) == [1, 2] && spreads[1]! > 8 * spreads[2]!)
        let tradeShare = Double(trades) / Double(trades + quotes)
        #expect(tradeShare > 0.2 && tradeShare < 0.3)
        #expect(Double(buys) / Double(trades) > 0.35 && Double(buys) / Double(trades) < 0.65)
    }

    /// Measures each spell by its net move, in ticks, from its first to its last quote: the
    /// trending ones go their way by far more than their noise, the mean-reverting ones end
    /// near where they started; and both kinds take turns.
    @Test func trendingAndMeanRevertingSpells() {
        var market = SyntheticMarket(SyntheticMarket.Parameters(seed: 3, days: 2, eventsPerDay: 100_000, meanSpellLength: 2_000))
        struct Spell { var regime: SyntheticMarket.Regime; var first: Int64?; var last: Int64?; var maxAway: Int64 = 0 }
        var spells: [Spell] = []
        while let e = market.next() {
            if spells.last?.regime != market.regime { spells.append(Spell(regime: market.regime)) }
            if case .quote(_, let bid?, _, _, _) = e {
                if spells[spells.count - 1].first == nil { spells[spells.count - 1].first = bid }
                spells[spells.count - 1].last = bid
                spells[spells.count - 1].maxAway = max(spells[spells.count - 1].maxAway, abs(bid - spells[spells.count - 1].first!))
            }
        }
        // Spells alternate between trending and mean-reverting.
        let trending = spells.map { $0.regime != .meanReverting }
        #expect(zip(trending, trending.dropFirst()).allSatisfy { $0 != $1 })
        let measured = spells.dropFirst().dropLast()  // whole spells only
        func moves(_ r: SyntheticMarket.Regime) -> [Int64] { measured.filter { $0.regime == r }.map { $0.last! - $0.first! } }
        let up = moves(.trendingUp), down = moves(.trendingDown), flat = moves(.meanReverting)
        #expect(up.count >= 10 && down.count >= 10 && flat.count >= 40)
        func mean(_ xs: [Int64]) -> Double { Double(xs.reduce(0, +)) / Double(xs.count) }
        // About 0.1 tick of drift per event: ~200 ticks over a 2,000-event spell; a random walk
        // would wander about 25.
        #expect(mean(up) > 100 && up.allSatisfy { $0 > 20 })
        #expect(mean(down) < -100 && down.allSatisfy { $0 < -20 })
        #expect(mean(flat.map { abs($0) }) < 5)
        // Mean-reverting spells stay close to their start throughout.
        let wanderings = measured.filter { $0.regime == .meanReverting }.map(\.maxAway)
        #expect(mean(wanderings) < 10)
    }

    @Test func priceStaysPositive() {
        // Start at 3 ticks: the floor at 1 tick holds through down-trends.
        var market = SyntheticMarket(SyntheticMarket.Parameters(seed: 11, days: 1, eventsPerDay: 50_000, startPrice: 3))
        while let e = market.next() {
            switch e {
            case .quote(_, let b?, _, let a?, _): if b < 1 || a <= b { Issue.record("\(e)") }
            case .trade(_, let price, _, _): if price < 1 { Issue.record("\(e)") }
            default: Issue.record("\(e)")
            }
        }
    }
}
