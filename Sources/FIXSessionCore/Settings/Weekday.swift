/// A day of the week (`StartDay`, `EndDay`), numbered as QuickFIX does: Sunday is 1.
public enum Weekday: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    /// Reads a day name, case-insensitive: the English name or any start of it of two letters or
    /// more (`Monday`, `mon`, `Mo`, `thur`). Nil for anything else.
    public init?(name: some StringProtocol) {
        let lower = name.lowercased()
        guard lower.count >= 2,
              let day = Weekday.allCases.first(where: { $0.description.lowercased().hasPrefix(lower) })
        else { return nil }
        self = day
    }

    /// The English name: `Sunday`, `Monday`, ...
    public var description: String {
        switch self {
        case .sunday: "Sunday"
        case .monday: "Monday"
        case .tuesday: "Tuesday"
        case .wednesday: "Wednesday"
        case .thursday: "Thursday"
        case .friday: "Friday"
        case .saturday: "Saturday"
        }
    }
}
