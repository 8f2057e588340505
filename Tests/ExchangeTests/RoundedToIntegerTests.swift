import FIXTestSupport
import Testing
/// `roundedToInt64` is `Int64(rounded())` for every value that fits.
struct RoundedToIntegerTests {
    @Test func agreesWithRounded() {
        let edges: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                               0.5000000000000001, 4_503_599_627_370_495.5, -4_503_599_627_370_495.5, 4_503_599_627_370_497,
                               9_007_199_254_740_994, 9.2e18, -9.2e18, Double(Int64.min), 1e-300, -1e-300, .ulpOfOne]
        for x in edges { #expect(x.roundedToInt64 == Int64(x.rounded()), "\(x)") }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200_000 {
            let scale = [1.0, 10, 1_000, 1e6, 1e12, 1e17][rng.below(6)]
            let x = (Double(rng.next() >> 11) / Double(1 << 53) - 0.5) * 2 * scale
            #expect(x.roundedToInt64 == Int64(x.rounded()), "\(x)")
            let half = (x * 2).rounded() / 2  // exact halves too
            #expect(half.roundedToInt64 == Int64(half.rounded()), "\(half)")
        }
    }
}
