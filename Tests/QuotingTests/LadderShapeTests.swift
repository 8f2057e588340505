import Market
import Testing
@testable import Quoting

/// The ladder of the study: its shape, how it follows the best prices, and when it shrinks.
struct LadderShapeTests {
    /// The prices of the new orders among `intents`, by side, in the order sent.
    static func newPrices(_ intents: [QuoteIntent], _ side: Side) -> [Int64] {
        intents.compactMap {
            if case let .new(_, s, price, _) = $0, s == side { return price }
            return nil
        }
    }

    @Test func initialLadderIsFiveNewsPerSideAtTheBestPrices() {
        var q = LadderQuoter()
        let intents = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(intents.count == 10)
        #expect(intents.allSatisfy { $0.kind == .new })
        // Nearest levels first, bids before asks at the same distance.
        #expect(intents.map(\.price) == [100, 101, 99, 102, 98, 103, 97, 104, 96, 105])
        #expect(Self.newPrices(intents, .buy) == [100, 99, 98, 97, 96])
        #expect(Self.newPrices(intents, .sell) == [101, 102, 103, 104, 105])
        for case let .new(_, _, _, quantity) in intents { #expect(quantity == 1) }
        // Keys are handed out in order, one per request.
        #expect(intents.map(\.requestKey) == (1...10).map { OrderKey(UInt64($0)) })
        #expect(q.counts.pendingNew == 10)
        #expect(q.prices(.buy) == [100, 99, 98, 97, 96])
        // Nothing more to do until the market moves.
        #expect(q.update(bestBid: 100, bestAsk: 101, now: 1).isEmpty)
    }

    @Test func quantityAndOffsetShapeTheLadder() {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 3, quantity: 4, offset: 2))
        let intents = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(Self.newPrices(intents, .buy) == [98, 97, 96])
        #expect(Self.newPrices(intents, .sell) == [103, 104, 105])
        for case let .new(_, _, _, quantity) in intents { #expect(quantity == 4) }
    }

