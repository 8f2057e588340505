import Foundation
import Testing
@testable import FIX
import FIXTestSupport

/// A reader item in a form that compares and prints well.
private enum Item: Equatable, CustomStringConvertible {
    case message([UInt8], line: Int)
    case garbled(offset: Int, line: Int, length: Int)

    init(_ i: FIXInputReader.Item) {
        switch i {
        case let .message(bytes, line): self = .message(bytes, line: line)
        case let .garbled(offset, line, _, length): self = .garbled(offset: offset, line: line, length: length)
        }
    }

    var description: String {
        switch self {
        case let .message(b, line): "message(line \(line): \(show(b)))"
        case let .garbled(offset, line, length): "garbled(offset \(offset), line \(line), length \(length))"
        }
    }
}

/// Reads `input` in the given pieces, then finishes; `reasons` gets the garbled runs' reasons.
private func read(_ chunks: [ArraySlice<UInt8>], reasons: inout [String]) -> [Item] {
    var reader = FIXInputReader()
    var items: [Item] = []
    var why: [String] = []
    let handler: (FIXInputReader.Item) -> Void = { i in
        items.append(Item(i))
        if case .garbled(_, _, let reason, _) = i { why.append(reason) }
    }
    for c in chunks { reader.read(c, handler) }
    reader.finish(handler)
    reasons = why
    return items
}

private func read(_ chunks: [ArraySlice<UInt8>]) -> [Item] {
    var ignored: [String] = []
    return read(chunks, reasons: &ignored)
}

private func read(_ input: [UInt8]) -> [Item] { read([input[...]]) }
private func read(_ text: String) -> [Item] { read(Array(text.utf8)) }

struct InputReaderTests {
    static let header = "34=1|49=CLIENT|52=20240808-12:00:00.000|56=VENUE|"
    static let m1 = fix("35=0|\(header)112=TEST|")
    static let m2 = fix("35=D|\(header)11=ORD1|21=1|55=BTCUSDT|54=1|60=20240808-12:00:00|38=1.5|40=2|44=60000.25|")
    static let m3 = fix("35=5|\(header)58=bye|")
    static let messages = [m1, m2, m3]

    static func text(_ m: [UInt8], soh: String) -> String {
        String(decoding: m, as: UTF8.self).replacingOccurrences(of: "\u{01}", with: soh)
    }

    @Test func rawSOHStream() {
        let input = Self.messages.flatMap { $0 }
        #expect(read(input) == Self.messages.map { .message($0, line: 1) })
    }

    @Test(arguments: ["|", "^A"])
    func delimitedLines(_ separator: String) {
        let input = Self.messages.map { Self.text($0, soh: separator) + "\n" }.joined()
        #expect(read(input) == Self.messages.enumerated().map { .message($1, line: $0 + 1) })
        // Windows line ends and a missing final newline are fine too.
        let crlf = Self.messages.map { Self.text($0, soh: separator) }.joined(separator: "\r\n")
        #expect(read(crlf) == Self.messages.enumerated().map { .message($1, line: $0 + 1) })
    }

    @Test func severalMessagesOnALine() {
        let input = Self.messages.map { Self.text($0, soh: "|") }.joined() + "\n" + Self.text(Self.m1, soh: "^A") + "\n"
        #expect(read(input) == Self.messages.map { .message($0, line: 1) } + [.message(Self.m1, line: 2)])
    }

    @Test(arguments: ["20240808-12:00:00.123 : ", "20240808-12:00:00 : ", "20240808-12:00:00.123456: ", "20240808-12:00:00.123456789 :  "])
    func logLines(_ prefix: String) {
        for separator in ["\u{01}", "|", "^A"] {
            let input = Self.messages.map { prefix + Self.text($0, soh: separator) + "\n" }.joined()
            #expect(read(input) == Self.messages.enumerated().map { .message($1, line: $0 + 1) }, "separator \(separator.debugDescription)")
        }
    }

    @Test func blankLinesAreIgnored() {
        let input = "\n\n" + Self.text(Self.m1, soh: "|") + "\n   \n\t\n\r\n" + Self.text(Self.m2, soh: "|") + "\n\n"
        #expect(read(input) == [.message(Self.m1, line: 3), .message(Self.m2, line: 7)])
    }

