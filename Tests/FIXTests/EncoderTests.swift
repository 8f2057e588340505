import Foundation
import Testing
@testable import FIX
import FIXTestSupport

/// `8=<begin>|9=<len>|<body>10=<sum>|` with BodyLength and CheckSum worked out here, byte by
/// byte, independently of the encoder (and of `fix()`).
private func expectedFrame(_ body: [UInt8], beginString: String = "FIX.4.4") -> [UInt8] {
    var out = Array("8=\(beginString)\u{01}9=".utf8)
    out += Array(String(body.count).utf8)
    out.append(1)
    out += body
    var sum = 0
    for b in out { sum += Int(b) }
    sum %= 256
    out += [49, 48, 61, UInt8(48 + sum / 100), UInt8(48 + sum / 10 % 10), UInt8(48 + sum % 10), 1]
    return out
}

private func soh(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "|", with: "\u{01}").utf8)
}

struct EncoderTests {
    static let sendingTime = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12, minute: 0, second: 0,
                                          nanosecond: 123_456_789, fractionDigits: 9)!
    static let header = FIXHeader(senderCompID: "CLIENT", targetCompID: "VENUE", msgSeqNum: 7, sendingTime: sendingTime)

    @Test func heartbeatIsExactlyTheExpectedText() {
        let e = FIXEncoder()
        e.start(msgType: "0")
        Self.header.write(into: e)
        e.append(Tag.testReqID, "PING")
        let out = Array(e.finish())
        // SendingTime is written with milliseconds, whatever the value's own precision.
        let body = soh("35=0|34=7|49=CLIENT|52=20240808-12:00:00.123|56=VENUE|112=PING|")
        #expect(body.count == 63)  // 5 + 5 + 10 + 25 + 9 + 9
        var sum = 0
        for b in Array("8=FIX.4.4\u{01}9=63\u{01}".utf8) + body { sum += Int(b) }
        let checkSum = String(format: "%03d", sum % 256)
        #expect(show(out) == "8=FIX.4.4|9=63|35=0|34=7|49=CLIENT|52=20240808-12:00:00.123|56=VENUE|112=PING|10=\(checkSum)|")
        #expect(out == expectedFrame(body))
        #expect(Array(e.message) == out)
    }

    @Test func headerAndTrailerPlaces() throws {
        let e = FIXEncoder()
        e.start(msgType: "D")
        FIXHeader(senderCompID: "S", targetCompID: "T", msgSeqNum: 1, sendingTime: Self.sendingTime, possDupFlag: true,
                  possResend: false, senderSubID: "SS", targetSubID: "TS", onBehalfOfCompID: "OB",
                  origSendingTime: Self.sendingTime, deliverToCompID: "DT", lastMsgSeqNumProcessed: 0).write(into: e)
        e.append(Tag.clOrdID, "X")
        let m = try FIXMessage(bytes: e.finish())
        let tags = m.fields.map(\.tag)
        #expect(tags.prefix(3) == [8, 9, 35])
        #expect(tags.last == 10)
        #expect(tags == [8, 9, 35, 34, 43, 49, 50, 52, 56, 57, 97, 115, 122, 128, 369, 11, 10])
        #expect(m.string(Tag.sendingTime) == "20240808-12:00:00.123")
        #expect(m.string(Tag.origSendingTime) == "20240808-12:00:00.123")
        #expect(m.string(Tag.possDupFlag) == "Y")
        #expect(m.string(Tag.possResend) == "N")
        #expect(m.string(Tag.lastMsgSeqNumProcessed) == "0")
        let h = try #require(FIXHeader(m))
        #expect(h.senderSubID == "SS" && h.deliverToCompID == "DT" && h.possDupFlag == true && h.possResend == false)
        #expect(h.sendingTime.nanosecondsSinceEpoch == Self.sendingTime.nanosecondsSinceEpoch / 1_000_000 * 1_000_000)
    }

    struct ValueCase: Sendable, CustomTestStringConvertible {
        var name: String
        var write: @Sendable (FIXEncoder) -> Void
        var text: String
        var testDescription: String { name }
    }

    static let valueCases: [ValueCase] = [
        ValueCase(name: "decimal", write: { $0.append(44, FIXDecimal(mantissa: 10125, scale: 2)) }, text: "44=101.25"),
        ValueCase(name: "decimal keeps its scale", write: { $0.append(38, FIXDecimal(mantissa: 1500, scale: 3)) }, text: "38=1.500"),
        ValueCase(name: "decimal below one", write: { $0.append(44, FIXDecimal(mantissa: 5, scale: 3)) }, text: "44=0.005"),
        ValueCase(name: "negative decimal", write: { $0.append(44, FIXDecimal(mantissa: -5, scale: 2)) }, text: "44=-0.05"),
        ValueCase(name: "zero decimal", write: { $0.append(44, FIXDecimal.zero) }, text: "44=0"),
        ValueCase(name: "integer-valued decimal", write: { $0.append(38, FIXDecimal(2000)) }, text: "38=2000"),
        ValueCase(name: "int", write: { $0.append(108, 30) }, text: "108=30"),
        ValueCase(name: "int zero", write: { $0.append(108, 0) }, text: "108=0"),
        ValueCase(name: "one-digit int", write: { $0.append(108, 7) }, text: "108=7"),
        ValueCase(name: "negative int", write: { $0.append(5001, -42) }, text: "5001=-42"),
        ValueCase(name: "Int.max", write: { $0.append(5001, Int.max) }, text: "5001=9223372036854775807"),
        ValueCase(name: "Int.min", write: { $0.append(5001, Int.min) }, text: "5001=-9223372036854775808"),
        ValueCase(name: "bool true", write: { $0.append(43, true) }, text: "43=Y"),
        ValueCase(name: "bool false", write: { $0.append(43, false) }, text: "43=N"),
        ValueCase(name: "char byte", write: { $0.append(54, char: UInt8(ascii: "2")) }, text: "54=2"),
        ValueCase(name: "Character", write: { $0.append(40, Character("K")) }, text: "40=K"),
        ValueCase(name: "String", write: { $0.append(58, "hello = world") }, text: "58=hello = world"),
        ValueCase(name: "empty String", write: { $0.append(58, "") }, text: "58="),
        ValueCase(name: "StaticString", write: { $0.append(55, "BTCUSDT" as StaticString) }, text: "55=BTCUSDT"),
        ValueCase(name: "bytes", write: { $0.append(95, 3); $0.append(96, bytes: Array("a\u{01}b".utf8)) },
                  text: "95=3\u{01}96=a\u{01}b"),
        ValueCase(name: "timestamp, default milliseconds", write: { $0.append(60, EncoderTests.sendingTime) },
                  text: "60=20240808-12:00:00.123"),
        ValueCase(name: "timestamp, seconds", write: { $0.append(60, EncoderTests.sendingTime, fractionDigits: 0) },
                  text: "60=20240808-12:00:00"),
        ValueCase(name: "timestamp, microseconds", write: { $0.append(60, EncoderTests.sendingTime, fractionDigits: 6) },
                  text: "60=20240808-12:00:00.123456"),
        ValueCase(name: "timestamp, nanoseconds", write: { $0.append(60, EncoderTests.sendingTime, fractionDigits: 9) },
                  text: "60=20240808-12:00:00.123456789"),
    ]

    @Test(arguments: valueCases)
    func fieldValues(_ c: ValueCase) throws {
        let e = FIXEncoder()
        e.start(msgType: "0")
        c.write(e)
        let out = Array(e.finish())
        #expect(show(out) == show(expectedFrame(soh("35=0|") + Array(c.text.utf8) + [1])))
        let m = try FIXMessage(bytes: out)
        #expect(m.fields.map(\.tag).prefix(3) == [8, 9, 35])
        #expect(m.fields.last?.tag == 10)
        // The last field written reads back as its text: `<tag>=` at the start or after an SOH.
        let t = Array(c.text.utf8)
        var lastField = 0
        for i in t.indices where (i == 0 || t[i - 1] == 1) && t[i] != 1 {
            if let eq = t[i...].firstIndex(of: UInt8(ascii: "=")), eq > i, t[i..<eq].allSatisfy({ $0 >= 48 && $0 <= 57 }) { lastField = i }
        }
        let eq = t[lastField...].firstIndex(of: UInt8(ascii: "="))!
        let tag = Int(String(decoding: t[lastField..<eq], as: UTF8.self))!
        #expect(m.bytes(tag) == Array(t[(eq + 1)...]))
    }

    @Test func typedValuesReadBack() throws {
        let e = FIXEncoder()
        e.start(msgType: "8")
        Self.header.write(into: e)
        e.append(44, FIXDecimal(mantissa: -10125, scale: 3))
        e.append(5001, -42)
        e.append(43, true)
        e.append(54, char: UInt8(ascii: "2"))
        e.append(60, Self.sendingTime, fractionDigits: 6)
        let m = try FIXMessage(bytes: e.finish())
        let d = try #require(m.decimal(44))
        #expect(d.mantissa == -10125 && d.scale == 3)
        #expect(m.int(5001) == -42)
        #expect(m.bool(43) == true)
        #expect(m.char(54) == "2")
        let t = try #require(m.timestamp(60))
        #expect(t.fractionDigits == 6)
        #expect(t.nanosecondsSinceEpoch == Self.sendingTime.nanosecondsSinceEpoch / 1000 * 1000)
    }

    /// BodyLength of every size from 1 to 4 digits: the prefix is right-aligned against the body.
    @Test func bodyLengthOfEveryWidth() {
        let e = FIXEncoder()
        for n in [0, 1, 2, 50, 60, 80, 84, 85, 86, 90, 900, 983, 984, 985, 986, 9_980, 9_981, 9_982, 12_345] {
            let text = String(repeating: "x", count: n)
            e.start(msgType: "0")
            Self.header.write(into: e)
            e.append(Tag.text, text)
            let out = Array(e.finish())
            let expected = expectedFrame(soh("35=0|34=7|49=CLIENT|52=20240808-12:00:00.123|56=VENUE|58=\(text)|"))
            #expect(out == expected, "text of \(n) bytes")
            #expect(out == fix("35=0|34=7|49=CLIENT|52=20240808-12:00:00.123|56=VENUE|58=\(text)|"))
        }
    }

    @Test func otherBeginString() {
        let e = FIXEncoder(beginString: "FIXT.1.1")
        e.start(msgType: "0")
        e.append(Tag.testReqID, "T")
        #expect(Array(e.finish()) == expectedFrame(soh("35=0|112=T|"), beginString: "FIXT.1.1"))
    }

    static func encode(_ i: Int, into e: FIXEncoder) -> [UInt8] {
        let types = ["0", "D", "8", "W", "A"]
        e.start(msgType: types[i % types.count])
        FIXHeader(senderCompID: "C\(i % 7)", targetCompID: "V", msgSeqNum: i + 1,
                  sendingTime: UTCTimestamp(nanosecondsSinceEpoch: 1_723_118_400_000_000_000 + Int64(i) * 1_234_567_891)).write(into: e)
        for k in 0..<(i % 13) {
            e.append(5000 + k, FIXDecimal(mantissa: Int64(i * 1000 + k) - 5000, scale: Int8(k % 5)))
        }
        e.append(Tag.text, String(repeating: "t", count: (i * 37) % 300))
        return Array(e.finish())
    }

    @Test func reuseGivesIdenticalOutput() throws {
        let shared = FIXEncoder()
        var stream: [UInt8] = []
        var singles: [[UInt8]] = []
        for i in 0..<500 {
            let fresh = FIXEncoder()
            let a = Self.encode(i, into: shared)
            let b = Self.encode(i, into: fresh)
            #expect(a == b, "message \(i)")
            singles.append(a)
            stream += a
        }
        // Encoding the first message again after all the others: the same bytes.
        #expect(Self.encode(0, into: shared) == singles[0])
        #expect(Self.encode(499, into: shared) == singles[499])

        // Every message parses and frames back.
        var framer = FIXFramer()
        framer.append(stream)
        var framed: [[UInt8]] = []
        while let event = framer.next() {
            guard case .message(let m) = event else {
                Issue.record("garbled: \(event)")
                continue
            }
            framed.append(Array(m))
        }
        #expect(framer.finish() == nil)
        #expect(framed == singles)
        var parsedMessage = FIXMessage()
        for (i, s) in singles.enumerated() {
            try parsedMessage.parse(s[...])
            #expect(parsedMessage.msgSeqNum == i + 1)
            #expect(parsedMessage.fields.first?.tag == 8 && parsedMessage.fields.last?.tag == 10)
        }
    }

    @Test func encoderOutputValidates() throws {
        let dictionary = try DataDictionary.fix44()
        let e = FIXEncoder()
        e.start(msgType: "D")
        Self.header.write(into: e)
        e.append(Tag.clOrdID, "ORD-1")
        e.append(Tag.handlInst, char: UInt8(ascii: "1"))
        e.append(Tag.symbol, "BTCUSDT")
        e.append(Tag.side, char: UInt8(ascii: "1"))
        e.append(Tag.transactTime, Self.sendingTime)
        e.append(Tag.orderQty, FIXDecimal(mantissa: 15, scale: 1))
        e.append(Tag.ordType, char: UInt8(ascii: "2"))
        e.append(Tag.price, FIXDecimal(mantissa: 6_000_025, scale: 2))
        var m = try FIXMessage(bytes: e.finish())
        #expect(dictionary.validate(&m) == nil)
        #expect(m.decimal(Tag.price) == FIXDecimal(mantissa: 6_000_025, scale: 2))
    }
}

