/// Finds FIX messages in what people feed to a decoder: raw SOH-delimited streams, messages
/// written with `|` or `^A` for SOH, and log lines `TIMESTAMP : MESSAGE` (the engine's own logs
/// and QuickFIX's file logs), in any mix, one or more messages a line.
///
/// Text is read line by line. A line with SOH in it is passed to the framer as it is; in a line
/// without, `^A` and `|` stand for SOH. A `YYYYMMDD-HH:MM:SS[.f] : ` prefix is dropped. Runs of
/// white space between messages are ignored; anything else that is not a message is reported as
/// garbled, with its line and offset in the input, and reading goes on at the next `8=FIX`, even
/// when a message was cut short (see ``FIXFrameScanner/Recovery/nextBeginString``).
///
/// Memory is bounded whatever the input: lines are given to the framer in pieces of at most
/// 64 KiB (a line longer than that is read as text when its first piece has no SOH), and the
/// framer holds at most `maxMessageSize` bytes of an unfinished message. A run of garbled bytes
/// is reported once, however long it is.
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
    /// The part of the current line not yet given to the framer.
    private var pending: [UInt8] = []
    /// Whether `pending` holds an SOH.
    private var pendingHasSOH = false
    /// Whether the current line is read as text (`|` and `^A` for SOH), once a first piece of it
    /// has been given to the framer; nil before.
    private var lineIsText: Bool?
    /// Input offset of `pending[0]` and its line number.
    private var pendingOffset = 0
    private var lineNumber = 1
    /// Input offset of the next byte to read.
    private var inputOffset = 0
    /// Where each chunk given to the framer came from: framer offset, input offset, line.
    private var origins: [(framed: Int, input: Int, line: Int)] = []
    private var framedCount = 0
    /// A garbled run not reported yet, as the next one may go on with it: its framer offset and
    /// length, its input offset and line, and why.
    private var held: (framed: Int, length: Int, input: Int, line: Int, reason: FIXFramer.Garbled.Reason)?

    /// Lines are given to the framer in pieces of at most this many bytes, so that neither a raw
    /// stream without newlines nor a long line without SOH piles up.
    static let pieceSize = 64 * 1024

    public init(maxMessageSize: Int = 1 << 20) {
        framer = FIXFramer(maxMessageSize: maxMessageSize, recovery: .nextBeginString)
    }

    /// Bytes held: the line's piece not yet framed, what the framer holds, and their copy kept
    /// to tell white space from garbage.
    var bufferedByteCount: Int { pending.count + framer.bufferedByteCount + recent.count }

    /// Reads more input; calls `handler` for each message or garbled run completed by it.
    public mutating func read(_ bytes: some Collection<UInt8>, _ handler: (Item) -> Void) {
        for b in bytes {
            inputOffset += 1
            pending.append(b)
            if b == UInt8(ascii: "\n") {
                takeLine(handler)
                lineNumber += 1
                pendingOffset = inputOffset
            } else {
                if b == 1 { pendingHasSOH = true }
                if pending.count >= Self.pieceSize { takePiece(handler) }
            }
        }
    }

    /// Ends the input: what is left is read, and an unfinished message is reported as garbled.
    public mutating func finish(_ handler: (Item) -> Void) {
        if !pending.isEmpty { takeLine(handler) }
        drain(handler)
        while let e = framer.finish() { emit(e, handler) }
        flushHeld(handler)
    }

    /// Gives the framer what it has of a long line, but a last `^` that may be the start of `^A`.
    private mutating func takePiece(_ handler: (Item) -> Void) {
        let text = lineIsText ?? !pendingHasSOH
        let keep = text && pending.last == UInt8(ascii: "^") ? 1 : 0
        let piece = Array(pending[..<(pending.count - keep)])
        feedLine(piece, inputOffset: pendingOffset, text: text, lineStart: lineIsText == nil, handler)
        lineIsText = text
        pending.removeFirst(pending.count - keep)
        pendingOffset = inputOffset - keep
    }

    /// Gives the framer the rest of the line; a garbled run ends with its line.
    private mutating func takeLine(_ handler: (Item) -> Void) {
        let text = lineIsText ?? !pendingHasSOH
        feedLine(pending, inputOffset: pendingOffset, text: text, lineStart: lineIsText == nil, handler)
        pending.removeAll(keepingCapacity: true)
        pendingHasSOH = false
        lineIsText = nil
        flushHeld(handler)
    }

    /// Gives the framer `bytes` of the current line: at the line's start, without a log prefix;
    /// as text, with `^A` and `|` read as SOH.
    private mutating func feedLine(_ bytes: [UInt8], inputOffset: Int, text: Bool, lineStart: Bool,
                                   _ handler: (Item) -> Void) {
        var line = bytes
        var offset = inputOffset
        if lineStart, let start = Self.messageStartAfterLogPrefix(line) {
            line.removeFirst(start)
            offset += start
        }
        guard text else {
            feedFramer(line, inputOffset: offset, handler)
            return
        }
        // Each `^A` shortens the line by a byte, so each piece after one is given its own
        // origin to keep offsets exact.
        let (translated, cuts) = Self.translateDelimiters(line)
        var from = (output: 0, input: 0)
        for cut in cuts + [(translated.count, line.count)] {
            feedFramer(Array(translated[from.output..<cut.output]), inputOffset: offset + from.input, handler)
            from = cut
        }
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
            flushHeld(handler)
            handler(.message(bytes: Array(slice), line: origin(of: framer.streamOffset - slice.count).line))
        case .garbled(let g):
            let o = origin(of: g.offset)
            if var h = held, h.framed + h.length == g.offset, h.line == o.line, h.reason == .notBeginString,
               g.reason == .notBeginString {
                // A long run of bytes that are not a message comes from the framer a piece at a
                // time: it is reported once, up to the next message or the end of its line.
                h.length += g.length
                held = h
            } else if !isWhitespace(from: g.offset, length: g.length) {
                // White space between messages is not worth a report.
                flushHeld(handler)
                held = (g.offset, g.length, o.input, o.line, g.reason)
            }
        }
        // Forget origins that are entirely behind the framer.
        while origins.count > 1 && origins[1].framed <= framer.streamOffset { origins.removeFirst() }
    }

    /// Reports the garbled run held back, if any.
    private mutating func flushHeld(_ handler: (Item) -> Void) {
        guard let h = held else { return }
        held = nil
        let reason = FIXFramer.Garbled(offset: h.framed, length: h.length, reason: h.reason).description
        handler(.garbled(offset: h.input, line: h.line, reason: reason, length: h.length))
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
