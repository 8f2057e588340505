/// Finds FIX messages in what people feed to a decoder: raw SOH-delimited streams, messages
/// written with `|` or `^A` for SOH, and log lines `TIMESTAMP : MESSAGE` (the engine's own logs
/// and QuickFIX's file logs), in any mix, one or more messages a line.
///
/// Text is read line by line. A line with SOH in it is passed to the framer as it is; in a line
/// without, `^A` and `|` stand for SOH. A `YYYYMMDD-HH:MM:SS[.f] : ` prefix is dropped. Runs of
/// white space between messages are ignored; anything else that is not a message is reported as
/// garbled, with its line and offset in the input, and reading goes on.
public struct FIXInputReader {
    /// One thing found in the input.
    public enum Item: Sendable {
        /// A well-framed message: its bytes and the input line it started on (1-based).
        case message(bytes: [UInt8], line: Int)
        /// Bytes that are not a message: where they start in the input (byte offset and line),
        /// why, and how many bytes were skipped.
        case garbled(offset: Int, line: Int, reason: String, length: Int)
    }

    private var framer: FIXFramer
    /// The unfinished line.
    private var pending: [UInt8] = []
    /// Whether `pending` holds an SOH.
    private var pendingHasSOH = false
    /// Input offset of `pending[0]` and its line number.
    private var pendingOffset = 0
    private var lineNumber = 1
    /// Input offset of the next byte to read.
    private var inputOffset = 0
    /// Where each chunk given to the framer came from: framer offset, input offset, line.
    private var origins: [(framed: Int, input: Int, line: Int)] = []
    private var framedCount = 0

    /// Lines longer than this with SOH in them are passed on before their end, so a raw stream
    /// with no newlines does not pile up.
    private static let rawFlushThreshold = 64 * 1024

    public init(maxMessageSize: Int = 1 << 20) {
        framer = FIXFramer(maxMessageSize: maxMessageSize)
    }

    /// Reads more input; calls `handler` for each message or garbled run completed by it.
    public mutating func read(_ bytes: some Collection<UInt8>, _ handler: (Item) -> Void) {
        for b in bytes {
            inputOffset += 1
            if b == UInt8(ascii: "\n") {
                pending.append(b)
                takeLine(handler)
                lineNumber += 1
                pendingOffset = inputOffset
            } else {
                pending.append(b)
                if b == 1 { pendingHasSOH = true }
                if pendingHasSOH && pending.count >= Self.rawFlushThreshold {
                    feedFramer(pending, inputOffset: pendingOffset, handler)
                    pending.removeAll(keepingCapacity: true)
                    pendingOffset = inputOffset
                }
            }
        }
    }

    /// Ends the input: what is left is read, and an unfinished message is reported as garbled.
    public mutating func finish(_ handler: (Item) -> Void) {
        if !pending.isEmpty { takeLine(handler) }
        drain(handler)
        while let e = framer.finish() { emit(e, handler) }
    }

    private mutating func takeLine(_ handler: (Item) -> Void) {
        var line = pending
        pending.removeAll(keepingCapacity: true)
        pendingHasSOH = false
        var offset = pendingOffset
        if let start = Self.messageStartAfterLogPrefix(line) {
            line.removeFirst(start)
            offset += start
        }
        if !line.contains(1) {
            // Text: `^A` and `|` stand for SOH. Each `^A` shortens the line by a byte, so each
            // piece between them is given its own origin to keep offsets exact.
            let (translated, cuts) = Self.translateDelimiters(line)
            var from = 0
            for cut in cuts + [(translated.count, line.count)] {
                feedFramer(Array(translated[from..<cut.output]), inputOffset: offset + cut.input - (cut.output - from),
                           handler)
                from = cut.output
            }
            return
        }
        feedFramer(line, inputOffset: offset, handler)
    }

    private mutating func feedFramer(_ bytes: [UInt8], inputOffset: Int, _ handler: (Item) -> Void) {
        let consumed = framer.streamOffset - recentStart
        if consumed > 0 {
            recent.removeFirst(consumed)
            recentStart += consumed
        }
        recent.append(contentsOf: bytes)
        origins.append((framedCount, inputOffset, lineNumber))
        framedCount += bytes.count
        framer.append(bytes)
        drain(handler)
    }

    private mutating func drain(_ handler: (Item) -> Void) {
        while let e = framer.next() { emit(e, handler) }
    }

    private mutating func emit(_ e: FIXFramer.Event, _ handler: (Item) -> Void) {
        switch e {
        case .message(let slice):
            handler(.message(bytes: Array(slice), line: origin(of: framer.streamOffset - slice.count).line))
        case .garbled(let g):
            // White space between messages is not worth a report.
            if isWhitespace(from: g.offset, length: g.length) { break }
            let o = origin(of: g.offset)
            handler(.garbled(offset: o.input, line: o.line, reason: g.description, length: g.length))
        }
        // Forget origins that are entirely behind the framer.
        while origins.count > 1 && origins[1].framed <= framer.streamOffset { origins.removeFirst() }
    }

    private func isWhitespace(from offset: Int, length: Int) -> Bool {
        // The skipped bytes are no longer in the framer; they were in the last chunks fed.
        lastFed(from: offset, length: length).allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
    }

    /// Bytes recently given to the framer, kept so garbled runs can be inspected.
    private var recent: [UInt8] = []
    private var recentStart = 0

    private func lastFed(from offset: Int, length: Int) -> ArraySlice<UInt8> {
        let lo = max(offset - recentStart, 0), hi = min(offset + length - recentStart, recent.count)
        return lo < hi ? recent[lo..<hi] : []
    }

    private func origin(of framed: Int) -> (input: Int, line: Int) {
        var best = origins.first ?? (0, 0, 1)
        for o in origins where o.framed <= framed { best = o }
        return (best.input + (framed - best.framed), best.line)
    }

    /// Offset just after `TIMESTAMP : ` when the line starts with a FIX log timestamp.
    static func messageStartAfterLogPrefix(_ line: [UInt8]) -> Int? {
        // YYYYMMDD-HH:MM:SS then optional .fraction, then " : "
        guard line.count > 20 else { return nil }
        for i in 0..<8 where !(line[i] &- 48 < 10) { return nil }
        guard line[8] == UInt8(ascii: "-"), line[11] == UInt8(ascii: ":"), line[14] == UInt8(ascii: ":") else { return nil }
        var i = 17
        if i < line.count && line[i] == UInt8(ascii: ".") {
            i += 1
            while i < line.count && line[i] &- 48 < 10 { i += 1 }
        }
        // " : " (QuickFIX) or ": "
        var j = i
        while j < line.count && line[j] == 32 { j += 1 }
        guard j < line.count && line[j] == UInt8(ascii: ":") else { return nil }
        j += 1
        while j < line.count && line[j] == 32 { j += 1 }
        return j
    }

    /// `^A` and `|` read as SOH; the line end is kept. Also returns, for each `^A`, where the
    /// translated text after it starts in the output and in the input.
    static func translateDelimiters(_ line: [UInt8]) -> ([UInt8], [(output: Int, input: Int)]) {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var cuts: [(output: Int, input: Int)] = []
        var i = 0
        while i < line.count {
            let c = line[i]
            if c == UInt8(ascii: "^") && i + 1 < line.count && line[i + 1] == UInt8(ascii: "A") {
                out.append(1)
                i += 2
                cuts.append((out.count, i))
                continue
            }
            out.append(c == UInt8(ascii: "|") ? 1 : c)
            i += 1
        }
        return (out, cuts)
    }
}
