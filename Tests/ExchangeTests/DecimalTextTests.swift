import Market
@testable import MarketData
import Testing

/// The one decimal reader and the one ISO date-time reader of the vocabulary, and the places
/// that read through them.
@Suite struct DecimalTextTests {
    private func read(_ s: String) -> (Int64, Int8)? {
        DecimalText.read(s).map { ($0.mantissa, $0.scale) }
    }

    @Test func readsDecimalsExactlyAtTheirScale() {
        #expect(read("101.250")! == (101_250, 3))
        #expect(read("-0.25")! == (-25, 2))
        #expect(read("5.")! == (5, 0))
        #expect(read(".5")! == (5, 1))
        #expect(read("000123")! == (123, 0))
        #expect(read("0.000000000000000001")! == (1, 18))
        #expect(read("123456789012345678")! == (123_456_789_012_345_678, 0))
        #expect(read("1.5000000000000000000000")! == (15, 1))
        for bad in ["", "-", ".", "-.", "+1", "1-", "1.2.3", "1e5", " 1", "1 ", "1,5",
                    "1234567890123456789", "0.0000000000000000001", "1.0000000000000000001"] {
            #expect(read(bad) == nil, "\(bad)")
        }
    }

    /// A step's count of steps and a market-data field read the same text the same way.
    @Test func readersAgree() {
        var rng = Xoshiro256StarStar(seed: 21)
        let step = DecimalStep(units: 1, scale: 4)
        for _ in 0..<20_000 {
            var text = rng.next() % 4 == 0 ? "-" : ""
            let whole = Int(rng.next() % 12)
            for _ in 0..<whole { text += String(rng.next() % 10) }
            if rng.next() % 2 == 0 {
                text += "."
                for _ in 0..<Int(rng.next() % 8) { text += String(rng.next() % 10) }
            }
            let plain = read(text)
            var bytes = Array(text.utf8) + [0]
            let field = bytes.withUnsafeMutableBufferPointer { b in
                ByteField(base: UnsafePointer(b.baseAddress!), count: b.count - 1).decimal().map { ($0.mantissa, $0.scale) }
            }
            #expect(field.map { "\($0)" } == plain.map { "\($0)" }, "\(text)")
            let steps = plain.flatMap { step.steps(mantissa: $0.0, scale: $0.1) }
            #expect(step.steps(text) == steps, "\(text)")
        }
    }

    @Test func readsISODateTimes() throws {
        func read(_ s: String) -> ISODateTime? { Array(s.utf8).withUnsafeBytes { ISODateTime.read($0) } }
        let t = try #require(read("2024-02-29T23:59:58.123456789123Z rest"))
        #expect((t.year, t.month, t.day, t.hour, t.minute, t.second) == (2024, 2, 29, 23, 59, 58))
        #expect(t.nanosecond == 123_456_789 && t.fractionDigits == 12 && t.fractionSeparator == UInt8(ascii: "."))
        #expect(t.length == 33)
        #expect(t.nanosecondsSinceEpoch == 1_709_251_198_123_456_789)
        let c = try #require(read("1970-01-01 00:00:01,5"))
        #expect(c.nanosecondsSinceEpoch == 1_500_000_000 && c.fractionSeparator == UInt8(ascii: ",") && c.length == 21)
        #expect(read("2024-02-30 00:00:00")?.nanosecondsSinceEpoch == nil)
        #expect(read("2023-02-29 00:00:00")?.nanosecondsSinceEpoch == nil)
        #expect(read("2024-01-01 00:00:60")?.nanosecondsSinceEpoch == nil)
        for bad in ["2024-01-01 00:00", "2024/01/01 00:00:00", "2024-01-01_00:00:00", "2024-01-01 0a:00:00"] {
            #expect(read(bad) == nil, "\(bad)")
        }
    }
}
