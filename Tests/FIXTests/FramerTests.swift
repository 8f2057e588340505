import Foundation
import Testing
@testable import FIX
import FIXTestSupport

/// What a framer produced, in a form that compares and prints well.
private enum Out: Equatable, CustomStringConvertible {
    case message([UInt8])
    case garbled(offset: Int, length: Int, reason: FIXFramer.Garbled.Reason)

    init(_ e: FIXFramer.Event) {
        switch e {
        case .message(let s): self = .message(Array(s))
        case .garbled(let g): self = .garbled(offset: g.offset, length: g.length, reason: g.reason)
        }
    }

    var isMessage: Bool { if case .message = self { true } else { false } }
    var messageBytes: [UInt8]? { if case .message(let b) = self { b } else { nil } }
    var byteCount: Int {
        switch self {
        case .message(let b): b.count
        case .garbled(_, let length, _): length
        }
    }

    var description: String {
        switch self {
        case .message(let b): "message(\(show(b)))"
        case let .garbled(offset, length, reason): "garbled(offset: \(offset), length: \(length), \(reason))"
        }
    }
}

/// Takes every event the framer has now.
private func drain(_ f: inout FIXFramer, into out: inout [Out]) {
    while let e = f.next() { out.append(Out(e)) }
}

/// Ends the stream and takes what is left.
private func finish(_ f: inout FIXFramer, into out: inout [Out]) {
    while let e = f.finish() { out.append(Out(e)) }
}

/// Feeds `chunks` one after the other, draining after each, then finishes.
private func frame(_ chunks: [ArraySlice<UInt8>], maxMessageSize: Int = 1 << 20,
                   recovery: FIXFrameScanner.Recovery = .bodyLength) -> [Out] {
    var f = FIXFramer(maxMessageSize: maxMessageSize, recovery: recovery)
    var out: [Out] = []
    for c in chunks {
        f.append(c)
        drain(&f, into: &out)
    }
    finish(&f, into: &out)
    return out
}

private func frame(_ stream: [UInt8], maxMessageSize: Int = 1 << 20, recovery: FIXFrameScanner.Recovery = .bodyLength) -> [Out] {
    frame([stream[...]], maxMessageSize: maxMessageSize, recovery: recovery)
}

/// Adjacent garbled runs merged into one (how many events a run is reported in depends on how
/// the bytes arrived; the runs themselves do not).
private func mergingGarbled(_ outs: [Out]) -> [Out] {
    var r: [Out] = []
    for o in outs {
        if case let .garbled(offset, length, _) = o, case let .garbled(po, pl, pr)? = r.last, po + pl == offset {
            r[r.count - 1] = .garbled(offset: po, length: pl + length, reason: pr)
        } else {
            r.append(o)
        }
    }
    return r
}

/// Every byte fed is in exactly one message or garbled run, in stream order.
private func checkAccounting(_ outs: [Out], total: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    var offset = 0
    for o in outs {
        if case .garbled(let at, _, _) = o {
            #expect(at == offset, "garbled run at \(at), expected at \(offset)", sourceLocation: sourceLocation)
        }
        offset += o.byteCount
    }
    #expect(offset == total, "messages and garbled runs cover \(offset) bytes of \(total)", sourceLocation: sourceLocation)
}

/// A copy of a framed message with its BodyLength changed by `delta` (CheckSum left as it was).
private func withBodyLength(_ m: [UInt8], delta: Int) -> [UInt8] {
    let text = String(decoding: m, as: UTF8.self)
    let start = text.range(of: "\u{01}9=")!.upperBound
    let end = text[start...].firstIndex(of: "\u{01}")!
    let length = Int(text[start..<end])!
    return Array((text[..<start] + String(length + delta) + text[end...]).utf8)
}

/// A copy of a framed message with its CheckSum field replaced by `10=<text><SOH>`.
private func withCheckSum(_ m: [UInt8], _ text: String) -> [UInt8] {
    Array(m.dropLast(7)) + Array("10=\(text)\u{01}".utf8)
}

/// The CheckSum a framed message carries.
private func checkSum(of m: [UInt8]) -> Int {
    Int(String(decoding: m[(m.count - 4)..<(m.count - 1)], as: UTF8.self))!
}

