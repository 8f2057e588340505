import Market
import Testing
@testable import Risk

/// The gate: policies composed in order, the state it keeps, its controls and its counters.
@Suite struct RiskGateTests {
    static let second: Int64 = 1_000_000_000

    /// Two instruments, each lot worth 1,000 at the reference (AAA: 1,000 ticks of 1; BBB: 2,000
    /// ticks of 0.5), a fixed margin rate of 10%, a stop at 50 lots restarting at 10.
    static func gate(limits: RiskLimits = RiskLimits(maxOrderQuantity: 100, collar: .ticks(50), maxOpenOrders: 10),
                     margin: MarginModel.Configuration = .fixed(0.1),
                     stop: NetPositionStop.Configuration = .init(limit: 50, restartThreshold: 10),
                     configuration: RiskGate.Configuration = .init(maxOpenOrdersTotal: 15,
                                                                   throttle: MessageThrottle(messagesPerSecond: 1_000, burst: 100)),
                     equity: Double = 1_000_000) -> RiskGate {
        var gate = RiskGate(instruments: [
            RiskInstrument(symbol: "AAA", valuePerTickLot: 1, limits: limits, stop: stop, margin: margin),
            RiskInstrument(symbol: "BBB", valuePerTickLot: 0.5, limits: limits, stop: stop, margin: margin),
        ], configuration: configuration)
        gate.setReference(instrument: 0, price: 1_000)
        gate.setReference(instrument: 1, price: 2_000)
        gate.setEquity(equity)
        return gate
    }

    @Test func approvesALadderAndCountsItOpen() {
        var gate = Self.gate()
        for level in 0..<5 {
            #expect(gate.check(.limit(.buy, price: 999 - Int64(level), quantity: 1), at: 0) == .approved)
            #expect(gate.check(.limit(.sell, price: 1_001 + Int64(level), quantity: 1), at: 0) == .approved)
        }
        #expect(gate.exposures[0] == InstrumentExposure(openBuyOrders: 5, openSellOrders: 5, openBuyQuantity: 5, openSellQuantity: 5))
        #expect(gate.openOrdersTotal == 10)
        #expect(gate.approvals == 10)
        #expect(gate.totalDenials == 0)

        // A cancel/replace keeps the count and moves the quantity by the difference.
        let replace = RiskOrder.replace(.buy, price: 1_000, quantity: 3, replacing: ReplacedOrder(price: 995, quantity: 1))
        #expect(gate.check(replace, at: 0) == .approved)
        #expect(gate.exposures[0].openBuyOrders == 5 && gate.exposures[0].openBuyQuantity == 7)
        // The venue refuses it: the old quantity comes back.
        gate.recordRejected(replace)
        #expect(gate.exposures[0].openBuyQuantity == 5)

        // A fill moves the position and the open quantity; the order is done.
        gate.recordFill(instrument: 0, side: .buy, quantity: 1, orderDone: true)
        #expect(gate.exposures[0].position == 1)
        #expect(gate.exposures[0].openBuyOrders == 4 && gate.exposures[0].openBuyQuantity == 4)
        #expect(gate.openOrdersTotal == 9)
        // A cancel ends one; a refused new order ends one.
        gate.recordOrderEnded(instrument: 0, side: .sell, leaves: 1)
        #expect(gate.exposures[0].openSellOrders == 4 && gate.exposures[0].openSellQuantity == 4)
        gate.recordRejected(.limit(.sell, price: 1_002, quantity: 1))
        #expect(gate.exposures[0].openSellOrders == 3 && gate.exposures[0].openSellQuantity == 3)
        #expect(gate.openOrdersTotal == 7)
        // Reconcile.
        gate.setOpenOrders(instrument: 0, side: .sell, count: 0, quantity: 0)
        #expect(gate.openOrdersTotal == 4)
    }

    @Test func openOrderLimitsSeeABurst() {
        var gate = Self.gate()
        for level in 0..<10 {
            #expect(gate.check(.limit(.buy, price: 999 - Int64(level), quantity: 1), at: 0) == .approved)
        }
        #expect(gate.check(.limit(.buy, price: 989, quantity: 1), at: 0) == .denied(.openOrdersLimit))
        for level in 0..<5 {
            #expect(gate.check(.limit(.buy, price: 1_999 - Int64(level), quantity: 1, instrument: 1), at: 0) == .approved)
        }
        #expect(gate.check(.limit(.buy, price: 1_994, quantity: 1, instrument: 1), at: 0) == .denied(.totalOpenOrdersLimit))
    }

