/// Reads the fields of one level of a message (the message itself, or one repeating-group
/// instance) for the typed messages: a range of field indexes at one nesting depth, less up to three
/// ranges (the repeating groups of that level, once found), with getters that throw
/// ``FIXMessageDecodeError`` naming the tag.
///
/// Values are read in place from the message bytes. An empty value counts as malformed.
struct BodyReader {
    let message: FIXMessage
    let range: Range<Int>
    let depth: UInt8
    /// Field ranges this reader skips: the groups of its level, so that a group member with the
    /// same tag as a field of the level is not taken for it.
    var excluded: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)

    init(message: FIXMessage, range: Range<Int>, depth: UInt8) {
        self.message = message
        self.range = range
        self.depth = depth
    }

    /// A reader for the fields of `container`. When the container has a MsgType (35), it must be
    /// `msgType`.
    init(_ container: some FIXFieldContainer, msgType: String) throws(FIXMessageDecodeError) {
        self.init(message: container.message, range: container.fieldRange, depth: container.depth)
        if let i = index(of: Tag.msgType) {
            let same = message.withValue(message.fields[i]) { $0.elementsEqual(msgType.utf8) }
            guard same else { throw .malformed(Tag.msgType) }
        }
    }

    /// Skips the field range of a group found in this level.
    mutating func exclude(_ r: Range<Int>?) {
        guard let r else { return }
        if excluded.0.isEmpty {
            excluded.0 = r
        } else if excluded.1.isEmpty {
            excluded.1 = r
        } else {
            precondition(excluded.2.isEmpty, "a level has at most three repeating groups")
            excluded.2 = r
        }
    }

    /// The index of the first field with `tag` in this level.
    func index(of tag: Int) -> Int? {
        let t = Int32(truncatingIfNeeded: tag)
        let d = depth
        let (x0, x1, x2) = excluded
        return message.fields.withUnsafeBufferPointer { f -> Int? in
            for i in range where f[i].tag == t && f[i].depth == d && !x0.contains(i) && !x1.contains(i) && !x2.contains(i) {
                return i
            }
            return nil
        }
    }

    // MARK: - Generic getters

    /// The value of field `tag` read with `parse`; nil when absent, malformed when empty or when
    /// `parse` returns nil.
    @inline(__always)
    func optional<T>(_ tag: Int, _ parse: (UnsafeRawBufferPointer) -> T?) throws(FIXMessageDecodeError) -> T? {
        guard let i = index(of: tag) else { return nil }
        let field = message.fields[i]
        guard field.valueLength > 0, let v = message.withValue(field, parse) else { throw .malformed(tag) }
        return v
    }

    /// The value of the required field `tag` read with `parse`.
    @inline(__always)
    func required<T>(_ tag: Int, _ parse: (UnsafeRawBufferPointer) -> T?) throws(FIXMessageDecodeError) -> T {
        guard let v = try optional(tag, parse) else { throw .missing(tag) }
        return v
    }

    // MARK: - Typed getters

    func string(_ tag: Int) throws(FIXMessageDecodeError) -> String { try required(tag, Self.parseString) }
    func stringIfPresent(_ tag: Int) throws(FIXMessageDecodeError) -> String? { try optional(tag, Self.parseString) }
    func int(_ tag: Int) throws(FIXMessageDecodeError) -> Int { try required(tag, parseFIXInt) }
    func intIfPresent(_ tag: Int) throws(FIXMessageDecodeError) -> Int? { try optional(tag, parseFIXInt) }
    func decimal(_ tag: Int) throws(FIXMessageDecodeError) -> FIXDecimal { try required(tag) { FIXDecimal(ascii: $0) } }
    func decimalIfPresent(_ tag: Int) throws(FIXMessageDecodeError) -> FIXDecimal? { try optional(tag) { FIXDecimal(ascii: $0) } }
    func timestamp(_ tag: Int) throws(FIXMessageDecodeError) -> UTCTimestamp { try required(tag) { UTCTimestamp(ascii: $0) } }
    func timestampIfPresent(_ tag: Int) throws(FIXMessageDecodeError) -> UTCTimestamp? { try optional(tag) { UTCTimestamp(ascii: $0) } }
    func bool(_ tag: Int) throws(FIXMessageDecodeError) -> Bool { try required(tag, Self.parseBool) }
    func boolIfPresent(_ tag: Int) throws(FIXMessageDecodeError) -> Bool? { try optional(tag, Self.parseBool) }

    func code<T: FIXCharCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T { try required(tag, Self.parseChar) }
    func codeIfPresent<T: FIXCharCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T? { try optional(tag, Self.parseChar) }
    func code<T: FIXIntCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T { try required(tag, Self.parseIntCode) }
    func codeIfPresent<T: FIXIntCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T? { try optional(tag, Self.parseIntCode) }
    func code<T: FIXStringCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T { try required(tag, Self.parseStringCode) }
    func codeIfPresent<T: FIXStringCode>(_ tag: Int) throws(FIXMessageDecodeError) -> T? { try optional(tag, Self.parseStringCode) }

    // MARK: - Parsers

    static func parseString(_ v: UnsafeRawBufferPointer) -> String? { String(decoding: v, as: UTF8.self) }

    static func parseBool(_ v: UnsafeRawBufferPointer) -> Bool? {
        guard v.count == 1 else { return nil }
        switch v[0] {
        case UInt8(ascii: "Y"): return true
        case UInt8(ascii: "N"): return false
        default: return nil
        }
    }

    static func parseChar<T: FIXCharCode>(_ v: UnsafeRawBufferPointer) -> T? {
        guard v.count == 1, v[0] > 32, v[0] < 127 else { return nil }
        return T(rawValue: Character(Unicode.Scalar(v[0])))
    }

    static func parseStringCode<T: FIXStringCode>(_ v: UnsafeRawBufferPointer) -> T? {
        T(rawValue: String(decoding: v, as: UTF8.self))
    }

    static func parseIntCode<T: FIXIntCode>(_ v: UnsafeRawBufferPointer) -> T? {
        guard let n = parseFIXInt(v) else { return nil }
        return T(rawValue: n)
    }
}
