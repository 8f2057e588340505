import Market

/// A FIX UTCTimestamp: `YYYYMMDD-HH:MM:SS`, optionally with milliseconds (`.sss`), microseconds
/// (`.ssssss`) or nanoseconds (`.sssssssss`).
///
/// Held as nanoseconds since 1970-01-01T00:00:00Z plus the number of fraction digits it was
/// written with, so a parsed value writes back exactly (but for a leap second, which reads as the
/// next minute's first second).
public struct UTCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the Unix epoch.
    public var nanosecondsSinceEpoch: Int64
    /// Fraction digits: 0, 3, 6 or 9.
    public var fractionDigits: Int8

    public init(nanosecondsSinceEpoch: Int64, fractionDigits: Int8 = 3) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        self.fractionDigits = fractionDigits
    }

    /// The years a timestamp can hold: nanoseconds since 1970 in 64 bits reach from 1677 to 2262.
    public static let representableYears = 1678...2261

    /// Builds a timestamp from calendar fields (UTC). Returns nil when a field is out of range,
    /// or the year is outside ``representableYears``. Second 60 (a leap second) is accepted and
    /// read, as POSIX time does, as the first second of the next minute.
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                 nanosecond: Int = 0, fractionDigits: Int8 = 3) {
        guard Self.representableYears.contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0..<1_000_000_000).contains(nanosecond)
        else { return nil }
        let days = CivilDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.nanosecondsSinceEpoch = secs * 1_000_000_000 + Int64(nanosecond)
        self.fractionDigits = fractionDigits
    }

    /// Reads a UTCTimestamp from ASCII bytes; nil when the text is not one.
    @inlinable
    public init?(ascii b: UnsafeRawBufferPointer) {
        let n = b.count
        guard n == 17 || n == 21 || n == 24 || n == 27 else { return nil }
        guard b[8] == UInt8(ascii: "-"), b[11] == UInt8(ascii: ":"), b[14] == UInt8(ascii: ":") else { return nil }
        guard let year = digits(b, 0, 4), let month = digits(b, 4, 2), let day = digits(b, 6, 2),
              let hour = digits(b, 9, 2), let minute = digits(b, 12, 2), let second = digits(b, 15, 2)
        else { return nil }
        var nano = 0
        var fd: Int8 = 0
        if n > 17 {
            guard b[17] == UInt8(ascii: "."), let f = digits(b, 18, n - 18) else { return nil }
            fd = Int8(n - 18)
            nano = f
            for _ in 0..<(9 - (n - 18)) { nano *= 10 }
        }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                  nanosecond: nano, fractionDigits: fd)
    }

    /// Reads a UTCTimestamp from text; nil when the text is not one.
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        guard let v = s.withUTF8({ UTCTimestamp(ascii: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = v
    }

    /// The calendar fields of this instant (UTC).
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int) {
        var secs = nanosecondsSinceEpoch / 1_000_000_000
        var nano = nanosecondsSinceEpoch % 1_000_000_000
        if nano < 0 {
            nano += 1_000_000_000
            secs -= 1
        }
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let date = CivilDate(daysSinceEpoch: days)
        let (y, m, d) = (date.year, date.month, date.day)
        return (y, m, d, Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60), Int(nano))
    }

    /// Writes `YYYYMMDD-HH:MM:SS` and, when `fractionDigits` > 0, the fraction.
    @inlinable
    public func write(into buffer: inout [UInt8], fractionDigits: Int8? = nil) {
        let c = components
        let fd = Int(fractionDigits ?? self.fractionDigits)
        appendDigits(&buffer, c.year, 4)
        appendDigits(&buffer, c.month, 2)
        appendDigits(&buffer, c.day, 2)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(&buffer, c.hour, 2)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(&buffer, c.minute, 2)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(&buffer, c.second, 2)
        if fd > 0 {
            buffer.append(UInt8(ascii: "."))
            var f = c.nanosecond
            for _ in 0..<(9 - fd) { f /= 10 }
            appendDigits(&buffer, f, fd)
        }
    }

    public var description: String {
        var b: [UInt8] = []
        write(into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    public static func < (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public static func == (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
        lhs.nanosecondsSinceEpoch == rhs.nanosecondsSinceEpoch
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(nanosecondsSinceEpoch) }
}

@inlinable
func digits(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int? {
    ASCIIDigits.value(b, at: at, count: count)
}

@inlinable
func appendDigits(_ buffer: inout [UInt8], _ value: Int, _ width: Int) {
    var div = 1
    for _ in 1..<max(width, 1) { div *= 10 }
    var v = value
    while div > 0 {
        buffer.append(UInt8(truncatingIfNeeded: (v / div) % 10) &+ 48)
        v %= div
        div /= 10
    }
}
