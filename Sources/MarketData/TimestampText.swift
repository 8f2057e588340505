import Market
/// Timestamps of the CSV sources, read from bytes in place:
/// - `YYYY-MM-DD HH:MM:SS[.fraction]` or `YYYY-MM-DDTHH:MM:SS[.fraction]`, UTC, with an optional
///   trailing `Z`; the fraction has 1 to 9 digits;
/// - an integer: nanoseconds since the Unix epoch.
enum TimestampText {

    /// What the timestamp formats are, for the reason of a failure.
    static let expected = "expected YYYY-MM-DD HH:MM:SS[.fraction], YYYY-MM-DDTHH:MM:SS[.fraction] or integer nanoseconds since the epoch"

    /// Nanoseconds since the epoch; nil when the field is none of the formats, or is not a real
    /// date and time, or is out of range.
    static func nanoseconds(_ f: ByteField) -> Int64? {
        if let ns = f.unsignedInteger() { return ns }
        var n = f.count
        if n > 0 && f[n - 1] == UInt8(ascii: "Z") { n -= 1 }
        guard n >= 19,
              f[4] == UInt8(ascii: "-"), f[7] == UInt8(ascii: "-"),
              f[10] == UInt8(ascii: " ") || f[10] == UInt8(ascii: "T"),
              f[13] == UInt8(ascii: ":"), f[16] == UInt8(ascii: ":"),
              let year = number(f, 0, 4), let month = number(f, 5, 7), let day = number(f, 8, 10),
              let hour = number(f, 11, 13), let minute = number(f, 14, 16), let second = number(f, 17, 19),
              (1...12).contains(month), day >= 1, day <= Int64(CivilDate.daysIn(month: Int(month), year: Int(year))),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction: Int64 = 0
        if n > 19 {
            // A point and 1...9 digits, scaled to nanoseconds.
            let digits = n - 20
            guard f[19] == UInt8(ascii: "."), digits >= 1, digits <= 9, let v = number(f, 20, n) else { return nil }
            fraction = v
            for _ in digits..<9 { fraction *= 10 }
        }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        let (ns, o) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (t, o2) = ns.addingReportingOverflow(fraction)
        return o || o2 ? nil : t
    }

    /// The digits of `f[from..<to]` as a number; nil when one is not a digit.
    @inline(__always)
    private static func number(_ f: ByteField, _ from: Int, _ to: Int) -> Int64? {
        var v: Int64 = 0
        for i in from..<to {
            let d = f[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }
}
