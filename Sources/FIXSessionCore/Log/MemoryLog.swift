import FIX

/// A ``SessionLog`` that keeps everything in memory, for tests: the raw messages and events,
/// and the lines a ``FileLog`` would write.
public final class MemoryLog: SessionLog {
    /// Messages received, in order.
    public private(set) var incoming: [[UInt8]] = []
    /// Messages sent, in order.
    public private(set) var outgoing: [[UInt8]] = []
    /// Event texts, in order.
    public private(set) var events: [String] = []
    /// The lines of the messages log (received and sent, in order), without newlines.
    public private(set) var messageLines: [String] = []
    /// The lines of the event log, without newlines.
    public private(set) var eventLines: [String] = []

    public init() {}

    public func onIncoming(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        incoming.append(Array(bytes))
        messageLines.append(LogLine.string(at: time, bytes))
    }

    public func onOutgoing(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        outgoing.append(Array(bytes))
        messageLines.append(LogLine.string(at: time, bytes))
    }

    public func onEvent(_ text: String, at time: UTCTimestamp) {
        events.append(text)
        eventLines.append(LogLine.string(at: time, text.utf8))
    }

    /// Forgets everything.
    public func clear() {
        incoming.removeAll()
        outgoing.removeAll()
        events.removeAll()
        messageLines.removeAll()
        eventLines.removeAll()
    }
}
