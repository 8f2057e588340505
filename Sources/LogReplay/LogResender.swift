import Market
import FIX
import FIXSessionCore
import FIXTransport
import NIOPosix

/// Sends a ``RecordedFlow`` into a live session and compares the responses with the recorded
/// ones.
///
/// The session is the one of the settings named by the flow's sender; it is started with
/// ``FIXEngine`` (an initiator connects, an acceptor waits). Once logged on, each recorded
/// application message is sent with a new header (MsgSeqNum, SendingTime; the body as
/// recorded, ClOrdIDs included) when its ``SendPacing`` says. After the last one it waits for
/// as many responses as were recorded (at most `timeout` without any new one), logs out, and
/// compares.
public final class LogResender {
    /// What a send did.
    public struct Result: Sendable, Codable, Equatable {
        /// The live session (`SENDER-TARGET`) and the recorded one.
        public var session: String
        public var recordedSession: String
        public var pacing: String
        /// Recorded messages, and how many were sent.
        public var recorded: Int
        public var sent: Int
        /// Market-data messages received live, and in the recording.
        public var marketDataLive: Int
        public var marketDataRecorded: Int
        /// Responses recorded and received live.
        public var responsesRecorded: Int
        public var responsesLive: Int
        /// Why sending or waiting stopped early, if it did (a timeout, a logout).
        public var stoppedEarly: String?
        /// Messages of the counterparty the live session rejected (Reject 3 or BusinessMessageReject j it sent).
        public var rejects: [String]
        public var comparison: ResponseComparison

        /// Whether everything was sent and every response matched.
        public var succeeded: Bool { stoppedEarly == nil && comparison.allMatch }
    }

    private let settings: SettingsFile
    private let flow: RecordedFlow
    private let pacing: SendPacing
    private let timeout: Duration
    private let progress: (@Sendable (String) -> Void)?

    /// - Parameters:
    ///   - settings: settings with the one session to use (its SenderCompID sends the flow).
    ///   - timeout: how long to wait for the logon, for market data to come, and for responses
    ///     after the last message, without anything new.
    ///   - progress: gets a line now and then.
    public init(settings: SettingsFile, flow: RecordedFlow, pacing: SendPacing, timeout: Duration = .seconds(10),
                progress: (@Sendable (String) -> Void)? = nil) {
        self.settings = settings
        self.flow = flow
        self.pacing = pacing
        self.timeout = timeout
        self.progress = progress
    }

