import FIX
import NIOCore

/// Connects a channel to a ``FIXSession``: frames in, connection events. Thin: the session's state
/// machine decides everything.
final class FIXSessionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = FIXFrame

    private let session: FIXSession
    private var attached = false

    init(session: FIXSession) {
        self.session = session
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { attach(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        attach(context)
        context.fireChannelActive()
    }

    /// Runs `body` on the session's event loop, at once when already there, so events keep their order.
    private func onSessionLoop(_ body: @escaping () -> Void) {
        if session.eventLoop.inEventLoop { body() } else { session.eventLoop.execute(body) }
    }

    private func attach(_ context: ChannelHandlerContext) {
        guard !attached else { return }
        let channel = context.channel
        let session = self.session
        onSessionLoop {
            if !session.attach(channel) { channel.close(promise: nil) }
        }
        attached = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        let session = self.session
        switch unwrapInboundIn(data) {
        case .message(let buffer):
            onSessionLoop { session.received(buffer, from: channel) }
        case .garbled(let g):
            onSessionLoop { session.garbled(g, from: channel) }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let channel = context.channel
        let writable = channel.isWritable
        let session = self.session
        onSessionLoop { session.writabilityChanged(writable, on: channel) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let channel = context.channel
        let session = self.session
        onSessionLoop { session.detached(channel) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