struct FramerTests {
    static let header = "34=1|49=CLIENT|52=20240808-12:00:00.000|56=VENUE|"
    /// RawData with SOH, `8=FIX` and `10=` in it: only RawDataLength says where it ends.
    static let rawData = "ab\u{01}8=FIX.4.4\u{01}9=5\u{01}10=000\u{01}z"

    static let logon = fix("35=A|\(header)98=0|108=30|95=\(rawData.utf8.count)|96=\(rawData)|")
    static let heartbeat = fix("35=0|\(header)112=TEST|")
    static let order = fix("35=D|\(header)11=ORD1|21=1|55=BTCUSDT|54=1|60=20240808-12:00:00|38=1.5|40=2|44=60000.25|")
    /// Text that starts with `FIX.4.4`, so the message holds `58=FIX.4.4`.
    static let report = fix("35=8|\(header)37=O1|17=E1|150=0|39=0|55=BTCUSDT|54=1|151=1.5|14=0|6=0|58=FIX.4.4 is the version|")
    static let logout = fix("35=5|\(header)58=bye|")

    static let messages = [logon, heartbeat, order, report, logout]
    static let stream = messages.flatMap { $0 }

    // MARK: - Valid streams

    @Test func dataFieldIsOneFieldOfTheLogon() throws {
        let m = try FIXMessage(bytes: Self.logon)
        #expect(m.string(Tag.rawData) == Self.rawData)
        #expect(m.fields.last?.tag == 10)
    }

    @Test func wholeStream() {
        #expect(frame(Self.stream) == Self.messages.map { .message($0) })
    }

    @Test func oneByteAtATime() {
        let out = frame(Self.stream.indices.map { Self.stream[$0...$0] })
        #expect(out == Self.messages.map { .message($0) })
    }

    @Test func splitAtEveryPoint() {
        let expected = Self.messages.map { Out.message($0) }
        var failures: [Int] = []
        for i in 0...Self.stream.count {
            let out = frame([Self.stream[..<i], Self.stream[i...]])
            if out != expected { failures.append(i) }
        }
        #expect(failures.isEmpty, "different output when split at \(failures)")
    }

    @Test func streamOffsetAndBufferedBytes() {
        var f = FIXFramer()
        f.append(Self.heartbeat + Self.order.prefix(10))
        #expect(f.bufferedByteCount == Self.heartbeat.count + 10)
        #expect(f.next() == .message(Self.heartbeat[...]))
        #expect(f.streamOffset == Self.heartbeat.count)
        #expect(f.next() == nil)
        #expect(f.bufferedByteCount == 10)
        f.append(Self.order.dropFirst(10))
        #expect(f.next() == .message(Self.order[...]))
        #expect(f.next() == nil)
        #expect(f.bufferedByteCount == 0)
        #expect(f.finish() == nil)
    }

    // MARK: - Garbled streams

    static let junks = ["garbage", "\r\n", "8=FIY", "x8=F", "58=FIX.4.4 not a message ", "\u{01}\u{01}10=000\u{01}", "9=12\u{01}"]

    @Test(arguments: junks)
    func leadingJunk(_ junk: String) {
        let j = Array(junk.utf8)
        let input = j + Self.stream
        let expected: [Out] = [.garbled(offset: 0, length: j.count, reason: .notBeginString)] + Self.messages.map { .message($0) }
        #expect(frame(input) == expected)
        // However the bytes arrive, the same messages and the same garbled bytes.
        for i in 0...input.count {
            let out = frame([input[..<i], input[i...]])
            #expect(out.filter(\.isMessage) == Self.messages.map { .message($0) }, "split at \(i)")
            checkAccounting(out, total: input.count)
        }
        let byteByByte = frame(input.indices.map { input[$0...$0] })
        #expect(byteByByte.filter(\.isMessage) == Self.messages.map { .message($0) })
        checkAccounting(byteByByte, total: input.count)
    }

