/// Date and time text of the ISO 8601 shape that recorded data and log captures use, read from
/// bytes in place: `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, then optionally `.` or `,` and
/// fraction digits, then optionally `Z` (always UTC).
///
/// ``read(_:)`` reads the shape only; the caller decides which variants it takes (the fraction's
/// separator and length) and checks the fields with ``nanosecondsSinceEpoch`` or its own rules.
public struct ISODateTime: Equatable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// The fraction in nanoseconds (from its first nine digits).
    public var nanosecond: Int
    /// How many fraction digits were written (any number; only the first nine count).
    public var fractionDigits: Int
    /// The byte before the fraction (`.` or `,`), nil when there is none.
    public var fractionSeparator: UInt8?
    /// How many bytes the text takes, `Z` included.
    public var length: Int

    /// Reads the shape at the start of `b` (more may follow); nil when it is not there. The
    /// fields are digits in place, not yet checked for range.
    public static func read(_ b: UnsafeRawBufferPointer) -> ISODateTime? {
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = ASCIIDigits.value(b, at: 0, count: 4), let month = ASCIIDigits.value(b, at: 5, count: 2),
              let day = ASCIIDigits.value(b, at: 8, count: 2), let hour = ASCIIDigits.value(b, at: 11, count: 2),
              let minute = ASCIIDigits.value(b, at: 14, count: 2), let second = ASCIIDigits.value(b, at: 17, count: 2)
        else { return nil }
        var t = ISODateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                            nanosecond: 0, fractionDigits: 0, fractionSeparator: nil, length: 19)
        if t.length < b.count, b[t.length] == UInt8(ascii: ".") || b[t.length] == UInt8(ascii: ",") {
            t.fractionSeparator = b[t.length]
            t.length += 1
            while t.length < b.count, b[t.length] &- 48 < 10 {
                if t.fractionDigits < 9 { t.nanosecond = t.nanosecond * 10 + Int(b[t.length] - 48) }
                t.fractionDigits += 1
                t.length += 1
            }
            for _ in min(t.fractionDigits, 9)..<9 { t.nanosecond *= 10 }
        }
        if t.length < b.count, b[t.length] == UInt8(ascii: "Z") { t.length += 1 }
        return t
    }

    /// Nanoseconds since the Unix epoch; nil when the fields are not a real date and time
    /// (second 60 included) or the instant does not fit 64 bits.
    public var nanosecondsSinceEpoch: Int64? {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = CivilDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        let (ns, o) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (t, o2) = ns.addingReportingOverflow(Int64(nanosecond))
        return o || o2 ? nil : t
    }
}
