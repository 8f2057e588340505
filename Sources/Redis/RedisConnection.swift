import NIOCore
import NIOPosix

/// Why a Redis command did not get its answer.
public enum RedisError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The connection could not be made (the reason from the system).
    case cannotConnect(host: String, port: Int, reason: String)
    /// The connection closed (or was closed) before the answer came.
    case connectionClosed
    /// The server answered with an error (`ERR ...`, `NOSCRIPT ...`, `WRONGTYPE ...`).
    case server(String)
    /// The server sent bytes that are not the protocol, or beyond the parser's bounds.
    case protocolError(String)
    /// No answer within the time given.
    case timedOut

    public var description: String {
        switch self {
        case let .cannotConnect(host, port, reason): "cannot connect to Redis at \(host):\(port): \(reason)"
        case .connectionClosed: "the Redis connection closed"
        case .server(let message): "Redis: \(message)"
        case .protocolError(let reason): "Redis protocol error: \(reason)"
        case .timedOut: "no answer from Redis in time"
        }
    }
}

/// One connection to a Redis server over SwiftNIO, speaking RESP2.
///
/// Commands may be sent from any thread; they are written in the order sent and answered in
/// that order, so several may be in flight at once (pipelining: ``pipeline(_:)`` writes a batch
/// with one flush). A server error is an answer, not a failure of the connection
/// (``send(_:)`` returns it as ``RESPValue/error(_:)``; ``command(_:)`` throws it). When the
/// connection closes, every command waiting fails with ``RedisError/connectionClosed``; a
/// protocol error closes the connection. A connection in subscriber mode (``RedisSubscriber``)
/// takes only the subscription commands.
public final class RedisConnection: Sendable {
    let channel: any Channel
    public let host: String
    public let port: Int

    init(channel: any Channel, host: String, port: Int) {
        self.channel = channel
        self.host = host
        self.port = port
    }

    /// Connects to `host:port` (`timeout` for the TCP connection).
    public static func connect(host: String, port: Int, timeout: TimeAmount = .seconds(2),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                               pushes: (@Sendable (RESPValue) -> Void)? = nil) async throws(RedisError) -> RedisConnection {
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RESPClientHandler(pushes: pushes))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            return RedisConnection(channel: channel, host: host, port: port)
        } catch {
            throw .cannotConnect(host: host, port: port, reason: "\(error)")
        }
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.isActive }

    /// Sends one command (`["SET", "key", "value"]`) and waits for its answer, a server error
    /// included.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        try await pipeline([arguments])[0]
    }

    /// Sends one command and returns its answer; a server error throws ``RedisError/server(_:)``.
    @discardableResult
    public func command(_ arguments: String...) async throws(RedisError) -> RESPValue {
        let answer = try await send(arguments)
        if case .error(let message) = answer { throw .server(message) }
        return answer
    }

    /// Sends the commands at once (one write, one flush) and waits for all their answers, in
    /// order.
    public func pipeline(_ commands: [[String]]) async throws(RedisError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let loop = channel.eventLoop
        var futures: [EventLoopFuture<RESPValue>] = []
        futures.reserveCapacity(commands.count)
        for (i, arguments) in commands.enumerated() {
            let promise = loop.makePromise(of: RESPValue.self)
            futures.append(promise.futureResult)
            let request = RESPRequest(bytes: RESPEncoder.command(arguments), promise: promise, answers: 1)
            let written = Self.written(promise, on: loop)
            if i == commands.count - 1 {
                channel.writeAndFlush(request, promise: written)
            } else {
                channel.write(request, promise: written)
            }
        }
        var answers: [RESPValue] = []
        answers.reserveCapacity(futures.count)
        for future in futures {
            do {
                answers.append(try await future.get())
            } catch let error as RedisError {
                throw error
            } catch {
                throw .connectionClosed
            }
        }
        return answers
    }

    /// Sends a command that gets `answers` replies (SUBSCRIBE with several channels gets one a
    /// channel) and waits for all of them.
    func send(_ arguments: [String], answers: Int) async throws(RedisError) -> [RESPValue] {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: RESPValue.self)
        channel.writeAndFlush(RESPRequest(bytes: RESPEncoder.command(arguments), promise: promise, answers: answers),
                              promise: Self.written(promise, on: loop))
        do {
            return try await promise.futureResult.get().elements ?? []
        } catch let error as RedisError {
            throw error
        } catch {
            throw .connectionClosed
        }
    }

    /// A write's promise: a write that fails (the channel closed before the command reached the
    /// handler that waits for its answer) fails the command. A command already answered or
    /// failed is not changed (a promise completes once).
    private static func written(_ answer: EventLoopPromise<RESPValue>, on loop: any EventLoop) -> EventLoopPromise<Void> {
        let written = loop.makePromise(of: Void.self)
        written.futureResult.whenFailure { _ in answer.fail(RedisError.connectionClosed) }
        return written
    }

    /// Closes the connection; commands waiting fail with ``RedisError/connectionClosed``.
    public func close() async {
        try? await channel.close()
    }
}

/// A command on its way: its bytes, and the promise its answer (or its `answers` answers, as
/// an array) completes.
struct RESPRequest {
    var bytes: [UInt8]
    var promise: EventLoopPromise<RESPValue>
    var answers: Int
}

/// Bytes in, whole RESP values out.
struct RESPDecoder: ByteToMessageDecoder {
    typealias InboundOut = RESPValue
    let parser = RESPParser()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let parsed = try buffer.withUnsafeReadableBytes { bytes throws(RESPProtocolError) in try parser.parse(bytes, from: 0) }
        guard let (value, used) = parsed else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: used)
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// Matches answers to the commands in the order they were written; hands pub/sub messages to
/// `pushes`; fails what is waiting when the connection ends.
final class RESPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private var waiting: [(promise: EventLoopPromise<RESPValue>, answers: Int, received: [RESPValue])] = []
    private var head = 0
    private let pushes: (@Sendable (RESPValue) -> Void)?

    init(pushes: (@Sendable (RESPValue) -> Void)?) {
        self.pushes = pushes
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard context.channel.isActive else {
            request.promise.fail(RedisError.connectionClosed)
            promise?.fail(RedisError.connectionClosed)
            return
        }
        waiting.append((request.promise, request.answers, []))
        var buffer = context.channel.allocator.buffer(capacity: request.bytes.count)
        buffer.writeBytes(request.bytes)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        // A message of a subscription: ["message", channel, payload] or ["pmessage", ...].
        if let pushes, let kind = value.elements?.first?.string, kind == "message" || kind == "pmessage" {
            pushes(value)
            return
        }
        guard head < waiting.count else {
            // An answer nobody asked for: the stream cannot be trusted.
            context.fireErrorCaught(RedisError.protocolError("an answer with no command waiting"))
            context.close(promise: nil)
            return
        }
        waiting[head].received.append(value)
        if waiting[head].received.count == waiting[head].answers {
            let done = waiting[head]
            head += 1
            if head == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1_024 && head * 2 >= waiting.count {
                waiting.removeFirst(head)
                head = 0
            }
            done.promise.succeed(done.answers == 1 ? done.received[0] : .array(done.received))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason: RedisError = (error as? RESPProtocolError).map { .protocolError($0.reason) }
            ?? (error as? RedisError) ?? .connectionClosed
        failAll(reason)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    private func failAll(_ error: RedisError) {
        let pending = waiting[head...]
        waiting.removeAll()
        head = 0
        for entry in pending { entry.promise.fail(error) }
    }
}
