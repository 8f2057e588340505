import Foundation
import Testing
@testable import FIX
import FIXTestSupport

/// Raw bytes from text with `|` for SOH (no BodyLength or CheckSum computed).
private func raw(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "|", with: "\u{01}").utf8)
}

/// A decimal's mantissa and scale, to compare exactly (equality of FIXDecimal ignores the scale).
private func ms(_ d: FIXDecimal?) -> [Int64]? {
    d.map { [$0.mantissa, Int64($0.scale)] }
}

/// The parse error for `text` (with `|` for SOH), or nil when it parses.
private func parseError(_ text: String) -> FIXParseError? {
    do {
        _ = try FIXMessage(bytes: raw(text))
        return nil
    } catch {
        return error
    }
}

struct ParserTests {
    static let header = "34=2|49=TW44|52=20240808-12:00:00.000|56=ISLD|"

    // MARK: - Fields and offsets

    @Test func fieldsAndOffsets() throws {
        let bytes = raw("8=FIX.4.4|9=5|35=0|10=000|")
        let m = try FIXMessage(bytes: bytes)
        #expect(m.fields == [
            FIXField(tag: 8, valueOffset: 2, valueLength: 7),
            FIXField(tag: 9, valueOffset: 12, valueLength: 1),
            FIXField(tag: 35, valueOffset: 17, valueLength: 1),
            FIXField(tag: 10, valueOffset: 22, valueLength: 3),
        ])
        #expect(m.bytes == bytes)
        #expect(m.fieldRange == 0..<4)
        #expect(m.groupsResolved == false)
        for f in m.fields {
            #expect(bytes[f.valueRange.upperBound] == 1)
            #expect(bytes[f.valueRange.lowerBound - 1] == UInt8(ascii: "="))
        }
    }

    @Test func offsetsMatchTheTextOfEveryField() throws {
        let text = "35=D|\(Self.header)11=ORD-1|21=1|55=BTC/USDT|54=1|60=20240808-12:00:00|38=002000.00|40=2|44=-0.05|58=a=b=c|"
        let bytes = fix(text)
        let m = try FIXMessage(bytes: bytes)
        // Split the text independently of the parser.
        let pairs = String(decoding: bytes, as: UTF8.self).split(separator: "\u{01}").map { f -> (Int32, String) in
            let eq = f.firstIndex(of: "=")!
            return (Int32(f[..<eq])!, String(f[f.index(after: eq)...]))
        }
        #expect(m.fields.count == pairs.count)
        for (f, p) in zip(m.fields, pairs) {
            #expect(f.tag == p.0)
            #expect(String(decoding: bytes[f.valueRange], as: UTF8.self) == p.1)
        }
        #expect(m.msgType == "D")
        #expect(m.beginString == "FIX.4.4")
        #expect(m.msgSeqNum == 2)
        #expect(m.text() == show(bytes))
        #expect(m.description == show(bytes))
    }

    /// Tags of every length from 1 to 9 digits (with and without leading zeros), followed by
    /// values of every length from 0 to 9 bytes, so that each tag is read both from a whole
    /// eight-byte word and, near the end of the message, byte by byte.
    @Test func tagsOfEveryLengthAtEveryPosition() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var body = "35=0|\(Self.header)"
            var expected: [(Int32, String)] = []
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                let digits = Int.random(in: 1...9, using: &generator)
                var tagText = String(Int.random(in: 0...999_999_999, using: &generator))
                tagText = String(tagText.prefix(digits))
                if Bool.random(using: &generator) && tagText.count < 9 { tagText = "0" + tagText }
                let tag = Int32(tagText)!
                // Tags that read as data fields or their lengths would change the split.
                if tag == 0 || tag == 10 || FIXMessage.lengthTag(forDataTag: tag) != nil { continue }
                let value = String(repeating: "v", count: Int.random(in: 1...9, using: &generator))
                body += "\(tagText)=\(value)|"
                expected.append((tag, value))
            }
            let m = try parsed(body)
            let tail = Array(m.fields.dropFirst(7).dropLast())
            #expect(tail.count == expected.count)
            for (f, e) in zip(tail, expected) {
                #expect(f.tag == e.0)
                #expect(String(decoding: m.bytes[f.valueRange], as: UTF8.self) == e.1)
            }
        }
    }

    /// The parser's quick test for data fields picks exactly the tags that have a length field.
    @Test func dataTagTableMatchesTheLengthFields() {
        for tag in Int32(-100)...2_000 {
            #expect(FIXFieldScanner.isDataTag(tag) == (FIXMessage.lengthTag(forDataTag: tag) != nil), "tag \(tag)")
        }
        #expect(!FIXFieldScanner.isDataTag(.max) && !FIXFieldScanner.isDataTag(.min))
    }

    /// A tag that is not all digits is refused wherever the `=` falls within the word.
    @Test(arguments: ["4g=x", "1:=x", "12/=x", "0123456x=x", "1 2=x", "5\u{7F}=x", "9\u{FF}=x"])
    func nonDigitsInShortTags(_ tag: String) {
        let e = parseError("8=FIX.4.4|9=5|35=0|\(tag)|58=abcdefgh|10=000|")
        #expect(e?.code == .invalidTag)
        #expect(e?.offset == 19)
    }

    @Test func lookupByTag() throws {
        let m = try parsed("35=D|\(Self.header)11=ID|58=first|58=second|")
        #expect(m.index(of: 11) == 7)
        #expect(m.field(11)?.tag == 11)
        #expect(m.string(58) == "first")  // the first occurrence
        #expect(m.has(58))
        #expect(!m.has(59))
        #expect(m.field(59) == nil)
        #expect(m.string(59) == nil)
        #expect(m.int(59) == nil)
        #expect(m.bytes(11) == Array("ID".utf8))
        #expect(m.value(11, equals: "ID"))
        #expect(!m.value(11, equals: "I"))
        #expect(!m.value(11, equals: "IDX"))
        #expect(!m.value(59, equals: ""))
    }

    // MARK: - Typed getters

    static let getters = try! parsed(
        "35=0|\(header)"
            + "1001=0|1002=42|1003=-42|1004=9223372036854775807|1005=99999999999999999999|1006=12a|1007=-|1008=|"
            + "1009=+5|1010=1.5|1011=-999999999999999999|"
            + "2001=101.25|2002=002000.00|2003=-0.05|2004=100|2005=1.500|2006=.5|2007=1.2.3|2008=abc|2009=1e5|"
            + "3001=20240808-12:34:56|3002=20240808-12:34:56.789|3003=20240808-12:34:56.789012|"
            + "3004=20240808-12:34:56.789012345|3005=20240230-12:00:00|3006=20240808-24:00:00|3007=20240808 12:34:56|"
            + "3008=20240808-12:34:56.7|3009=20230229-00:00:00|3010=20240229-23:59:59|3011=20241308-00:00:00|"
            + "3012=20240808-12:60:00|3013=00000101-00:00:00|"
            + "4001=X|4002=XY|4003=Y|4004=N|4005=y|4006=YES|4007=é|"
            + "5001=hello world|5002=a=b|")

    @Test(arguments: [(1001, 0), (1002, 42), (1003, -42), (1004, Int.max), (1011, -999_999_999_999_999_999)] as [(Int, Int)])
    func intValues(_ tag: Int, _ value: Int) {
        #expect(Self.getters.int(tag) == value)
    }

    @Test(arguments: [1005, 1006, 1007, 1008, 1009, 1010, 5001])
    func notInts(_ tag: Int) {
        #expect(Self.getters.int(tag) == nil)
    }

    /// 19 digits fit the length check but not always in Int: nil, not a wrapped-round value.
    @Test(arguments: ["9223372036854775808", "9999999999999999999", "9300000000000000000"])
    func intOverflowIsNil(_ text: String) throws {
        let m = try parsed("35=0|\(Self.header)1001=\(text)|")
        #expect(m.int(1001) == nil, "\(text) read as \(String(describing: m.int(1001)))")
    }

    @Test func decimalValues() {
        let m = Self.getters
        #expect(ms(m.decimal(2001)) == [10125, 2])
        #expect(ms(m.decimal(2002)) == [200_000, 2])
        #expect(m.decimal(2002) == FIXDecimal(2000))
        #expect(m.decimal(2003) == FIXDecimal(mantissa: -5, scale: 2))
        #expect(m.decimal(2004) == FIXDecimal(mantissa: 100, scale: 0))
        #expect(ms(m.decimal(2005)) == [1500, 3])
        #expect(m.decimal(1003) == FIXDecimal(-42))
        for tag in [2007, 2008, 2009, 1007, 1008, 1009] {
            #expect(m.decimal(tag) == nil, "tag \(tag)")
        }
        #expect(m.decimal(2006) == FIXDecimal(mantissa: 5, scale: 1))
    }

    @Test func timestampValues() throws {
        let m = Self.getters
        let base = try #require(UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12, minute: 34, second: 56, nanosecond: 0))
        let t0 = try #require(m.timestamp(3001))
        #expect(t0.nanosecondsSinceEpoch == base.nanosecondsSinceEpoch)
        #expect(t0.fractionDigits == 0)
        let t3 = try #require(m.timestamp(3002))
        #expect(t3.nanosecondsSinceEpoch == base.nanosecondsSinceEpoch + 789_000_000)
        #expect(t3.fractionDigits == 3)
        let t6 = try #require(m.timestamp(3003))
        #expect(t6.nanosecondsSinceEpoch == base.nanosecondsSinceEpoch + 789_012_000)
        #expect(t6.fractionDigits == 6)
        let t9 = try #require(m.timestamp(3004))
        #expect(t9.nanosecondsSinceEpoch == base.nanosecondsSinceEpoch + 789_012_345)
        #expect(t9.fractionDigits == 9)
        #expect(m.timestamp(3010) != nil)  // 29 February of a leap year
        for tag in [3005, 3006, 3007, 3008, 3009, 3011, 3012, 3013, 5001, 1008] {
            #expect(m.timestamp(tag) == nil, "tag \(tag): \(m.string(tag) ?? "-")")
        }
    }

    @Test func charBoolAndString() {
        let m = Self.getters
        #expect(m.char(4001) == "X")
        #expect(m.byte(4001) == UInt8(ascii: "X"))
        #expect(m.char(4002) == nil)
        #expect(m.byte(4002) == nil)
        #expect(m.char(4007) == nil)  // two UTF-8 bytes
        #expect(m.char(1008) == nil)
        #expect(m.bool(4003) == true)
        #expect(m.bool(4004) == false)
        #expect(m.bool(4005) == nil)
        #expect(m.bool(4006) == nil)
        #expect(m.bool(4001) == nil)
        #expect(m.string(5001) == "hello world")
        #expect(m.string(5002) == "a=b")
        #expect(m.string(4007) == "é")
        #expect(m.string(1008) == "")
        #expect(m.has(1008))
        #expect(m.field(1008)?.valueLength == 0)
    }

    // MARK: - Parse errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var text: String
        var code: FIXParseError.Code
        var offset: Int
        var testDescription: String { text }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|4garbled9=x|10=000|", code: .invalidTag, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|=x|10=000|", code: .invalidTag, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|-=x|10=000|", code: .invalidTag, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|1234567890=x|10=000|", code: .invalidTag, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0| 58=x|10=000|", code: .invalidTag, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|10", code: .missingEquals, offset: 19),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|10=000", code: .missingDelimiter, offset: 22),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|58=x", code: .missingDelimiter, offset: 22),
        ErrorCase(text: "9=5|8=FIX.4.4|35=0|10=000|", code: .badStructure, offset: 0),
        ErrorCase(text: "8=FIX.4.4|35=0|9=5|10=000|", code: .badStructure, offset: 0),
        ErrorCase(text: "35=0|8=FIX.4.4|9=5|10=000|", code: .badStructure, offset: 0),
        ErrorCase(text: "8=FIX.4.4|9=5|49=A|35=0|10=000|", code: .badStructure, offset: 0),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|10=000|58=x|", code: .badStructure, offset: 0),
        ErrorCase(text: "8=FIX.4.4|9=5|35=0|", code: .badStructure, offset: 0),
        ErrorCase(text: "8=FIX.4.4|9=5|10=000|", code: .badStructure, offset: 0),
    ]

    @Test(arguments: errorCases)
    func parseErrors(_ c: ErrorCase) {
        let e = parseError(c.text)
        #expect(e?.code == c.code)
        #expect(e?.offset == c.offset)
        #expect(e.map { !$0.description.isEmpty } == true)
    }

    @Test func emptyInput() {
        #expect(throws: FIXParseError(.empty, offset: 0)) { try FIXMessage(bytes: []) }
    }

    /// A field without `=` in the middle of a message (`58<SOH>`).
    @Test func fieldWithoutEquals() {
        let e = parseError("8=FIX.4.4|9=5|35=0|58|10=000|")
        #expect(e?.offset == 19)
        #expect(e?.code == .missingEquals)
    }

    // MARK: - Reuse

    @Test func parsingAgainReplacesTheMessage() throws {
        let dictionary = try DataDictionary.fix44()
        var m = FIXMessage()
        let first = fix("35=W|\(Self.header)262=R|55=BTCUSDT|268=2|269=0|270=100.5|271=2|269=1|270=101|271=3|")
        try first.withUnsafeBytes { try m.parse($0) }
        #expect(dictionary.validate(&m) == nil)
        #expect(m.groupsResolved)
        #expect(m.group(Tag.noMDEntries).count == 2)
        #expect(m.has(Tag.mdEntryPx) == false)

        let second = fix("35=0|\(Self.header)112=PING|")
        try m.parse(second[...])
        #expect(m.bytes == second)
        #expect(m.groupsResolved == false)
        #expect(m.fields.count == 9)
        #expect(m.fields.allSatisfy { $0.depth == 0 })
        #expect(m.msgType == "0")
        #expect(m.string(Tag.testReqID) == "PING")
        #expect(m.string(Tag.mdReqID) == nil)
        #expect(m.group(Tag.noMDEntries).isEmpty)
        #expect(m == (try FIXMessage(bytes: second)))

        // A failed parse leaves no fields of the previous message to be read as current.
        #expect(throws: FIXParseError.self) { try m.parse(raw("8=FIX.4.4|9=5|x")[...]) }
        #expect(m.string(Tag.testReqID) == nil)

        // And a good one after the failure is whole again.
        let third = fix("35=D|\(Self.header)11=X|")
        try m.parse(third[...])
        #expect(m.string(Tag.clOrdID) == "X")
        #expect(m.fields.count == 9)
    }

    // MARK: - Data fields

    @Test func dataFieldWithSOHIsOneField() throws {
        let data = "a\u{01}b=c\u{01}10=000\u{01}"
        let m = try parsed("35=A|\(Self.header)98=0|108=30|95=\(data.utf8.count)|96=\(data)|")
        #expect(m.string(Tag.rawData) == data)
        #expect(m.fields.map(\.tag) == [8, 9, 35, 34, 49, 52, 56, 98, 108, 95, 96, 10])
        var v = m
        #expect(try DataDictionary.fix44().validate(&v) == nil)
    }

    @Test func dataFieldWithoutMatchingLengthEndsAtSOH() throws {
        // The declared length does not end on an SOH: the value ends at the first SOH.
        let m = try parsed("35=A|\(Self.header)98=0|108=30|95=3|96=ab|")
        #expect(m.string(Tag.rawData) == "ab")
        // A data field whose length field is not right before it is an ordinary field.
        let n = try parsed("35=A|\(Self.header)98=0|95=4|108=30|96=a|")
        #expect(n.string(Tag.rawData) == "a")
    }

    // MARK: - FIXDecimal

    @Test(arguments: [("1.5", 15, 1), ("-0.05", -5, 2), ("100", 100, 0), ("1.500", 1500, 3), ("0", 0, 0),
                      ("002000.00", 200_000, 2), ("-0", 0, 0), ("0.000000000000000001", 1, 18),
                      ("999999999999999999", 999_999_999_999_999_999, 0), ("-123456.789", -123_456_789, 3)]
                     as [(String, Int64, Int8)])
    func decimalParsing(_ text: String, _ mantissa: Int64, _ scale: Int8) throws {
        let d = try #require(FIXDecimal(text))
        #expect(d.mantissa == mantissa)
        #expect(d.scale == scale)
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "+1", " 1", "1 ", "1e5", "abc", "1,5", "--1",
                      "1234567890123456789", "0.0000000000000000001"])
    func notDecimals(_ text: String) {
        #expect(FIXDecimal(text) == nil)
    }

    @Test(arguments: ["-0.05", "100", "1.500", "0", "0.001", "-123456.789", "60000.25", "0.000000000000000001"])
    func decimalDescriptionRoundTrip(_ text: String) throws {
        #expect(try #require(FIXDecimal(text)).description == text)
    }

    @Test func decimalDescriptions() {
        #expect(FIXDecimal(mantissa: 5, scale: 3).description == "0.005")
        #expect(FIXDecimal(mantissa: -5, scale: 3).description == "-0.005")
        #expect(FIXDecimal(mantissa: 1500, scale: 3).description == "1.500")
        #expect(FIXDecimal(mantissa: Int64.max, scale: 0).description == "9223372036854775807")
        #expect(FIXDecimal(mantissa: Int64.max, scale: 18).description == "9.223372036854775807")
        #expect(FIXDecimal(mantissa: -Int64.max, scale: 4).description == "-922337203685477.5807")
        #expect(FIXDecimal(42).description == "42")
        #expect((7 as FIXDecimal).description == "7")
    }

    @Test func decimalEqualityAcrossScales() throws {
        let a = FIXDecimal(mantissa: 15, scale: 1), b = FIXDecimal(mantissa: 150, scale: 2), c = FIXDecimal(mantissa: 1500, scale: 3)
        #expect(a == b && b == c)
        #expect(a.hashValue == c.hashValue)
        #expect(Set([a, b, c]).count == 1)
        #expect(FIXDecimal("100") == FIXDecimal("100.000"))
        #expect(FIXDecimal("0") == FIXDecimal("-0.00"))
        #expect(FIXDecimal("1.5") != FIXDecimal("1.05"))
        #expect(FIXDecimal(mantissa: 0, scale: 7) == .zero)
        #expect(c.normalized.mantissa == 15 && c.normalized.scale == 1)
        #expect(ms(a.rescaled(to: 3)) == [1500, 3])
        #expect(ms(c.rescaled(to: 1)) == [15, 1])
        #expect(c.rescaled(to: 0) == nil)
        #expect(FIXDecimal(mantissa: Int64.max / 5, scale: 0).rescaled(to: 1) == nil)
        #expect(FIXDecimal("2.000")!.isInteger)
        #expect(!FIXDecimal("2.001")!.isInteger)
    }

    @Test func decimalOrdering() throws {
        let texts = ["10", "-1", "1.5", "0.001", "-0.5", "0", "1", "1.49999", "-1.0001", "999999999999999999", "-999999999999999999",
                     "0.000000000000000001"]
        let sorted = texts.map { FIXDecimal($0)! }.sorted()
        #expect(sorted.map(\.description) == ["-999999999999999999", "-1.0001", "-1", "-0.5", "0", "0.000000000000000001", "0.001", "1",
                                              "1.49999", "1.5", "10", "999999999999999999"])
        #expect(FIXDecimal("1.50")! >= FIXDecimal("1.5")!)
        #expect(!(FIXDecimal("1.50")! < FIXDecimal("1.5")!))
        #expect(FIXDecimal(mantissa: Int64.max, scale: 0) > FIXDecimal(mantissa: Int64.max, scale: 18))
    }

    @Test func decimalMultiples() {
        #expect(FIXDecimal("101.25")!.multiple(of: FIXDecimal("0.05")!) == 2025)
        #expect(FIXDecimal("101.26")!.multiple(of: FIXDecimal("0.05")!) == nil)
        #expect(FIXDecimal("100")!.multiple(of: FIXDecimal("0.01")!) == 10_000)
        #expect(FIXDecimal("-0.10")!.multiple(of: FIXDecimal("0.05")!) == -2)
        #expect(FIXDecimal("0")!.multiple(of: FIXDecimal("0.5")!) == 0)
        #expect(FIXDecimal("1.5")!.multiple(of: FIXDecimal("1.500")!) == 1)
        #expect(FIXDecimal("7")!.multiple(of: FIXDecimal("2")!) == nil)
        #expect(FIXDecimal("1")!.multiple(of: .zero) == nil)
        #expect(FIXDecimal("1")!.multiple(of: FIXDecimal("-0.5")!) == nil)
        // Rescaling would overflow: nil, not a crash.
        #expect(FIXDecimal(mantissa: Int64.max, scale: 0).multiple(of: FIXDecimal(mantissa: 1, scale: 18)) == nil)
    }

    // MARK: - UTCTimestamp

    @Test(arguments: ["20240808-12:00:00", "20240808-12:00:00.123", "20240808-12:00:00.123456", "20240808-12:00:00.123456789",
                      "19700101-00:00:00", "19691231-23:59:59.999", "16780101-00:00:00", "22611231-23:59:59.999999999",
                      "20240229-00:00:00.000", "20000229-12:00:00.000001"])
    func timestampRoundTrip(_ text: String) throws {
        let t = try #require(UTCTimestamp(text))
        #expect(t.description == text)
        #expect(Int(t.fractionDigits) == max(0, text.count - 18))
        var b: [UInt8] = []
        t.write(into: &b)
        #expect(b == Array(text.utf8))
    }

    @Test(arguments: ["20240230-00:00:00", "20230229-00:00:00", "19000229-00:00:00", "20241301-00:00:00", "20240001-00:00:00",
                      "20240100-00:00:00", "20240101-24:00:00", "20240101-00:60:00", "20240101-00:00:61", "20240101-00:00:00.",
                      "20240101-00:00:00.1", "20240101-00:00:00.1234", "20240101-00:00:00.1234567890", "20240101T00:00:00",
                      "2024010-100:00:00", "00000101-00:00:00", "20240101-00:00:0a", "", "20240101",
                      "99991231-23:59:59", "00010101-00:00:00", "16770101-00:00:00", "22630101-00:00:00"])
    func notTimestamps(_ text: String) {
        #expect(UTCTimestamp(text) == nil)
    }

    @Test func timestampComponentsAndEpoch() throws {
        let t = try #require(UTCTimestamp("20240808-12:00:00"))
        #expect(t.nanosecondsSinceEpoch == 1_723_118_400 * 1_000_000_000)
        let u = try #require(UTCTimestamp("20240808-12:34:56.789012345"))
        let c = u.components
        #expect(c.year == 2024 && c.month == 8 && c.day == 8)
        #expect(c.hour == 12 && c.minute == 34 && c.second == 56)
        #expect(c.nanosecond == 789_012_345)
        let noon = try #require(UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12))
        #expect(noon.nanosecondsSinceEpoch == Int64(1_723_118_400) * 1_000_000_000)
        #expect(noon == t)
        let epoch = try #require(UTCTimestamp(year: 1970, month: 1, day: 1))
        #expect(epoch.nanosecondsSinceEpoch == 0)
        #expect(UTCTimestamp(year: 2024, month: 2, day: 30) == nil)
        #expect(UTCTimestamp(year: 2024, month: 2, day: 29) != nil)
        let before = UTCTimestamp(nanosecondsSinceEpoch: -1, fractionDigits: 9)
        #expect(before.description == "19691231-23:59:59.999999999")
        #expect(before.components.second == 59 && before.components.nanosecond == 999_999_999)
    }

    @Test func timestampEqualityIgnoresDigits() throws {
        let a = try #require(UTCTimestamp("20240808-12:00:00"))
        let b = try #require(UTCTimestamp("20240808-12:00:00.000000"))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a < (try #require(UTCTimestamp("20240808-12:00:00.000000001"))))
        var out: [UInt8] = []
        b.write(into: &out, fractionDigits: 3)
        #expect(String(decoding: out, as: UTF8.self) == "20240808-12:00:00.000")
        out = []
        try #require(UTCTimestamp("20240808-12:00:00.987654321")).write(into: &out, fractionDigits: 3)
        #expect(String(decoding: out, as: UTF8.self) == "20240808-12:00:00.987")  // truncated, not rounded
    }

    /// Years whose nanosecond count does not fit in Int64 (before 1677-09-21 or after
    /// 2262-04-11) are not timestamps: nil, not a trap on `secs * 1_000_000_000`. Run in a child
    /// process, so that a regression shows as a failed test rather than a crashed run.
    @Test func farFutureTimestampDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            precondition(UTCTimestamp("99991231-23:59:59") == nil)
            precondition(UTCTimestamp("22620412-00:00:00") == nil)
        }
    }

    @Test func farPastTimestampDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            precondition(UTCTimestamp("00010101-00:00:00") == nil)
            precondition(UTCTimestamp("16770101-00:00:00") == nil)
        }
    }

    @Test func validatingAFarFutureSendingTimeDoesNotCrash() async {
        await #expect(processExitsWith: .success) {
            var m = try parsed("35=0|34=2|49=TW44|52=30000101-00:00:00|56=ISLD|")
            _ = try DataDictionary.fix44().validate(&m)
        }
    }

    /// A SendingTime in a year UTCTimestamp cannot hold: the getter gives nil, and the validator
    /// rejects it as an incorrect data format (373=6 on 52), so a valid message's header is
    /// always readable.
    @Test(arguments: ["99991231-23:59:59", "30000101-00:00:00", "00010101-00:00:00", "16770921-00:00:00"])
    func farSendingTimeIsRejected(_ time: String) throws {
        var m = try parsed("35=0|34=2|49=TW44|52=\(time)|56=ISLD|")
        #expect(m.timestamp(Tag.sendingTime) == nil)
        let r = try DataDictionary.fix44().validate(&m)
        #expect(r?.reason == .incorrectDataFormat && r?.refTagID == Tag.sendingTime, "validated as \(String(describing: r))")
    }

    @Test func representableYears() throws {
        #expect(UTCTimestamp("16780101-00:00:00")!.description == "16780101-00:00:00")
        #expect(UTCTimestamp("22611231-23:59:59.999999999")!.description == "22611231-23:59:59.999999999")
        #expect(UTCTimestamp(year: 1677, month: 12, day: 31) == nil)
        #expect(UTCTimestamp(year: 2262, month: 1, day: 1) == nil)
    }

    /// Second 60 (a leap second) is accepted and read as the first second of the next minute, as
    /// the type documents; it does not write back as 60.
    @Test func leapSecond() throws {
        let t = try #require(UTCTimestamp("20161231-23:59:60"))
        #expect(t.description == "20170101-00:00:00")
        #expect(t == UTCTimestamp("20170101-00:00:00"))
    }
}
