import FIX

/// Where a session records the messages it receives and sends, and what happens to it (logons,
/// resends, disconnections...). Logging never fails the session: an implementation that cannot
/// write keeps the error to itself (``FileLog/lastError``).
///
/// Implementations: ``FileLog`` (files in QuickFIX's layout), ``MemoryLog`` (tests) and
/// ``NullLog``. Used from one thread at a time.
public protocol SessionLog: AnyObject {
    /// A message received, as its bytes (SOH-separated).
    func onIncoming(_ bytes: some Collection<UInt8>, at time: UTCTimestamp)
    /// A message sent, as its bytes (SOH-separated).
    func onOutgoing(_ bytes: some Collection<UInt8>, at time: UTCTimestamp)
    /// Something that happened to the session.
    func onEvent(_ text: String, at time: UTCTimestamp)
    /// Hands what is buffered to the operating system.
    func flush()
}

extension SessionLog {
    public func flush() {}
}

/// The lines logs write: `YYYYMMDD-HH:MM:SS.ffffff : <text>` and a newline.
enum LogLine {
    /// Appends the line for `text` at `time` to `buffer`.
    static func append(at time: UTCTimestamp, _ text: some Collection<UInt8>, to buffer: inout [UInt8]) {
        time.write(into: &buffer, fractionDigits: 6)
        buffer.append(contentsOf: separator)
        buffer.append(contentsOf: text)
        buffer.append(UInt8(ascii: "\n"))
    }

    /// The line for `text` at `time`, without its newline.
    static func string(at time: UTCTimestamp, _ text: some Collection<UInt8>) -> String {
        var b: [UInt8] = []
        append(at: time, text, to: &b)
        b.removeLast()
        return String(decoding: b, as: UTF8.self)
    }

    static let separator: [UInt8] = Array(" : ".utf8)
}
