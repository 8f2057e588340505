import Foundation
import NIOCore
import NIOPosix
@testable import Redis
import FIXTestSupport
import Testing

/// The client against a real redis-server (Debian's `redis-server`; skipped when it is not
/// installed: `apt-get install redis-server`).
@Suite(.enabled(if: TestRedisServer.available, "redis-server is not installed (apt-get install redis-server)"), .serialized)
struct RedisServerTests {
    @Test func commandsAndAnswers() async throws {
        let server = try TestRedisServer()
        let redis = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        #expect(try await redis.command("PING") == .simpleString("PONG"))
        #expect(try await redis.command("SET", "k", "v1") == .simpleString("OK"))
        #expect(try await redis.command("GET", "k").string == "v1")
        #expect(try await redis.command("GET", "missing").isNull)
        #expect(try await redis.command("INCRBY", "n", "41") == .integer(41))
        #expect(try await redis.command("HSET", "h", "a", "1", "b", "2") == .integer(2))
        let all = try await redis.command("HGETALL", "h").elements?.compactMap(\.string) ?? []
        var fields: [String: String] = [:]
        for i in stride(from: 0, to: all.count - 1, by: 2) { fields[all[i]] = all[i + 1] }
        #expect(fields == ["a": "1", "b": "2"])
        // A value of a megabyte, binary-safe.
        let big = String(repeating: "x\r\n", count: 350_000)
        try await redis.command("SET", "big", big)
        #expect(try await redis.command("GET", "big").string == big)
        await redis.close()
    }

    /// A server error is an answer: the connection goes on.
    @Test func serverErrorsAreAnswers() async throws {
        let server = try TestRedisServer()
        let redis = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        try await redis.command("SET", "s", "text")
        let answer = try await redis.send(["INCR", "s"])
        guard case .error(let message) = answer else { Issue.record("expected an error, got \(answer)"); return }
        #expect(message.hasPrefix("ERR"))
        await #expect(throws: RedisError.server("ERR unknown command 'NOSUCH', with args beginning with: ")) {
            try await redis.command("NOSUCH")
        }
        #expect(try await redis.command("PING") == .simpleString("PONG"))
        await redis.close()
    }

    /// A thousand commands in one write come back in order.
    @Test func pipelining() async throws {
        let server = try TestRedisServer()
        let redis = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        let answers = try await redis.pipeline((0..<1_000).map { _ in ["INCR", "counter"] })
        #expect(answers == (1...1_000).map { RESPValue.integer(Int64($0)) })
        // And from many tasks at once, each answer to its own command.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    try await redis.command("SET", "key\(i)", "value\(i)")
                    let got = try await redis.command("GET", "key\(i)")
                    #expect(got.string == "value\(i)")
                }
            }
            try await group.waitForAll()
        }
        await redis.close()
    }

    @Test func publishAndSubscribe() async throws {
        let server = try TestRedisServer()
        let subscriber = try await RedisSubscriber.connect(host: "127.0.0.1", port: server.port)
        try await subscriber.subscribe(["margin.BTCUSDT", "margin.ETHUSDT"])
        try await subscriber.subscribe(patterns: ["limits.*"])
        let publisher = try await RedisConnection.connect(host: "127.0.0.1", port: server.port)
        #expect(try await publisher.command("PUBLISH", "margin.BTCUSDT", "1:0.05") == .integer(1))
        #expect(try await publisher.command("PUBLISH", "margin.ETHUSDT", "1:0.07") == .integer(1))
        #expect(try await publisher.command("PUBLISH", "limits.firm", "x") == .integer(1))
        #expect(try await publisher.command("PUBLISH", "nobody", "y") == .integer(0))
        var received: [RedisMessage] = []
        for await message in subscriber.messages {
            received.append(message)
            if received.count == 3 { break }
        }
        #expect(received.map(\.channel) == ["margin.BTCUSDT", "margin.ETHUSDT", "limits.firm"])
        #expect(received.map(\.text) == ["1:0.05", "1:0.07", "x"])
        await subscriber.close()
        await publisher.close()
    }

    /// The server is killed and started again: commands waiting fail, commands while it is down
    /// fail fast, and the client reconnects by itself once it is back.
    @Test func reconnectsAfterTheServerRestarts() async throws {
        let server = try TestRedisServer()
        let client = RedisClient(host: "127.0.0.1", port: server.port, retryDelay: .milliseconds(50))
        try await client.command("SET", "a", "1")
        #expect(client.connects == 1)
        server.kill()
        await #expect(throws: RedisError.self) { try await client.command("GET", "a") }
        let started = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await client.command("GET", "a") }
        #expect(ContinuousClock.now - started < .seconds(2))
        try server.start()
        try await Task.sleep(for: .milliseconds(60))
        // A fresh server (no persistence): the key is gone, the connection is new.
        #expect(try await client.command("GET", "a").isNull)
        #expect(client.connects == 2)
        await client.close()
    }

    /// A script runs by its SHA-1, and is loaded again when the server lost it.
    @Test func scriptsRunAndReloadAfterAFlush() async throws {
        let server = try TestRedisServer()
        let client = RedisClient(host: "127.0.0.1", port: server.port)
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        #expect(try await client.eval(script, keys: ["x"], arguments: ["5"]) == .integer(5))
        try await client.command("SCRIPT", "FLUSH")
        #expect(try await client.eval(script, keys: ["x"], arguments: ["2"]) == .integer(7))
        #expect(try await client.command("SCRIPT", "EXISTS", script.sha1) == .array([.integer(1)]))
        await client.close()
    }

    @Test func aConnectionRefusedIsNamed() async throws {
        let port = TestRedisServer.freePort()
        await #expect {
            _ = try await RedisConnection.connect(host: "127.0.0.1", port: port, timeout: .seconds(1))
        } throws: { error in
            guard case let .cannotConnect(host, p, _) = error as? RedisError else { return false }
            return host == "127.0.0.1" && p == port && "\(error)".hasPrefix("cannot connect to Redis at 127.0.0.1:\(port): ")
        }
    }
}

/// A peer that is not a Redis server: what it sends is a protocol error, and the connection
/// closes.
struct RedisHostilePeerTests {
    @Test func garbageIsAProtocolError() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(GarbageAnswerer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!
        let redis = try await RedisConnection.connect(host: "127.0.0.1", port: port)
        await #expect(throws: RedisError.protocolError("unknown type byte 63")) { try await redis.command("PING") }
        // The connection is closed after it.
        try await Task.sleep(for: .milliseconds(50))
        #expect(!redis.isActive)
        await #expect(throws: RedisError.connectionClosed) { try await redis.command("PING") }
        try await server.close()
    }
}

/// Answers anything with bytes that are not RESP.
final class GarbageAnswerer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: "?what\r\n")), promise: nil)
    }
}
