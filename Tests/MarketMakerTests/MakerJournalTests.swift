@testable import MakerCore
import Market
import Foundation
import Testing
import FIXSessionCore
import Quoting
import Risk
/// The market maker's journal: after any sequence of market moves and venue reports, the state
/// read back from the journal is the market maker's own; a market maker restored from it goes on
/// as the original would.
@Suite struct MakerJournalTests {
    static let instrument = Instrument(symbol: "TEST", tickSize: DecimalStep(units: 1, scale: 2), lotSize: DecimalStep(units: 1, scale: 0))

    static func configuration(stop: Int64 = 4) -> MarketMakerConfiguration {
        MarketMakerConfiguration(instrument: instrument, quote: QuoteConfiguration(levels: 3, quantity: 2),
                                 stop: .init(limit: stop), fees: FeeSchedule(maker: .perLot(100), taker: .perLot(300)))
    }

    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("maker-journal-\(UUID().uuidString)/MAKER.maker").path
    }

    /// The state with its order lists in key order (the fold's order).
    static func normalized(_ s: MakerState) -> MakerState {
        var s = s
        s.ladder.sort { $0.key < $1.key }
        s.flattening.sort { $0.key < $1.key }
        return s
    }

    /// Compares all but the next keys, which the journal may only bound from below.
    static func expectSame(_ read: MakerState, _ live: MakerState, _ note: Comment) {
        var a = normalized(read), b = normalized(live)
        #expect(a.nextKey <= b.nextKey, note)
        #expect(a.nextFlattenKey <= b.nextFlattenKey, note)
        #expect(a.ladder.allSatisfy { $0.key < a.nextKey }, note)
        a.nextKey = b.nextKey
        a.nextFlattenKey = b.nextFlattenKey
        #expect(a == b, note)
    }

    /// A venue that answers in random ways: accepts or rejects, fills in parts, replaces,
    /// cancels, refuses replaces and cancels, in any order.
    struct RandomVenue {
        var rng: SystemRandomNumberGenerator
        var pending: [ExecutionUpdate] = []

        mutating func take(_ commands: [VenueCommand], bestBid: Int64, bestAsk: Int64) {
            for c in commands {
                switch c {
                case let .new(key, side, kind, _, price, quantity):
                    let roll = Int.random(in: 0..<10, using: &rng)
                    if roll == 0 {
                        pending.append(.rejected(key, code: 99))
                    } else if kind == .market || roll < 3 {
                        let q = kind == .market ? quantity : Int64.random(in: 1...quantity, using: &rng)
                        let px = kind == .market ? (side == .buy ? bestAsk : bestBid) : price
                        pending.append(.accepted(key))
                        pending.append(.fill(key, price: px, quantity: q, leaves: quantity - q, fee: nil))
                        if kind == .market, q < quantity { pending.append(.canceled(key, origKey: nil, leaves: quantity - q)) }
                    } else {
                        pending.append(.accepted(key))
                    }
                case let .replace(key, newKey, _, price, quantity):
                    if Int.random(in: 0..<6, using: &rng) == 0 {
                        pending.append(.replaceRejected(newKey))
                    } else {
                        pending.append(.replaced(newKey: newKey, origKey: key, price: price, quantity: quantity, leaves: quantity))
                    }
                case let .cancel(key, newKey, _):
                    if Int.random(in: 0..<8, using: &rng) == 0 {
                        pending.append(.cancelRejected(newKey))
                    } else {
                        pending.append(.canceled(newKey, origKey: key, leaves: 1))
                    }
                }
            }
        }
    }

    @Test func theJournalHoldsTheMarketMakersStateAfterEveryEvent() throws {
        let path = Self.path()
        var opened = try MakerJournal.open(path: path, instrument: Self.instrument, sync: .never)
        #expect(opened.state == nil)
        var maker = MarketMaker(configuration: Self.configuration(), firstKey: OrderKey(1_000))
        maker.recordsChanges = true
        var venue = RandomVenue(rng: SystemRandomNumberGenerator())
        var mid: Int64 = 10_000
        var commands: [VenueCommand] = []
        var now: Int64 = 1_700_000_000_000_000_000
        for step in 0..<12_000 {
            now += 250_000_000
            commands.removeAll()
            if venue.pending.isEmpty || Bool.random() {
                mid += Int64.random(in: -2...2)
                maker.marketChanged(bestBid: mid - 1, bestAsk: mid + 1, now: now, into: &commands)
            } else {
                let i = Int.random(in: 0..<venue.pending.count)
                // Reports of one order stay in order; different orders' reports interleave.
                let update = venue.pending.remove(at: i < 3 ? 0 : Int.random(in: 0...min(i, 2)))
                maker.execution(update, now: now, into: &commands)
            }
            // Fills of working orders, now and then, at their price.
            if step % 7 == 0, let o = maker.quoter.orders.first(where: { $0.state == .working }) {
                venue.pending.append(.fill(o.key, price: o.price, quantity: 1, leaves: o.leaves - 1, fee: nil))
            }
            if step % 3_000 == 1_500 { maker.engageKillSwitch(now: now, into: &commands) }
            if step % 3_000 == 1_700 { maker.resetKillSwitch() }
            venue.take(commands, bestBid: mid - 1, bestAsk: mid + 1)
            opened.journal.record(&maker)
            try opened.journal.flush()
            if step % 250 == 249 {
                opened.journal.journal.close()
                opened = try MakerJournal.open(path: path, instrument: Self.instrument, sync: .never)
                let read = try #require(opened.state)
                Self.expectSame(read, maker.state, "step \(step)")
            }
        }
        #expect(maker.positions.fills > 50)
        #expect(maker.statistics.flattenOrders > 0, "the stop never tripped: the test did not cover flattening")
        opened.journal.journal.close()
    }

    @Test func aRestoredMarketMakerGoesOnAsTheOriginal() throws {
        var maker = MarketMaker(configuration: Self.configuration(stop: 100), firstKey: OrderKey(1))
        var commands: [VenueCommand] = []
        maker.marketChanged(bestBid: 999, bestAsk: 1_001, now: 1, into: &commands)
        for c in commands {
            if case let .new(key, _, _, _, _, _) = c { maker.execution(.accepted(key), now: 2, into: &commands) }
        }
        let bid = try #require(maker.quoter.orders(.buy).first)
        commands.removeAll()
        maker.execution(.fill(bid.key, price: bid.price, quantity: 2, leaves: 0, fee: nil), now: 3, into: &commands)
        var restored = MarketMaker(configuration: Self.configuration(stop: 100), restoring: maker.state, firstKey: OrderKey(1))
        #expect(Self.normalized(restored.state) == Self.normalized(maker.state))
        // Both answer the same market the same way.
        var a: [VenueCommand] = [], b: [VenueCommand] = []
        maker.marketChanged(bestBid: 998, bestAsk: 1_000, now: 4, into: &a)
        restored.marketChanged(bestBid: 998, bestAsk: 1_000, now: 4, into: &b)
        #expect(a == b)
        #expect(!a.isEmpty)
        #expect(restored.positions.position == 2)
    }

    @Test func aRestoredStopStaysTrippedInsideItsHysteresis() throws {
        var maker = MarketMaker(configuration: Self.configuration(stop: 4), firstKey: OrderKey(1))
        var commands: [VenueCommand] = []
        maker.marketChanged(bestBid: 999, bestAsk: 1_001, now: 1, into: &commands)
        for c in commands {
            if case let .new(key, _, _, _, _, _) = c { maker.execution(.accepted(key), now: 2, into: &commands) }
        }
        let bids = maker.quoter.orders(.buy)
        commands.removeAll()
        for o in bids.prefix(2) { maker.execution(.fill(o.key, price: o.price, quantity: 2, leaves: 0, fee: nil), now: 3, into: &commands) }
        #expect(maker.gate.stops[0].isStopped)
        let state = maker.state
        #expect(state.stop.direction == 1)
        // Position 3 after part of the flattening: inside the hysteresis (restart at 2).
        var restored = MarketMaker(configuration: Self.configuration(stop: 4), restoring: state)
        #expect(restored.gate.stops[0].isStopped)
        var out: [VenueCommand] = []
        restored.applyRiskSides(now: 4, into: &out)
        #expect(!restored.quoter.isEnabled(.buy), "the adding side stays off after a restart")
        #expect(restored.quoter.isEnabled(.sell))
    }

    @Test func aJournalOfAnotherInstrumentIsRefused() throws {
        let path = Self.path()
        try MakerJournal.open(path: path, instrument: Self.instrument, sync: .never).journal.journal.close()
        let other = Instrument(symbol: "OTHER", tickSize: DecimalStep(units: 1, scale: 2), lotSize: DecimalStep(units: 1, scale: 0))
        #expect { _ = try MakerJournal.open(path: path, instrument: other, sync: .never) } throws: { "\($0)".contains("of TEST, not OTHER") }
    }

    @Test func theNextKeysSurviveAJournalWithNoOrderLeft() throws {
        let path = Self.path()
        var maker = MarketMaker(configuration: Self.configuration(), firstKey: OrderKey(500))
        maker.recordsChanges = true
        let opened = try MakerJournal.open(path: path, instrument: Self.instrument, sync: .never)
        var commands: [VenueCommand] = []
        maker.marketChanged(bestBid: 999, bestAsk: 1_001, now: 1, into: &commands)
        for c in commands {
            if case let .new(key, _, _, _, _, _) = c { maker.execution(.rejected(key, code: 99), now: 2, into: &commands) }
        }
        opened.journal.record(&maker)
        try opened.journal.flush()
        #expect(maker.quoter.orders.isEmpty)
        try opened.journal.compact(maker.state)
        opened.journal.journal.close()
        let again = try MakerJournal.open(path: path, instrument: Self.instrument, sync: .never)
        let state = try #require(again.state)
        #expect(state.nextKey.rawValue >= 506)
        again.journal.journal.close()
    }
}
