import FIX

/// A line of a session event log (`...event.log`): when, which session's log, and the text.
public struct LogEventLine: Sendable, Equatable {
    public var file: String
    public var fileIndex: Int
    public var line: Int
    public var time: UTCTimestamp
    /// BeginString, the side that wrote the log and its counterparty, from the file's name.
    public var beginString: String?
    public var senderCompID: String?
    public var targetCompID: String?
    public var text: String
}
