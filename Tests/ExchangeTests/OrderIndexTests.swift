import Market
import FIXTestSupport
import Testing
/// The order book's id -> slot table against a Dictionary, through growth and many removals
/// (with and without the removed value).
struct OrderIndexTests {
    @Test func matchesADictionary() {
        var rng = SplitMix64(seed: 5)
        var index = UInt64Map<Int32>()
        var reference: [OrderID: Int32] = [:]
        var next: OrderID = 1
        var live: [OrderID] = []
        for step in 0..<200_000 {
            if rng.below(100) < 55 || live.isEmpty {
                // Mostly consecutive ids, sometimes a jump.
                next += rng.below(10) == 0 ? OrderID(1 + rng.below(1_000_000)) : 1
                let slot = Int32(rng.below(1 << 20))
                index.set(next, slot)
                reference[next] = slot
                live.append(next)
            } else {
                let id: OrderID
                if rng.below(3) == 0 {
                    id = OrderID(1 + rng.below(Int(next)))  // present or not
                } else {
                    let i = rng.below(live.count)
                    id = live[i]
                    live.swapAt(i, live.count - 1)
                    live.removeLast()
                }
                if rng.below(2) == 0 {
                    index.remove(id)
                    reference[id] = nil
                } else {
                    // The removed value comes back, nil when the id was not there.
                    #expect(index.removeValue(id) == reference.removeValue(forKey: id))
                }
            }
            if step % 20_000 == 0 {
                for (k, v) in reference { #expect(index[k] == v) }
                #expect(index.count == reference.count)
                #expect(index[next + 1] == nil)
            }
        }
        for (k, v) in reference { #expect(index[k] == v) }
    }
}
