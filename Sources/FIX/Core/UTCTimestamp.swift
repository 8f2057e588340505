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
              (1...daysInMonth(year, month)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0..<1_000_000_000).contains(nanosecond)
        else { return nil }
        let days = daysFromCivil(year, month, day)
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
        let (y, m, d) = civilFromDays(Int(days))
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
    var v = 0
    for i in at..<(at + count) {
        let c = b[i]
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
    }
    return v
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

@usableFromInline
func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

@usableFromInline
func daysInMonth(_ y: Int, _ m: Int) -> Int {
    switch m {
    case 2: return isLeapYear(y) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
@usableFromInline
func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
@usableFromInline
func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}