    /// A well-formed message with a wrong BodyLength: the frame runs to the first CheckSum field
    /// at or after the place BodyLength gives (as widely used engines frame it) and is dropped
    /// whole. Too short, that is its own CheckSum, and the next messages are intact; too long, the
    /// next message's CheckSum, and that message is dropped with it (the session gets it back by
    /// ResendRequest); the one after is intact.
    @Test(arguments: [-1, -5, -30, 1, 5, 30])
    func wrongBodyLengthThenGoodMessages(_ delta: Int) {
        let bad = withBodyLength(Self.order, delta: delta)
        let input = bad + Self.heartbeat + Self.logout
        let out = frame(input)
        let swallowed = delta > 0 ? Self.heartbeat.count : 0
        let survivors: [Out] = (delta > 0 ? [] : [.message(Self.heartbeat)]) + [.message(Self.logout)]
        #expect(out == [.garbled(offset: 0, length: bad.count + swallowed, reason: .bodyLengthMismatch)] + survivors)
        for i in 0...input.count {
            let split = frame([input[..<i], input[i...]])
            #expect(split.filter(\.isMessage) == survivors, "split at \(i)")
            checkAccounting(split, total: input.count)
        }
    }

    /// Decoding logs (recovery `.nextBeginString`): a bad frame is skipped only up to the next
    /// message start, so a message cut short does not take the next one with it, wherever it was
    /// cut (after a digit too: `...44=6000` then `8=FIX.4.4`), however the bytes arrive.
    @Test func aMessageCutShortKeepsTheNextWithNextBeginStringRecovery() {
        let good = Self.heartbeat + Self.logout
        let survivors: [Out] = [.message(Self.heartbeat), .message(Self.logout)]
        for cut in 1..<Self.order.count {
            let input = Array(Self.order[..<cut]) + good
            let whole = frame(input, recovery: .nextBeginString)
            #expect(whole.first.map { !$0.isMessage && $0.byteCount == cut } == true && Array(whole.dropFirst()) == survivors,
                    "cut at \(cut): \(whole)")
            let byteByByte = frame(input.indices.map { input[$0...$0] }, recovery: .nextBeginString)
            #expect(byteByByte.filter(\.isMessage) == survivors, "cut at \(cut), byte by byte")
            checkAccounting(byteByByte, total: input.count)
        }
        // A wrong BodyLength either way, or a wrong CheckSum: the next message is kept.
        for delta in [-30, -5, -1, 1, 5, 30] {
            let bad = withBodyLength(Self.order, delta: delta)
            #expect(frame(bad + good, recovery: .nextBeginString)
                    == [.garbled(offset: 0, length: bad.count, reason: .bodyLengthMismatch)] + survivors, "delta \(delta)")
        }
        // Good messages frame as they do for a session, `58=FIX` and `8=FIX` in a data field included.
        #expect(frame(Self.stream, recovery: .nextBeginString) == Self.messages.map { .message($0) })
    }

    /// A BodyLength that runs past the end of the stream: at finish() the messages after the
    /// bad one are still complete in the buffer and come out; the bad one is truncated up to them.
    @Test func bodyLengthPastTheEndOfTheStream() {
        let bad = withBodyLength(Self.order, delta: 1000)
        let input = bad + Self.heartbeat + Self.logout
        let out = frame(input)
        checkAccounting(out, total: input.count)
        #expect(out == [.garbled(offset: 0, length: bad.count, reason: .truncated),
                        .message(Self.heartbeat), .message(Self.logout)])
        // Before finish(), the framer waits for the bytes the BodyLength promises.
        var f = FIXFramer()
        f.append(input)
        #expect(f.next() == nil)
        #expect(f.bufferedByteCount == input.count)
    }

    @Test func wrongCheckSum() {
        let sum = checkSum(of: Self.order)
        let bad = withCheckSum(Self.order, String(format: "%03d", (sum + 1) % 256))
        let input = Self.heartbeat + bad + Self.logout
        #expect(frame(input) == [.message(Self.heartbeat),
                                 .garbled(offset: Self.heartbeat.count, length: bad.count,
                                          reason: .checkSumMismatch(expected: sum, received: (sum + 1) % 256)),
                                 .message(Self.logout)])
    }

    @Test(arguments: ["0", "00", "1234", "abc", "-12", "12 "])
    func malformedCheckSum(_ text: String) {
        let bad = withCheckSum(Self.order, text)
        let input = bad + Self.heartbeat
        #expect(frame(input) == [.garbled(offset: 0, length: bad.count, reason: .malformedCheckSum),
                                 .message(Self.heartbeat)])
    }

    @Test func malformedCheckSumAtTheEndIsTruncated() {
        let bad = withCheckSum(Self.order, "0")
        let input = Self.heartbeat + bad
        #expect(frame(input) == [.message(Self.heartbeat),
                                 .garbled(offset: Self.heartbeat.count, length: bad.count, reason: .truncated)])
    }

    @Test func missingBodyLength() {
        let bad = Array("8=FIX.4.4\u{01}35=0\u{01}49=A\u{01}56=B\u{01}10=000\u{01}".utf8)
        let input = bad + Self.heartbeat
        #expect(frame(input) == [.garbled(offset: 0, length: bad.count, reason: .missingBodyLength),
                                 .message(Self.heartbeat)])
    }

    @Test(arguments: ["9=abc", "9=", "9=-5", "9=1234567890"])
    func badBodyLength(_ field: String) {
        let bad = Array("8=FIX.4.4\u{01}\(field)\u{01}35=0\u{01}10=000\u{01}".utf8)
        let input = bad + Self.heartbeat
        #expect(frame(input) == [.garbled(offset: 0, length: bad.count, reason: .badBodyLength),
                                 .message(Self.heartbeat)])
    }

    @Test func beginStringWithoutSOH() {
        let bad = Array(("8=FIX" + String(repeating: "x", count: 40)).utf8)
        let input = bad + Self.heartbeat
        #expect(frame(input) == [.garbled(offset: 0, length: bad.count, reason: .missingBodyLength),
                                 .message(Self.heartbeat)])
    }

    @Test func messageOfExactlyTheLimit() {
        let m = Self.order
        #expect(frame(m, maxMessageSize: m.count) == [.message(m)])
        #expect(frame(m, maxMessageSize: m.count - 1) == [.garbled(offset: 0, length: m.count, reason: .tooLarge(limit: m.count - 1))])
    }

    @Test func hugeBodyLengthIsNotBuffered() {
        let limit = 4096
        var f = FIXFramer(maxMessageSize: limit)
        var out: [Out] = []
        let head = Array("8=FIX.4.4\u{01}9=99999999\u{01}35=D\u{01}".utf8)
        f.append(head)
        drain(&f, into: &out)
        #expect(out.first == .garbled(offset: 0, length: head.count, reason: .tooLarge(limit: limit)))
        var fed = head.count
        var maxBuffered = f.bufferedByteCount
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 4000)
        while fed < head.count + (1 << 20) {
            f.append(chunk)
            fed += chunk.count
            #expect(f.bufferedByteCount <= limit + chunk.count)
            drain(&f, into: &out)
            maxBuffered = max(maxBuffered, f.bufferedByteCount)
        }
        #expect(maxBuffered <= limit)
        f.append(Self.heartbeat)
        fed += Self.heartbeat.count
        drain(&f, into: &out)
        finish(&f, into: &out)
        #expect(out.last == .message(Self.heartbeat))
        #expect(out.filter(\.isMessage).count == 1)
        checkAccounting(out, total: fed)
    }

    /// The same, with the huge body split into pieces that each look like the start of a message.
    @Test func hugeBodyLengthAmongMessageStarts() {
        let limit = 4096
        var f = FIXFramer(maxMessageSize: limit)
        var out: [Out] = []
        let bogus = Array("8=FIX.4.4\u{01}9=99999999\u{01}".utf8)
        var fed = 0
        for _ in 0..<3000 {
            f.append(bogus + Array(repeating: UInt8(ascii: "y"), count: 300))
            fed += bogus.count + 300
            drain(&f, into: &out)
            #expect(f.bufferedByteCount <= limit)
        }
        f.append(Self.logon)
        fed += Self.logon.count
        finish(&f, into: &out)
        #expect(out.filter(\.isMessage) == [.message(Self.logon)])
        #expect(out.contains(.garbled(offset: 0, length: bogus.count + 300, reason: .tooLarge(limit: limit))))
        checkAccounting(out, total: fed)
    }

    /// `58=FIX.4.4` in a text field is not taken for the start of a message when resynchronising.
    @Test func textFieldDoesNotFoolResync() {
        // BodyLength 30 short: the framer sees the mismatch before the text field.
        let bad = withBodyLength(Self.report, delta: -30)
        let input = bad + Self.heartbeat
        #expect(frame(input) == [.garbled(offset: 0, length: bad.count, reason: .bodyLengthMismatch),
                                 .message(Self.heartbeat)])
        var differing: [Int] = []
        for i in 0...input.count {
            let out = frame([input[..<i], input[i...]])
            #expect(out.filter(\.isMessage) == [.message(Self.heartbeat)], "split at \(i)")
            checkAccounting(out, total: input.count)
            // The garbled run may come in pieces as the bytes arrive, but it is one run and
            // nothing in it is framed as a message start of its own.
            let reasons = out.compactMap { o -> FIXFramer.Garbled.Reason? in
                if case .garbled(_, _, let r) = o { r } else { nil }
            }
            let merged = mergingGarbled(out)
            if merged != [.garbled(offset: 0, length: bad.count, reason: reasons.first ?? .truncated), .message(Self.heartbeat)]
                || reasons.first != .bodyLengthMismatch
                || reasons.contains(where: { $0 != .bodyLengthMismatch && $0 != .notBeginString }) {
                differing.append(i)
            }
        }
        // Split right after the `5` of `58=FIX`, the digit is consumed with the first piece; the
        // framer still remembers it and does not take the `8=FIX` that starts the next piece for
        // a message start.
        #expect(differing.isEmpty, "garbled report differs when split at \(differing)")
    }

    /// A message cut off inside its BeginString (`8=FIX.4.`), then a good message. The framer
    /// reads `8=FIX.4.8=FIX.4.4` as a BeginString, takes the good message's BodyLength, lands on
    /// its CheckSum and finds the sum wrong (the extra bytes): the skip must stop at the good
    /// message's `8=FIX`, not swallow it with the bogus frame.
    @Test(arguments: ["8=FIX.4.", "8=FIX", "x 8=FIX ", "8=FIX.4.4 junk "])
    func bogusBeginStringBeforeAMessage(_ junk: String) {
        let j = Array(junk.utf8)
        let input = j + Self.heartbeat + Self.logout
        let out = frame(input)
        checkAccounting(out, total: input.count)
        #expect(out.filter(\.isMessage) == [.message(Self.heartbeat), .message(Self.logout)])
        #expect(mergingGarbled(out).first.map { if case .garbled(0, j.count, _) = $0 { true } else { false } } == true, "\(out)")
    }

    /// The same through a split `58=FIX` (see `textFieldDoesNotFoolResync`): a garbled run ending
    /// in `58=FIX ` right before a good message, with the stream split after `58=F`.
    @Test func splitTextFieldBeforeAMessage() {
        let junk = Array("\u{01}58=FIX ".utf8)
        let input = junk + Self.heartbeat + Self.logout
        // Whole, the digit before `8=FIX` keeps it from being a message start.
        #expect(frame(input) == [.garbled(offset: 0, length: junk.count, reason: .notBeginString),
                                 .message(Self.heartbeat), .message(Self.logout)])
        for i in 0...input.count {
            let out = frame([input[..<i], input[i...]])
            checkAccounting(out, total: input.count)
            #expect(out.filter(\.isMessage) == [.message(Self.heartbeat), .message(Self.logout)], "split at \(i)")
        }
    }

    /// A bogus frame (a cut-off message) whose BodyLength happens to end exactly on the CheckSum
    /// of the good message after it: the checksum mismatch must not skip the good message.
    @Test func bogusFrameEndingOnAGoodCheckSum() {
        let good = Self.heartbeat
        let bogus = Array("8=FIX.4.4\u{01}9=\(good.count - 7)\u{01}".utf8)
        let input = bogus + good + Self.logout
        let out = frame(input)
        checkAccounting(out, total: input.count)
        #expect(out.filter(\.isMessage) == [.message(good), .message(Self.logout)])
        // A message that is only corrupted is still skipped whole, as one run.
        let sum = checkSum(of: Self.order)
        let corrupted = withCheckSum(Self.order, String(format: "%03d", (sum + 7) % 256))
        #expect(frame(corrupted + good) == [.garbled(offset: 0, length: corrupted.count,
                                                     reason: .checkSumMismatch(expected: sum, received: (sum + 7) % 256)),
                                            .message(good)])
    }

    @Test func finishReportsTruncatedMessage() {
        let half = Array(Self.order.prefix(Self.order.count / 2))
        let input = Self.heartbeat + half
        #expect(frame(input) == [.message(Self.heartbeat),
                                 .garbled(offset: Self.heartbeat.count, length: half.count, reason: .truncated)])
        // A partial BeginString is a truncated message too; other leftovers are not.
        #expect(frame(Self.heartbeat + Array("8=F".utf8)) == [.message(Self.heartbeat),
                                                             .garbled(offset: Self.heartbeat.count, length: 3, reason: .truncated)])
        #expect(frame(Self.heartbeat + Array("zz".utf8)) == [.message(Self.heartbeat),
                                                            .garbled(offset: Self.heartbeat.count, length: 2, reason: .notBeginString)])
        // Nothing left: nothing to report, however often finish() is called.
        var f = FIXFramer()
        f.append(Self.heartbeat)
        #expect(f.finish() == .message(Self.heartbeat[...]))
        #expect(f.finish() == nil)
        #expect(f.finish() == nil)
    }

    // MARK: - Random garbage

    static let fragments: [[UInt8]] = ["8=FIX.4.4\u{01}", "8=FIX.4.4\u{01}9=", "8=F", "8=", "9=", "10=", "10=123\u{01}",
                                       "\u{01}", "58=FIX", "35=0\u{01}", "1", "23", "456", "\n", " "].map { Array($0.utf8) }

    static func garbage(_ rng: inout SplitMix64) -> [UInt8] {
        var g: [UInt8] = []
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
            if Bool.random(using: &rng) {
                g += fragments.randomElement(using: &rng)!
            } else {
                for _ in 0..<Int.random(in: 1...8, using: &rng) { g.append(UInt8.random(in: 0...255, using: &rng)) }
            }
        }
        return g
    }

    /// Random garbage between valid messages, fed in random pieces: nothing crashes, every byte is
    /// accounted for, and every valid message not glued to a digit before it comes out intact.
    @Test func randomGarbageInterleavedWithMessages() {
        let limit = 2048
        var totalMessages = 0
        for seed in 0..<1500 {
            var rng = SplitMix64(seed: UInt64(seed))
            var stream: [UInt8] = []
            var expected: [(offset: Int, bytes: [UInt8])] = []
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                if Int.random(in: 0..<3, using: &rng) == 0 { stream += Self.garbage(&rng) }
                let m = Self.messages.randomElement(using: &rng)!
                if stream.last.map({ !($0 &- 48 < 10) }) ?? true { expected.append((stream.count, m)) }
                stream += m
            }
            if Bool.random(using: &rng) { stream += Self.garbage(&rng) }
            // Room for any bogus BodyLength under the limit to be seen not to land on 10=.
            stream += [UInt8](repeating: UInt8(ascii: " "), count: limit + 8)

            var chunks: [ArraySlice<UInt8>] = []
            var i = 0
            while i < stream.count {
                let n = min(stream.count - i, Int.random(in: 1...400, using: &rng))
                chunks.append(stream[i..<(i + n)])
                i += n
            }
            let out = frame(chunks, maxMessageSize: limit)
            checkAccounting(out, total: stream.count)
            var found: [Int: [UInt8]] = [:]
            var offset = 0
            for o in out {
                if case .message(let b) = o { found[offset] = b }
                offset += o.byteCount
            }
            for e in expected where found[e.offset] != e.bytes {
                Issue.record("seed \(seed): message at \(e.offset) not framed")
            }
            totalMessages += expected.count
        }
        #expect(totalMessages > 3000)
    }
}
