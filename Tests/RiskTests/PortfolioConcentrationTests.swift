import Market
import Testing
@testable import Risk

/// Concentration across instruments: the share of one instrument, and of one group, in the
/// account's gross exposure and net value (one lot worth 1,000 in the policy cases).
@Suite struct PortfolioConcentrationTests {
    static func c(position: Int64 = 0, otherGross: Double = 0, grossShare: Double = .infinity, group: RiskGroup? = nil,
                  groupOther: Double = 0) -> RiskContext {
        context {
            $0.equity = 100_000
            $0.exposure = InstrumentExposure(position: position)
            $0.otherGross = otherGross
            $0.limits.maxGrossShare = grossShare
            $0.group = group
            $0.groupOther = groupOther
        }
    }

    static func buy(_ lots: Int64) -> RiskOrder { .limit(.buy, price: 999, quantity: lots) }

    /// A share of gross of 50%: with 10,000 elsewhere, 5 lots held, 5 more make 10,000 of
    /// 20,000 (passes), 6 more 11,000 of 21,000 (52%, denied).
    @Test func shareOfGrossExposure() {
        let policy = ConcentrationPolicy()
        #expect(policy.evaluate(Self.buy(5), in: Self.c(position: 5, otherGross: 10_000, grossShare: 0.5)) == .pass)
        #expect(policy.evaluate(Self.buy(6), in: Self.c(position: 5, otherGross: 10_000, grossShare: 0.5)) == .deny(.concentrationLimit))
        // Under the floor (10% of equity: 10,000 of gross) the share is not checked: a first
        // position of 5 lots is all of a gross of 5,000.
        #expect(policy.evaluate(Self.buy(5), in: Self.c(grossShare: 0.5)) == .pass)
        // At the floor it is: 10 lots are 100% of a gross of 10,000.
        #expect(policy.evaluate(Self.buy(10), in: Self.c(grossShare: 0.5)) == .deny(.concentrationLimit))
        // A reducing order passes whatever the share.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 1), in: Self.c(position: 50, grossShare: 0.5)) == .pass)
    }

