@testable import MakerCore
import Market
import Testing
import Quoting
/// The reconciliation after logon, as a state machine: what it asks, what it applies to the
/// market maker for each answer, and its fallbacks.
@Suite struct ReconciliationTests {
    static func ladder(_ key: UInt64, _ side: Side = .buy, price: Int64 = 100, quantity: Int64 = 2, cum: Int64 = 0,
                       state: OrderState = .working) -> MakerOrder {
        .ladder(QuotedOrder(restoring: OrderKey(key), side: side, price: price, quantity: quantity, cumQuantity: cum,
                            leaves: quantity - cum, state: state, cancelOwed: false))
    }

    static func venue(_ key: UInt64, _ status: Reconciliation.VenueOrder.Status, price: Int64 = 100, quantity: Int64 = 2,
                      filled: Int64 = 0, side: Side = .buy) -> Reconciliation.VenueOrder {
        .init(clOrdID: "Q\(key)", key: OrderKey(key), status: status, side: side, price: price, quantity: quantity,
              filled: filled, leaves: status == .working ? quantity - filled : 0)
    }

    @Test func aRoundWithNothingToMendAsksAndQuotes() {
        var r = Reconciliation()
        #expect(r.begin() == [.requestMassStatus])
        #expect(r.isHolding)
        let a = r.massStatus(Self.venue(5, .working), current: Self.ladder(5), last: true, live: [(OrderKey(5), .buy)])
        #expect(a == [.requestPositions])
        #expect(r.positions(venue: 3, ours: 3) == [.quote])
        #expect(!r.isHolding)
        #expect(r.differences == 0)
    }

    @Test func requestsInFlightAreSettledByWhatTheVenueHas() {
        var r = Reconciliation()
        _ = r.begin()
        // A new order the venue has: accepted.
        var a = r.massStatus(Self.venue(1, .working), current: Self.ladder(1, state: .pendingNew), last: false, live: [])
        #expect(a == [.apply(.accepted(OrderKey(1)))])
        // A replace the venue applied: it knows the order by the new key.
        a = r.massStatus(Self.venue(9, .working, price: 101), current: Self.ladder(2, state: .pendingReplace(newKey: OrderKey(9), price: 101, quantity: 2)),
                         last: false, live: [])
        #expect(a == [.apply(.replaced(newKey: OrderKey(9), origKey: OrderKey(2), price: 101, quantity: 2, leaves: 2))])
        // A replace it never applied: refused.
        a = r.massStatus(Self.venue(3, .working), current: Self.ladder(3, state: .pendingReplace(newKey: OrderKey(10), price: 99, quantity: 2)),
                         last: false, live: [])
        #expect(a == [.apply(.replaceRejected(OrderKey(10)))])
        // A cancel it never applied: refused.
        a = r.massStatus(Self.venue(4, .working), current: Self.ladder(4, state: .pendingCancel(cancelKey: OrderKey(11))),
                         last: true, live: [(OrderKey(1), .buy), (OrderKey(9), .buy), (OrderKey(3), .buy), (OrderKey(4), .buy)])
        #expect(a == [.apply(.cancelRejected(OrderKey(11))), .requestPositions])
    }

    @Test func fillsTheMarketMakerMissedAreBookedOnce() {
        var r = Reconciliation()
        _ = r.begin()
        let a = r.massStatus(Self.venue(7, .working, quantity: 3, filled: 2), current: Self.ladder(7, quantity: 3, cum: 1),
                             last: true, live: [(OrderKey(7), .buy)])
        #expect(a.contains(.apply(.fill(OrderKey(7), price: 100, quantity: 1, leaves: 1, fee: nil))))
        #expect(a.last == .requestPositions)
        #expect(r.differences == 1)
    }

