/// Where one field of a parsed message sits in the message's bytes: its tag and the offset and
/// length of its value. Eight bytes of offsets, no copy of the value.
public struct FIXField: Hashable, Sendable {
    /// The tag number. Negative or zero only in malformed input, which the validator rejects.
    public var tag: Int32
    /// Offset of the first byte of the value in the message's bytes.
    public var valueOffset: Int32
    /// Length of the value in bytes (0 for an empty value).
    public var valueLength: Int32
    /// Nesting level: 0 outside repeating groups, 1 inside a group, 2 inside a nested group, and
    /// so on. Set when groups are resolved with a dictionary; 0 until then.
    public var depth: UInt8

    @inlinable
    public init(tag: Int32, valueOffset: Int32, valueLength: Int32, depth: UInt8 = 0) {
        self.tag = tag
        self.valueOffset = valueOffset
        self.valueLength = valueLength
        self.depth = depth
    }

    /// The range of the value in the message's bytes.
    @inlinable
    public var valueRange: Range<Int> { Int(valueOffset)..<Int(valueOffset + valueLength) }
}

/// Why bytes could not be read as a sequence of `tag=value<SOH>` fields.
public struct FIXParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// A tag is not a number (or is empty).
        case invalidTag
        /// A field has no `=`.
        case missingEquals
        /// The last field is not terminated by SOH.
        case missingDelimiter
        /// The message is empty.
        case empty
        /// The message is larger than the parser accepts (2 GiB).
        case tooLarge
        /// BeginString (8), BodyLength (9) and MsgType (35) are not the first three fields, or
        /// CheckSum (10) is not the last: the message is garbled.
        case badStructure
    }

    public var code: Code
    /// Byte offset in the message where the problem was found.
    public var offset: Int
    /// Source file of the engine that raised the error.
    public var file: StaticString
    /// Source line of the engine that raised the error.
    public var line: UInt

    public init(_ code: Code, offset: Int, file: StaticString = #fileID, line: UInt = #line) {
        self.code = code
        self.offset = offset
        self.file = file
        self.line = line
    }

    public static func == (lhs: FIXParseError, rhs: FIXParseError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(offset)
    }

    public var description: String {
        switch code {
        case .invalidTag: return "tag is not a number at offset \(offset)"
        case .missingEquals: return "field without '=' at offset \(offset)"
        case .missingDelimiter: return "field not terminated by SOH at offset \(offset)"
        case .empty: return "empty message"
        case .tooLarge: return "message too large"
        case .badStructure: return "8, 9 and 35 must be the first three fields and 10 the last"
        }
    }
}
