import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Redis client that reconnects: each command goes over the current connection, and when
/// there is none (never made, or closed: the server restarted, the network dropped) a new one
/// is made first. A command whose connection closes before its answer fails with
/// ``RedisError/connectionClosed`` and is not sent again (it may or may not have run); the next
/// command reconnects. Attempts to reconnect are at most one every ``retryDelay``: in between,
/// commands fail at once with the last reason, so a caller on a timer never blocks on a server
/// that is down.
public final class RedisClient: Sendable {
    public let host: String
    public let port: Int
    public let timeout: TimeAmount
    public let retryDelay: TimeAmount
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var connection: RedisConnection?
        var lastFailure: (at: NIODeadline, error: RedisError)?
        var connects = 0
    }

    /// A client of `host:port`; nothing is connected until the first command.
    public init(host: String, port: Int, timeout: TimeAmount = .seconds(2), retryDelay: TimeAmount = .milliseconds(200),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.retryDelay = retryDelay
        self.group = group
    }

    /// Connections made so far (the first and every reconnection).
    public var connects: Int { state.withLockedValue { $0.connects } }

    /// The current connection, made when there is none.
    public func connection() async throws(RedisError) -> RedisConnection {
        let (current, recent) = state.withLockedValue { s in (s.connection, s.lastFailure) }
        if let current, current.isActive { return current }
        if let recent, NIODeadline.now() < recent.at + retryDelay { throw recent.error }
        do {
            let fresh = try await RedisConnection.connect(host: host, port: port, timeout: timeout, group: group)
            let (chosen, extra) = state.withLockedValue { s -> (RedisConnection, RedisConnection?) in
                // Another caller may have connected meanwhile: keep one.
                if let other = s.connection, other.isActive { return (other, fresh) }
                s.connection = fresh
                s.lastFailure = nil
                s.connects += 1
                return (fresh, nil)
            }
            if let extra { await extra.close() }
            return chosen
        } catch {
            state.withLockedValue { $0.lastFailure = (NIODeadline.now(), error) }
            throw error
        }
    }

    /// One command; its answer, a server error included.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        try await connection().send(arguments)
    }

    /// One command; a server error throws ``RedisError/server(_:)``.
    @discardableResult
    public func command(_ arguments: String...) async throws(RedisError) -> RESPValue {
        let answer = try await connection().send(arguments)
        if case .error(let message) = answer { throw .server(message) }
        return answer
    }

    /// Several commands in one write.
    public func pipeline(_ commands: [[String]]) async throws(RedisError) -> [RESPValue] {
        try await connection().pipeline(commands)
    }

    /// Runs a Lua script (EVALSHA, loading it with SCRIPT LOAD when the server does not have it,
    /// as after a restart); a server error throws.
    public func eval(_ script: RedisScript, keys: [String], arguments: [String]) async throws(RedisError) -> RESPValue {
        let head = [String(keys.count)] + keys + arguments
        var answer = try await send(["EVALSHA", script.sha1] + head)
        if case .error(let message) = answer, message.hasPrefix("NOSCRIPT") {
            let loaded = try await command("SCRIPT", "LOAD", script.source)
            guard loaded.string == script.sha1 else { throw .protocolError("SCRIPT LOAD gave \(loaded), not \(script.sha1)") }
            answer = try await send(["EVALSHA", script.sha1] + head)
        }
        if case .error(let message) = answer { throw .server(message) }
        return answer
    }

    /// Closes the current connection; the next command makes a new one.
    public func close() async {
        let connection = state.withLockedValue { s -> RedisConnection? in
            defer { s.connection = nil }
            return s.connection
        }
        await connection?.close()
    }
}

/// A Lua script run by ``RedisClient/eval(_:keys:arguments:)``, known to the server by the
/// SHA-1 of its source.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        sha1 = SHA1.hex(Array(source.utf8))
    }
}

/// SHA-1 (FIPS 180-4), for the names Redis gives scripts: not for security.
enum SHA1 {
    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var bytes = message
        let bitLength = UInt64(message.count) &* 8
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        for i in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(bytes[j]) << 24 | UInt32(bytes[j + 1]) << 16 | UInt32(bytes[j + 2]) << 8 | UInt32(bytes[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, t)
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
        }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for word in h {
            for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int(word >> UInt32(shift) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
