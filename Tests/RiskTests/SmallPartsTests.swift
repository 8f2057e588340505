import Market
import Testing
@testable import Risk

/// The small parts: the throttle, the kill switch, the denial log, reason codes, orders and
/// instruments built from the exchange's types.
@Suite struct SmallPartsTests {
    @Test func throttleBurstThenRate() {
        var throttle = MessageThrottle(messagesPerSecond: 100, burst: 5)  // one per 10 ms
        let ms: Int64 = 1_000_000
        #expect(throttle.interval == 10 * ms)
        for _ in 0..<5 {
            #expect(throttle.allows(at: 1_000 * ms))
            throttle.consume(at: 1_000 * ms)
        }
        #expect(!throttle.allows(at: 1_000 * ms))
        #expect(!throttle.allows(at: 1_009 * ms))
        #expect(throttle.allows(at: 1_010 * ms))
        throttle.consume(at: 1_010 * ms)
        #expect(!throttle.allows(at: 1_015 * ms))
        // A quiet second refills the bucket, no more than the burst.
        for _ in 0..<5 {
            #expect(throttle.allows(at: 3_000 * ms))
            throttle.consume(at: 3_000 * ms)
        }
        #expect(!throttle.allows(at: 3_000 * ms))
        var unlimited = MessageThrottle.unlimited
        for _ in 0..<1_000 { unlimited.consume(at: 0) }
        #expect(unlimited.allows(at: 0))
    }

    @Test func killSwitch() {
        var kill = KillSwitch()
        #expect(!kill.isEngaged && kill.engagedAt == nil)
        let first = kill.engage(at: 5)
        let again = kill.engage(at: 6)
        #expect(first && !again)
        #expect(kill.isEngaged && kill.engagedAt == 5 && kill.engagements == 1)
        kill.reset()
        #expect(!kill.isEngaged)
        let second = kill.engage(at: 7)
        #expect(second && kill.engagements == 2)
    }

    @Test func denialLogKeepsTheLast() {
        var log = DenialLog(capacity: 3)
        for t in 0..<5 {
            log.append(RiskDenial(time: Int64(t), reason: .throttled, order: .market(.buy, quantity: 1)))
        }
        #expect(log.elements.map(\.time) == [2, 3, 4])
        #expect(log.appended == 5)
        log.removeAll()
        #expect(log.elements.isEmpty)
        var none = DenialLog(capacity: 0)
        none.append(RiskDenial(time: 0, reason: .throttled, order: .market(.buy, quantity: 1)))
        #expect(none.elements.isEmpty && none.appended == 1)
        let replace = RiskDenial(time: 9, reason: .notReducing,
                                 order: RiskOrder(instrument: 1, side: .sell, kind: .immediateOrCancel, price: 990,
                                                  quantity: 2, reduceOnly: true,
                                                  replacing: ReplacedOrder(price: 995, quantity: 1)))
        #expect(replace.description == "risk denial 8 (Reduce-only order would not reduce the position): "
                + "instrument 1 sell IOC 2 @ 990 replacing 1 @ 995 reduce-only at 9")
    }

    /// The codes are stable: logs and dashboards key on them.
    @Test func reasonCodesAreStable() {
        #expect(RiskReason.allCases.map(\.rawValue) == Array(1...24))
        #expect(RiskReason.maxCode == 24)
        #expect(RiskReason.groupConcentrationLimit.rawValue == 22)
        #expect(RiskReason.firmLimit.rawValue == 23 && RiskReason.firmGroupLimit.rawValue == 24)
        #expect(RiskReason.killSwitchEngaged.rawValue == 1)
        #expect(RiskReason.insufficientMargin.rawValue == 18)
        #expect(RiskReason.calculationFailed.rawValue == 21)
        #expect(Set(RiskReason.allCases.map(\.description)).count == RiskReason.allCases.count)
        #expect(RiskDecision.denied(.throttled).reason == .throttled)
        #expect(RiskDecision.approved.reason == nil && RiskDecision.approved.isApproved)
    }

    @Test func ordersFromExchangeRequests() {
        let limit = RiskOrder(.limit(.buy, price: 100, quantity: 3, owner: 1), instrument: 2)
        #expect(limit == .limit(.buy, price: 100, quantity: 3, instrument: 2))
        let ioc = RiskOrder(.limit(.sell, price: 99, quantity: 1, owner: 1, timeInForce: .immediateOrCancel), instrument: 0)
        #expect(ioc.kind == .immediateOrCancel)
        let fok = RiskOrder(.limit(.sell, price: 99, quantity: 1, owner: 1, timeInForce: .fillOrKill), instrument: 0)
        #expect(fok.kind == .immediateOrCancel)
        let market = RiskOrder(.market(.sell, quantity: 4, owner: 1), instrument: 0, reduceOnly: true)
        #expect(market == .market(.sell, quantity: 4, reduceOnly: true))
        #expect(!market.isReplace && RiskOrder.replace(.buy, price: 1, quantity: 1, replacing: .init(price: 2, quantity: 1)).isReplace)
    }

    @Test func instrumentValueFromTheExchange() throws {
        let btc = Instrument(symbol: "BTCUSDT", tickSize: try #require(DecimalStep("0.1")),
                             lotSize: try #require(DecimalStep("0.001")))
        let risk = RiskInstrument(btc)
        #expect(risk.symbol == "BTCUSDT")
        #expect(close(risk.valuePerTickLot, 0.0001, 1e-18))
        // 61,800.3 a coin is 618,003 ticks; a lot (0.001 coin) is worth 61.8003.
        #expect(close(618_003 * risk.valuePerTickLot, 61.8003, 1e-9))
        let future = Instrument(symbol: "CU", tickSize: DecimalStep(units: 5, scale: 0), contractMultiplier: 10)
        #expect(RiskInstrument(future).valuePerTickLot == 50)
    }

    @Test func quoteSides() {
        #expect(QuoteSides.reducing(3) == .askOnly && QuoteSides.reducing(-3) == .bidOnly && QuoteSides.reducing(0) == .none)
        #expect(QuoteSides.both.intersection(.askOnly) == .askOnly)
        #expect(QuoteSides.bidOnly.allows(.buy) && !QuoteSides.bidOnly.allows(.sell))
        #expect("\(QuoteSides.both)" == "both" && "\(QuoteSides.none)" == "none")
    }

    @Test func exposureArithmetic() {
        let e = InstrumentExposure(position: 10, openBuyOrders: 2, openSellOrders: 3, openBuyQuantity: 4, openSellQuantity: 30)
        #expect(e.openOrders == 5)
        #expect(e.worstPosition(.buy) == 14 && e.worstPosition(.sell) == -20)
        #expect(e.worstCaseLots == 20)
        #expect(e.reduces(.sell, quantity: 10) && !e.reduces(.sell, quantity: 11) && !e.reduces(.buy, quantity: 1))
        #expect(!e.reduces(.sell, quantity: 0))
        let extreme = InstrumentExposure(position: .min)
        #expect(extreme.reduces(.buy, quantity: .max))
    }
}
