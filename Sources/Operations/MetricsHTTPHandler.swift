import NIOCore
import NIOHTTP1

/// Answers HTTP requests for the metrics: `GET /metrics` (or `HEAD`) with the exposition in
/// the Prometheus text format, 404 for any other path, 405 for another method on `/metrics`.
/// NIO's pipelining assistance hands it one request at a time.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The path served.
    static let path = "/metrics"
    /// The content type of the Prometheus text format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let exposition: @Sendable () async -> String
    private var request: HTTPRequestHead?

    init(exposition: @escaping @Sendable () async -> String) {
        self.exposition = exposition
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? head.uri
        guard path == Self.path else {
            write(.notFound, body: "Not found: the metrics are at \(Self.path)\n", to: head, context: context)
            return
        }
        guard head.method == .GET || head.method == .HEAD else {
            write(.methodNotAllowed, body: "Method not allowed: use GET\n", extraHeaders: [("Allow", "GET, HEAD")], to: head,
                  context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let exposition = self.exposition
        context.eventLoop.makeFutureWithTask { await exposition() }.whenSuccess { text in
            let (handler, context) = bound.value
            handler.write(.ok, body: text, contentType: Self.contentType, to: head, context: context)
        }
    }

    private func write(_ status: HTTPResponseStatus, body: String, contentType: String = "text/plain; charset=utf-8",
                       extraHeaders: [(String, String)] = [], to request: HTTPRequestHead, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", "\(buffer.readableBytes)")])
        headers.add(contentsOf: extraHeaders)
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
