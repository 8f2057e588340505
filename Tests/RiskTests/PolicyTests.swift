import Market
import FIXTestSupport
import Testing
@testable import Risk

/// Each policy on its own, against contexts built by hand: it passes what it should and denies
/// with its reason, and fails closed on NaN and missing data.
@Suite struct PolicyTests {
    @Test func killSwitch() {
        let policy = KillSwitchPolicy()
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: context()) == .pass)
        let engaged = context { $0.killSwitchEngaged = true }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: engaged) == .deny(.killSwitchEngaged))
        // Reducing orders too.
        let long = context { $0.killSwitchEngaged = true; $0.exposure.position = 5 }
        #expect(policy.evaluate(.market(.sell, quantity: 5, reduceOnly: true), in: long) == .deny(.killSwitchEngaged))
    }

    @Test func tradingStates() {
        let policy = TradingStatePolicy()
        let buy = RiskOrder.limit(.buy, price: 1_000, quantity: 1)
        let sell3 = RiskOrder.limit(.sell, price: 1_000, quantity: 3)
        #expect(policy.evaluate(buy, in: context()) == .pass)

        let halted = context { $0.tradingState = .halted; $0.exposure.position = 5 }
        #expect(policy.evaluate(buy, in: halted) == .deny(.tradingHalted))
        #expect(policy.evaluate(sell3, in: halted) == .deny(.tradingHalted))

        let reducing = context { $0.tradingState = .reducing; $0.exposure.position = 5 }
        #expect(policy.evaluate(sell3, in: reducing) == .pass)
        #expect(policy.evaluate(.limit(.sell, price: 1_000, quantity: 5), in: reducing) == .pass)
        #expect(policy.evaluate(.limit(.sell, price: 1_000, quantity: 6), in: reducing) == .deny(.reducingOnly))
        #expect(policy.evaluate(buy, in: reducing) == .deny(.reducingOnly))
        let short = context { $0.tradingState = .reducing; $0.exposure.position = -2 }
        #expect(policy.evaluate(buy, in: short) == .pass)
        #expect(policy.evaluate(sell3, in: short) == .deny(.reducingOnly))
        let flat = context { $0.tradingState = .reducing }
        #expect(policy.evaluate(buy, in: flat) == .deny(.reducingOnly))
        #expect(policy.evaluate(sell3, in: flat) == .deny(.reducingOnly))
    }

    @Test func orderValidity() {
        let policy = OrderValidityPolicy()
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: context()) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 0), in: context()) == .deny(.invalidQuantity))
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: -3), in: context()) == .deny(.invalidQuantity))
        #expect(policy.evaluate(.limit(.buy, price: 0, quantity: 1), in: context()) == .deny(.invalidPrice))
        #expect(policy.evaluate(.immediateOrCancel(.buy, price: -1, quantity: 1), in: context()) == .deny(.invalidPrice))
        // A market order has no price of its own.
        #expect(policy.evaluate(.market(.buy, quantity: 1), in: context()) == .pass)
        // Missing reference: fail closed, market orders included.
        let noReference = context { $0.reference = 0 }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: noReference) == .deny(.noReferencePrice))
        #expect(policy.evaluate(.market(.buy, quantity: 1), in: noReference) == .deny(.noReferencePrice))
    }

    @Test func replaceMustMatchTheOpenOrders() {
        let policy = OrderValidityPolicy()
        let open = context { $0.exposure = InstrumentExposure(openSellOrders: 2, openSellQuantity: 2) }
        let good = RiskOrder.replace(.sell, price: 1_001, quantity: 1, replacing: ReplacedOrder(price: 1_002, quantity: 1))
        #expect(policy.evaluate(good, in: open) == .pass)
        let tooMuch = RiskOrder.replace(.sell, price: 1_001, quantity: 1, replacing: ReplacedOrder(price: 1_002, quantity: 3))
        #expect(policy.evaluate(tooMuch, in: open) == .deny(.inconsistentReplace))
        let wrongSide = RiskOrder.replace(.buy, price: 999, quantity: 1, replacing: ReplacedOrder(price: 998, quantity: 1))
        #expect(policy.evaluate(wrongSide, in: open) == .deny(.inconsistentReplace))
        var toMarket = good
        toMarket.kind = .market
        #expect(policy.evaluate(toMarket, in: open) == .deny(.inconsistentReplace))
    }

    @Test func reduceOnlyMustReduce() {
        let policy = OrderValidityPolicy()
        let long = context { $0.exposure.position = 5 }
        #expect(policy.evaluate(.market(.sell, quantity: 5, reduceOnly: true), in: long) == .pass)
        #expect(policy.evaluate(.market(.sell, quantity: 6, reduceOnly: true), in: long) == .deny(.notReducing))
        #expect(policy.evaluate(.market(.buy, quantity: 1, reduceOnly: true), in: long) == .deny(.notReducing))
        #expect(policy.evaluate(.market(.sell, quantity: 1, reduceOnly: true), in: context()) == .deny(.notReducing))
        let short = context { $0.exposure.position = -4 }
        #expect(policy.evaluate(.immediateOrCancel(.buy, price: 1_010, quantity: 4, reduceOnly: true), in: short) == .pass)
    }

    @Test func maxOrderQuantity() {
        let policy = MaxOrderQuantityPolicy()
        let c = context { $0.limits.maxOrderQuantity = 10 }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 10), in: c) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 11), in: c) == .deny(.orderQuantityLimit))
        #expect(policy.evaluate(.market(.sell, quantity: 11), in: c) == .deny(.orderQuantityLimit))
    }

    @Test func maxOrderNotional() {
        let policy = MaxOrderNotionalPolicy()
        // One lot at 1,000 ticks of value 1 is worth 1,000.
        let c = context { $0.limits.maxOrderNotional = 10_000 }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 10), in: c) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 1_001, quantity: 10), in: c) == .deny(.orderNotionalLimit))
        #expect(policy.evaluate(.limit(.buy, price: 500, quantity: 20), in: c) == .pass)
        // A market order is priced at the reference.
        #expect(policy.evaluate(.market(.buy, quantity: 10), in: c) == .pass)
        #expect(policy.evaluate(.market(.buy, quantity: 11), in: c) == .deny(.orderNotionalLimit))
        // NaN fails closed.
        let nanValue = context { $0.limits.maxOrderNotional = 10_000; $0.valuePerTickLot = .nan }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: nanValue) == .deny(.orderNotionalLimit))
        let nanLimit = context { $0.limits.maxOrderNotional = .nan }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: nanLimit) == .deny(.orderNotionalLimit))
    }

    @Test func priceCollar() {
        let policy = PriceCollarPolicy()
        let ticks = context { $0.limits.collar = .ticks(5) }
        #expect(policy.evaluate(.limit(.buy, price: 1_005, quantity: 1), in: ticks) == .pass)
        #expect(policy.evaluate(.limit(.sell, price: 995, quantity: 1), in: ticks) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 1_006, quantity: 1), in: ticks) == .deny(.priceCollar))
        #expect(policy.evaluate(.immediateOrCancel(.sell, price: 994, quantity: 1), in: ticks) == .deny(.priceCollar))
        #expect(policy.evaluate(.market(.buy, quantity: 1), in: ticks) == .pass)

        let fraction = context { $0.limits.collar = .fraction(0.01) }  // 1% of 1,000: 10 ticks
        #expect(policy.evaluate(.limit(.buy, price: 1_010, quantity: 1), in: fraction) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 1_011, quantity: 1), in: fraction) == .deny(.priceCollar))
        #expect(policy.evaluate(.limit(.buy, price: 989, quantity: 1), in: fraction) == .deny(.priceCollar))
        let nan = context { $0.limits.collar = .fraction(.nan) }
        #expect(policy.evaluate(.limit(.buy, price: 1_000, quantity: 1), in: nan) == .deny(.priceCollar))
        #expect(policy.evaluate(.limit(.buy, price: .max, quantity: 1), in: context()) == .pass)
    }

    @Test func maxOpenOrders() {
        let policy = MaxOpenOrdersPolicy()
        let full = context {
            $0.limits.maxOpenOrders = 2
            $0.exposure = InstrumentExposure(openBuyOrders: 1, openSellOrders: 1, openBuyQuantity: 1, openSellQuantity: 1)
            $0.openOrdersTotal = 2
        }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: full) == .deny(.openOrdersLimit))
        // A replace keeps the count; IOC and market orders never rest.
        let replace = RiskOrder.replace(.buy, price: 998, quantity: 1, replacing: ReplacedOrder(price: 999, quantity: 1))
        #expect(policy.evaluate(replace, in: full) == .pass)
        #expect(policy.evaluate(.immediateOrCancel(.buy, price: 1_001, quantity: 1), in: full) == .pass)
        #expect(policy.evaluate(.market(.buy, quantity: 1), in: full) == .pass)

        let room = context { $0.limits.maxOpenOrders = 3; $0.exposure.openBuyOrders = 2 }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: room) == .pass)
        let account = context { $0.limits.maxOpenOrders = 10; $0.maxOpenOrdersTotal = 10; $0.openOrdersTotal = 10 }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: account) == .deny(.totalOpenOrdersLimit))
    }

    @Test func netPositionStop() {
        let policy = NetPositionStopPolicy()
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: context()) == .pass)
        let stoppedLong = context { $0.stopSides = .askOnly; $0.exposure.position = 50 }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: stoppedLong) == .deny(.netPositionStop))
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 1), in: stoppedLong) == .pass)
        #expect(policy.evaluate(.market(.sell, quantity: 50, reduceOnly: true), in: stoppedLong) == .pass)
    }

    @Test func throttle() {
        let policy = ThrottlePolicy()
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: context()) == .pass)
        let full = context { $0.throttleAllows = false }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: full) == .deny(.throttled))
    }

    /// Equity 100,000 and a limit of 20%: 20,000, that is 20 lots worth 1,000 each.
    @Test func concentration() {
        let policy = ConcentrationPolicy()
        func c(position: Int64, openBuy: Int64 = 0, openSell: Int64 = 0) -> RiskContext {
            context {
                $0.equity = 100_000
                $0.limits.maxConcentration = 0.2
                $0.exposure = InstrumentExposure(position: position, openBuyOrders: openBuy > 0 ? 1 : 0,
                                                 openSellOrders: openSell > 0 ? 1 : 0,
                                                 openBuyQuantity: openBuy, openSellQuantity: openSell)
            }
        }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 5), in: c(position: 15)) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 6), in: c(position: 15)) == .deny(.concentrationLimit))
        // Open orders of the same side count as filled in the what-if.
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 3), in: c(position: 15, openBuy: 3)) == .deny(.concentrationLimit))
        // ... those of the other side do not help or hurt a buy.
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 5), in: c(position: 15, openSell: 30)) == .pass)
        // A replace takes its old quantity out: 16 + 3 - 3 + 4 = 20 passes, + 5 = 21 does not.
        let old = ReplacedOrder(price: 999, quantity: 3)
        #expect(policy.evaluate(.replace(.buy, price: 998, quantity: 4, replacing: old), in: c(position: 16, openBuy: 3)) == .pass)
        #expect(policy.evaluate(.replace(.buy, price: 998, quantity: 5, replacing: old), in: c(position: 16, openBuy: 3))
                == .deny(.concentrationLimit))
        // Short side: -15 - 6 = -21.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 6), in: c(position: -15)) == .deny(.concentrationLimit))
        // Above the limit already, a reducing order passes; one that adds does not.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 1), in: c(position: 30)) == .pass)
        #expect(policy.evaluate(.market(.sell, quantity: 30, reduceOnly: true), in: c(position: 30)) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: c(position: 30)) == .deny(.concentrationLimit))
    }

    @Test func concentrationFailsClosed() {
        let policy = ConcentrationPolicy()
        let order = RiskOrder.market(.sell, quantity: 1, reduceOnly: true)
        let long = InstrumentExposure(position: 5)
        #expect(policy.evaluate(order, in: context { $0.equity = .nan; $0.exposure = long }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.equity = 0; $0.exposure = long }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.equity = -10; $0.exposure = long }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.equity = .infinity; $0.exposure = long }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.valuePerTickLot = .nan; $0.exposure = long }) == .deny(.calculationFailed))
        let nanLimit = context { $0.limits.maxConcentration = .nan }
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: nanLimit) == .deny(.concentrationLimit))
    }

    /// Equity 10,000, rate 0.1, one lot worth 1,000: 100 of margin a lot, so 100 lots are covered.
    @Test func margin() {
        let policy = MarginPolicy()
        func c(position: Int64, openBuy: Int64 = 0, openSell: Int64 = 0, other: Double = 0) -> RiskContext {
            context {
                $0.equity = 10_000
                $0.marginRate = 0.1
                $0.otherMargin = other
                $0.exposure = InstrumentExposure(position: position, openBuyOrders: openBuy > 0 ? 1 : 0,
                                                 openSellOrders: openSell > 0 ? 1 : 0,
                                                 openBuyQuantity: openBuy, openSellQuantity: openSell)
            }
        }
        // 90 + 5 open + 5 = 100 lots: 10,000 of margin, covered exactly.
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 5), in: c(position: 90, openBuy: 5)) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 6), in: c(position: 90, openBuy: 5)) == .deny(.insufficientMargin))
        // Other instruments' margin counts: 95 lots (9,500) + 600 > 10,000.
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: c(position: 90, openBuy: 4, other: 600))
                == .deny(.insufficientMargin))
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: c(position: 90, openBuy: 4, other: 500)) == .pass)
        // Only the worse side is charged: sells against a long position do not add.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 50), in: c(position: 90)) == .pass)
        // ... until they make the short side the worse one: 90 - 200 = -110.
        #expect(policy.evaluate(.limit(.sell, price: 1_001, quantity: 200), in: c(position: 90)) == .deny(.insufficientMargin))
        // Short of margin already, a reducing order passes.
        #expect(policy.evaluate(.market(.sell, quantity: 10, reduceOnly: true), in: c(position: 120)) == .pass)
        #expect(policy.evaluate(.limit(.buy, price: 999, quantity: 1), in: c(position: 120)) == .deny(.insufficientMargin))
    }

    @Test func marginFailsClosed() {
        let policy = MarginPolicy()
        let order = RiskOrder.limit(.buy, price: 999, quantity: 1)
        #expect(policy.evaluate(order, in: context { $0.equity = .nan }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.equity = 0 }) == .deny(.invalidEquity))
        #expect(policy.evaluate(order, in: context { $0.marginRate = .nan }) == .deny(.marginUnavailable))
        #expect(policy.evaluate(order, in: context { $0.marginRate = -0.1 }) == .deny(.marginUnavailable))
        #expect(policy.evaluate(order, in: context { $0.marginRate = .infinity }) == .deny(.marginUnavailable))
        #expect(policy.evaluate(order, in: context { $0.otherMargin = .nan }) == .deny(.calculationFailed))
        #expect(policy.evaluate(order, in: context { $0.marginRate = 0.1; $0.valuePerTickLot = .nan }) == .deny(.calculationFailed))
    }
}

