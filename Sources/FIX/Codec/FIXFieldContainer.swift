/// Typed read access to the fields of a message or of one repeating-group instance.
///
/// Lookups see the fields at the container's own nesting depth: a message's lookups skip fields
/// inside groups (once groups are resolved), an instance's skip fields of nested groups. Getters
/// return nil when the field is absent or its value does not have the asked-for format; the
/// validator is what reports format errors.
public protocol FIXFieldContainer {
    /// The message the fields belong to.
    var message: FIXMessage { get }
    /// The field indexes this container covers.
    var fieldRange: Range<Int> { get }
    /// The nesting depth of this container's own fields.
    var depth: UInt8 { get }
}

extension FIXFieldContainer {
    /// The index in `message.fields` of the first field with `tag` at this container's depth.
    @inlinable
    public func index(of tag: Int) -> Int? {
        let t = Int32(truncatingIfNeeded: tag)
        let d = depth
        return message.fields.withUnsafeBufferPointer { f in
            for i in fieldRange where f[i].tag == t && f[i].depth == d { return i }
            return nil
        }
    }

    /// The first field with `tag`, if present.
    @inlinable
    public func field(_ tag: Int) -> FIXField? {
        guard let i = index(of: tag) else { return nil }
        return message.fields[i]
    }

    /// Whether the field is present (with any value, empty included).
    @inlinable
    public func has(_ tag: Int) -> Bool { index(of: tag) != nil }

    /// Reads the value bytes of the first field with `tag`.
    @inlinable
    public func withValue<R>(_ tag: Int, _ body: (UnsafeRawBufferPointer) -> R?) -> R? {
        guard let f = field(tag) else { return nil }
        return message.withValue(f, body)
    }

    /// The value as a string.
    @inlinable
    public func string(_ tag: Int) -> String? {
        withValue(tag) { String(decoding: $0, as: UTF8.self) }
    }

    /// The value bytes.
    @inlinable
    public func bytes(_ tag: Int) -> [UInt8]? {
        withValue(tag) { Array($0) }
    }

    /// The value as an integer: an optional `-` and digits.
    @inlinable
    public func int(_ tag: Int) -> Int? {
        withValue(tag) { parseFIXInt($0) }
    }

    /// The value as an exact decimal (prices, quantities, amounts).
    @inlinable
    public func decimal(_ tag: Int) -> FIXDecimal? {
        withValue(tag) { FIXDecimal(ascii: $0) }
    }

    /// The value as a UTCTimestamp (seconds, milliseconds, microseconds or nanoseconds).
    @inlinable
    public func timestamp(_ tag: Int) -> UTCTimestamp? {
        withValue(tag) { UTCTimestamp(ascii: $0) }
    }

    /// The value as a single ASCII character.
    @inlinable
    public func char(_ tag: Int) -> Character? {
        withValue(tag) { v in v.count == 1 && v[0] < 128 ? Character(Unicode.Scalar(v[0])) : nil }
    }

    /// The value as a single byte (a FIX char).
    @inlinable
    public func byte(_ tag: Int) -> UInt8? {
        withValue(tag) { v in v.count == 1 ? v[0] : nil }
    }

    /// The value as a FIX boolean: `Y` or `N`.
    @inlinable
    public func bool(_ tag: Int) -> Bool? {
        withValue(tag) { v -> Bool? in
            guard v.count == 1 else { return nil }
            switch v[0] {
            case UInt8(ascii: "Y"): return true
            case UInt8(ascii: "N"): return false
            default: return nil
            }
        }
    }

    /// Whether the value equals `text` exactly, without making a string.
    @inlinable
    public func value(_ tag: Int, equals text: StaticString) -> Bool {
        withValue(tag) { v -> Bool? in
            guard v.count == text.utf8CodeUnitCount else { return false }
            let p = text.utf8Start
            for i in 0..<v.count where v[i] != p[i] { return false }
            return true
        } ?? false
    }

    /// The instances of the repeating group whose NumInGroup field is `countTag`, at this
    /// container's depth. Empty when the group is absent; needs groups resolved with a dictionary.
    @inlinable
    public func group(_ countTag: Int) -> FIXGroup {
        guard let ci = index(of: countTag) else { return FIXGroup(message: message, span: nil, depth: depth &+ 1) }
        let span = message.groupSpans.first { $0.countIndex == Int32(ci) }
        return FIXGroup(message: message, span: span, depth: depth &+ 1)
    }
}

/// Reads an optional `-` and digits; nil for anything else or a value that does not fit in `Int`.
@inlinable
public func parseFIXInt(_ v: UnsafeRawBufferPointer) -> Int? {
    let n = v.count
    guard n > 0, n <= 20 else { return nil }
    var i = 0
    var negative = false
    if v[0] == UInt8(ascii: "-") {
        negative = true
        i = 1
        guard n > 1 else { return nil }
    }
    // Accumulate negatively so that Int.min is representable.
    var r = 0
    while i < n {
        let c = v[i] &- 48
        guard c < 10 else { return nil }
        let (m, o1) = r.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.subtractingReportingOverflow(Int(c))
        guard !o1 && !o2 else { return nil }
        r = s
        i += 1
    }
    if negative { return r }
    return r == Int.min ? nil : -r
}

/// The instances of one repeating group in a message.
public struct FIXGroup: RandomAccessCollection, Sendable {
    @usableFromInline let message: FIXMessage
    @usableFromInline let span: FIXGroupSpan?
    @usableFromInline let instanceDepth: UInt8

    @usableFromInline
    init(message: FIXMessage, span: FIXGroupSpan?, depth: UInt8) {
        self.message = message
        self.span = span
        self.instanceDepth = depth
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(span?.instanceCount ?? 0) }

    public subscript(position: Int) -> FIXGroupInstance {
        let span = span!
        let first = Int(message.instanceStarts[Int(span.firstInstance) + position])
        let end = position + 1 < Int(span.instanceCount)
            ? Int(message.instanceStarts[Int(span.firstInstance) + position + 1])
            : Int(span.end)
        return FIXGroupInstance(message: message, fieldRange: first..<end, depth: instanceDepth)
    }

    /// The count the message declared in the NumInGroup field (which validation checks against
    /// the instances found).
    public var declaredCount: Int? {
        guard let span else { return nil }
        return message.withValue(message.fields[Int(span.countIndex)]) { parseFIXInt($0) }
    }
}

/// One instance of a repeating group.
public struct FIXGroupInstance: FIXFieldContainer, Sendable {
    public let message: FIXMessage
    public let fieldRange: Range<Int>
    public let depth: UInt8
}
