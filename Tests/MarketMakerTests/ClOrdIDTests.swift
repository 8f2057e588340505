@testable import MakerCore
@testable import MakerFIX
import Quoting
import Testing
/// The market maker's ClOrdIDs: `Q<key>` for the ladder, `F<n>` for flattening orders, read back
/// to the same key; anything else from the wire names no order of ours.
@Suite struct ClOrdIDTests {
    @Test(arguments: [UInt64(1), 42, 1_733_000_000_000 << 20, MarketMaker.flatteningKeyBase - 1,
                      MarketMaker.flatteningKeyBase, MarketMaker.flatteningKeyBase + 7, UInt64.max])
    func readsBackWhatItWrites(_ raw: UInt64) {
        let key = OrderKey(raw)
        let text = FIXOrderWriter.clOrdID(key)
        #expect(text.first == (MarketMaker.isFlattening(key) ? "F" : "Q"))
        if raw - (MarketMaker.isFlattening(key) ? MarketMaker.flatteningKeyBase : 0) < MarketMaker.flatteningKeyBase {
            #expect(FIXOrderWriter.key(text) == key)
        }
    }

    @Test(arguments: ["F18446744073709551615", "F4611686018427387904", "Q4611686018427387904", "Q-1", "Q", "",
                      "X1-1", "q12", "Q12x", "MS-1"])
    func refusesWhatIsNotOurs(_ text: String) {
        #expect(FIXOrderWriter.key(text) == nil)
    }

    @Test func noIDIsNoKey() {
        #expect(FIXOrderWriter.key(nil) == nil)
    }
}