    /// A group limited to 30% of equity (30,000) with 20,000 in its other instruments: 10 lots
    /// more fit, 11 do not; to 60% of gross with 40,000 of gross elsewhere: 30,000 of 50,000
    /// fits, 31,000 of 51,000 does not.
    @Test func groupLimits() {
        let policy = ConcentrationPolicy()
        let ofEquity = RiskGroup(name: "crypto", maxConcentration: 0.3)
        #expect(policy.evaluate(Self.buy(10), in: Self.c(group: ofEquity, groupOther: 20_000)) == .pass)
        #expect(policy.evaluate(Self.buy(11), in: Self.c(group: ofEquity, groupOther: 20_000)) == .deny(.groupConcentrationLimit))
        let ofGross = RiskGroup(name: "crypto", maxGrossShare: 0.6)
        #expect(policy.evaluate(Self.buy(10), in: Self.c(otherGross: 40_000, group: ofGross, groupOther: 20_000)) == .pass)
        #expect(policy.evaluate(Self.buy(11), in: Self.c(otherGross: 40_000, group: ofGross, groupOther: 20_000))
                == .deny(.groupConcentrationLimit))
        // Reducing passes above the group's limit.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 1), in: Self.c(position: 40, group: ofEquity, groupOther: 20_000))
                == .pass)
        // The instrument's own limit is checked first.
        var both = Self.c(group: ofEquity, groupOther: 20_000)
        both.limits.maxConcentration = 0.05
        #expect(policy.evaluate(Self.buy(6), in: both) == .deny(.concentrationLimit))
    }

    /// Exposure elsewhere that cannot be valued fails closed, a reducing order included.
    @Test func unvaluedExposureFailsClosed() {
        let policy = ConcentrationPolicy()
        #expect(policy.evaluate(Self.buy(1), in: Self.c(otherGross: .nan)) == .deny(.calculationFailed))
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 1), in: Self.c(position: 5, otherGross: .nan))
                == .deny(.calculationFailed))
        #expect(policy.evaluate(Self.buy(1), in: Self.c(group: RiskGroup(name: "g"), groupOther: .nan)) == .deny(.calculationFailed))
        // A NaN limit denies.
        #expect(policy.evaluate(Self.buy(1), in: Self.c(group: RiskGroup(name: "g", maxConcentration: .nan))) == .deny(.groupConcentrationLimit))
    }

    /// The gate sums the other instruments' worst cases (open orders included) into the gross
    /// and the group's share: AAA and BBB in one group limited to 30% of equity and 75% of
    /// gross, CCC outside it, at most 45% of gross; equity 100,000, a lot worth 1,000.
    @Test func theGateSumsTheOtherInstruments() {
        let group = RiskGroup(name: "pair", maxConcentration: 0.3, maxGrossShare: 0.75)
        var gate = RiskGate(instruments: [
            RiskInstrument(symbol: "AAA", valuePerTickLot: 1, group: 0),
            RiskInstrument(symbol: "BBB", valuePerTickLot: 1, group: 0),
            RiskInstrument(symbol: "CCC", valuePerTickLot: 1, limits: RiskLimits(maxGrossShare: 0.45)),
        ], configuration: .init(groups: [group]))
        for i in 0..<3 { gate.setReference(instrument: i, price: 1_000) }
        gate.setEquity(100_000)
        _ = gate.setPosition(instrument: 0, position: 12)
        _ = gate.setPosition(instrument: 2, position: 20)
        func buy(_ instrument: Int, _ lots: Int64) -> RiskOrder {
            RiskOrder(instrument: instrument, side: .buy, kind: .limit, price: 999, quantity: lots)
        }
        // 8 lots of BBB: the group 20,000 (20% of equity) of a gross of 40,000 (50%).
        #expect(gate.check(buy(1, 8), at: 0) == .approved)
        // BBB's open buys count as filled: the group holds 20,000, the gross 40,000.
        let context = gate.context(for: buy(0, 1), at: 0)
        #expect(context.groupOther == 8_000 && context.otherGross == 28_000)
        // 10 more: 30,000 (30%) of 50,000 (60%); one more is 31% of equity.
        #expect(gate.check(buy(1, 10), at: 0) == .approved)
        #expect(gate.check(buy(1, 1), at: 0) == .denied(.groupConcentrationLimit))
        #expect(gate.check(buy(0, 1), at: 0) == .denied(.groupConcentrationLimit))
        // CCC: 24,000 of 54,000 is 44%, 25,000 of 55,000 is 45.5%.
        #expect(gate.check(buy(2, 5), at: 0) == .denied(.concentrationLimit))
        #expect(gate.check(buy(2, 4), at: 0) == .approved)
        // Selling AAA reduces its worst case: it passes.
        #expect(gate.check(RiskOrder(instrument: 0, side: .sell, kind: .limit, price: 1_001, quantity: 2), at: 0) == .approved)
        #expect(gate.denials(.groupConcentrationLimit) == 2 && gate.denials(.concentrationLimit) == 1)
    }
}

/// Rates from a margin service replace the gate's own models.
@Suite struct MarginSourceTests {
    struct Fixed: MarginRateSource {
        var rates: [Double]
        func rate(instrument: Int, at now: Int64) -> Double { rates[instrument] }
    }

    /// Equity 10,000, a lot worth 1,000: at 10% a lot needs 100 of margin, at 50% 500.
    @Test func theGateUsesTheSourcesRates() {
        var gate = RiskGate(instruments: [RiskInstrument(symbol: "AAA", valuePerTickLot: 1, margin: .fixed(0.01)),
                                          RiskInstrument(symbol: "BBB", valuePerTickLot: 1, margin: .fixed(0.01))])
        gate.setReference(instrument: 0, price: 1_000)
        gate.setReference(instrument: 1, price: 1_000)
        gate.setEquity(10_000)
        gate.marginSource = Fixed(rates: [0.1, 0.5])
        #expect(gate.marginRate(instrument: 1, at: 0) == 0.5)
        _ = gate.setPosition(instrument: 1, position: 10)  // 5,000 of margin at 50%
        // 50 lots of AAA at 10%: 5,000 more, 10,000 in all: covered; one more is not.
        #expect(gate.check(RiskOrder(instrument: 0, side: .buy, kind: .limit, price: 999, quantity: 50), at: 0) == .approved)
        #expect(gate.check(RiskOrder(instrument: 0, side: .buy, kind: .limit, price: 999, quantity: 1), at: 0) == .denied(.insufficientMargin))
        // Without the source, the models' 1%: plenty of room.
        gate.marginSource = nil
        #expect(gate.check(RiskOrder(instrument: 0, side: .buy, kind: .limit, price: 999, quantity: 1), at: 0) == .approved)
    }
}
