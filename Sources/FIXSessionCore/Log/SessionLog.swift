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
    /// Logon's Password (554) is written as eight asterisks, whatever its length, with BodyLength
    /// and CheckSum made right again, so the line still decodes as a valid message and neither
    /// the password nor its length reaches a log.
    static func appendMessage(at time: UTCTimestamp, _ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        time.write(into: &buffer, fractionDigits: 6)
        buffer.append(contentsOf: separator)
        let start = buffer.count
        buffer.append(contentsOf: bytes)
        // A Logon is known by its MsgType, the third field: only its first bytes are looked at.
        if find(logonType, in: buffer, from: start, to: min(buffer.count, start + 40)) != nil,
           let masked = maskedLogon(buffer[start...]) {
            buffer.removeSubrange(start...)
            buffer.append(contentsOf: masked)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    private static let logonType: [UInt8] = Array("\u{1}35=A\u{1}".utf8)
    private static let passwordTag: [UInt8] = Array("\u{1}554=".utf8)
    static let passwordMask: [UInt8] = Array("********".utf8)

    /// The message with its Password replaced by ``passwordMask``, when it is a Logon with one;
    /// nil otherwise, and for a message that is not laid out as `8=...|9=...|...|10=...|`.
    static func maskedLogon(_ message: ArraySlice<UInt8>) -> [UInt8]? {
        let m = Array(message)
        guard find(logonType, in: m, from: 0, to: min(m.count, 40)) != nil,
              find(passwordTag, in: m, from: 0, to: m.count) != nil else { return nil }
        var fields = m.split(separator: 1, omittingEmptySubsequences: false)
        guard fields.count >= 4, fields.last?.isEmpty == true else { return nil }
        fields.removeLast()
        guard fields[1].starts(with: Array("9=".utf8)), fields[fields.count - 1].starts(with: Array("10=".utf8)) else { return nil }
        var body: [UInt8] = []
        for field in fields[2..<(fields.count - 1)] {
            if field.starts(with: Array("554=".utf8)) {
                body.append(contentsOf: "554=".utf8)
                body.append(contentsOf: passwordMask)
            } else {
                body.append(contentsOf: field)
            }
            body.append(1)
        }
        var out = Array(fields[0])
        out.append(1)
        out.append(contentsOf: "9=\(body.count)".utf8)
        out.append(1)
        out.append(contentsOf: body)
        let sum = out.reduce(0) { ($0 + Int($1)) & 0xFF }
        let digits = String(sum)
        out.append(contentsOf: "10=\(String(repeating: "0", count: 3 - digits.count))\(digits)".utf8)
        out.append(1)
        return out
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
