import FIX
import FIXSessionCore
import FIXTransport
import Logging
import Synchronization

/// An application between FIX sessions and the application they serve, which logs the
/// sessions' events and passes every call on unchanged: logons at info; logouts (a connection
/// lost while logged on is one) and rejected messages at notice; the other session events at
/// debug. Application messages are passed on without a word (the hot path). For the initiators
/// it ``watch(_:)``es, each failed attempt to connect is logged at error.
public final class SessionEventLogger: FIXApplication, @unchecked Sendable {
    // Called by the sessions on their event loops, as the application it wraps is.
    private let application: any FIXApplication
    private let logger: Logger
    /// The last event note of each session, given with its logout (it usually says why).
    private let lastNote = Mutex<[SessionID: String]>([:])
    private let counts = Mutex<(logons: Int, lastConnectionFailure: FIXConnectionFailure?)>((0, nil))

    /// Logons seen, of any session.
    public var logons: Int { counts.withLock { $0.logons } }

    /// The last failed attempt to connect of a watched initiator, if any.
    public var lastConnectionFailure: FIXConnectionFailure? { counts.withLock { $0.lastConnectionFailure } }

    /// Logs the session events of `application`'s sessions to `logger`.
    public init(_ application: any FIXApplication, logger: Logger) {
        self.application = application
        self.logger = logger
    }

    public func onEvent(_ event: SessionEvent, session: FIXSession) {
        switch event {
        case .loggedOn:
            counts.withLock { $0.logons += 1 }
            logger.info("FIX session logged on", metadata: ["session": "\(FIXSessionFigures.name(session.id))"])
        case .loggedOut(let text):
            let note = lastNote.withLock { $0.removeValue(forKey: session.id) }
            var metadata: Logger.Metadata = ["session": "\(FIXSessionFigures.name(session.id))"]
            if let text { metadata["text"] = "\(text)" }
            if let note { metadata["last_event"] = "\(note)" }
            logger.notice("FIX session logged out", metadata: metadata)
        case let .rejected(refSeqNum, reason, business):
            logger.notice("FIX message rejected", metadata: [
                "session": "\(FIXSessionFigures.name(session.id))",
                "ref_seq_num": "\(refSeqNum)",
                "reason": "\(reason)",
                "reject": "\(business ? "BusinessMessageReject" : "Reject")",
            ])
        case .note(let text):
            lastNote.withLock { $0[session.id] = text }
            logger.debug("FIX session event", metadata: ["session": "\(FIXSessionFigures.name(session.id))", "event": "\(text)"])
        case .logonRefused(let reason):
            logger.warning("FIX logon refused", metadata: [
                "session": "\(FIXSessionFigures.name(session.id))",
                "peer": "\(session.peerAddress ?? "unknown")",
                "reason": "\(reason)",
            ])
        case .heartbeat:
            break
        }
        application.onEvent(event, session: session)
    }

    public func fromApp(_ message: FIXMessage, session: FIXSession) {
        application.fromApp(message, session: session)
    }

    /// Logs each failed attempt of `initiator` to connect at error, with its session, the address,
    /// the reason (for TLS, what is wrong with the certificate), the failures in a row and the
    /// wait before the next attempt. Call before the initiator starts.
    public func watch(_ initiator: FIXInitiator) {
        let name = FIXSessionFigures.name(initiator.session.id)
        initiator.onConnectionFailure = { [self] failure in
            counts.withLock { $0.lastConnectionFailure = failure }
            var metadata: Logger.Metadata = [
                "session": "\(name)",
                "address": "\(failure.address)",
                "reason": "\(failure.reason)",
                "failures": "\(failure.failures)",
            ]
            if let wait = failure.retryIn {
                let ms = wait.nanoseconds / 1_000_000
                metadata["retry_in"] = "\(ms % 1000 == 0 ? "\(ms / 1000)" : "\(Double(ms) / 1000)") s"
            }
            switch failure.stage {
            case .connect: logger.error("FIX connection failed", metadata: metadata)
            case .tls: logger.error("FIX connection failed: TLS handshake failed", metadata: metadata)
            }
        }
    }
}
