// The Redis serialization protocol (RESP2): the values a server sends and the commands a client
// writes. See ``RESPValue`` and ``RESPParser``.

/// One value of the Redis protocol (RESP2).
public enum RESPValue: Hashable, Sendable {
    /// `+OK`.
    case simpleString(String)
    /// `-ERR ...`: the server refused the command; the connection stays usable.
    case error(String)
    /// `:42`.
    case integer(Int64)
    /// `$5 hello`, or `$-1`: nil (a missing key).
    case bulkString([UInt8]?)
    /// `*2 ...`, or `*-1`: nil.
    case array([RESPValue]?)

    /// The value as text: a simple or bulk string (UTF-8), or an integer's digits.
    public var string: String? {
        switch self {
        case .simpleString(let s): s
        case .bulkString(let b?): String(decoding: b, as: UTF8.self)
        case .integer(let i): String(i)
        default: nil
        }
    }

    /// The value as an integer: an integer, or a string of digits.
    public var int: Int64? {
        switch self {
        case .integer(let i): i
        case .simpleString, .bulkString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array (nil for anything else, or a null array).
    public var elements: [RESPValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// Whether this is the null bulk string or array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }
}

/// Writes a command: an array of bulk strings, as every Redis command is sent.
public enum RESPEncoder {
    /// `*N\r\n` then `$len\r\nbytes\r\n` for each argument, appended to `out`.
    public static func command(_ arguments: [String], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        out.append(contentsOf: String(arguments.count).utf8)
        out.append(contentsOf: [13, 10])
        for argument in arguments {
            let bytes = Array(argument.utf8)
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(bytes.count).utf8)
            out.append(contentsOf: [13, 10])
            out.append(contentsOf: bytes)
            out.append(contentsOf: [13, 10])
        }
    }

    /// One command's bytes.
    public static func command(_ arguments: [String]) -> [UInt8] {
        var out: [UInt8] = []
        command(arguments, into: &out)
        return out
    }
}
