import FIX

/// When a session is up, from `StartTime`/`EndTime` (and optionally `StartDay`/`EndDay`), all UTC.
///
/// - ``Kind-swift.enum/always``: no times given. Always in session, no scheduled reset.
/// - ``Kind-swift.enum/daily(start:end:)``: every day from `start` through `end`, to the second,
///   both included. When `end` is before `start` the session crosses midnight (22:00:00 to
///   06:00:00 runs overnight and belongs to the day it started). When they are equal the
///   session never closes but still begins a new period, and so resets, at `start` each day.
/// - ``Kind-swift.enum/weekly(startDay:start:endDay:end:)``: one period a week, from `startDay`
///   at `start` through `endDay` at `end`, wrapping over the weekend when the end comes earlier
///   in the week than the start (Sunday 22:00 to Friday 21:00 is the usual FX week).
///
/// The engine logs on only inside a period, logs out at its end, and starts a new sequence
/// (resets both MsgSeqNums) when the store's `creationTime` is before the start of the period
/// it is in, as QuickFIX does. Pure: the time is always passed in.
public struct SessionSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The shape of the schedule.
    public enum Kind: Sendable, Hashable {
        /// Always in session; no scheduled reset.
        case always
        /// Every day from `start` through `end`.
        case daily(start: TimeOfDay, end: TimeOfDay)
        /// Once a week from `startDay` at `start` through `endDay` at `end`.
        case weekly(startDay: Weekday, start: TimeOfDay, endDay: Weekday, end: TimeOfDay)
    }

    /// The shape of the schedule.
    public var kind: Kind

    /// A schedule of this shape.
    public init(_ kind: Kind) { self.kind = kind }

    /// Always in session, never reset by the clock.
    public static let always = SessionSchedule(.always)

    /// The schedule the four settings describe: `.always` with no times, daily with times only,
    /// weekly with times and days. Nil when only one of a pair is given, or days without times.
    public init?(startTime: TimeOfDay?, endTime: TimeOfDay?, startDay: Weekday? = nil, endDay: Weekday? = nil) {
        switch (startTime, endTime, startDay, endDay) {
        case (nil, nil, nil, nil): self.init(.always)
        case let (s?, e?, nil, nil): self.init(.daily(start: s, end: e))
        case let (s?, e?, sd?, ed?): self.init(.weekly(startDay: sd, start: s, endDay: ed, end: e))
        default: return nil
        }
    }

    /// Whether `t` falls inside a session period.
    public func isInSession(_ t: UTCTimestamp) -> Bool {
        guard let w = window(at: t) else { return true }
        return w.contains
    }

    /// The start of the session period that contains `t`: for a daily 08:00:00-17:00:00 schedule
    /// and `t` = 2024-08-08 12:00, 2024-08-08 08:00:00; for 22:00:00-06:00:00 and
    /// `t` = 2024-08-09 03:00, 2024-08-08 22:00:00.
    ///
    /// Nil when `t` is outside every period, and for ``always`` (there is no period start, so no
    /// scheduled reset).
    public func sessionStart(containing t: UTCTimestamp) -> UTCTimestamp? {
        guard let w = window(at: t), w.contains else { return nil }
        // In the period that began in this cycle, or (for a window wrapping the cycle's end)
        // in the one that began in the previous cycle.
        let startSecond = w.offset >= w.start ? w.cycleStart + w.start : w.cycleStart - w.cycleLength + w.start
        let (nanos, overflow) = startSecond.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? nil : UTCTimestamp(nanosecondsSinceEpoch: nanos, fractionDigits: 0)
    }

    /// `always`, `daily 08:00:00-17:00:00` or `weekly Sunday 22:00:00-Friday 21:00:00`.
    public var description: String {
        switch kind {
        case .always: "always"
        case let .daily(s, e): "daily \(s)-\(e)"
        case let .weekly(sd, s, ed, e): "weekly \(sd) \(s)-\(ed) \(e)"
        }
    }

    /// Where `t` falls in its day or week (`cycle`), in whole seconds; nil for `.always`.
    private func window(at t: UTCTimestamp) -> (cycleStart: Int64, cycleLength: Int64, offset: Int64,
                                                  start: Int64, contains: Bool)? {
        let second = floorDiv(t.nanosecondsSinceEpoch, 1_000_000_000)
        let day = floorDiv(second, 86_400)
        let cycleStart: Int64, cycleLength: Int64, start: Int64, end: Int64
        switch kind {
        case .always:
            return nil
        case let .daily(s, e):
            cycleStart = day * 86_400
            cycleLength = 86_400
            start = Int64(s.secondsSinceMidnight)
            end = Int64(e.secondsSinceMidnight)
        case let .weekly(sd, s, ed, e):
            // 1970-01-01 was a Thursday: days since the epoch + 4, mod 7, counts from Sunday.
            let dayOfWeek = floorMod(day + 4, 7)
            cycleStart = (day - dayOfWeek) * 86_400
            cycleLength = 7 * 86_400
            start = Int64(sd.rawValue - 1) * 86_400 + Int64(s.secondsSinceMidnight)
            end = Int64(ed.rawValue - 1) * 86_400 + Int64(e.secondsSinceMidnight)
        }
        let offset = second - cycleStart
        // As QuickFIX: start < end is one window inside the cycle; otherwise it wraps the
        // cycle's end (start == end: the whole cycle).
        let contains = start < end ? (offset >= start && offset <= end) : (offset >= start || offset <= end)
        return (cycleStart, cycleLength, offset, start, contains)
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r < 0 ? r + b : r
}
