import NIOCore
import NIOPosix

/// A message published on a channel.
public struct RedisMessage: Hashable, Sendable {
    public var channel: String
    public var payload: [UInt8]

    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// A connection in subscriber mode: ``messages`` yields what is published on the channels it
/// subscribed to, and ends when the connection closes. Redis pub/sub is at most once: a
/// message published while the subscriber is not connected is lost, so a reader that must not
/// miss a value reads the value kept beside the channel (see ``RedisClient``) after
/// subscribing.
public final class RedisSubscriber: Sendable {
    public let connection: RedisConnection
    /// The messages, in the order the server sent them.
    public let messages: AsyncStream<RedisMessage>

    private init(connection: RedisConnection, messages: AsyncStream<RedisMessage>) {
        self.connection = connection
        self.messages = messages
    }

    /// Connects to `host:port` for subscriptions.
    public static func connect(host: String, port: Int, timeout: TimeAmount = .seconds(2),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws(RedisError) -> RedisSubscriber {
        // Bounded: a reader that stops reading keeps the newest 65,536 messages.
        let (stream, continuation) = AsyncStream<RedisMessage>.makeStream(bufferingPolicy: .bufferingNewest(65_536))
        let connection = try await RedisConnection.connect(host: host, port: port, timeout: timeout, group: group) { push in
            guard let parts = push.elements else { return }
            // ["message", channel, payload] or ["pmessage", pattern, channel, payload].
            let offset = parts.first?.string == "pmessage" ? 1 : 0
            guard parts.count == 3 + offset, let channel = parts[1 + offset].string,
                  case .bulkString(let payload?) = parts[2 + offset] else { return }
            continuation.yield(RedisMessage(channel: channel, payload: payload))
        }
        connection.channel.closeFuture.whenComplete { _ in continuation.finish() }
        return RedisSubscriber(connection: connection, messages: stream)
    }

    /// Subscribes to `channels`; returns once the server has confirmed each.
    public func subscribe(_ channels: [String]) async throws(RedisError) {
        guard !channels.isEmpty else { return }
        let answers = try await connection.send(["SUBSCRIBE"] + channels, answers: channels.count)
        for answer in answers {
            if case .error(let message) = answer { throw .server(message) }
        }
    }

    /// Subscribes to the channels matching `patterns` (`margin.*`).
    public func subscribe(patterns: [String]) async throws(RedisError) {
        guard !patterns.isEmpty else { return }
        let answers = try await connection.send(["PSUBSCRIBE"] + patterns, answers: patterns.count)
        for answer in answers {
            if case .error(let message) = answer { throw .server(message) }
        }
    }

    public func close() async { await connection.close() }
}
