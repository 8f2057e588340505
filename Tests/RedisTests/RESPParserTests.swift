@testable import Redis
import Testing

/// The protocol's values read whole or not at all, within bounds; commands written; SHA-1.
struct RESPParserTests {
    static func parse(_ text: String, limits: RESPParser.Limits = RESPParser.Limits()) throws -> (RESPValue, Int)? {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { b in try RESPParser(limits: limits).parse(b, from: 0) }
    }

    static func error(_ text: String, limits: RESPParser.Limits = RESPParser.Limits()) -> RESPProtocolError? {
        do {
            _ = try parse(text, limits: limits)
            return nil
        } catch let e as RESPProtocolError {
            return e
        } catch {
            return nil
        }
    }

    @Test func everyType() throws {
        #expect(try Self.parse("+OK\r\n")?.0 == .simpleString("OK"))
        #expect(try Self.parse("-ERR wrong\r\n")?.0 == .error("ERR wrong"))
        #expect(try Self.parse(":-42\r\n")?.0 == .integer(-42))
        #expect(try Self.parse("$5\r\nhello\r\n")?.0 == .bulkString(Array("hello".utf8)))
        #expect(try Self.parse("$0\r\n\r\n")?.0 == .bulkString([]))
        #expect(try Self.parse("$-1\r\n")?.0 == .bulkString(nil))
        #expect(try Self.parse("*-1\r\n")?.0 == .array(nil))
        let nested = try Self.parse("*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n$-1\r\n")
        #expect(nested?.0 == .array([.integer(1), .array([.simpleString("a"), .bulkString([98])]), .bulkString(nil)]))
        #expect(nested?.1 == 28)
        // A bulk string may hold CRLF.
        #expect(try Self.parse("$4\r\na\r\nb\r\n")?.0 == .bulkString(Array("a\r\nb".utf8)))
    }

    /// Every proper prefix of a value is "not yet"; the whole is the value.
    @Test func aValueCutAnywhereIsNotYetAValue() throws {
        let text = "*2\r\n$3\r\nfoo\r\n*1\r\n:7\r\n"
        for cut in 0..<text.utf8.count {
            let prefix = String(decoding: Array(text.utf8)[..<cut], as: UTF8.self)
            #expect(try Self.parse(prefix) == nil, "\(cut)")
        }
        #expect(try Self.parse(text)?.1 == text.utf8.count)
    }

    @Test func badBytesAreProtocolErrors() {
        #expect(Self.error("?x\r\n")?.reason == "unknown type byte 63")
        #expect(Self.error(":12a\r\n")?.reason == "not an integer: '12a'")
        #expect(Self.error("+OK\rX")?.reason == "a CR not followed by LF")
        #expect(Self.error("$3\r\nabcXY")?.reason == "a bulk string not ended by CRLF")
        #expect(Self.error("$-5\r\n") != nil)
        #expect(Self.error(":99999999999999999999\r\n") != nil)
    }

    @Test func boundsAreKept() {
        var limits = RESPParser.Limits()
        limits.maxBulk = 10
        limits.maxElements = 3
        limits.maxDepth = 2
        limits.maxLine = 8
        #expect(Self.error("$11\r\n", limits: limits)?.reason == "a bulk string of 11 bytes (at most 10)")
        #expect(Self.error("*4\r\n", limits: limits)?.reason == "an array of 4 elements (at most 3)")
        #expect(Self.error("*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits)?.reason == "arrays nested over 2 deep")
        // A line with no end in sight, longer than allowed: refused before it ends.
        #expect(Self.error("+123456789012", limits: limits)?.reason == "a line of over 8 bytes")
        #expect(Self.error("+1234567\r\n", limits: limits) == nil)
    }

    @Test func commandsAreArraysOfBulkStrings() {
        #expect(String(decoding: RESPEncoder.command(["SET", "k", "héllo"]), as: UTF8.self)
                == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n")
        #expect(String(decoding: RESPEncoder.command([]), as: UTF8.self) == "*0\r\n")
    }

    @Test func valuesReadAsTextAndNumbers() {
        #expect(RESPValue.bulkString(Array("12".utf8)).int == 12)
        #expect(RESPValue.integer(5).string == "5")
        #expect(RESPValue.bulkString(nil).isNull && RESPValue.array(nil).isNull && !RESPValue.array([]).isNull)
        #expect(RESPValue.error("x").string == nil)
    }

    /// The standard's test vectors.
    @Test func sha1() {
        #expect(SHA1.hex([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }
}

struct RedisEndpointTests {
    @Test func readsRedisURLs() {
        #expect(RedisEndpoint("redis://127.0.0.1:6380") == RedisEndpoint(host: "127.0.0.1", port: 6380))
        #expect(RedisEndpoint("redis://cache.desk") == RedisEndpoint(host: "cache.desk", port: 6379))
        #expect(RedisEndpoint("redis://[::1]:7000/") == RedisEndpoint(host: "::1", port: 7000))
        for bad in ["http://x:1", "redis://", "redis://x:0", "redis://x:70000", "redis://x:port", "redis://x/0", "redis://u@x", "x:1"] {
            #expect(RedisEndpoint(bad) == nil, "\(bad)")
        }
        #expect(RedisEndpoint(host: "::1", port: 7000).description == "redis://[::1]:7000")
    }
}
