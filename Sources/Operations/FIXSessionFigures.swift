import FIXSessionCore
import FIXTransport

/// What one FIX session has done so far, read at one instant on its event loop.
public struct FIXSessionFigures: Sendable, Equatable {
    /// The session, `SENDER->TARGET`.
    public var session: String
    public var loggedOn: Bool
    public var connected: Bool
    /// Messages received and written, admin ones included.
    public var messagesReceived: Int
    public var messagesSent: Int
    /// Messages held back because the peer was not reading.
    public var skippedWrites: Int
    /// Times reading paused because the peer sent faster than the session processed.
    public var inboundPauses: Int

    public init(session: String, loggedOn: Bool = false, connected: Bool = false, messagesReceived: Int = 0,
                messagesSent: Int = 0, skippedWrites: Int = 0, inboundPauses: Int = 0) {
        self.session = session
        self.loggedOn = loggedOn
        self.connected = connected
        self.messagesReceived = messagesReceived
        self.messagesSent = messagesSent
        self.skippedWrites = skippedWrites
        self.inboundPauses = inboundPauses
    }

    /// The figures of `session`; called on its event loop.
    public init(_ session: FIXSession) {
        self.init(session: Self.name(session.id), loggedOn: session.isLoggedOn, connected: session.isConnected,
                  messagesReceived: session.messagesReceived, messagesSent: session.messagesSent,
                  skippedWrites: session.skippedWrites, inboundPauses: session.inboundPauses)
    }

    /// `SENDER->TARGET`, the session's label.
    public static func name(_ id: SessionID) -> String {
        "\(id.senderCompID)->\(id.targetCompID)"
    }

    /// The figures of every session in `sessions`, each read on its own event loop.
    public static func read(_ sessions: [FIXSession]) async throws -> [FIXSessionFigures] {
        var figures: [FIXSessionFigures] = []
        for session in sessions {
            figures.append(try await session.eventLoop.submit { FIXSessionFigures(session) }.get())
        }
        return figures
    }
}
