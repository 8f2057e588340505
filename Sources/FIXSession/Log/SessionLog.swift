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

    /// Appends the line for the message `bytes` at `time`: as ``append(at:_:to:)``, but a
    /// Logon's Password (554) is written as asterisks (as many as it had characters) and its
    /// CheckSum made right again, so the line still decodes as a valid message and the password
    /// never reaches a log.
    static func appendMessage(at time: UTCTimestamp, _ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        time.write(into: &buffer, fractionDigits: 6)
        buffer.append(contentsOf: separator)
        let start = buffer.count
        buffer.append(contentsOf: bytes)
        maskPassword(in: &buffer, from: start, to: buffer.count)
        buffer.append(UInt8(ascii: "\n"))
    }

    private static let logonType: [UInt8] = Array("\u{1}35=A\u{1}".utf8)
    private static let passwordTag: [UInt8] = Array("\u{1}554=".utf8)
    private static let checkSumTag: [UInt8] = Array("\u{1}10=".utf8)

    /// Masks the Password of a Logon in `buffer[start..<end]` (one message); other messages are
    /// left alone after a look at their first 40 bytes.
    static func maskPassword(in buffer: inout [UInt8], from start: Int, to end: Int) {
        guard start < end, let typeAt = find(logonType, in: buffer, from: start, to: min(end, start + 40)) else { return }
        var masked = false
        var at = typeAt
        while let p = find(passwordTag, in: buffer, from: at, to: end) {
            var i = p + passwordTag.count
            while i < end && buffer[i] != 1 {
                buffer[i] = UInt8(ascii: "*")
                i += 1
            }
            masked = true
            at = i
        }
        // The CheckSum is the sum of every byte before its own field, modulo 256.
        guard masked, let c = find(checkSumTag, in: buffer, from: at, to: end), c + 7 <= end else { return }
        var sum = 0
        for i in start...c { sum &+= Int(buffer[i]) }
        let value = sum & 0xFF
        buffer[c + 4] = UInt8(ascii: "0") + UInt8(value / 100)
        buffer[c + 5] = UInt8(ascii: "0") + UInt8(value / 10 % 10)
        buffer[c + 6] = UInt8(ascii: "0") + UInt8(value % 10)
    }

    private static func find(_ needle: [UInt8], in buffer: [UInt8], from: Int, to end: Int) -> Int? {
        guard end - from >= needle.count else { return nil }
        var i = from
        while i <= end - needle.count {
            if buffer[i] == needle[0] {
                var j = 1
                while j < needle.count && buffer[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static let separator: [UInt8] = Array(" : ".utf8)
}
