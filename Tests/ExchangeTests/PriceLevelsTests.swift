import FIXTestSupport
import Market
import Testing

/// One side of a book against a plain reference (a dictionary, sorted when asked): random sets,
/// removals, better levels cut and single-level sides, near the top and deep in the book (past
/// the eight steps the search walks before it bisects).
struct PriceLevelsTests {
    @Test(arguments: [Side.buy, Side.sell])
    func matchesAReference(_ side: Side) {
        var levels = PriceLevels(side)
        var reference: [Int64: Int64] = [:]
        var rng = SplitMix64(seed: side == .buy ? 11 : 12)
        func better(_ a: Int64, _ b: Int64) -> Bool { side == .buy ? a > b : a < b }
        func sortedBestFirst() -> [PriceLevels.Level] {
            reference.map { PriceLevels.Level(price: $0.key, size: $0.value) }.sorted { better($0.price, $1.price) }
        }
        for step in 0..<50_000 {
            let price = Int64(1_000 + rng.below(60)) + (rng.below(10) == 0 ? Int64(rng.below(400)) : 0)
            switch rng.below(100) {
            case 0..<55:
                let size = Int64(rng.below(20))
                levels.set(price: price, size: size)
                reference[price] = size
            case 55..<90:
                levels.remove(price: price)
                reference[price] = nil
            case 90..<95:
                levels.removeBetter(than: price)
                reference = reference.filter { !better($0.key, price) }
            case 95..<97:
                let size = Int64(1 + rng.below(5))
                levels.setOnly(price: price, size: size)
                reference = [price: size]
            default:
                levels.setOnly(price: nil, size: 0)
                reference = [:]
            }
            let expected = sortedBestFirst()
            #expect(levels.count == expected.count, "step \(step)")
            #expect(levels.best == expected.first, "step \(step)")
            #expect(levels.size(at: price) == reference[price] ?? 0, "step \(step)")
            if step % 97 == 0 {
                #expect(levels.best(expected.count) == expected, "step \(step)")
                #expect((0..<expected.count).map { levels.level(fromBest: $0) } == expected.map { Optional($0) }, "step \(step)")
            }
        }
    }
}