/// A session's standard header, CompIDs encoded once, against the general header writer.
struct SessionHeaderTests {
    @Test func writesTheSameBytesAsTheGeneralHeader() {
        let header = FIXSessionHeader(senderCompID: "MAKER-01", targetCompID: "A_LONGER_TARGET_COMP_ID")
        let time = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 9, minute: 30, second: 1, nanosecond: 250_000_000)!
        for seq in [1, 9, 10, 123_456_789] {
            let fast = FIXEncoder()
            fast.start(msgType: "G")
            header.write(msgSeqNum: seq, sendingTime: time, into: fast)
            fast.append(Tag.clOrdID, "Q1")
            let general = FIXEncoder()
            general.start(msgType: "G")
            FIXHeader(senderCompID: "MAKER-01", targetCompID: "A_LONGER_TARGET_COMP_ID", msgSeqNum: seq, sendingTime: time)
                .write(into: general)
            general.append(Tag.clOrdID, "Q1")
            #expect(Array(fast.finish()) == Array(general.finish()), "MsgSeqNum \(seq)")
        }
    }
    /// Timestamps written again (the encoder keeps the last two whole) read the same as written
    /// by a fresh encoder, whatever the order of instants and fraction digits.
    @Test func repeatedTimestampsWriteTheSameText() {
        let shared = FIXEncoder()
        let base: Int64 = 1_723_118_400_123_456_789
        let instants = [base, base + 1, base + 1_000_000_000, -base, 0, base + 86_400_000_000_000]
        var state: UInt64 = 7
        for i in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let instant = instants[Int(state >> 33) % instants.count]
            let digits: Int8 = [0, 3, 6, 9][Int(state >> 40) % 4]
            let time = UTCTimestamp(nanosecondsSinceEpoch: instant, fractionDigits: digits)
            let fresh = FIXEncoder()
            for e in [shared, fresh] {
                e.start(msgType: "0")
                e.append(Tag.sendingTime, time, fractionDigits: digits)
            }
            #expect(Array(shared.finish()) == Array(fresh.finish()), "write \(i): \(instant), \(digits) digits")
        }
    }
}
