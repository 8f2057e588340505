import FIX

/// Reads one FIX log as it arrives, chunk by chunk, into records, event lines and diagnostics.
///
/// Logs and captures are read a line at a time, and each line on its own, so a bad line cannot
/// take the next one with it: an optional timestamp (see ``LogLinePrefix``), then one or more
/// messages, delimited by SOH, or by `|` or `^A` in a line without SOH. A line that cannot be
/// replayed becomes a ``LogDiagnostic`` with its line and the reason (bad CheckSum, BodyLength
/// that does not land on CheckSum, a truncated message, a missing header field, a timestamp
/// that is not one) and the rest is read on. A raw SOH stream without line breaks (a line
/// longer than the largest message) is framed as a stream by ``FIXInputReader`` instead. The
/// side that wrote the log comes from the file's name. Event logs (`.event.log`,
/// `.event.current.log`) give ``LogEventLine``s.
public struct FIXLogReader {
    /// What the reader found.
    public enum Output: Sendable {
        case record(LogRecord)
        case event(LogEventLine)
        case diagnostic(LogDiagnostic)
    }

    /// The file, as given, and its position among the files read.
    public let file: String
    public let fileIndex: Int
    /// What the file's name says.
    public let name: LogFileName
    /// The largest message accepted.
    public let maxMessageSize: Int
    /// Lines read so far.
    public private(set) var lines = 0
    /// Messages read so far, and lines or runs of bytes that were not.
    public private(set) var messages = 0
    public private(set) var problems = 0
    /// Messages whose line had a timestamp.
    public private(set) var timestamped = 0
    /// Messages delimited by `|` or `^A` rather than SOH.
    public private(set) var textDelimited = 0

    /// The line being read.
    private var line: [UInt8] = []
    /// Set once the file turned out to be a stream without line breaks: the line it started on.
    private var stream: (reader: FIXInputReader, firstLine: Int)?

    public init(file: String, fileIndex: Int, maxMessageSize: Int = 1 << 20) {
        self.file = file
        self.fileIndex = fileIndex
        self.maxMessageSize = maxMessageSize
        name = LogFileName(file)
    }