    @Test func ordersTheVenueDidNotListAreAskedForOneByOne() {
        var r = Reconciliation()
        _ = r.begin()
        let a = r.massStatus(nil, current: nil, last: true, live: [(OrderKey(1), .buy), (OrderKey(2), .sell), (OrderKey(3), .buy)])
        #expect(a == [.requestStatus(OrderKey(1), .buy), .requestStatus(OrderKey(2), .sell), .requestStatus(OrderKey(3), .buy)])
        #expect(r.phase == .orderStatus)
        // Filled while we were away: the rest booked, the order ends.
        var b = r.orderStatus(Self.venue(1, .filled, filled: 2), for: OrderKey(1), current: Self.ladder(1, cum: 1))
        #expect(b.contains(.apply(.fill(OrderKey(1), price: 100, quantity: 1, leaves: 0, fee: nil))))
        // Canceled (by the venue, or our cancel went through).
        b = r.orderStatus(Self.venue(2, .canceled, side: .sell), for: OrderKey(2), current: Self.ladder(2, .sell))
        #expect(b == [.apply(.canceled(OrderKey(2), origKey: nil, leaves: 2))])
        // Unknown to the venue: ended with a warning; the last answer moves on to positions.
        b = r.orderStatus(Self.venue(3, .unknown), for: OrderKey(3), current: Self.ladder(3))
        #expect(b.count == 3)
        #expect(b[1] == .apply(.canceled(OrderKey(3), origKey: nil, leaves: 2)))
        #expect(b[2] == .requestPositions)
        // A second answer for the same key changes nothing.
        #expect(r.orderStatus(Self.venue(3, .unknown), for: OrderKey(3), current: nil).isEmpty)
    }

    @Test func aNewOrderTheVenueNeverGotIsRefused() {
        var r = Reconciliation()
        _ = r.begin()
        _ = r.massStatus(nil, current: nil, last: true, live: [(OrderKey(8), .buy)])
        let a = r.orderStatus(Self.venue(8, .unknown), for: OrderKey(8), current: Self.ladder(8, state: .pendingNew))
        #expect(a == [.apply(.rejected(OrderKey(8), code: 99)), .requestPositions])
    }

    @Test func ordersTheMarketMakerDoesNotKnowAreCanceledBeforePositions() {
        var r = Reconciliation()
        _ = r.begin()
        let foreign = Reconciliation.VenueOrder(clOrdID: "OTHER-1", key: nil, status: .working, side: .sell, price: 105,
                                                quantity: 4, filled: 1, leaves: 3)
        let a = r.massStatus(foreign, current: nil, last: true, live: [])
        #expect(a.contains(.cancelUnknown(clOrdID: "OTHER-1", side: .sell, quantity: 4)))
        #expect(!a.contains(.requestPositions), "positions wait for the cancels: the order may still fill")
        #expect(r.unknownCancelAnswered(clOrdID: "OTHER-1") == [.requestPositions])
    }

    @Test func aDifferentPositionIsTakenFromTheVenueWithAWarning() {
        var r = Reconciliation()
        _ = r.begin()
        _ = r.massStatus(nil, current: nil, last: true, live: [])
        let a = r.positions(venue: -24, ours: -40)
        #expect(a.count == 3)
        #expect(a[1] == .takePosition(-24))
        #expect(a[2] == .quote)
        guard case .warn(let text) = a[0] else { Issue.record("no warning"); return }
        #expect(text.contains("-40") && text.contains("-24"))
    }

    @Test(arguments: Reconciliation.Fallback.allCases)
    func aVenueWithoutMassStatusGetsTheFallback(_ fallback: Reconciliation.Fallback) {
        var r = Reconciliation(fallback: fallback)
        _ = r.begin()
        let a = r.unsupported(.massStatus, reason: "Unsupported Message Type")
        switch fallback {
        case .cancel:
            #expect(a.last == .cancelAll)
            #expect(r.isHolding)
            #expect(r.fallbackDone() == [.quote])
        case .massCancel:
            #expect(a.last == .massCancel)
            #expect(r.fallbackDone() == [.quote])
        case .refuse:
            guard case .refuse = a.last else { Issue.record("not refused: \(a)"); return }
            #expect(r.isHolding, "a refusal holds quoting for good")
            #expect(r.fallbackDone().isEmpty)
        }
    }

    @Test func aTimeoutAtEachStepMovesOn() {
        var r = Reconciliation(fallback: .cancel)
        _ = r.begin()
        #expect(r.timedOut().last == .cancelAll)
        #expect(r.timedOut().last == .quote)
        r = Reconciliation()
        _ = r.begin()
        _ = r.massStatus(nil, current: nil, last: true, live: [])
        #expect(r.timedOut().last == .quote, "no positions in time: the market maker's own")
        #expect(!r.isHolding)
    }
}