/// The statically dispatched standard set gives the verdict of the list run one by one.
@Suite struct StandardPoliciesTests {
    @Test func sameVerdictAsTheList() {
        var g = SplitMix64(seed: 11)
        let list = RiskPolicies.custom(RiskGate.standardPolicies)
        var reasons = Set<RiskReason>()
        for _ in 0..<60_000 {
            let c = context {
                $0.killSwitchEngaged = g.below(20) == 0
                $0.tradingState = [TradingState.active, .active, .active, .reducing, .halted][g.below(5)]
                $0.limits = RiskLimits(maxOrderQuantity: Int64(g.below(12)), maxOrderNotional: Double(g.below(12_000)),
                                       collar: [PriceCollar.unlimited, .ticks(5), .fraction(0.01)][g.below(3)],
                                       maxOpenOrders: g.below(6), maxConcentration: [0.01, 0.1, 1, 10][g.below(4)])
                $0.maxOpenOrdersTotal = g.below(10)
                $0.exposure = InstrumentExposure(position: Int64(g.below(41)) - 20, openBuyOrders: g.below(3),
                                                 openSellOrders: g.below(3), openBuyQuantity: Int64(g.below(4)),
                                                 openSellQuantity: Int64(g.below(4)))
                $0.openOrdersTotal = g.below(10)
                $0.reference = g.below(30) == 0 ? 0 : 1_000
                $0.stopSides = [QuoteSides.both, .both, .bidOnly, .askOnly][g.below(4)]
                $0.throttleAllows = g.below(10) != 0
                $0.equity = [Double.nan, 0, 5_000, 20_000, 100_000, 1_000_000][g.below(6)]
                $0.marginRate = [Double.nan, 0.05, 0.1, 0.5][g.below(4)]
                $0.otherMargin = [0, 1_000, 2_000, .nan][g.below(4)]
                $0.otherGross = [0, 0, 5_000, 20_000, .nan][g.below(5)]
                $0.limits.maxGrossShare = [0.3, .infinity, .infinity, .infinity][g.below(4)]
                if g.below(3) == 0 {
                    $0.group = RiskGroup(name: "g", maxConcentration: [0.05, 0.5, .infinity][g.below(3)],
                                         maxGrossShare: [0.5, 0.9, .infinity][g.below(3)])
                    $0.groupOther = [0, 2_000, 10_000][g.below(3)]
                    $0.firmGroupValue = [.infinity, .infinity, 5_000, 30_000][g.below(4)]
                }
                $0.firmLots = g.below(8) == 0 ? [0, 4, 20][g.below(3)] : .infinity
            }
            let side: Side = g.below(2) == 0 ? .buy : .sell
            let kind = [RiskOrderKind.limit, .limit, .market, .immediateOrCancel][g.below(4)]
            let replacing = kind == .limit && g.below(3) == 0 ? ReplacedOrder(price: 1_000, quantity: Int64(g.below(3))) : nil
            let order = RiskOrder(instrument: 0, side: side, kind: kind, price: g.below(30) == 0 ? 0 : 990 + Int64(g.below(21)),
                                  quantity: Int64(g.below(12)), reduceOnly: g.below(5) == 0, replacing: replacing)
            let verdict = RiskPolicies.standard.evaluate(order, in: c)
            #expect(verdict == list.evaluate(order, in: c))
            if let reason = verdict.reason { reasons.insert(reason) }
        }
        // The random states reach every reason a policy can give.
        #expect(reasons.count == RiskReason.allCases.count - 1, "\(Set(RiskReason.allCases).subtracting(reasons))")
        #expect(!reasons.contains(.unknownInstrument))
    }
}
