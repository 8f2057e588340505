import Testing
@testable import FIX
import FIXTestSupport

struct ChecksumTests {
    /// The word-at-a-time sum equals the plain byte sum for every length and alignment.
    @Test func matchesTheByteSum() {
        var random = SplitMix64(seed: 42)
        let data = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1023, 1024, 1025, 2048, 4999] {
            for offset in [0, 1, 3] where offset + length <= data.count {
                let slice = data[offset..<(offset + length)]
                let expected = slice.reduce(0) { ($0 + Int($1)) % 256 }
                let actual = slice.withUnsafeBytes { FIXChecksum.compute($0) }
                #expect(actual == expected, "length \(length) offset \(offset)")
            }
        }
        let allFF = [UInt8](repeating: 0xFF, count: 100_000)
        #expect(allFF.withUnsafeBytes { FIXChecksum.compute($0) } == (255 * 100_000) % 256)
    }
}
