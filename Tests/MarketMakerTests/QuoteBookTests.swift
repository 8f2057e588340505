import MakerCore
import Market
import FIXTestSupport
import Testing

/// The market maker's view of the book against a plain model (a dictionary per side), over
/// random changes near the top and far from it.
struct QuoteBookTests {
    @Test func followsAModelOverRandomChanges() {
        var book = QuoteBook()
        var model: [Side: [Int64: Int64]] = [.buy: [:], .sell: [:]]
        var random = SplitMix64(seed: 7)
        for step in 0..<20_000 {
            let side: Side = random.next() % 2 == 0 ? .buy : .sell
            // Bids around 1000 and below, asks around 1010 and above; some far away, so the
            // books grow past the walk from the top and use the binary search.
            let spread = Int64(random.next() % 40)
            let price = side == .buy ? 1_000 - spread : 1_010 + spread
            if random.next() % 3 == 0 {
                book.remove(side, price: price)
                model[side]![price] = nil
            } else {
                let size = Int64(random.next() % 9)
                book.set(side, price: price, size: size)
                model[side]![price] = size
            }
            #expect(book.bestBid == model[.buy]!.keys.max(), "step \(step)")
            #expect(book.bestAsk == model[.sell]!.keys.min(), "step \(step)")
            if step % 97 == 0 {
                for p in Int64(950)...1_060 {
                    #expect(book.size(.buy, at: p) == model[.buy]![p] ?? 0)
                    #expect(book.size(.sell, at: p) == model[.sell]![p] ?? 0)
                }
            }
        }
        book.clear()
        #expect(book.bestBid == nil && book.bestAsk == nil)
    }

    @Test func markIsTheMidElseTheLastTradeElseOneSide() {
        var book = QuoteBook()
        #expect(book.mark == nil)
        book.set(.buy, price: 100, size: 1)
        #expect(book.mark == 100)
        book.trade(price: 103, size: 2)
        #expect(book.mark == 103)
        book.set(.sell, price: 106, size: 1)
        #expect(book.mark == 103)
        book.remove(.buy, price: 100)
        book.remove(.buy, price: 99)
        #expect(book.bestBid == nil && book.bestAsk == 106)
    }
}
