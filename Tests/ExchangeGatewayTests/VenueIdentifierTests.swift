import Exchange
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
