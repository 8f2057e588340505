import Exchange
/// When ``LogResender`` sends each recorded message.
public enum SendPacing: Sendable, Equatable, CustomStringConvertible {
    /// Once the live session has received as many market-data messages (W, X) as had been
    /// received before the message in the recording.
    case marketData
    /// At the recorded time gaps divided by the factor (1: as recorded).
    case pace(Double)
    /// As fast as the session takes them.
    case max

    /// `max`, or a positive number (`1`, `10`, `0.5`), as a replay's speed is written.
    public init?(_ text: String) {
        switch ReplaySpeed(text) {
        case .max: self = .max
        case .pace(let n): self = .pace(n)
        case nil: return nil
        }
    }

    public var description: String {
        switch self {
        case .marketData: return "following the market data"
        case .pace(let n): return n == 1 ? "at the recorded pace" : "at \(n) times the recorded pace"
        case .max: return "as fast as possible"
        }
    }
}

/// A session named on the command line: `SENDER-TARGET`.
public struct SessionSelector: Sendable, Equatable {
    public var senderCompID: String
    public var targetCompID: String

    /// Reads `SENDER-TARGET`; nil when it is not that.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        senderCompID = String(parts[0])
        targetCompID = String(parts[1])
    }
}
