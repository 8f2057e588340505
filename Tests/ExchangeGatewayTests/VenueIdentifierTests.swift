import Exchange
import Market
import FIX
import Testing
@testable import ExchangeGateway

/// OrderIDs and ExecIDs carry the name of the venue's run, so a restarted venue never gives an
/// id it gave before.
struct VenueIdentifierTests {
    static func gateway(at time: UTCTimestamp) -> ExchangeGateway<MatchingEngine> {
        ExchangeGateway(venue: MatchingEngine(instruments: [GatewayTests.btc]), clock: { time })
    }

    @Test func runsAMillisecondApartHaveDifferentPrefixes() {
        let t = UTCTimestamp(year: 2026, month: 12, day: 7, hour: 9)!
        let later = UTCTimestamp(nanosecondsSinceEpoch: t.nanosecondsSinceEpoch + 1_000_000)
        let a = Self.gateway(at: t), b = Self.gateway(at: later)
        #expect(a.idPrefix != b.idPrefix)
        #expect(a.orderIDText(1) != b.orderIDText(1))
        #expect(ExchangeGateway<MatchingEngine>.runPrefix(at: t).count == 8)
    }

    /// A run after another whose prefix is not earlier than the clock (a clock set back, two
    /// starts in one millisecond) takes the next prefix: ids never repeat.
    @Test func aPrefixComesAfterThePreviousRun() {
        let t = UTCTimestamp(year: 2026, month: 12, day: 7, hour: 9)!
        let now = ExchangeGateway<MatchingEngine>.runPrefix(at: t)
        let later = UTCTimestamp(nanosecondsSinceEpoch: t.nanosecondsSinceEpoch + 60_000_000_000)
        let previous = ExchangeGateway<MatchingEngine>.runPrefix(at: later)
        #expect(ExchangeGateway<MatchingEngine>.runPrefix(at: t, after: previous) == String(Int64(previous, radix: 36)! + 1, radix: 36))
        #expect(ExchangeGateway<MatchingEngine>.runPrefix(at: t, after: now) == String(Int64(now, radix: 36)! + 1, radix: 36))
        let earlier = ExchangeGateway<MatchingEngine>.runPrefix(at: UTCTimestamp(nanosecondsSinceEpoch: t.nanosecondsSinceEpoch - 1_000_000))
        #expect(ExchangeGateway<MatchingEngine>.runPrefix(at: t, after: earlier) == now)
        #expect(ExchangeGateway<MatchingEngine>.runPrefix(at: t, after: "not base 36!") == now)
    }

    @Test func orderIDsReadBackOnlyForTheirOwnRun() {
        let t = UTCTimestamp(year: 2026, month: 12, day: 7, hour: 9)!
        let a = Self.gateway(at: t)
        let b = Self.gateway(at: UTCTimestamp(nanosecondsSinceEpoch: t.nanosecondsSinceEpoch + 5_000_000))
        #expect(a.orderID(parsing: a.orderIDText(42)) == 42)
        #expect(a.orderID(parsing: b.orderIDText(42)) == nil)
        #expect(a.orderID(parsing: "42") == nil)
        #expect(a.orderID(parsing: a.idPrefix + "-") == nil)
        #expect(a.orderID(parsing: a.idPrefix + "42") == nil)
        #expect(a.orderID(parsing: a.idPrefix + "-99999999999999999999999") == nil)
    }
}

/// Prices and quantities near the ends of what the wire can carry: the venue's arithmetic does
/// not overflow.
struct ExtremeValueTests {
    @Test func averagePriceOfHugeFills() {
        let btc = GatewayTests.btc
        let huge = Int128(Int64.max) * 1_000_000_000
        let p = btc.averagePrice(tickLots: huge, lots: 1_000_000_000)
        #expect(p.mantissa > 0)
        #expect(btc.averagePrice(tickLots: Int64(1005), lots: 10) == FIXDecimal(mantissa: 1005000, scale: 5))
    }

    @Test func priceBandAroundAHugeReference() {
        let band = PriceBand.basisPoints(1000)
        #expect(band.allows(Int64.max - 1, reference: Int64.max - 10))
        #expect(!band.allows(1, reference: Int64.max - 10))
    }
}