    /// The market moves up one tick, quotes only (no trade through our orders is reported):
    /// best bid 100 -> 101, best ask 101 -> 102.
    ///
    /// Bids: the study's rule, the lowest bid (96) moves up to the new top level (101).
    /// Asks: in the study a rise of the best ask is the mirror of a fall of the best bid: the asks
    /// at or below the new price were lifted and the ladder is refilled at its far end. Here no
    /// fill has been reported, so our ask at 101 is still ours and the ladder 102...106 lacks
    /// only its far level: the fewest-messages rule moves the nearest ask (101) there by one
    /// replace. Had the fill come first, that level would be refilled by a new order instead
    /// (next test). The ask's replace goes out before the bid's: until the venue has moved the
    /// ask away from 101, a bid at 101 would meet it.
    @Test func marketUpOneTickMovesOneOrderPerSide() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let keys = Dictionary(uniqueKeysWithValues: m.quoter.orders.map { ($0.price, $0.key) })
        let intents = m.quote(bid: 101, ask: 102)
        #expect(intents.count == 2)
        guard intents.count == 2 else { return }
        guard case let .replace(askKey, _, .sell, 106, 1, prior) = intents[0], prior == .init(price: 101, leaves: 1) else {
            Issue.record("expected the ask at 101 moved to 106 first, got \(intents[0])")
            return
        }
        guard case let .replace(bidKey, _, .buy, 101, 1, prior) = intents[1], prior == .init(price: 96, leaves: 1) else {
            Issue.record("expected the bid at 96 moved to 101, got \(intents[1])")
            return
        }
        #expect(askKey == keys[101])
        #expect(bidKey == keys[96])
        #expect(m.quoter.prices(.buy) == [101, 100, 99, 98, 97])
        #expect(m.quoter.prices(.sell) == [102, 103, 104, 105, 106])
        #expect(m.venue.selfCrosses == 0)
    }

    /// The study's market (best bid = last - 1, best ask = last + 1) rises one tick: the trade at
    /// 102 lifts our ask at 102. With the fill reported, the bid side moves its lowest bid up and
    /// the ask side refills its far end with a new order.
    @Test func riseThroughOurAskRefillsTheFarEnd() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 102)
        var reports: [OrderUpdate] = []
        m.venue.trade(at: 102, into: &reports)
        m.deliver(reports)
        #expect(m.venue.position == -1)
        let intents = m.quote(bid: 101, ask: 103)
        #expect(intents.count == 2)
        #expect(intents.filter { $0.kind == .replace }.map(\.price) == [101])
        #expect(intents.filter { $0.kind == .new }.map(\.price) == [107])
        #expect(m.quoter.prices(.buy) == [101, 100, 99, 98, 97])
        #expect(m.quoter.prices(.sell) == [103, 104, 105, 106, 107])
    }

    /// The study's market falls two ticks (last 101 -> 99): the trades through 99 hit our bids at
    /// 100 and 99 (orders at or above the new price). The bids left (98, 97, 96) already sit on
    /// the new ladder 98...94, which is refilled at the bottom by two new orders; the asks mirror
    /// the bid rise: the two highest (106, 105) move down to the new top levels (100, 101).
    @Test func fallByTwoAfterFillsRefillsTheBottom() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 102)
        var reports: [OrderUpdate] = []
        m.venue.trade(at: 99, into: &reports)
        #expect(reports.count == 2)
        m.deliver(reports)
        #expect(m.quoter.counts.filled == 2)
        #expect(m.quoter.prices(.buy) == [98, 97, 96])
        let askKeys = Dictionary(uniqueKeysWithValues: m.quoter.orders(.sell).map { ($0.price, $0.key) })

        let intents = m.quote(bid: 98, ask: 100)
        #expect(intents.count == 4)
        guard intents.count == 4 else { return }
        // Nearest levels first: the asks' new top levels, then the bids' bottom levels.
        #expect(intents[0] == .replace(askKeys[106]!, newKey: intents[0].requestKey, side: .sell, price: 100, quantity: 1,
                                       from: .init(price: 106, leaves: 1)))
        #expect(intents[1] == .replace(askKeys[105]!, newKey: intents[1].requestKey, side: .sell, price: 101, quantity: 1,
                                       from: .init(price: 105, leaves: 1)))
        #expect(Self.newPrices(intents, .buy) == [95, 94])
        #expect(m.quoter.prices(.buy) == [98, 97, 96, 95, 94])
        #expect(m.quoter.prices(.sell) == [100, 101, 102, 103, 104])
        #expect(m.venue.position == 2)
    }

    /// A jump larger than the ladder moves every order, farthest first to the nearest level.
    @Test func jumpBeyondTheLadderMovesEveryOrder() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let intents = m.quote(bid: 90, ask: 91)
        // Asks 101...105 all move down to 91...95 (the highest to the nearest); bids 100...96
        // would have been hit in a real market, but no fill is reported: they move to 90...86.
        #expect(intents.count == 10)
        #expect(intents.allSatisfy { $0.kind == .replace })
        #expect(m.quoter.prices(.buy) == [90, 89, 88, 87, 86])
        #expect(m.quoter.prices(.sell) == [91, 92, 93, 94, 95])
        #expect(m.venue.selfCrosses == 0)
    }

    @Test func lockedMarketQuotesNoCrossingLevel() {
        var q = LadderQuoter()
        let intents = q.update(bestBid: 100, bestAsk: 100, now: 0)
        #expect(Self.newPrices(intents, .buy) == [99, 98, 97, 96])
        #expect(Self.newPrices(intents, .sell) == [101, 102, 103, 104])
    }

    @Test func crossedMarketQuotesNoCrossingLevel() {
        var q = LadderQuoter()
        let intents = q.update(bestBid: 101, bestAsk: 99, now: 0)
        #expect(Self.newPrices(intents, .buy) == [98, 97])
        #expect(Self.newPrices(intents, .sell) == [102, 103])
    }

    /// A market that locks over our ladder: the bid at the locked price would trade, so it is
    /// moved (or canceled when no level is free); orders merely beyond the shrunken ladder stay.
    @Test func lockingMarketMovesOrCancelsTheCrossingOrder() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        // The ask falls onto our best bid: bids may not reach 100 any more, asks start at 101.
        let intents = m.quote(bid: 100, ask: 100)
        #expect(intents.count == 1)
        guard case .cancel(_, _, .buy) = intents.first else {
            Issue.record("expected the bid at 100 canceled, got \(intents)")
            return
        }
        #expect(m.quoter.prices(.buy) == [99, 98, 97, 96])
        #expect(m.quoter.prices(.sell) == [101, 102, 103, 104, 105])
        // Unlocked again: the missing top level gets a new order.
        let again = m.quote(bid: 100, ask: 101)
        #expect(again.map(\.kind) == [.new])
        #expect(m.quoter.prices(.buy) == [100, 99, 98, 97, 96])
    }

    @Test func pricesStayPositiveNearZero() {
        var q = LadderQuoter()
        let intents = q.update(bestBid: 3, bestAsk: 4, now: 0)
        #expect(Self.newPrices(intents, .buy) == [3, 2, 1])
        #expect(Self.newPrices(intents, .sell) == [4, 5, 6, 7, 8])
        var z = LadderQuoter()
        #expect(Self.newPrices(z.update(bestBid: 0, bestAsk: 1, now: 0), .buy).isEmpty)
    }

    @Test func fewerLevelsCancelTheFarthestOrders() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        m.quoter.configuration.levels = 3
        let intents = m.quote(bid: 100, ask: 101)
        #expect(intents.count == 4)
        #expect(intents.allSatisfy { $0.kind == .cancel })
        #expect(m.quoter.prices(.buy) == [100, 99, 98])
        #expect(m.quoter.prices(.sell) == [101, 102, 103])
        m.quoter.configuration.levels = 5
        let more = m.quote(bid: 100, ask: 101)
        #expect(more.map(\.kind) == [.new, .new, .new, .new])
        #expect(m.quoter.prices(.buy) == [100, 99, 98, 97, 96])
    }

    @Test func fewerLevelsAndAMoveReplaceThenCancel() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 110)
        m.quoter.configuration.levels = 3
        let intents = m.quote(bid: 102, ask: 110)
        // Bids 100...96 -> 102...100: 100 stays; 96 and 97 move to 102 and 101; 98 and 99 go.
        // Asks 110...114 -> 110...112: 113 and 114 go.
        #expect(intents.filter { $0.kind == .replace }.count == 2)
        #expect(intents.filter { $0.kind == .cancel }.count == 4)
        #expect(intents.prefix(4).allSatisfy { $0.kind == .cancel })
        #expect(m.quoter.prices(.buy) == [102, 101, 100])
        #expect(m.quoter.prices(.sell) == [110, 111, 112])
    }

    @Test func sideWhoseBestDisappearsIsCanceledAndComesBackNew() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let gone = m.quote(bid: nil, ask: 101)
        #expect(gone.count == 5)
        #expect(gone.allSatisfy { $0.kind == .cancel && $0.side == .buy })
        #expect(m.quoter.prices(.buy).isEmpty)
        #expect(m.quoter.anchor(.buy) == nil)
        // Asks alone are still quoted, with no crossing limit from a bid.
        #expect(m.quoter.prices(.sell) == [101, 102, 103, 104, 105])
        let back = m.quote(bid: 99, ask: 101)
        #expect(back.count == 5)
        #expect(back.allSatisfy { $0.kind == .new && $0.side == .buy })
        #expect(m.quoter.prices(.buy) == [99, 98, 97, 96, 95])
    }

    @Test func pulledSideIsCanceledAndRefilledWhenEnabled() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let pulled = m.quoter.setSides(buy: true, sell: false)
        #expect(pulled.count == 5)
        #expect(pulled.allSatisfy { $0.kind == .cancel && $0.side == .sell })
        m.settle(pulled)
        #expect(m.quoter.prices(.sell).isEmpty)
        #expect(m.quote(bid: 100, ask: 101).isEmpty)
        #expect(m.quote(bid: 101, ask: 102).map(\.side) == [.buy])
        #expect(m.quoter.setSides(buy: true, sell: true).isEmpty)
        let refilled = m.quote(bid: 101, ask: 102)
        #expect(Self.newPrices(refilled, .sell) == [102, 103, 104, 105, 106])
        #expect(m.quoter.statistics.cancels == 5)
    }

    @Test func cancelAllKeepsQuotingOn() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let all = m.quoter.cancelAll()
        #expect(all.count == 10)
        m.settle(all)
        #expect(m.quoter.orders.isEmpty)
        #expect(m.quoter.counts.canceled == 10)
        #expect(m.quote(bid: 100, ask: 101).count == 10)
    }

    @Test func partiallyFilledOrderMovesWithItsFilledQuantityAdded() {
        var m = ImmediateMarket(QuoteConfiguration(quantity: 3))
        m.quote(bid: 100, ask: 101)
        let lowest = m.quoter.orders(.buy).last!
        var reports: [OrderUpdate] = []
        m.venue.fill(lowest.key, quantity: 1, into: &reports)
        m.deliver(reports)
        #expect(m.quoter.counts.partiallyFilled == 1)
        #expect(m.quoter.tracker.order(lowest.key)?.leaves == 2)
        let intents = m.quote(bid: 101, ask: 102)
        // The partly filled bid at 96 moves to 101 with 3 lots open again: total 1 + 3.
        #expect(intents.contains {
            $0 == .replace(lowest.key, newKey: $0.requestKey, side: .buy, price: 101, quantity: 4, from: .init(price: 96, leaves: 2, filled: 1))
        })
        let moved = m.quoter.orders(.buy).first!
        #expect(moved.price == 101 && moved.quantity == 4 && moved.cumQuantity == 1 && moved.leaves == 3)
    }

    @Test func ordersInFlightAreNotTouchedAgain() {
        var q = LadderQuoter()
        let first = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(first.count == 10)
        // Nothing acknowledged yet: the pending orders hold their levels, nothing is resent.
        let moved = q.update(bestBid: 101, bestAsk: 102, now: 1)
        // Bids: pending 100...96 cover 100...97; 101 is missing but the side is full.
        // Asks: pending 101...105 cover 102...105; 106 is missing, the side is full.
        #expect(moved.isEmpty)
        #expect(q.counts.pendingNew == 10)
        for o in q.orders { _ = q.apply(.accepted(o.key)) }
        #expect(q.update(bestBid: 101, bestAsk: 102, now: 2).count == 2)
    }

    /// A bid may not move up onto our ask while that ask's cancel is in flight: it is held back
    /// and goes out at the first update after the cancel is confirmed.
    @Test func requestMeetingOurOtherSideIsHeldBack() {
        var m = ImmediateMarket()
        m.quote(bid: 100, ask: 101)
        let askAt101 = m.quoter.orders(.sell).first!.key
        // Risk pulls the asks and gives them back before the venue has answered.
        let pulled = m.quoter.setSides(buy: true, sell: false)
        #expect(pulled.count == 5)
        #expect(m.quoter.setSides(buy: true, sell: true).isEmpty)
        // The market rises a tick: the lowest bid would move to 101, where our ask still is.
        let held = m.quoter.update(bestBid: 101, bestAsk: 102, now: 1)
        #expect(held.isEmpty)
        #expect(m.quoter.statistics.heldBackBySelfCross == 1)
        // The cancels are confirmed; the bid goes up and the asks come back.
        m.settle(pulled)
        #expect(m.quoter.tracker.order(askAt101) == nil)
        let after = m.quote(bid: 101, ask: 102)
        #expect(after.filter { $0.side == .buy }.map(\.kind) == [.replace])
        #expect(m.quoter.prices(.buy) == [101, 100, 99, 98, 97])
        #expect(m.quoter.prices(.sell) == [102, 103, 104, 105, 106])
    }
}

/// A cap on each side's orders (a share of a firm limit): the nearest levels only, and the
/// orders beyond a smaller cap moved in or canceled.
struct LadderCapTests {
    @Test func aCapKeepsTheNearestLevels() {
        var m = ImmediateMarket()
        m.quoter.setMaxOrders(buy: 2, sell: 4)
        m.quote(bid: 100, ask: 101)
        #expect(m.quoter.prices(.buy) == [100, 99] && m.quoter.prices(.sell) == [101, 102, 103, 104])
        // The cap on asks falls to 1: the three farthest asks are canceled, none is added.
        m.quoter.setMaxOrders(buy: 2, sell: 1)
        let intents = m.quote(bid: 100, ask: 101)
        #expect(intents.allSatisfy { if case .cancel = $0 { true } else { false } } && intents.count == 3, "\(intents)")
        #expect(m.quoter.prices(.sell) == [101])
        // No cap: the ladders fill up again; a cap of 0 takes a side off the market.
        m.quoter.setMaxOrders(buy: .max, sell: 0)
        m.quote(bid: 100, ask: 101)
        #expect(m.quoter.prices(.buy) == [100, 99, 98, 97, 96] && m.quoter.prices(.sell).isEmpty)
    }
}
