import FIX
import FIXSessionCore
import FIXTransport
import Synchronization

/// The application of a session that sends a recording again: it counts the market data the
/// live counterparty sends and keeps its responses to orders by ClOrdID.
///
/// Following the market data, it sends each recorded message from the session's event loop as
/// soon as the market data and the responses received before it in the recording have arrived,
/// in the same turn:
/// so against a venue in lockstep (which waits for a participant's answers to a TestRequest
/// before it moves its market on) every message reaches the same market as in the recording.
final class LiveResponses: FIXApplication, Sendable {
    private struct State {
        /// The recorded messages to send as the market data comes, and how many went out.
        var following: [RecordedMessage] = []
        var sent = 0
        var sendFailure: String?
        var loggedOn = false
        var loggedOut: String??
        var marketData = 0
        var responses: [String: [RecordedResponse]] = [:]
        var responseCount = 0
        var rejects: [String] = []
    }

    private let state = Mutex(State())

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        defer { if event == .loggedOn { sendDue(on: session) } }
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
            case .note, .heartbeat, .logonRefused:
                break
            }
        }
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        let type = message.msgType
        defer { if type == "W" || type == "X" || type == "8" || type == "9" { sendDue(on: session) } }
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

    /// Sends `messages` as the market data comes (see the type's notes); call before the
    /// session starts.
    func follow(_ messages: [RecordedMessage]) {
        state.withLock { $0.following = messages }
    }

    /// Sends, on the session's loop, every recorded message whose market data has arrived.
    private func sendDue(on session: FIXSession) {
        let due: ArraySlice<RecordedMessage> = state.withLock { s in
            var end = s.sent
            while end < s.following.count && s.following[end].marketDataBefore <= s.marketData
                    && s.following[end].responsesBefore <= s.responseCount {
                end += 1
            }
            defer { s.sent = end }
            return s.following[s.sent..<end]
        }
        for m in due {
            do {
                try session.write(msgType: m.msgType) { e in
                    for f in m.body { e.append(f.tag, bytes: f.value) }
                }
            } catch {
                state.withLock { $0.sendFailure = "\(m.file):\(m.line): \(error)" }
            }
        }
    }

    /// Recorded messages sent while following the market data.
    var sent: Int { state.withLock { $0.sent } }
    /// A message the session could not store (and so did not send).
    var sendFailure: String? { state.withLock { $0.sendFailure } }

    var loggedOn: Bool { state.withLock { $0.loggedOn } }
    /// Set once the session, after logging on, logged out (with the text, if any).
    var loggedOut: String?? { state.withLock { $0.loggedOut } }
    var marketData: Int { state.withLock { $0.marketData } }
    var responseCount: Int { state.withLock { $0.responseCount } }
    var responses: [String: [RecordedResponse]] { state.withLock { $0.responses } }
    /// Messages of the counterparty the session rejected.
    var rejects: [String] { state.withLock { $0.rejects } }
}
