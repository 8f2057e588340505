import FIX
import Market
import MarketFIX
import Testing

/// The conversions between FIX's terms and the market's, both ways.
struct MarketFIXTests {
    @Test func sidesKindsAndTimesInForceMatchTheirFIXCharacters() {
        for side in [Market.Side.buy, .sell] {
            let fix = FIX.Side(rawValue: Character(UnicodeScalar(side.fixCharacter)))
            #expect(fix.flatMap { Market.Side($0) } == side)
        }
        #expect(Market.Side(FIX.Side.sellShort) == nil)
        for kind in [OrderKind.limit, .market] {
            let fix = OrdType(rawValue: Character(UnicodeScalar(kind.fixCharacter)))
            #expect(fix.flatMap { OrderKind($0) } == kind)
        }
        for tif in [Market.TimeInForce.day, .immediateOrCancel, .fillOrKill] {
            #expect(tif.fixCharacter.map { Character(UnicodeScalar($0)) } == tif.fix?.rawValue)
            #expect(Market.TimeInForce(tif.fix) == tif)
        }
        #expect(Market.TimeInForce(FIX.TimeInForce.goodTillCancel) == .day)
    }

    @Test func pricesAndQuantitiesGoToStepsAndBackExactly() {
        let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)
        for ticks: Int64 in [1, 618_003, 10, -5] {
            #expect(instrument.ticks(instrument.price(ticks)) == ticks)
        }
        for lots: Int64 in [1, 2_507, 1_000] {
            #expect(instrument.lots(instrument.quantity(lots)) == lots)
        }
        #expect(instrument.ticks(FIXDecimal("61800.25")!) == nil)
        #expect(instrument.ticks(FIXDecimal("61800.30")!) == 618_003)
        #expect(instrument.lots(FIXDecimal("0.0005")!) == nil)
    }
}
