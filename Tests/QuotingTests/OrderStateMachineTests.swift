import Market
import FIXTestSupport
import Testing
@testable import Quoting

/// The per-order state machine when the venue's reports cross the quoter's requests.
struct OrderStateMachineTests {
    /// A quoter with one working bid at 100 (asks off), `quantity` lots.
    static func oneBid(quantity: Int64 = 1) -> (LadderQuoter, OrderKey) {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 1, quantity: quantity))
        #expect(q.setSides(buy: true, sell: false).isEmpty)
        let intents = q.update(bestBid: 100, bestAsk: 102, now: 0)
        #expect(intents == [.new(OrderKey(1), side: .buy, price: 100, quantity: quantity)])
        #expect(q.apply(.accepted(OrderKey(1))).isEmpty)
        #expect(q.orders.first?.state == .working)
        return (q, OrderKey(1))
    }

    /// `oneBid`, then the market rises a tick: the bid's replace to 101 is in flight.
    static func bidWithReplaceInFlight(quantity: Int64 = 1) -> (LadderQuoter, old: OrderKey, new: OrderKey) {
        var (q, key) = oneBid(quantity: quantity)
        let intents = q.update(bestBid: 101, bestAsk: 103, now: 1)
        #expect(intents == [.replace(key, newKey: OrderKey(2), side: .buy, price: 101, quantity: quantity,
                                     from: .init(price: 100, leaves: quantity))])
        #expect(q.orders.first?.state == .pendingReplace(newKey: OrderKey(2), price: 101, quantity: quantity))
        #expect(q.counts.pendingReplace == 1)
        return (q, key, OrderKey(2))
    }

    @Test func partialFillOnOldKeyWhileReplacePending() {
        var (q, old, new) = Self.bidWithReplaceInFlight(quantity: 2)
        #expect(q.apply(.fill(old, price: 100, quantity: 1, leaves: 1)).isEmpty)
        var o = q.orders[0]
        #expect(o.state == .pendingReplace(newKey: new, price: 101, quantity: 2))
        #expect(o.key == old && o.price == 100 && o.cumQuantity == 1 && o.leaves == 1)
        // The venue applies the replace to what is left: total 2, 1 filled, 1 open.
        #expect(q.apply(.replaced(new, price: 101, quantity: 2, leaves: 1)).isEmpty)
        o = q.orders[0]
        #expect(o.state == .working && o.key == new && o.price == 101 && o.cumQuantity == 1 && o.leaves == 1)
        #expect(q.counts.partiallyFilled == 1)
        // A partly filled order at a target price stays as it is.
        #expect(q.update(bestBid: 101, bestAsk: 103, now: 2).isEmpty)
    }

    @Test func fillCompletingOrderWhoseReplaceIsPending() {
        var (q, old, new) = Self.bidWithReplaceInFlight()
        #expect(q.apply(.fill(old, price: 100, quantity: 1, leaves: 0)).isEmpty)
        #expect(q.orders.isEmpty)
        #expect(q.counts.filled == 1)
        // The venue refuses the replace of an order it has filled: nothing left to apply it to.
        #expect(q.apply(.replaceRejected(new)).isEmpty)
        #expect(q.statistics.unknownUpdates == 1)
        // The study's refill at the next update.
        #expect(q.update(bestBid: 101, bestAsk: 103, now: 2) == [.new(OrderKey(3), side: .buy, price: 101, quantity: 1)])
    }

    @Test func replaceRejectedReturnsOrderToWorkingAtOldPrice() {
        var (q, old, new) = Self.bidWithReplaceInFlight()
        #expect(q.apply(.replaceRejected(new)).isEmpty)
        let o = q.orders[0]
        #expect(o.state == .working && o.key == old && o.price == 100)
        // The next update tries again, under a fresh key.
        #expect(q.update(bestBid: 101, bestAsk: 103, now: 2)
                == [.replace(old, newKey: OrderKey(3), side: .buy, price: 101, quantity: 1, from: .init(price: 100, leaves: 1))])
        // A late answer to the first replace no longer applies.
        #expect(q.apply(.replaced(new, price: 101, quantity: 1, leaves: 1)).isEmpty)
        #expect(q.statistics.unknownUpdates == 1)
    }

    @Test func venueCancelsWorkingOrderOnItsOwn() {
        var (q, key) = Self.oneBid()
        #expect(q.apply(.canceled(key)).isEmpty)
        #expect(q.orders.isEmpty)
        #expect(q.counts.canceled == 1)
        #expect(q.update(bestBid: 100, bestAsk: 102, now: 1) == [.new(OrderKey(2), side: .buy, price: 100, quantity: 1)])
    }

    @Test func venueCancelsOrderWhoseReplaceIsPending() {
        var (q, old, new) = Self.bidWithReplaceInFlight()
        #expect(q.apply(.canceled(old)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.canceled == 1)
        #expect(q.apply(.replaceRejected(new)).isEmpty)
        #expect(q.statistics.unknownUpdates == 1)
    }

    /// The venue applied the replace, then canceled the order (self-trade prevention) before the
    /// Replaced report reached us: the cancel names the replacement's key.
    @Test func venueCancelsReplacedOrderBeforeReplacedReport() {
        var (q, _, new) = Self.bidWithReplaceInFlight()
        #expect(q.apply(.canceled(new)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.canceled == 1)
        #expect(q.apply(.replaced(new, price: 101, quantity: 1, leaves: 1)).isEmpty)
        #expect(q.statistics.unknownUpdates == 1)
    }

    @Test func rejectedNewOrderLeavesAndIsSentAgain() {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 1))
        let intents = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(intents.count == 2)
        #expect(q.apply(.rejected(OrderKey(1))).isEmpty)
        #expect(q.counts.rejected == 1)
        #expect(q.counts.pendingNew == 1)
        #expect(q.tracker.liveCount(.buy) == 0)
        // A reject for an order that was accepted is late and changes nothing.
        #expect(q.apply(.accepted(OrderKey(2))).isEmpty)
        #expect(q.apply(.rejected(OrderKey(2))).isEmpty)
        #expect(q.statistics.staleUpdates == 1)
        #expect(q.update(bestBid: 100, bestAsk: 101, now: 1) == [.new(OrderKey(3), side: .buy, price: 100, quantity: 1)])
    }

    @Test func fillOnReplacementKeyBeforeReplacedReport() {
        var (q, _, new) = Self.bidWithReplaceInFlight(quantity: 2)
        // The venue moved the order, which then traded; the Replaced report is still on its way.
        #expect(q.apply(.fill(new, price: 101, quantity: 1, leaves: 1)).isEmpty)
        let o = q.orders[0]
        #expect(o.state == .working && o.key == new && o.price == 101 && o.quantity == 2 && o.leaves == 1)
        #expect(q.apply(.replaced(new, price: 101, quantity: 2, leaves: 2)).isEmpty)
        #expect(q.statistics.staleUpdates == 1)
        #expect(q.orders[0].leaves == 1)
        #expect(q.apply(.fill(new, price: 101, quantity: 1, leaves: 0)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.filled == 1)
    }

    @Test func fillBeforeAcceptance() {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 1, quantity: 3))
        _ = q.setSides(buy: true, sell: false)
        _ = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(q.apply(.fill(OrderKey(1), price: 100, quantity: 1, leaves: 2)).isEmpty)
        #expect(q.orders[0].state == .working && q.orders[0].cumQuantity == 1)
        #expect(q.apply(.accepted(OrderKey(1))).isEmpty)
        #expect(q.statistics.staleUpdates == 1)
        #expect(q.orders[0].state == .working)
    }

    @Test func cancelCrossingAFill() {
        var (q, key) = Self.oneBid()
        let cancel = q.setSides(buy: false, sell: false)
        #expect(cancel == [.cancel(key, newKey: OrderKey(2), side: .buy)])
        #expect(q.counts.pendingCancel == 1)
        // The order traded before the venue saw the cancel: fill, then a cancel reject.
        #expect(q.apply(.fill(key, price: 100, quantity: 1, leaves: 0)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.filled == 1)
        #expect(q.apply(.cancelRejected(OrderKey(2))).isEmpty)
        #expect(q.statistics.unknownUpdates == 1)
    }

    @Test func cancelRejectedReturnsToWorkingAndIsRetried() {
        var (q, key) = Self.oneBid()
        _ = q.setSides(buy: false, sell: false)
        #expect(q.apply(.cancelRejected(OrderKey(2))).isEmpty)
        #expect(q.orders[0].state == .working)
        // The side is still off: the next update cancels again.
        #expect(q.update(bestBid: 100, bestAsk: 102, now: 1) == [.cancel(key, newKey: OrderKey(3), side: .buy)])
        #expect(q.apply(.canceled(OrderKey(3), origKey: key)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.canceled == 1)
    }

    @Test func cancelOwedToPendingNewGoesOutOnAcceptance() {
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: 1))
        _ = q.update(bestBid: 100, bestAsk: 101, now: 0)
        #expect(q.setSides(buy: false, sell: true).isEmpty)
        #expect(q.orders.first { $0.side == .buy }?.cancelOwed == true)
        #expect(q.apply(.accepted(OrderKey(2))).isEmpty)  // the ask: nothing owed
        #expect(q.apply(.accepted(OrderKey(1))) == [.cancel(OrderKey(1), newKey: OrderKey(3), side: .buy)])
        #expect(q.apply(.canceled(OrderKey(3), origKey: OrderKey(1))).isEmpty)
        #expect(q.tracker.liveCount(.buy) == 0)
    }

    @Test func cancelOwedToPendingReplaceGoesOutOnItsAnswer() {
        var (q, old, new) = Self.bidWithReplaceInFlight()
        #expect(q.cancelAll().isEmpty)
        #expect(q.apply(.replaced(new, price: 101, quantity: 1, leaves: 1)) == [.cancel(new, newKey: OrderKey(3), side: .buy)])

        var (r, rOld, rNew) = Self.bidWithReplaceInFlight()
        _ = r.cancelAll()
        #expect(r.apply(.replaceRejected(rNew)) == [.cancel(rOld, newKey: OrderKey(3), side: .buy)])
        _ = old
    }

    @Test func cancelOwedIsMootWhenTheOrderFills() {
        var (q, old, _) = Self.bidWithReplaceInFlight()
        _ = q.setSides(buy: false, sell: false)
        #expect(q.apply(.fill(old, price: 100, quantity: 1, leaves: 0)).isEmpty)
        #expect(q.orders.isEmpty)
    }

    @Test func unknownKeysAreIgnoredAndCounted() {
        var (q, key) = Self.oneBid()
        let before = q.orders
        #expect(q.apply(.fill(OrderKey(999), price: 1, quantity: 1, leaves: 0)).isEmpty)
        #expect(q.apply(.canceled(OrderKey(998), origKey: OrderKey(997))).isEmpty)
        #expect(q.apply(.replaced(OrderKey(996), price: 5, quantity: 1, leaves: 1)).isEmpty)
        #expect(q.apply(.accepted(key)).isEmpty)  // duplicate: stale
        #expect(q.orders == before)
        #expect(q.statistics.unknownUpdates == 3)
        #expect(q.statistics.staleUpdates == 1)
    }

    @Test func cancelNamingOnlyTheOriginalKeyStillEndsTheOrder() {
        var (q, key) = Self.oneBid()
        #expect(q.apply(.canceled(OrderKey(555), origKey: key)).isEmpty)
        #expect(q.orders.isEmpty && q.counts.canceled == 1)
    }

    // MARK: - Out-of-order delivery

    /// A venue that handles requests in order at once, but whose reports reach the quoter after
    /// random delays, in any order; the venue also cancels orders and refuses new ones on its own
    /// now and then, and risk pulls sides. The invariants hold at every step, at the quoter and
    /// at the venue; once everything is delivered the quoter and the venue agree and the ladder
    /// is complete.
    @Test(arguments: [31, 32, 33, 34, 35, 36] as [UInt64])
    func reportsDeliveredOutOfOrderKeepInvariants(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let levels = 5
        var q = LadderQuoter(configuration: QuoteConfiguration(levels: levels))
        var venue = SimulatedVenue()
        var inFlight: [OrderUpdate] = []
        var last: Int64 = 1_000
        var bid: Int64 = 999
        var ask: Int64 = 1_001
        var now: Int64 = 0
        var rejectNew = false

        func send(_ intents: [QuoteIntent]) {
            LadderInvariants.checkSent(intents, q, "seed \(seed)")
            for i in intents {
                if rejectNew, case let .new(key, _, _, _) = i {
                    inFlight.append(.rejected(key))
                } else {
                    venue.handle(i, into: &inFlight)
                }
            }
        }

        for step in 0..<6_000 {
            now += 1_000
            switch rng.below(20) {
            case 0...5:
                last += Int64(rng.below(5) - 2)
                venue.trade(at: last, into: &inFlight)
                bid = last - Int64(1 + rng.below(2))
                ask = last + Int64(1 + rng.below(2))
                send(q.update(bestBid: bid, bestAsk: ask, now: now))
            case 6...13:
                for _ in 0..<(1 + rng.below(3)) where !inFlight.isEmpty {
                    let report = inFlight.remove(at: rng.below(inFlight.count))
                    send(q.apply(report))
                }
            case 14...16:
                send(q.update(bestBid: bid, bestAsk: ask, now: now))
            case 17:
                if !venue.orders.isEmpty {
                    venue.cancelOnItsOwn(venue.orders[rng.below(venue.orders.count)].key, into: &inFlight)
                }
            case 18:
                rejectNew = rng.below(3) == 0
            default:
                if rng.below(4) == 0 {
                    send(q.setSides(buy: rng.below(3) != 0, sell: rng.below(3) != 0))
                } else if rng.below(6) == 0 {
                    send(q.cancelAll())
                }
            }
            guard LadderInvariants.check(q, levels: levels, ownCross: false, "seed \(seed) step \(step)") else { return }
            #expect(venue.selfCrosses == 0, "step \(step)")
            for side in [Side.buy, .sell] {
                #expect(venue.orders.filter { $0.side == side }.count <= levels)
            }
            // The venue's orders are all known to the quoter (by some key of theirs).
            for o in venue.orders { #expect(q.tracker.find(o.key) != nil, "step \(step): venue order \(o.key) unknown") }
        }

        // Drain: quoting on, nothing refused, every report delivered.
        rejectNew = false
        send(q.setSides(buy: true, sell: true))
        var quiet = false
        for _ in 0..<50 where !quiet {
            while !inFlight.isEmpty {
                send(q.apply(inFlight.remove(at: rng.below(inFlight.count))))
            }
            now += 1_000
            let intents = q.update(bestBid: bid, bestAsk: ask, now: now)
            send(intents)
            quiet = intents.isEmpty && inFlight.isEmpty
        }
        #expect(quiet)
        #expect(q.orders.allSatisfy { $0.state == .working })
        let quoted = Set(q.orders.map { "\($0.key) \($0.side) \($0.price)" })
        let resting = Set(venue.orders.map { "\($0.key) \($0.side) \($0.price)" })
        #expect(quoted == resting)
        for side in [Side.buy, .sell] {
            #expect(q.prices(side) == LadderInvariants.targets(side, bid: bid, ask: ask, levels: levels, offset: 0))
        }
        // The run went through the crossings this test is about.
        #expect(q.statistics.staleUpdates + q.statistics.unknownUpdates > 10)
        #expect(q.counts.filled > 100 && q.counts.canceled > 10 && q.counts.rejected > 10)
    }
}
