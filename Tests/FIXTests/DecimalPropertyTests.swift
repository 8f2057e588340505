import FIX
import PropertyBased
import Testing

/// FIXDecimal's reader (the vocabulary's DecimalText) against a plain statement of the rule: an
/// optional `-`, digits with at most one `.`, at least one digit, at most 18 digits after the
/// point and 18 significant digits; when there are more, the fraction's trailing zeros are
/// dropped and the rule applied again.
struct DecimalPropertyTests {
    /// The rule, spelled out on characters.
    static func expected(_ text: String) -> (mantissa: Int64, scale: Int8)? {
        if let v = strict(text) { return v }
        guard text.contains("."), text.hasSuffix("0") else { return nil }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        return strict(String(trimmed))
    }

    /// The rule without dropping zeros.
    static func strict(_ text: String) -> (mantissa: Int64, scale: Int8)? {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        guard body.allSatisfy({ $0 == "." || $0.isASCII && $0.isNumber }), body.filter({ $0 == "." }).count <= 1 else { return nil }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = body.filter { $0 != "." }
        let significant = digits.drop { $0 == "0" }
        guard !digits.isEmpty, fraction.count <= 18, significant.count <= 18 else { return nil }
        let magnitude = Int64(significant.isEmpty ? "0" : String(significant))!
        return (negative ? -magnitude : magnitude, Int8(fraction.count))
    }

    @Test func readerFollowsTheRule() async {
        let alphabet = Array("0000123456789..-x")
        await propertyCheck(count: 5000, input: Gen.uint64()) { seed in
            var state = seed
            func next() -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int(state >> 33)
            }
            let length = next() % 24
            var text = ""
            for _ in 0..<length { text.append(alphabet[next() % alphabet.count]) }
            // Half the time a well-formed number: the drawn digits, split by a point or not.
            if next() % 2 == 0 {
                let digits = text.filter { $0.isNumber }
                let point = next() % (digits.count + 1)
                text = next() % 3 == 0 ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point)
            }
            let d = FIXDecimal(text)
            let e = Self.expected(text)
            #expect(d?.mantissa == e?.mantissa && d?.scale == e?.scale, "'\(text)': \(String(describing: d)) vs \(String(describing: e))")
        }
    }
}
