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
        guard let t = ISODateTime.read(UnsafeRawBufferPointer(start: f.base, count: f.count)), t.length == f.count,
              t.fractionSeparator == nil || (t.fractionSeparator == UInt8(ascii: ".") && (1...9).contains(t.fractionDigits))
        else { return nil }
        return t.nanosecondsSinceEpoch
    }
}
