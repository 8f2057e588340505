import NIOCore
import NIOSSL
import NIOTLS

/// Tells how the TLS handshake of a connection ends: its completion, or the first error before
/// it completes (with the certificate the peer presented, if any). Sits right after the TLS
/// handler; everything passes through.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let onEnd: (Result<Void, any Error>, NIOSSLCertificate?) -> Void
    private var ended = false

    init(_ onEnd: @escaping (Result<Void, any Error>, NIOSSLCertificate?) -> Void) {
        self.onEnd = onEnd
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !ended, let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            ended = true
            onEnd(.success(()), nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !ended {
            ended = true
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
            onEnd(.failure(error), certificate)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !ended {
            ended = true
            onEnd(.failure(ChannelError.eof), nil)
        }
        context.fireChannelInactive()
    }
}
