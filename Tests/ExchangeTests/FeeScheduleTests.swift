import Market
import Testing
struct FeeScheduleTests {
    static let btc = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)
    static let future = Instrument(symbol: "RB", tickSize: DecimalStep("1")!, contractMultiplier: 10)

    @Test func perNotional() {
        // 0.006 BTC at 61800.3: notional 370.8018 USDT; 2 bp = 0.07416036 USDT.
        let fees = FeeSchedule(maker: Fee.rate("-0.0001")!, taker: Fee.rate("0.0002")!)
        #expect(fees.fee(price: 618_003, quantity: 6, maker: false, instrument: Self.btc) == 7_416_036)
        #expect(fees.fee(price: 618_003, quantity: 6, maker: true, instrument: Self.btc) == -3_708_018)
    }

    @Test func perLotAndMultiplier() {
        let fees = FeeSchedule(maker: .perLot(150_000_000), taker: Fee.rate("0.0001")!, rebateRatio: 0.4)
        #expect(fees.fee(price: 3_500, quantity: 2, maker: true, instrument: Self.future) == 300_000_000)
        // 2 lots x 3500 x 10 = 70,000; 1 bp = 7.
        #expect(fees.fee(price: 3_500, quantity: 2, maker: false, instrument: Self.future) == 700_000_000)
        #expect(fees.rebateRatio == 0.4)
    }

    @Test func rates() {
        #expect(Fee.rate("0") == Fee.none)
        #expect(Fee.rate("0.000") == Fee.none)
        #expect(Fee.rate("abc") == nil)
        #expect(Fee.rate("0.00025") == .perNotional(units: 25, scale: 5))
        #expect(FeeSchedule.free.fee(price: 1, quantity: 1, maker: true, instrument: Self.btc) == 0)
    }
}
