import Market
import Synchronization
import Testing
@testable import Risk

/// This engine's share of the firm's limits, in the policy and in the gate.
@Suite struct FirmLimitPolicyTests {
    static func c(position: Int64 = 0, buys: Int64 = 0, sells: Int64 = 0, lots: Double = .infinity,
                  groupValue: Double = .infinity, groupOther: Double = 0) -> RiskContext {
        context {
            $0.exposure = InstrumentExposure(position: position, openBuyOrders: buys > 0 ? 1 : 0, openSellOrders: sells > 0 ? 1 : 0,
                                             openBuyQuantity: buys, openSellQuantity: sells)
            $0.firmLots = lots
            $0.firmGroupValue = groupValue
            $0.groupOther = groupOther
        }
    }

    static func buy(_ lots: Int64) -> RiskOrder { .limit(.buy, price: 999, quantity: lots) }
    static func sell(_ lots: Int64) -> RiskOrder { .limit(.sell, price: 1_001, quantity: lots) }

    /// A share of 10 lots: long 4 with 3 bought open, 3 more fit (worst case 10), 4 do not; the
    /// sell side's worst case counts too (short 2 with 8 sells open: 10, no buy adds to it).
    @Test func theWorstCaseStaysWithinTheShare() {
        let policy = FirmLimitPolicy()
        #expect(policy.evaluate(Self.buy(3), in: Self.c(position: 4, buys: 3, lots: 10)) == .pass)
        #expect(policy.evaluate(Self.buy(4), in: Self.c(position: 4, buys: 3, lots: 10)) == .deny(.firmLimit))
        // Short 2 with 8 sells open: the sell side's worst case is 10. A buy of 1 reduces the
        // buy side's (|-1| < |-2|) and passes under any share; a buy of 7 makes it 5, within 10
        // overall; a buy of 5 makes it 3, but the instrument's worst case, 10, is above 9.
        #expect(policy.evaluate(Self.buy(1), in: Self.c(position: -2, sells: 8, lots: 0)) == .pass)
        #expect(policy.evaluate(Self.buy(7), in: Self.c(position: -2, sells: 8, lots: 10)) == .pass)
        #expect(policy.evaluate(Self.buy(5), in: Self.c(position: -2, sells: 8, lots: 9)) == .deny(.firmLimit))
        // No limit at all: anything passes.
        #expect(policy.evaluate(Self.buy(1_000_000), in: Self.c()) == .pass)
    }

    /// With no share (a lease that ended: 0), an order that reduces its side's worst case still
    /// passes; one that adds does not, even a single lot from flat.
    @Test func withoutAShareOnlyReducing() {
        let policy = FirmLimitPolicy()
        #expect(policy.evaluate(Self.sell(5), in: Self.c(position: 20, lots: 0)) == .pass)
        #expect(policy.evaluate(Self.buy(1), in: Self.c(position: 20, lots: 0)) == .deny(.firmLimit))
        #expect(policy.evaluate(Self.buy(1), in: Self.c(lots: 0)) == .deny(.firmLimit))
        // A replace that shrinks an open buy passes; one that grows it does not.
        let shrink = RiskOrder(instrument: 0, side: .buy, kind: .limit, price: 999, quantity: 2, replacing: .init(price: 999, quantity: 5))
        let grow = RiskOrder(instrument: 0, side: .buy, kind: .limit, price: 999, quantity: 6, replacing: .init(price: 999, quantity: 5))
        #expect(policy.evaluate(shrink, in: Self.c(position: 3, buys: 5, lots: 0)) == .pass)
        #expect(policy.evaluate(grow, in: Self.c(position: 3, buys: 5, lots: 0)) == .deny(.firmLimit))
    }

    /// A group's share of 30,000 with 20,000 in its other instruments (a lot worth 1,000): 10
    /// lots fit, 11 do not; a NaN elsewhere fails closed.
    @Test func theGroupsShare() {
        let policy = FirmLimitPolicy()
        #expect(policy.evaluate(Self.buy(10), in: Self.c(groupValue: 30_000, groupOther: 20_000)) == .pass)
        #expect(policy.evaluate(Self.buy(11), in: Self.c(groupValue: 30_000, groupOther: 20_000)) == .deny(.firmGroupLimit))
        #expect(policy.evaluate(Self.buy(1), in: Self.c(groupValue: 30_000, groupOther: .nan)) == .deny(.calculationFailed))
    }

    /// A share that moves while the gate runs (a lease renewed, or ended).
    final class Shares: FirmAllowance {
        let instrument = Atomic<Int64>(0)
        let group = Atomic<Int64>(0)
        init(lots: Int64, value: Int64 = .max) {
            instrument.store(lots, ordering: .relaxed)
            group.store(value, ordering: .relaxed)
        }
        func lots(instrument index: Int) -> Int64 { index == 0 ? instrument.load(ordering: .relaxed) : .max }
        func value(group index: Int) -> Double {
            let v = group.load(ordering: .relaxed)
            return v == .max ? .infinity : Double(v)
        }
    }

    /// The gate asks the allowance at each check: open orders count from approval, so a burst
    /// stops at the share; when the share drops to 0 the ladder's sides shrink to the reducing
    /// one, and a renewed share lets it add again.
    @Test func theGateFollowsTheShare() {
        let shares = Shares(lots: 5)
        var gate = RiskGate(instruments: [RiskInstrument(symbol: "AAA", valuePerTickLot: 1)])
        gate.firmAllowance = shares
        gate.setReference(instrument: 0, price: 1_000)
        gate.setEquity(1_000_000)
        for _ in 0..<5 { #expect(gate.check(Self.buy(1), at: 0) == .approved) }
        #expect(gate.check(Self.buy(1), at: 0) == .denied(.firmLimit))
        #expect(gate.check(Self.sell(5), at: 0) == .approved)
        #expect(gate.check(Self.sell(1), at: 0) == .denied(.firmLimit))
        #expect(gate.quoteSides(instrument: 0) == .both)
        // Five bought: long 5, the sells still open. The lease ends.
        for _ in 0..<5 { gate.recordFill(instrument: 0, side: .buy, quantity: 1, orderDone: true) }
        shares.instrument.store(0, ordering: .relaxed)
        #expect(gate.quoteSides(instrument: 0) == .askOnly)
        #expect(gate.check(Self.buy(1), at: 0) == .denied(.firmLimit))
        // Renewed with 8: above the position, both sides again.
        shares.instrument.store(8, ordering: .relaxed)
        #expect(gate.quoteSides(instrument: 0) == .both)
        #expect(gate.check(Self.buy(3), at: 0) == .approved)
        #expect(gate.denials(.firmLimit) == 3)
    }

    /// Groups: the gate passes its group's share and sums the group's other instruments.
    @Test func theGateChecksTheGroupsShare() {
        let shares = Shares(lots: .max, value: 15_000)
        var gate = RiskGate(instruments: [
            RiskInstrument(symbol: "AAA", valuePerTickLot: 1, group: 0),
            RiskInstrument(symbol: "BBB", valuePerTickLot: 1, group: 0),
        ], configuration: .init(groups: [RiskGroup(name: "pair")]))
        gate.firmAllowance = shares
        for i in 0..<2 { gate.setReference(instrument: i, price: 1_000) }
        gate.setEquity(1_000_000)
        #expect(gate.check(RiskOrder(instrument: 1, side: .buy, kind: .limit, price: 999, quantity: 10), at: 0) == .approved)
        #expect(gate.check(Self.buy(5), at: 0) == .approved)
        #expect(gate.check(Self.buy(1), at: 0) == .denied(.firmGroupLimit))
    }
}
