import FIX
import FIXSession
import FIXTransport
import Synchronization

/// The application of a session that sends a recording again: it counts the market data the
/// live counterparty sends and keeps its responses to orders by ClOrdID.
final class LiveResponses: FIXApplication, Sendable {
    private struct State {
        var loggedOn = false
        var loggedOut: String??
        var marketData = 0
        var responses: [String: [RecordedResponse]] = [:]
        var responseCount = 0
        var rejects: [String] = []
    }

    private let state = Mutex(State())

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        state.withLock { s in
            switch event {
            case .loggedOn:
                s.loggedOn = true
                s.loggedOut = nil
            case .loggedOut(let text):
                if s.loggedOn { s.loggedOut = .some(text) }
                s.loggedOn = false
            case let .rejected(refSeqNum, reason, business):
                s.rejects.append("\(business ? "business " : "")reject of MsgSeqNum \(refSeqNum): \(reason)")
            case .note, .heartbeat:
                break
            }
        }
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        let type = message.msgType
        state.withLock { s in
            switch type {
            case "W", "X":
                s.marketData += 1
            case "8", "9":
                let r = RecordedResponse(message)
                s.responses[r.clOrdID, default: []].append(r)
                s.responseCount += 1
            default:
                break
            }
        }
    }

    var loggedOn: Bool { state.withLock { $0.loggedOn } }
    /// Set once the session, after logging on, logged out (with the text, if any).
    var loggedOut: String?? { state.withLock { $0.loggedOut } }
    var marketData: Int { state.withLock { $0.marketData } }
    var responseCount: Int { state.withLock { $0.responseCount } }
    var responses: [String: [RecordedResponse]] { state.withLock { $0.responses } }
    /// Messages of the counterparty the session rejected.
    var rejects: [String] { state.withLock { $0.rejects } }
}