    /// Runs the session, sends, waits, logs out and compares. Throws a ``SettingsError`` when
    /// the session cannot be built, and ``LogResendError`` when it does not log on.
    public func run() async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let live = LiveResponses()
        let engine: FIXEngine
        do {
            engine = try FIXEngine(settings: settings, application: live, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let session = engine.sessions[0]
        let isFollowing: Bool
        if case .marketData = pacing { isFollowing = true } else { isFollowing = false }
        if isFollowing { live.follow(flow.messages) }
        var stoppedEarly: String?
        var sent = 0
        do {
            try await engine.start()
            guard try await Self.wait(for: timeout, { live.loggedOn }) else {
                throw LogResendError(description: "\(session.id.senderCompID)-\(session.id.targetCompID) did not log on within "
                                      + "\(timeout.inSeconds) s")
            }
            progress?("logged on; sending \(flow.messages.count) messages \(pacing)")
            let started = ContinuousClock.now
            let firstTime = flow.messages.first?.time
            if case .marketData = pacing {
                // The application sends on the session's loop as the market data comes; wait
                // until everything has gone out, or nothing moves for `timeout`.
                var last = (live.marketData, live.sent)
                var lastChange = ContinuousClock.now
                while live.sent < flow.messages.count {
                    if let text = live.loggedOut {
                        stoppedEarly = "the counterparty logged out" + (text.map { " (\($0))" } ?? "")
                            + " after \(live.sent) of \(flow.messages.count) messages"
                        break
                    }
                    let now = (live.marketData, live.sent)
                    if now != last {
                        last = now
                        lastChange = .now
                        if now.1 / 1000 > sent / 1000 {
                            progress?("sent \(now.1) of \(flow.messages.count), \(live.responseCount) responses")
                        }
                        sent = now.1
                    } else if ContinuousClock.now - lastChange > timeout {
                        let m = flow.messages[live.sent]
                        stoppedEarly = "no market data for \(timeout.inSeconds) s: \(now.0) of the \(m.marketDataBefore) messages "
                            + "received before \(m.file):\(m.line) in the recording"
                        break
                    }
                    try await Task.sleep(for: .milliseconds(2))
                }
                sent = live.sent
                if let failure = live.sendFailure, stoppedEarly == nil { stoppedEarly = "a message could not be sent: \(failure)" }
            }
            sending: for m in flow.messages where !isFollowing {
                switch pacing {
                case .marketData:
                    break
                case .pace(let factor):
                    if let t = m.time, let t0 = firstTime {
                        let due = started + .nanoseconds(Int64(Double(t - t0) / factor))
                        if due > .now { try await Task.sleep(until: due, clock: .continuous) }
                    }
                case .max:
                    break
                }
                if let text = live.loggedOut {
                    stoppedEarly = "the counterparty logged out" + (text.map { " (\($0))" } ?? "")
                        + " after \(sent) of \(flow.messages.count) messages"
                    break sending
                }
                try await session.send(msgType: m.msgType) { e in
                    for f in m.body { e.append(f.tag, bytes: f.value) }
                }.get()
                sent += 1
                if sent % 1000 == 0 { progress?("sent \(sent) of \(flow.messages.count), \(live.responseCount) responses") }
            }
            // The responses: as many as recorded, or nothing new for `timeout`.
            if stoppedEarly == nil {
                let expected = flow.responseCount
                var lastCount = live.responseCount
                var lastChange = ContinuousClock.now
                while live.responseCount < expected {
                    if live.loggedOut != nil { break }
                    if live.responseCount != lastCount {
                        lastCount = live.responseCount
                        lastChange = .now
                    } else if ContinuousClock.now - lastChange > timeout {
                        stoppedEarly = "no response for \(timeout.inSeconds) s after the last message: \(lastCount) of \(expected) "
                            + "responses received"
                        break
                    }
                    try await Task.sleep(for: .milliseconds(2))
                }
                // Anything not recorded that comes just after.
                try await Task.sleep(for: .milliseconds(200))
            }
        } catch {
            try? await engine.stop(timeout: .seconds(2))
            try? await group.shutdownGracefully()
            throw error
        }
        try await engine.stop(timeout: .seconds(5))
        try await group.shutdownGracefully()

        var order: [String] = []
        var listed = Set<String>()
        for m in flow.messages {
            if let id = m.clOrdID, listed.insert(id).inserted { order.append(id) }
        }
        let liveResponses = live.responses
        return Result(session: "\(session.id.senderCompID)-\(session.id.targetCompID)",
                      recordedSession: "\(flow.senderCompID)-\(flow.targetCompID)", pacing: "\(pacing)",
                      recorded: flow.messages.count, sent: sent, marketDataLive: live.marketData,
                      marketDataRecorded: flow.marketDataMessages, responsesRecorded: flow.responseCount,
                      responsesLive: live.responseCount, stoppedEarly: stoppedEarly, rejects: live.rejects,
                      comparison: ResponseComparison(recorded: flow.responses, live: liveResponses, order: order))
    }

    static func wait(for limit: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// The one session of `settings` to send `sender`'s messages over: the one named by
    /// `selector`, else the one whose SenderCompID is `sender`. Throws a ``LogResendError``
    /// naming the file when there is none or more than one.
    public static func session(in settings: SettingsFile, selector: SessionSelector?,
                               recordedSenders: [String]) throws(LogResendError) -> SettingsFile {
        let candidates: [SessionSettings]
        if let selector {
            candidates = settings.sessions.filter {
                $0.sessionID.senderCompID == selector.senderCompID && $0.sessionID.targetCompID == selector.targetCompID
            }
            guard !candidates.isEmpty else {
                throw LogResendError(description: "\(settings.path): no session \(selector.senderCompID)-\(selector.targetCompID)"
                                      + " (sessions: " + settings.sessions.map { "\($0.sessionID.senderCompID)-\($0.sessionID.targetCompID)" }
                                          .joined(separator: ", ") + ")")
            }
        } else {
            candidates = settings.sessions.filter { recordedSenders.contains($0.sessionID.senderCompID) }
            guard !candidates.isEmpty else {
                throw LogResendError(description: "\(settings.path): no session whose SenderCompID sent messages in the logs"
                                      + " (senders in the logs: " + recordedSenders.joined(separator: ", ") + ")")
            }
            guard candidates.count == 1 else {
                throw LogResendError(description: "\(settings.path): several sessions match the logs ("
                                      + candidates.map { "line \($0.sourceLine): \($0.sessionID.senderCompID)-\($0.sessionID.targetCompID)" }
                                          .joined(separator: ", ") + "); choose one with --session SENDER-TARGET")
            }
        }
        var chosen = settings
        chosen.sessions = [candidates[0]]
        return chosen
    }
}

/// A send that cannot go on: why.
public struct LogResendError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
