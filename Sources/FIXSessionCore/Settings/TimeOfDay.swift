/// A time of day in UTC to the second, written `HH:MM:SS` (`StartTime`, `EndTime`).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0 to 23.
    public let hour: Int
    /// 0 to 59.
    public let minute: Int
    /// 0 to 59.
    public let second: Int

    /// Nil unless `hour` is 0-23 and `minute` and `second` are 0-59.
    public init?(hour: Int, minute: Int, second: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Reads `HH:MM:SS` (two digits each); nil for anything else.
    public init?(_ text: some StringProtocol) {
        let b = Array(text.utf8)
        guard b.count == 8, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":"),
              let h = settingsWholeNumber(text.prefix(2)),
              let m = settingsWholeNumber(text.dropFirst(3).prefix(2)),
              let s = settingsWholeNumber(text.dropFirst(6))
        else { return nil }
        self.init(hour: h, minute: m, second: s)
    }

    /// Seconds since midnight, 0 to 86399.
    public var secondsSinceMidnight: Int { hour * 3600 + minute * 60 + second }

    /// `HH:MM:SS`.
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(hour)):\(two(minute)):\(two(second))"
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool {
        lhs.secondsSinceMidnight < rhs.secondsSinceMidnight
    }
}
