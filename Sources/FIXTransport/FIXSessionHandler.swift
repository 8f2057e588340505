import FIX
import NIOCore
import Synchronization

/// Connects a channel to a ``FIXSession``: frames in, connection events. Thin: the session's state
/// machine decides everything.
final class FIXSessionHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = FIXFrame

    private let session: FIXSession
    private var attached = false

    /// Frames handed to the session's event loop and not yet processed there (when the
    /// connection and the session are on different event loops).
    private let inFlight = Atomic<Int>(0)
    /// Whether reading is paused because the session is behind.
    private var paused = false

    /// Above this many frames in flight to the session's event loop, the connection stops
    /// reading; it reads again once the session is down to ``resumeMark``. A peer that floods
    /// then fills its own socket buffers, not our memory.
    static let pauseMark = 1024
    static let resumeMark = 256

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
    private func onSessionLoop(_ body: @escaping @Sendable () -> Void) {
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
        let frame = unwrapInboundIn(data)
        if session.eventLoop.inEventLoop {
            // Same event loop: processed before the next read, nothing piles up.
            switch frame {
            case .message(let buffer): session.received(buffer, from: channel)
            case .garbled(let g): session.garbled(g, from: channel)
            }
            return
        }
        let count = inFlight.add(1, ordering: .relaxed).newValue
        if count >= Self.pauseMark && !paused {
            paused = true
            _ = try? channel.syncOptions?.setOption(.autoRead, value: false)
            session.eventLoop.execute { session.inboundPaused(on: channel) }
        }
        session.eventLoop.execute {
            switch frame {
            case .message(let buffer): session.received(buffer, from: channel)
            case .garbled(let g): session.garbled(g, from: channel)
            }
            if self.inFlight.subtract(1, ordering: .relaxed).newValue == Self.resumeMark {
                channel.eventLoop.execute { self.resume(channel) }
            }
        }
    }

    /// Reads again after a pause (on the channel's event loop).
    private func resume(_ channel: Channel) {
        guard paused else { return }
        paused = false
        _ = try? channel.syncOptions?.setOption(.autoRead, value: true)
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
