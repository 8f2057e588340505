/// What a server sent that is not the Redis protocol, or is beyond this client's bounds.
public struct RESPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "Redis protocol error: \(reason)" }
}

/// Reads RESP2 values from bytes as they arrive, each value whole or not at all, within
/// bounds: a line (simple string, error, integer, length) of at most ``Limits/maxLine`` bytes,
/// a bulk string of at most ``Limits/maxBulk``, an array of at most ``Limits/maxElements``
/// elements, nested at most ``Limits/maxDepth`` deep. Anything else is a
/// ``RESPProtocolError``: the connection cannot be trusted after it.
public struct RESPParser: Sendable {
    public struct Limits: Sendable, Hashable {
        public var maxLine = 64 * 1_024
        public var maxBulk = 64 * 1_024 * 1_024
        public var maxElements = 1_048_576
        public var maxDepth = 16
        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The first whole value in `bytes[start...]` and the index after it; nil when the bytes
    /// hold only part of a value so far.
    public func parse(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(RESPProtocolError) -> (RESPValue, Int)? {
        try value(bytes, at: start, depth: 0)
    }

    private func value(_ b: UnsafeRawBufferPointer, at i: Int, depth: Int) throws(RESPProtocolError) -> (RESPValue, Int)? {
        guard i < b.count else { return nil }
        let kind = b[i]
        guard let (line, next) = try self.line(b, from: i + 1) else { return nil }
        switch kind {
        case UInt8(ascii: "+"):
            return (.simpleString(String(decoding: line, as: UTF8.self)), next)
        case UInt8(ascii: "-"):
            return (.error(String(decoding: line, as: UTF8.self)), next)
        case UInt8(ascii: ":"):
            return (.integer(try Self.integer(line)), next)
        case UInt8(ascii: "$"):
            let length = try Self.integer(line)
            if length == -1 { return (.bulkString(nil), next) }
            guard length >= 0, length <= Int64(limits.maxBulk) else {
                throw RESPProtocolError("a bulk string of \(length) bytes (at most \(limits.maxBulk))")
            }
            let end = next + Int(length)
            guard end + 2 <= b.count else { return nil }
            guard b[end] == 13, b[end + 1] == 10 else { throw RESPProtocolError("a bulk string not ended by CRLF") }
            return (.bulkString(Array(b[next..<end])), end + 2)
        case UInt8(ascii: "*"):
            let count = try Self.integer(line)
            if count == -1 { return (.array(nil), next) }
            guard count >= 0, count <= Int64(limits.maxElements) else {
                throw RESPProtocolError("an array of \(count) elements (at most \(limits.maxElements))")
            }
            guard depth < limits.maxDepth else { throw RESPProtocolError("arrays nested over \(limits.maxDepth) deep") }
            var elements: [RESPValue] = []
            elements.reserveCapacity(Int(min(count, 1_024)))
            var at = next
            for _ in 0..<count {
                guard let (element, after) = try value(b, at: at, depth: depth + 1) else { return nil }
                elements.append(element)
                at = after
            }
            return (.array(elements), at)
        default:
            throw RESPProtocolError("unknown type byte \(kind)")
        }
    }

    /// The bytes up to the next CRLF from `start`, and the index after the CRLF.
    private func line(_ b: UnsafeRawBufferPointer, from start: Int) throws(RESPProtocolError) -> (UnsafeRawBufferPointer.SubSequence, Int)? {
        var i = start
        let limit = min(b.count, start + limits.maxLine + 2)
        while i + 1 < limit {
            if b[i] == 13 {
                guard b[i + 1] == 10 else { throw RESPProtocolError("a CR not followed by LF") }
                return (b[start..<i], i + 2)
            }
            i += 1
        }
        if b.count - start > limits.maxLine + 1 { throw RESPProtocolError("a line of over \(limits.maxLine) bytes") }
        return nil
    }

    /// A signed decimal integer, range-checked.
    private static func integer(_ digits: UnsafeRawBufferPointer.SubSequence) throws(RESPProtocolError) -> Int64 {
        let text = String(decoding: digits, as: UTF8.self)
        guard let value = Int64(text) else { throw RESPProtocolError("not an integer: '\(text.prefix(40))'") }
        return value
    }
}
