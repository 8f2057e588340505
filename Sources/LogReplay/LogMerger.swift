import FIX
import Foundation

/// Reads several logs at once and hands their messages out in time order, each message once.
///
/// Each file is read as a stream (constant memory); the next record is the earliest of the
/// files' next records by the time of its line (or its SendingTime, for captures without
/// timestamps; a message with neither keeps the time of the one before it in its file), ties
/// going to the file named first. Both sides' logs of one session hold the same messages: a
/// message already read from another file (same sender, target, MsgSeqNum, PossDupFlag and
/// bytes) is skipped and counted in ``duplicates``. Resent messages (PossDupFlag Y) are distinct
/// from their originals and are kept.
public final class LogMerger {
    /// A file being read: its reader, its input and the outputs read ahead.
    private final class Source {
        var reader: FIXLogReader
        let input: LogInput
        var pending: [FIXLogReader.Output] = []
        var head = 0
        var ended = false
        var lastTime: Int64 = .min
        var order = 0

        init(reader: FIXLogReader, input: LogInput) {
            self.reader = reader
            self.input = input
        }
    }

    /// What came next.
    public enum Item: Sendable {
        case record(LogRecord)
        case event(LogEventLine)
    }

    /// Per file: its name, what its name says, lines, messages and problems (complete once the
    /// file is read to its end).
    public struct FileSummary: Sendable, Codable, Equatable {
        public var file: String
        /// `engine log`, `QuickFIX log`, `event log`, `timestamped capture` or `raw capture`.
        public var layout: String
        /// The side that wrote the log, when the name says.
        public var loggedBy: String?
        public var lines: Int
        public var messages: Int
        public var problems: Int
    }

    private let sources: [Source]
    /// Problems found so far, in the order found.
    public private(set) var diagnostics: [LogDiagnostic] = []
    /// Messages skipped because another file had them.
    public private(set) var duplicates = 0
    /// Recently seen messages: key -> (file, hash of the bytes), and the keys in arrival order.
    private var seen: [SeenKey: (file: Int, hash: Int)] = [:]
    private var seenOrder: [SeenKey] = []
    private var seenHead = 0
    /// How many recent messages are remembered for duplicate detection.
    public let duplicateWindow: Int

    private struct SeenKey: Hashable {
        var sender: String
        var target: String
        var seq: Int
        var possDup: Bool
    }

    /// Opens every file (throws the first that cannot be opened).
    public init(files: [String], maxMessageSize: Int = 1 << 20, duplicateWindow: Int = 200_000) throws(LogInputError) {
        var sources: [Source] = []
        for (i, f) in files.enumerated() {
            sources.append(Source(reader: FIXLogReader(file: f, fileIndex: i, maxMessageSize: maxMessageSize),
                                  input: try LogInput(path: f)))
        }
        self.sources = sources
        self.duplicateWindow = max(duplicateWindow, 1)
    }

    /// What has been learnt about each file.
    public var files: [FileSummary] {
        sources.map { s in
            let r = s.reader
            let layout: String
            switch r.name.kind {
            case .events: layout = "event log"
            case .messages: layout = r.name.isQuickFIX ? "QuickFIX log" : "engine log"
            case .other: layout = r.timestamped > 0 ? "timestamped capture" : (r.textDelimited > 0 ? "raw capture ('|')" : "raw capture (SOH)")
            }
            return FileSummary(file: r.file, layout: layout, loggedBy: r.name.senderCompID, lines: r.lines,
                               messages: r.messages, problems: r.problems)
        }
    }

    /// The next message or event line in time order; nil when every file is read.
    public func next() -> Item? {
        while true {
            var best: (index: Int, time: Int64)?
            for (i, s) in sources.enumerated() {
                guard let t = fill(s) else { continue }
                if best == nil || t < best!.time { best = (i, t) }
            }
            guard let b = best else { return nil }
            let s = sources[b.index]
            let output = s.pending[s.head]
            s.head += 1
            switch output {
            case .record(let r):
                if isDuplicate(r) {
                    duplicates += 1
                    continue
                }
                return .record(r)
            case .event(let e):
                return .event(e)
            case .diagnostic:
                continue  // taken out by fill
            }
        }
    }

    /// Makes sure the source has a record or event ahead (diagnostics are moved to
    /// ``diagnostics`` on the way); returns its time, or nil when the source is done.
    private func fill(_ s: Source) -> Int64? {
        while true {
            while s.head < s.pending.count {
                switch s.pending[s.head] {
                case .diagnostic(let d):
                    diagnostics.append(d)
                    s.head += 1
                case .record(let r):
                    if let t = r.time { s.lastTime = max(s.lastTime, t.nanosecondsSinceEpoch) }
                    return r.time?.nanosecondsSinceEpoch ?? s.lastTime
                case .event(let e):
                    return e.time.nanosecondsSinceEpoch
                }
            }
            s.pending.removeAll(keepingCapacity: true)
            s.head = 0
            if s.ended { return nil }
            if let chunk = s.input.read() {
                s.reader.read(chunk) { s.pending.append($0) }
            } else {
                s.reader.finish { s.pending.append($0) }
                s.ended = true
            }
        }
    }

    private func isDuplicate(_ r: LogRecord) -> Bool {
        let key = SeenKey(sender: r.senderCompID, target: r.targetCompID, seq: r.msgSeqNum, possDup: r.possDup)
        var hasher = Hasher()
        hasher.combine(r.message.bytes)
        let hash = hasher.finalize()
        if let known = seen[key], known.file != r.fileIndex, known.hash == hash { return true }
        if seen.updateValue((r.fileIndex, hash), forKey: key) == nil {
            seenOrder.append(key)
            if seenOrder.count - seenHead > duplicateWindow {
                seen[seenOrder[seenHead]] = nil
                seenHead += 1
                if seenHead > 65_536 {
                    seenOrder.removeFirst(seenHead)
                    seenHead = 0
                }
            }
        }
        return false
    }
}
