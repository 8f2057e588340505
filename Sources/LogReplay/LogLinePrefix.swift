import FIX
import Market

/// The timestamp a log line starts with, if any.
///
/// Recognised: the FIX log layout `YYYYMMDD-HH:MM:SS[.fraction] : ` (the engine's and QuickFIX's
/// file logs, any number of fraction digits up to 9), and the layouts people's captures often
/// have, `YYYY-MM-DD HH:MM:SS[.fraction]` (or with `T`, a `,` before the fraction, a trailing
/// `Z`), followed by separators (spaces, `:`, `-`, `|`, tabs, commas, `<`, `>`) or a short label
/// (`IN`, `recv`) up to `8=FIX`.
enum LogLinePrefix: Equatable {
    /// No timestamp at the start of the line.
    case none
    /// A timestamp, and how many bytes of the line the prefix takes (timestamp and separators).
    case timestamp(UTCTimestamp, length: Int)
    /// Text shaped like a timestamp that is not a valid one (month 13, second 61, ...).
    case badTimestamp(String, length: Int)

    /// How many bytes the prefix takes (0 when there is none).
    var length: Int {
        switch self {
        case .none: return 0
        case .timestamp(_, let n), .badTimestamp(_, let n): return n
        }
    }

    /// Classifies the first bytes of a line (at least the first 64 when the line is longer).
    static func classify(_ head: some Collection<UInt8>) -> LogLinePrefix {
        let b = Array(head)
        if let (fields, end) = fixShape(b) ?? isoShape(b) {
            // Separators up to the message, or a short label (`IN`, `<-`, `recv:`) before `8=FIX`.
            var j = end
            while j < b.count, isSeparator(b[j]) { j += 1 }
            if let start = messageStart(b, from: j), b[j..<start].allSatisfy({ $0 != 1 && $0 != UInt8(ascii: "=") }) {
                j = start
            }
            let text = String(decoding: b[0..<end], as: UTF8.self)
            guard j > end || j == b.count || b[j] == UInt8(ascii: "8") else { return .none }
            if let t = UTCTimestamp(year: fields.0, month: fields.1, day: fields.2, hour: fields.3, minute: fields.4,
                                    second: fields.5, nanosecond: fields.6, fractionDigits: Int8(min(fields.7, 9))) {
                return .timestamp(t, length: j)
            }
            return .badTimestamp(text, length: j)
        }
        return .none
    }

    /// Where `8=FIX` begins after `from`, if it does in these bytes.
    private static func messageStart(_ b: [UInt8], from: Int) -> Int? {
        let pattern: [UInt8] = Array("8=FIX".utf8)
        var i = from
        while i + pattern.count <= b.count {
            if b[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    private typealias Fields = (Int, Int, Int, Int, Int, Int, Int, Int)

    private static func isSeparator(_ c: UInt8) -> Bool {
        c == 32 || c == 9 || c == UInt8(ascii: ":") || c == UInt8(ascii: "-") || c == UInt8(ascii: "|")
            || c == UInt8(ascii: ",") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">")
    }

    private static func number(_ b: [UInt8], _ from: Int, _ count: Int) -> Int? {
        b.withUnsafeBytes { ASCIIDigits.value($0, at: from, count: count) }
    }

    /// Fraction digits from `i`: (nanoseconds, digits, end).
    private static func fraction(_ b: [UInt8], _ i: Int) -> (Int, Int, Int) {
        var j = i
        var nano = 0
        var digits = 0
        while j < b.count, b[j] &- 48 < 10 {
            if digits < 9 {
                nano = nano * 10 + Int(b[j] - 48)
                digits += 1
            }
            j += 1
        }
        for _ in digits..<9 { nano *= 10 }
        return (nano, digits, j)
    }

    /// `YYYYMMDD-HH:MM:SS[.f]`.
    private static func fixShape(_ b: [UInt8]) -> (Fields, Int)? {
        guard b.count >= 17, b[8] == UInt8(ascii: "-"), b[11] == UInt8(ascii: ":"), b[14] == UInt8(ascii: ":"),
              let y = number(b, 0, 4), let mo = number(b, 4, 2), let d = number(b, 6, 2),
              let h = number(b, 9, 2), let mi = number(b, 12, 2), let s = number(b, 15, 2) else { return nil }
        var end = 17
        var nano = 0, digits = 0
        if end < b.count, b[end] == UInt8(ascii: ".") {
            (nano, digits, end) = fraction(b, end + 1)
        }
        return ((y, mo, d, h, mi, s, nano, digits), end)
    }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.,f][Z]` (``ISODateTime``).
    private static func isoShape(_ b: [UInt8]) -> (Fields, Int)? {
        guard let t = b.withUnsafeBytes({ ISODateTime.read($0) }) else { return nil }
        return ((t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanosecond, t.fractionDigits), t.length)
    }
}
