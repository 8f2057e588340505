/// Times are nanoseconds since 1970-01-01 00:00 UTC (`Int64`). A period is an interval of equal
/// length counted from that instant: the UTC day, a margin bar. Every "which day (or bar) is
/// this time in" of the project is ``Period/index(of:length:)``: it floors, so that a time before
/// 1970 belongs to the period that starts before it.
public enum Period {
    /// Nanoseconds in a UTC day.
    public static let day: Int64 = 86_400_000_000_000

    /// The period of length `length` (> 0) that holds `time`: `floor(time / length)`.
    @inlinable
    public static func index(of time: Int64, length: Int64) -> Int64 {
        let (q, r) = time.quotientAndRemainder(dividingBy: length)
        return r < 0 ? q - 1 : q
    }

    /// The UTC day (days since 1970-01-01) of `time`.
    @inlinable
    public static func day(of time: Int64) -> Int64 { index(of: time, length: day) }

    /// The times of period `index` of length `length`; nil when they do not fit in `Int64`.
    @inlinable
    public static func times(of index: Int64, length: Int64) -> ClosedRange<Int64>? {
        let (start, o1) = index.multipliedReportingOverflow(by: length)
        let (last, o2) = start.addingReportingOverflow(length - 1)
        return o1 || o2 ? nil : start...last
    }

    /// The times of the period of length `length` that holds `time`; nil when they do not fit.
    @inlinable
    public static func times(containing time: Int64, length: Int64) -> ClosedRange<Int64>? {
        guard length > 0 else { return nil }
        return times(of: index(of: time, length: length), length: length)
    }
}
