/// How fast a recording is replayed.
public enum ReplaySpeed: Sendable, Equatable, CustomStringConvertible {
    /// `multiple` times the recorded pace (1: as recorded).
    case pace(Double)
    /// As fast as the events can be applied, a batch at a time so the sessions are served in
    /// between.
    case max

    /// `max`, or a positive number such as `1`, `10` or `0.5`.
    public init?(_ text: String) {
        if text == "max" {
            self = .max
        } else if let n = Double(text), n > 0, n.isFinite {
            self = .pace(n)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .pace(let n): n == n.rounded() ? String(Int(n)) : String(n)
        }
    }
}