    @Test func unknownInstrumentAndMissingDataFailClosed() {
        var gate = Self.gate()
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1, instrument: 2), at: 0) == .denied(.unknownInstrument))
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1, instrument: -1), at: 0) == .denied(.unknownInstrument))

        gate.setReference(instrument: 0, price: 0)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.noReferencePrice))
        #expect(gate.check(.market(.buy, quantity: 1), at: 0) == .denied(.noReferencePrice))

        // A new gate has no equity: nothing passes until the engine sets it.
        var fresh = RiskGate(instruments: [RiskInstrument(symbol: "AAA", valuePerTickLot: 1)])
        fresh.setReference(instrument: 0, price: 1_000)
        #expect(fresh.equity.isNaN)
        #expect(fresh.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.invalidEquity))
        fresh.setEquity(0)
        #expect(fresh.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.invalidEquity))
        fresh.setEquity(1_000_000)
        #expect(fresh.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved)
        // Without the account checks in its list, a gate needs no equity.
        var light = RiskGate(instruments: [RiskInstrument(symbol: "AAA", valuePerTickLot: 1)],
                             configuration: .init(policies: .custom(Array(RiskGate.standardPolicies.dropLast(2)))))
        light.setReference(instrument: 0, price: 1_000)
        #expect(light.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved)
    }

    @Test func exposureElsewhereWithoutAReferenceFailsClosed() {
        var gate = Self.gate()
        gate.setPosition(instrument: 1, position: 3)
        gate.setReference(instrument: 1, price: 0)
        // Instrument 1 cannot be valued: the account's margin is unknown.
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.calculationFailed))
        #expect(gate.initialMargin(at: 0).isNaN)
        gate.setReference(instrument: 1, price: 2_000)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved)
        #expect(close(gate.initialMargin(at: 0), 0.1 * 3 * 1_000 + 0.1 * 1 * 1_000))
    }

    /// Equity 100,000 and 20% a instrument: 20 lots of each (worth 1,000 a lot) are allowed.
    @Test func concentrationWhatIfAcrossTwoInstruments() {
        var gate = Self.gate(limits: RiskLimits(maxConcentration: 0.2), stop: .disabled, equity: 100_000)
        gate.setPosition(instrument: 0, position: 20)
        // AAA is at its limit: a buy would take it over; a sell reduces.
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.concentrationLimit))
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 1), at: 0) == .approved)
        // BBB has its own 20 lots, whatever AAA holds.
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 15, instrument: 1), at: 0) == .approved)
        // The open 15 count in the what-if: 15 + 5 = 20 passes, 15 + 6 = 21 does not.
        #expect(gate.check(.limit(.buy, price: 1_998, quantity: 6, instrument: 1), at: 0) == .denied(.concentrationLimit))
        #expect(gate.check(.limit(.buy, price: 1_998, quantity: 5, instrument: 1), at: 0) == .approved)
        // Short side of BBB: -20 is the limit.
        #expect(gate.check(.limit(.sell, price: 2_001, quantity: 21, instrument: 1), at: 0) == .denied(.concentrationLimit))
        #expect(gate.check(.limit(.sell, price: 2_001, quantity: 20, instrument: 1), at: 0) == .approved)
        // A lower equity tightens both.
        gate.setEquity(50_000)
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 1), at: 0) == .approved)  // AAA: 20 - 1 - 1 = 18 lots, reducing
        #expect(gate.check(.limit(.buy, price: 1_000, quantity: 1, instrument: 1), at: 0) == .denied(.concentrationLimit))
    }

    /// Equity 5,000 and a rate of 10%: 100 of margin a lot, 50 lots in all across both instruments.
    @Test func marginAcrossTwoInstruments() {
        var gate = Self.gate(limits: .unlimited, stop: .disabled, equity: 5_000)
        gate.setPosition(instrument: 0, position: 30)  // 3,000
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 20, instrument: 1), at: 0) == .approved)  // 5,000
        #expect(close(gate.initialMargin(at: 0), 5_000))
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 1, instrument: 1), at: 0) == .denied(.insufficientMargin))
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 1), at: 0) == .approved)  // does not raise AAA's worst case
        gate.setPosition(instrument: 0, position: 10)  // 1,000 + 2,000
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 1, instrument: 1), at: 0) == .approved)
        // The margin model's rate is what is charged: a higher fixed rate denies.
        var strict = Self.gate(limits: .unlimited, margin: .fixed(0.5), stop: .disabled, equity: 5_000)
        #expect(strict.check(.limit(.buy, price: 999, quantity: 10), at: 0) == .approved)  // 5,000
        #expect(strict.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.insufficientMargin))
    }

    @Test func marginModelsFeedTheGate() {
        // A model that is not warm charges its safe-mode rate (the ceiling, 50%).
        var gate = Self.gate(limits: .unlimited, margin: MarginModel.Configuration(barInterval: Self.second, warmupBars: 2),
                             stop: .disabled, equity: 5_000)
        #expect(gate.marginRate(instrument: 0, at: 0) == 0.5)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 11), at: 0) == .denied(.insufficientMargin))
        // Three bars close (four prices): warm, rate at least the floor.
        var update = MarginModel.Update.none
        for (k, price) in [1_000, 1_001, 1_000, 1_001].enumerated() {
            update = gate.updatePrice(instrument: 0, price: Int64(price), at: Int64(k) * Self.second)
        }
        guard case .accepted(let rate) = update else {
            Issue.record("no rate: \(update)")
            return
        }
        #expect(gate.references[0] == 1_001)
        #expect(gate.marginRate(instrument: 0, at: 3 * Self.second) == rate)
        #expect(rate >= 0.01 && rate < 0.5)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 11), at: 3 * Self.second) == .approved)
        // A bad price is ignored and does not clear the reference.
        #expect(gate.updatePrice(instrument: 0, price: 0, at: 4 * Self.second) == .ignored)
        #expect(gate.references[0] == 1_001)
    }

    @Test func killSwitchBlocksUntilReset() {
        var gate = Self.gate()
        gate.setPosition(instrument: 0, position: 5)
        let first = gate.engageKillSwitch(at: 7)
        let again = gate.engageKillSwitch(at: 8)  // already engaged: no second round of cancels
        #expect(first && !again)
        #expect(gate.killSwitch.isEngaged && gate.killSwitch.engagedAt == 7 && gate.killSwitch.engagements == 1)
        #expect(gate.quoteSides(instrument: 0) == .none)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 9) == .denied(.killSwitchEngaged))
        #expect(gate.check(.market(.sell, quantity: 5, reduceOnly: true), at: 9) == .denied(.killSwitchEngaged))
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 1, instrument: 1), at: 9) == .denied(.killSwitchEngaged))
        gate.resetKillSwitch()
        #expect(gate.quoteSides(instrument: 0) == .both)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 10) == .approved)
        let second = gate.engageKillSwitch(at: 11)
        #expect(second)
        #expect(gate.killSwitch.engagements == 2)
        #expect(gate.denials(.killSwitchEngaged) == 3)
    }

    @Test func tradingStates() {
        var gate = Self.gate()
        gate.setPosition(instrument: 0, position: 5)
        gate.setTradingState(.reducing)
        #expect(gate.quoteSides(instrument: 0) == .askOnly)
        #expect(gate.quoteSides(instrument: 1) == .none)  // flat: nothing reduces
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.reducingOnly))
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 6), at: 0) == .denied(.reducingOnly))
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 3), at: 0) == .approved)
        #expect(gate.check(.limit(.buy, price: 1_999, quantity: 1, instrument: 1), at: 0) == .denied(.reducingOnly))

        gate.setTradingState(.halted)
        #expect(gate.quoteSides(instrument: 0) == .none)
        #expect(gate.check(.market(.sell, quantity: 5, reduceOnly: true), at: 0) == .denied(.tradingHalted))

        gate.setTradingState(.active)
        #expect(gate.quoteSides(instrument: 0) == .both)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved)
        #expect(gate.tradingState == .active)
    }

    /// 10 messages a second, bursts of 3: one every 100 ms after the burst.
    @Test func throttle() {
        var gate = Self.gate(configuration: .init(throttle: MessageThrottle(messagesPerSecond: 10, burst: 3)))
        let ms: Int64 = 1_000_000
        for _ in 0..<3 { #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 0) == .approved) }
        #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 0) == .denied(.throttled))
        // A denial for another reason uses no message.
        #expect(gate.check(.immediateOrCancel(.buy, price: 2_000, quantity: 1), at: 100 * ms) == .denied(.priceCollar))
        #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 100 * ms) == .approved)
        #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 150 * ms) == .denied(.throttled))
        // A cancel uses the message of 200 ms.
        gate.recordMessage(at: 200 * ms)
        #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 200 * ms) == .denied(.throttled))
        #expect(gate.check(.immediateOrCancel(.buy, price: 1_001, quantity: 1), at: 300 * ms) == .approved)
        #expect(gate.denials(.throttled) == 3)
    }

    @Test func netPositionStopInTheGate() {
        var gate = Self.gate(limits: RiskLimits(maxOrderQuantity: 100, collar: .ticks(50)))
        for k in 0..<49 {
            #expect(gate.recordFill(instrument: 0, side: .buy, quantity: 1, orderDone: false) == .none, "fill \(k)")
        }
        let action = gate.recordFill(instrument: 0, side: .buy, quantity: 1, orderDone: false)
        #expect(action == .stop(FlattenIntent(side: .sell, quantity: 50)))
        #expect(gate.quoteSides(instrument: 0) == .askOnly)
        #expect(gate.quoteSides(instrument: 1) == .both)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.netPositionStop))
        #expect(gate.check(.limit(.sell, price: 1_001, quantity: 1), at: 0) == .approved)
        let flatten = RiskOrder.flatten(FlattenIntent(side: .sell, quantity: 50))
        #expect(flatten.kind == .market && flatten.reduceOnly)
        #expect(gate.check(flatten, at: 0) == .approved)
        // A venue without market orders: a marketable IOC.
        let ioc = RiskOrder.flatten(FlattenIntent(side: .sell, quantity: 50), limitPrice: 990)
        #expect(ioc.kind == .immediateOrCancel && ioc.price == 990 && ioc.reduceOnly)
        // The flatten fills; quoting resumes.
        #expect(gate.recordFill(instrument: 0, side: .sell, quantity: 50, orderDone: true) == .resume)
        #expect(gate.quoteSides(instrument: 0) == .both)
        #expect(gate.stops[0].events == 1)
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved)
    }

    @Test func countsDenialsPerReasonAndKeepsTheLast() {
        var gate = Self.gate(configuration: .init(denialLogCapacity: 3))
        let orders: [(RiskOrder, RiskReason)] = [
            (.limit(.buy, price: 999, quantity: 0), .invalidQuantity),
            (.limit(.buy, price: 999, quantity: 101), .orderQuantityLimit),
            (.limit(.buy, price: 900, quantity: 1), .priceCollar),
            (.limit(.buy, price: 901, quantity: 1), .priceCollar),
            (.limit(.buy, price: 0, quantity: 1), .invalidPrice),
            (.limit(.buy, price: 999, quantity: 1, instrument: 9), .unknownInstrument),
        ]
        for (k, (order, reason)) in orders.enumerated() {
            #expect(gate.check(order, at: Int64(k)) == .denied(reason))
        }
        #expect(gate.check(.limit(.buy, price: 999, quantity: 1), at: 10) == .approved)
        #expect(gate.denials(.priceCollar) == 2)
        #expect(gate.denials(.invalidQuantity) == 1)
        #expect(gate.denials(.orderQuantityLimit) == 1)
        #expect(gate.denials(.invalidPrice) == 1)
        #expect(gate.denials(.unknownInstrument) == 1)
        #expect(gate.denials(.throttled) == 0)
        #expect(gate.totalDenials == 6)
        let kept = gate.recentDenials
        #expect(kept.map(\.reason) == [.priceCollar, .invalidPrice, .unknownInstrument])
        #expect(kept.map(\.time) == [3, 4, 5])
        #expect(kept[0].description == "risk denial 12 (Price outside the collar): instrument 0 buy limit 1 @ 901 at 3")
        gate.resetDenials()
        #expect(gate.totalDenials == 0 && gate.denials(.priceCollar) == 0 && gate.recentDenials.isEmpty)
    }

    @Test func policiesRunInOrder() {
        // An order wrong in every way gets the reason of the first policy.
        var gate = Self.gate()
        gate.setTradingState(.halted)
        let bad = RiskOrder.limit(.buy, price: 0, quantity: 0)
        #expect(gate.check(bad, at: 0) == .denied(.tradingHalted))
        gate.engageKillSwitch(at: 0)
        #expect(gate.check(bad, at: 0) == .denied(.killSwitchEngaged))
        // A custom list: only what it holds runs.
        var custom = Self.gate(configuration: .init(policies: .custom([MaxOrderQuantityPolicy()])))
        custom.setReference(instrument: 0, price: 0)
        #expect(custom.check(.limit(.buy, price: 1, quantity: 1), at: 0) == .approved)
        #expect(custom.check(.limit(.buy, price: 1, quantity: 101), at: 0) == .denied(.orderQuantityLimit))
    }

    @Test func overflowIsDenied() {
        var gate = Self.gate(limits: .unlimited, stop: .disabled, configuration: .init(policies: .custom([])))
        #expect(gate.check(.limit(.buy, price: 1, quantity: .max), at: 0) == .approved)
        #expect(gate.check(.limit(.buy, price: 1, quantity: 1), at: 0) == .denied(.calculationFailed))
        #expect(gate.exposures[0].openBuyQuantity == .max && gate.exposures[0].openBuyOrders == 1)
    }
}
