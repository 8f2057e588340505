/// A small JSON reader for one line of a capture, purpose-built for speed: it walks the bytes in
/// place, checks that they are well-formed JSON, and hands back the raw bytes of the values the
/// caller asks for (no `String`, no dictionaries, no Foundation). Strings are returned with their
/// escapes as written: the keys and values the sources need never contain any.
///
/// Why not Foundation: the BTCUSDT capture's 93,954 lines took 80 ms through the whole capture
/// source (reading the file, this scanner, the events made), against 765 ms for
/// `JSONSerialization` alone to parse the same lines into objects, 9.6 times as long
/// (BacktestBench, "Capture reading", side by side in one run, 2026-12-07).
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let end: Int
    /// The next byte to read.
    var position: Int
    /// How many bytes of the line come before `base`, for the column in messages.
    let offset: Int

    /// Deeper nesting is refused rather than risking the stack.
    static let maxDepth = 64

    init(_ field: ByteField, offset: Int = 0) {
        base = field.base
        end = field.count
        position = 0
        self.offset = offset
    }

    // MARK: - Bytes

    @inline(__always)
    mutating func skipSpace() {
        while position < end {
            let c = base[position]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            position += 1
        }
    }

    /// The next non-space byte, not consumed; nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipSpace()
        return position < end ? base[position] : nil
    }

    @inline(__always)
    mutating func expect(_ c: UInt8) throws(BadRecord) {
        skipSpace()
        guard position < end, base[position] == c else {
            throw malformed("expected '\(Character(Unicode.Scalar(c)))'")
        }
        position += 1
    }

    /// Whether the next non-space byte is `c`; consumes it when it is.
    @inline(__always)
    mutating func consume(_ c: UInt8) -> Bool {
        skipSpace()
        if position < end && base[position] == c {
            position += 1
            return true
        }
        return false
    }

    /// Only spaces are left.
    mutating func expectEnd() throws(BadRecord) {
        skipSpace()
        guard position == end else { throw malformed("unexpected text after the JSON value") }
    }

    func malformed(_ what: String) -> BadRecord {
        BadRecord("malformed JSON at column \(offset + position + 1): \(what)")
    }

    // MARK: - Values

    /// A string's bytes between its quotes.
    mutating func string() throws(BadRecord) -> ByteField {
        try expect(UInt8(ascii: "\""))
        let s = position
        while position < end {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return ByteField(base: base + s, count: position - 1 - s)
            }
            if c == UInt8(ascii: "\\") {
                position += 1
                guard position < end else { break }
                switch base[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    guard position + 4 < end else { throw malformed("bad \\u escape") }
                    for k in 1...4 where !base[position + k].isHexDigit { throw malformed("bad \\u escape") }
                    position += 5
                default:
                    throw malformed("bad escape in a string")
                }
                continue
            }
            guard c >= 0x20 else { throw malformed("control character in a string") }
            position += 1
        }
        throw malformed("unterminated string")
    }

    /// Skips one value of any kind, checking it, and returns its bytes (a string with its quotes).
    mutating func value(depth: Int = 0) throws(BadRecord) -> ByteField {
        guard let c = peek() else { throw malformed("expected a value") }
        let s = position
        switch c {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw malformed("nested too deeply") }
            position += 1
            if !consume(UInt8(ascii: "}")) {
                repeat {
                    _ = try string()
                    try expect(UInt8(ascii: ":"))
                    _ = try value(depth: depth + 1)
                } while consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "}"))
            }
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw malformed("nested too deeply") }
            position += 1
            if !consume(UInt8(ascii: "]")) {
                repeat {
                    _ = try value(depth: depth + 1)
                } while consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"):
            try literal("true")
        case UInt8(ascii: "f"):
            try literal("false")
        case UInt8(ascii: "n"):
            try literal("null")
        default:
            try number()
        }
        return ByteField(base: base + s, count: position - s)
    }

    /// `-? digits (. digits)? ([eE] [+-]? digits)?`
    private mutating func number() throws(BadRecord) {
        if position < end && base[position] == UInt8(ascii: "-") { position += 1 }
        guard digits() > 0 else { throw malformed("expected a value") }
        if position < end && base[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw malformed("expected digits after '.'") }
        }
        if position < end && (base[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            if position < end && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) { position += 1 }
            guard digits() > 0 else { throw malformed("expected an exponent") }
        }
    }

    @inline(__always)
    private mutating func digits() -> Int {
        let s = position
        while position < end && base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        return position - s
    }

    private mutating func literal(_ word: StaticString) throws(BadRecord) {
        let n = word.utf8CodeUnitCount
        guard position + n <= end, ByteField(base: base + position, count: n).equals(word) else {
            throw malformed("expected a value")
        }
        position += n
    }
}

extension UInt8 {
    @inline(__always)
    fileprivate var isHexDigit: Bool {
        (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }
}