    /// Reads more of the file; `emit` gets what is complete.
    public mutating func read(_ bytes: some Collection<UInt8>, _ emit: (Output) -> Void) {
        if stream != nil {
            feedStream(bytes, emit)
            return
        }
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let b = bytes[index]
            bytes.formIndex(after: &index)
            if b == 10 {
                takeLine(emit)
                continue
            }
            line.append(b)
            if line.count > maxMessageSize + 256, name.kind != .events, line.contains(1) {
                // No line breaks: a raw stream.
                stream = (FIXInputReader(maxMessageSize: maxMessageSize), lines + 1)
                let pending = line
                line.removeAll()
                feedStream(pending, emit)
                feedStream(bytes[index...], emit)
                return
            }
        }
    }

    /// Ends the file: an unfinished message is reported as truncated.
    public mutating func finish(_ emit: (Output) -> Void) {
        if var s = stream {
            var found: [FIXInputReader.Item] = []
            s.reader.finish { found.append($0) }
            stream = s
            for item in found { handle(item, emit) }
            return
        }
        if !line.isEmpty { takeLine(emit) }
    }

    private mutating func takeLine(_ emit: (Output) -> Void) {
        lines += 1
        var text = line
        line.removeAll(keepingCapacity: true)
        if text.last == 13 { text.removeLast() }
        if name.kind == .events {
            takeEventLine(text, emit)
            return
        }
        guard !text.allSatisfy({ $0 == 32 || $0 == 9 }) else { return }
        let prefix = LogLinePrefix.classify(text.prefix(64))
        var loggedAt: UTCTimestamp?
        switch prefix {
        case .timestamp(let t, _): loggedAt = t
        case .badTimestamp(let s, _):
            problem("timestamp '\(s)' is not a valid time; line skipped", lines, emit)
            return
        case .none: break
        }
        var part = Array(text[prefix.length...])
        let delimitedByText = !part.contains(1)
        if delimitedByText { part = Self.translateDelimiters(part) }
        var framer = FIXFramer(maxMessageSize: maxMessageSize)
        framer.append(part)
        var events: [FIXFramer.Event] = []
        while let e = framer.next() { events.append(e) }
        while let e = framer.finish() { events.append(e) }
        for e in events {
            switch e {
            case .message(let bytes):
                take(Array(bytes), line: lines, loggedAt: loggedAt, textDelimited: delimitedByText, emit)
            case .garbled(let g):
                let skipped = part[g.offset..<min(g.offset + g.length, part.count)]
                if skipped.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 1 }) { continue }
                let reason = g.reason == .truncated ? "line ends inside the message (cut short, or BodyLength (9) too large)" : "\(g)"
                problem("\(reason) (\(g.length) bytes skipped)", lines, emit)
            }
        }
    }

    private mutating func take(_ bytes: [UInt8], line: Int, loggedAt: UTCTimestamp?, textDelimited: Bool, _ emit: (Output) -> Void) {
        let message: FIXMessage
        do {
            message = try FIXMessage(bytes: bytes)
        } catch {
            problem("\(error)", line, emit)
            return
        }
        switch LogRecord.make(file: file, fileIndex: fileIndex, line: line, loggedAt: loggedAt, message: message,
                              loggedBy: name.senderCompID) {
        case .success(let record):
            messages += 1
            if loggedAt != nil { timestamped += 1 }
            if textDelimited { self.textDelimited += 1 }
            emit(.record(record))
        case .failure(let reason):
            problem("\(reason) (MsgType \(message.msgType ?? "?")); skipped", line, emit)
        }
    }

    private mutating func feedStream(_ bytes: some Collection<UInt8>, _ emit: (Output) -> Void) {
        guard var s = stream else { return }
        var found: [FIXInputReader.Item] = []
        s.reader.read(bytes) { found.append($0) }
        stream = s
        for item in found { handle(item, emit) }
    }

    private mutating func handle(_ item: FIXInputReader.Item, _ emit: (Output) -> Void) {
        let first = stream?.firstLine ?? 1
        switch item {
        case let .message(bytes, l):
            lines = max(lines, first + l - 1)
            take(bytes, line: first + l - 1, loggedAt: nil, textDelimited: false, emit)
        case let .garbled(_, l, reason, length):
            lines = max(lines, first + l - 1)
            problem("\(reason) (\(length) bytes skipped)", first + l - 1, emit)
        }
    }

    /// `|` and `^A` as SOH.
    static func translateDelimiters(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "^"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "A") {
                out.append(1)
                i += 2
                continue
            }
            out.append(c == UInt8(ascii: "|") ? 1 : c)
            i += 1
        }
        return out
    }

    private mutating func problem(_ reason: String, _ line: Int, _ emit: (Output) -> Void) {
        problems += 1
        emit(.diagnostic(LogDiagnostic(file: file, line: line, reason: reason)))
    }

    private mutating func takeEventLine(_ text: [UInt8], _ emit: (Output) -> Void) {
        guard !text.allSatisfy({ $0 == 32 || $0 == 9 }) else { return }
        switch LogLinePrefix.classify(text.prefix(64)) {
        case .timestamp(let t, let length):
            messages += 1
            emit(.event(LogEventLine(file: file, fileIndex: fileIndex, line: lines, time: t, beginString: name.beginString,
                                     senderCompID: name.senderCompID, targetCompID: name.targetCompID,
                                     text: String(decoding: text.dropFirst(length), as: UTF8.self))))
        case .badTimestamp(let s, _):
            problem("timestamp '\(s)' is not a valid time; event skipped", lines, emit)
        case .none:
            problem("not an event log line (TIMESTAMP : TEXT); skipped", lines, emit)
        }
    }
}
