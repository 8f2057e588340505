import FIX

/// One line of a replay's timeline: something that happened in a session.
public struct TimelineEvent: Sendable, Codable, Equatable {
    /// What kind of thing happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case logon, logout, gap, resendRequest, sequenceReset, gapFill, resend, sequenceTooLow, reject, businessReject
        case orderReject, cancelReject, fill
        /// Shown only in the full timeline.
        case order, report, marketData, message, testRequest, event

        /// Whether the condensed timeline shows it: session-level events, rejects and fills.
        public var isNotable: Bool {
            switch self {
            case .order, .report, .marketData, .message, .testRequest, .event: return false
            default: return true
            }
        }
    }

    /// When (the log's time, or SendingTime), as `YYYYMMDD-HH:MM:SS.ffffff`.
    public var time: String
    /// The session (`FIX.4.4:A-B`).
    public var session: String
    public var kind: Kind
    /// One line of text.
    public var text: String
    /// Where the message was read.
    public var file: String
    public var line: Int
    /// For runs collapsed into one line (market data, resends): how many messages.
    public var count: Int?

    /// `TIME  SESSION  TEXT`.
    public var formatted: String { "\(time)  \(session)  \(text)" }
}