    @Test func garbledLineIsReportedAndReadingGoesOn() {
        let l1 = Self.text(Self.m1, soh: "|") + "\n"
        let l2 = "this is not FIX\n"
        let l3 = "20240808-12:00:00.123 : " + Self.text(Self.m2, soh: "|") + "\n"
        let input = l1 + l2 + l3
        var reasons: [String] = []
        let items = read([Array(input.utf8)[...]], reasons: &reasons)
        #expect(items == [.message(Self.m1, line: 1),
                          .garbled(offset: l1.utf8.count, line: 2, length: l2.utf8.count),
                          .message(Self.m2, line: 3)])
        #expect(reasons.count == 1 && reasons.allSatisfy { !$0.isEmpty })
    }

    @Test func badMessageInTheMiddle() {
        // Wrong CheckSum on line 2: reported with its line; lines 1 and 3 read.
        var bad = Self.m2
        bad[bad.count - 2] = bad[bad.count - 2] == UInt8(ascii: "9") ? UInt8(ascii: "0") : bad[bad.count - 2] + 1
        let l1 = Self.text(Self.m1, soh: "|") + "\n"
        let input = l1 + Self.text(bad, soh: "|") + "\n" + Self.text(Self.m3, soh: "|") + "\n"
        #expect(read(input) == [.message(Self.m1, line: 1),
                                .garbled(offset: l1.utf8.count, line: 2, length: bad.count),
                                .message(Self.m3, line: 3)])
    }

    @Test func truncatedLastMessage() {
        let l1 = Self.text(Self.m1, soh: "|") + "\n"
        let partial = String(Self.text(Self.m2, soh: "|").prefix(40))
        let items = read(l1 + partial)
        #expect(items == [.message(Self.m1, line: 1), .garbled(offset: l1.utf8.count, line: 2, length: 40)])
    }

    /// Offsets are input offsets: after `^A` (two bytes read as one SOH) a garbled run on the same
    /// line should still be reported where it is in the input.
    @Test func garbledOffsetAfterCaretA() {
        let line = Self.text(Self.m1, soh: "^A") + "junk\n"
        let items = read(line)
        #expect(items.first == .message(Self.m1, line: 1))
        #expect(items.dropFirst().first == .garbled(offset: line.utf8.count - 5, line: 1, length: 5))
        #expect(items.count == 2)
        // With `|` the offsets agree.
        let pipe = Self.text(Self.m1, soh: "|") + "junk\n"
        #expect(read(pipe) == [.message(Self.m1, line: 1), .garbled(offset: pipe.utf8.count - 5, line: 1, length: 5)])
    }

    static func mixedInput() -> [UInt8] {
        var s = ""
        s += Self.text(Self.m1, soh: "|") + "\n"
        s += "\n"
        s += "20240808-12:00:00.123 : " + Self.text(Self.m2, soh: "^A") + "\n"
        s += "garbage line\n"
        s += Self.text(Self.m3, soh: "|") + Self.text(Self.m1, soh: "|") + "\r\n"
        var bytes = Array(s.utf8)
        bytes += Array("20240808-12:00:01.000 : ".utf8) + Self.m2 + [10]
        bytes += Self.m3 + Self.m1  // raw, no newline
        bytes += Array("\n8=FIX.4.4|9=5|35=0|10=".utf8)  // truncated at the end
        return bytes
    }

    @Test func mixedInputInArbitraryChunks() {
        let input = Self.mixedInput()
        let whole = read(input)
        #expect(whole.filter { if case .message = $0 { true } else { false } }.count == 7)
        let garbageOffset = (Self.text(Self.m1, soh: "|") + "\n\n20240808-12:00:00.123 : " + Self.text(Self.m2, soh: "^A") + "\n").utf8.count
        #expect(whole.contains(.garbled(offset: garbageOffset, line: 4, length: 13)), "\(whole)")
        #expect(whole.last == .garbled(offset: input.count - 22, line: 8, length: 22))
        var rng = SplitMix64(seed: 44)
        for _ in 0..<300 {
            var chunks: [ArraySlice<UInt8>] = []
            var i = 0
            while i < input.count {
                let n = min(input.count - i, Int.random(in: 1...64, using: &rng))
                chunks.append(input[i..<(i + n)])
                i += n
            }
            #expect(read(chunks) == whole)
        }
        #expect(read(input.indices.map { input[$0...$0] }) == whole)
    }

    /// A message cut short, followed at once by a good one on the same line or on the next, in
    /// every form the reader takes: the cut part is reported as garbled and decoding goes on
    /// with the next `8=FIX`, wherever the message was cut (after a digit too, as in
    /// `...44=6000` then `8=FIX.4.4`). The third message shows nothing else is lost.
    @Test(arguments: ["\u{01}", "|", "^A"], [false, true])
    func messageCutShortThenGoodMessages(_ separator: String, _ logPrefix: Bool) {
        let prefix = logPrefix ? "20240808-12:00:00.123 : " : ""
        for nextLine in [false, true] {
            for cut in 1..<Self.m2.count {
                let cutText = Self.text(Array(Self.m2[..<cut]), soh: separator)
                let first = prefix + cutText + (nextLine ? "\n" + prefix : "")
                let input = first + Self.text(Self.m1, soh: separator) + "\n" + prefix + Self.text(Self.m3, soh: separator) + "\n"
                // Offsets are in the input; lengths in bytes read (`^A` is one).
                let expected: [Item] = [.garbled(offset: prefix.utf8.count, line: 1, length: cut + (nextLine ? 1 : 0)),
                                        .message(Self.m1, line: nextLine ? 2 : 1),
                                        .message(Self.m3, line: nextLine ? 3 : 2)]
                let items = read(input)
                #expect(items == expected, "cut at \(cut), \(nextLine ? "next line" : "same line"): \(items)")
                if items != expected { return }
            }
        }
    }

    /// A line as long as the input with no SOH and no `8=FIX` in it: one garbled run, reported
    /// with its offset and line, and the message on the next line is read. The reader holds no
    /// more than a piece of the line and what the framer keeps, however long the line.
    @Test(arguments: [false, true])
    func overlongLineIsOneGarbledRunInBoundedMemory(_ withSOH: Bool) {
        let lineLength = 3 << 20 + 1234
        var line = [UInt8](repeating: UInt8(ascii: "x"), count: lineLength)
        if withSOH { for i in stride(from: 100, to: lineLength, by: 1000) { line[i] = 1 } }
        let l1 = Self.text(Self.m1, soh: "|") + "\n"
        let input = Array(l1.utf8) + line + [10] + Array((Self.text(Self.m2, soh: "|") + "\n").utf8)
        var reader = FIXInputReader(maxMessageSize: 4096)
        var items: [Item] = []
        var largest = 0
        var i = 0
        while i < input.count {
            let n = min(input.count - i, 65_536)
            reader.read(input[i..<(i + n)]) { items.append(Item($0)) }
            largest = max(largest, reader.bufferedByteCount)
            i += n
        }
        reader.finish { items.append(Item($0)) }
        #expect(items == [.message(Self.m1, line: 1), .garbled(offset: l1.utf8.count, line: 2, length: lineLength + 1),
                          .message(Self.m2, line: 3)])
        #expect(largest <= 4 * FIXInputReader.pieceSize, "the reader held \(largest) bytes")
    }

    /// A long line of `|`- and `^A`-delimited messages is read a piece at a time, as text; a
    /// `^A` split between two pieces is still read as SOH.
    @Test func longTextLineOfMessages() throws {
        let prefix = "20240808-12:00:00.123 : "
        var messages = ""
        var expected: [Item] = []
        var k = 0
        while messages.utf8.count < 3 * FIXInputReader.pieceSize {
            let m = Self.messages[k % 3]
            messages += Self.text(m, soh: k % 2 == 0 ? "|" : "^A")
            expected.append(.message(m, line: 1))
            k += 1
        }
        expected.append(.message(Self.m1, line: 2))
        let next = "\n" + Self.text(Self.m1, soh: "|") + "\n"
        #expect(read(prefix + messages + next) == expected)
        // Spaces before the first message put a `^` last in the line's first piece.
        let bytes = Array((prefix + messages).utf8)
        let caret = try #require(bytes[..<FIXInputReader.pieceSize].lastIndex(of: UInt8(ascii: "^")))
        let spaces = String(repeating: " ", count: FIXInputReader.pieceSize - 1 - caret)
        #expect(read(prefix + spaces + messages + next) == expected)
    }

    /// A raw stream with no newlines longer than the reader's flush threshold.
    @Test func longRawStreamWithoutNewlines() {
        var input: [UInt8] = []
        var expected: [Item] = []
        var k = 0
        while input.count < 200_000 {
            let m = Self.messages[k % 3]
            input += m
            expected.append(.message(m, line: 1))
            k += 1
        }
        #expect(read(input) == expected)
        var chunks: [ArraySlice<UInt8>] = []
        var i = 0
        while i < input.count {
            let n = min(input.count - i, 7_777)
            chunks.append(input[i..<(i + n)])
            i += n
        }
        #expect(read(chunks) == expected)
    }
}
