import FIX
import Foundation
import Testing
@testable import FIXSessionCore
import FIXTestSupport

/// The session protocol driven with a manual clock and no sockets.
struct SessionStateMachineTests {
    static let dictionary = try! DataDictionary.fix44()
    static let start = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12)!

    /// An acceptor ISLD for TW44 (or an initiator TW44 to ISLD) with a memory store, and a clock.
    struct Harness {
        var session: SessionStateMachine
        var now = SessionStateMachineTests.start
        /// The peer's next MsgSeqNum.
        var peerSeq = 1

        init(role: ConnectionType = .acceptor, store: MemoryStore = MemoryStore(now: SessionStateMachineTests.start),
             configure: (inout SessionConfiguration) -> Void = { _ in }) {
            let id = role == .acceptor ? SessionID(senderCompID: "ISLD", targetCompID: "TW44")
                : SessionID(senderCompID: "TW44", targetCompID: "ISLD")
            var configuration = SessionConfiguration(sessionID: id, role: role)
            configure(&configuration)
            session = SessionStateMachine(configuration: configuration, store: store,
                                          dictionary: SessionStateMachineTests.dictionary)
        }

        mutating func advance(seconds: Double) {
            now = UTCTimestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + Int64(seconds * 1e9))
        }

        /// The peer's message `body` (after 35, without the standard header) with MsgSeqNum
        /// `seq` (default: the next one) and the usual header.
        func message(_ msgType: String, _ body: String = "", seq: Int, header extra: String = "",
                     sendingTime: UTCTimestamp? = nil, sender: String? = nil, target: String? = nil) -> [UInt8] {
            let id = session.configuration.sessionID
            let t = (sendingTime ?? now).description
            return fix("35=\(msgType)|34=\(seq)|49=\(sender ?? id.targetCompID)|52=\(t)|56=\(target ?? id.senderCompID)|\(extra)\(body)")
        }

        /// The peer sends a message; returns the session's actions.
        mutating func receive(_ msgType: String, _ body: String = "", seq: Int? = nil, header: String = "",
                              sendingTime: UTCTimestamp? = nil, sender: String? = nil, target: String? = nil) -> [SessionAction] {
            let n = seq ?? peerSeq
            if seq == nil { peerSeq += 1 }
            return session.received(message(msgType, body, seq: n, header: header, sendingTime: sendingTime,
                                             sender: sender, target: target), now: now)
        }

        mutating func logon(heartBtInt: Int = 30) -> [SessionAction] {
            _ = session.connected(now: now)
            return receive("A", "98=0|108=\(heartBtInt)|")
        }
    }

    // MARK: - Rendering

    /// The messages sent, as `35=..|34=..|...` without 8, 9, 10 and with times as `T`.
    static func sent(_ actions: [SessionAction]) -> [String] {
        actions.compactMap { action -> String? in
            guard case .send(let bytes) = action else { return nil }
            let m = try! FIXMessage(bytes: bytes)
            return m.fields.compactMap { f -> String? in
                let tag = Int(f.tag)
                if [8, 9, 10].contains(tag) { return nil }
                if [52, 122].contains(tag) { return "\(tag)=T" }
                return "\(tag)=" + m.withValue(f) { String(decoding: $0, as: UTF8.self) }
            }.joined(separator: "|")
        }
    }

    static func disconnects(_ actions: [SessionAction]) -> Bool {
        actions.contains { if case .disconnect = $0 { true } else { false } }
    }

    static func delivered(_ actions: [SessionAction]) -> [FIXMessage] {
        actions.compactMap { if case .deliver(let m) = $0 { m } else { nil } }
    }

    // MARK: - Logon

    @Test func acceptorAnswersLogon() {
        var h = Harness()
        #expect(h.session.connected(now: h.now).isEmpty)
        let a = h.receive("A", "98=0|108=30|")
        #expect(Self.sent(a) == ["35=A|34=1|49=ISLD|52=T|56=TW44|98=0|108=30"])
        #expect(a.contains { if case .event(.loggedOn) = $0 { true } else { false } })
        #expect(h.session.isLoggedOn)
        #expect(h.session.nextSenderMsgSeqNum == 2 && h.session.nextTargetMsgSeqNum == 2)
    }

    @Test func initiatorSendsLogonAndLogsOn() {
        var h = Harness(role: .initiator) { $0.heartBtInt = 10 }
        let a = h.session.connected(now: h.now)
        #expect(Self.sent(a) == ["35=A|34=1|49=TW44|52=T|56=ISLD|98=0|108=10"])
        let b = h.receive("A", "98=0|108=10|")
        #expect(Self.sent(b).isEmpty)
        #expect(h.session.isLoggedOn)
    }

    @Test func firstMessageNotLogonDisconnects() {
        var h = Harness()
        _ = h.session.connected(now: h.now)
        let a = h.receive("0")
        #expect(Self.sent(a).isEmpty)
        #expect(Self.disconnects(a))
    }

    @Test func authenticationRefusalLogsOutBeforeAnyStateChange() {
        var h = Harness()
        h.session.authenticate = { m in m.string(Tag.password) == "secret" ? nil : "Invalid username or password" }
        _ = h.session.connected(now: h.now)
        let a = h.receive("A", "98=0|108=30|553=tw|554=wrong|")
        #expect(Self.sent(a) == ["35=5|34=1|49=ISLD|52=T|56=TW44|58=Invalid username or password"])
        #expect(Self.disconnects(a))
        #expect(h.session.nextTargetMsgSeqNum == 1)
        #expect(!h.session.isLoggedOn)
    }

    @Test func resetSeqNumFlagResetsBothSides() {
        var h = Harness()
        _ = h.logon()
        _ = h.receive("0")
        _ = h.session.disconnected(now: h.now)
        _ = h.session.connected(now: h.now)
        h.peerSeq = 1
        let a = h.receive("A", "98=0|108=30|141=Y|")
        #expect(Self.sent(a) == ["35=A|34=1|49=ISLD|52=T|56=TW44|98=0|108=30|141=Y"])
        #expect(h.session.nextTargetMsgSeqNum == 2)
    }

    @Test func logonTimeout() {
        var h = Harness()
        _ = h.session.connected(now: h.now)
        h.advance(seconds: 9)
        #expect(!Self.disconnects(h.session.tick(now: h.now)))
        h.advance(seconds: 1)
        #expect(Self.disconnects(h.session.tick(now: h.now)))
    }

    // MARK: - Heartbeats

    @Test func heartbeatTestRequestAndTimeout() {
        var h = Harness()
        _ = h.logon(heartBtInt: 10)
        h.advance(seconds: 10)
        #expect(Self.sent(h.session.tick(now: h.now)) == ["35=0|34=2|49=ISLD|52=T|56=TW44"])
        h.advance(seconds: 1.9)
        #expect(Self.sent(h.session.tick(now: h.now)).isEmpty)
        h.advance(seconds: 0.1)  // 12 s of silence: HeartBtInt plus 20%
        #expect(Self.sent(h.session.tick(now: h.now)) == ["35=1|34=3|49=ISLD|52=T|56=TW44|112=TEST"])
        h.advance(seconds: 11.9)
        #expect(!Self.disconnects(h.session.tick(now: h.now)))
        h.advance(seconds: 0.1)
        #expect(Self.disconnects(h.session.tick(now: h.now)))
    }

    @Test func answeredTestRequestKeepsTheSessionUp() {
        var h = Harness()
        _ = h.logon(heartBtInt: 10)
        h.advance(seconds: 12)
        _ = h.session.tick(now: h.now)
        _ = h.receive("0", "112=TEST|")
        h.advance(seconds: 11)
        #expect(!Self.disconnects(h.session.tick(now: h.now)))
    }

    @Test func testRequestIsAnswered() {
        var h = Harness()
        _ = h.logon()
        #expect(Self.sent(h.receive("1", "112=HELLO|")) == ["35=0|34=2|49=ISLD|52=T|56=TW44|112=HELLO"])
    }

    /// A TestRequest of our own and the peer's answering Heartbeat: the barrier a venue in
    /// lockstep waits on.
    @Test func ownTestRequestAndItsAnswer() {
        var h = Harness()
        _ = h.logon()
        #expect(Self.sent(h.session.testRequest(id: "L1", now: h.now)) == ["35=1|34=2|49=ISLD|52=T|56=TW44|112=L1"])
        let answer = h.receive("0", "112=L1|")
        #expect(answer.contains { if case .event(.heartbeat(testReqID: "L1")) = $0 { true } else { false } })
        // A plain Heartbeat says nothing of a barrier.
        let plain = h.receive("0")
        #expect(!plain.contains { if case .event(.heartbeat) = $0 { true } else { false } })
    }

    // MARK: - Sequence numbers

    @Test func tooHighAsksForResendAndQueues() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("D", "11=B|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|", seq: 4)
        #expect(Self.sent(a) == ["35=2|34=2|49=ISLD|52=T|56=TW44|7=2|16=0"])
        #expect(Self.delivered(a).isEmpty)
        // The gap: 2 by resend, 3 by gap fill; then the queued 4 comes out in order.
        let b = h.receive("D", "11=A|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|", seq: 2,
                          header: "43=Y|122=\(h.now)|")
        #expect(Self.delivered(b).map { $0.string(Tag.clOrdID) } == ["A"])
        let c = h.receive("4", "123=Y|36=4|", seq: 3, header: "43=Y|")
        #expect(Self.delivered(c).map { $0.string(Tag.clOrdID) } == ["B"])
        #expect(h.session.nextTargetMsgSeqNum == 5)
    }

    /// Thousands of messages queued behind a gap are processed in a loop once it is filled (not
    /// one nested call per message, which overflowed the stack).
    @Test func manyQueuedMessagesAfterAGap() {
        var h = Harness()
        _ = h.logon()
        for seq in 3...5002 {
            _ = h.receive("D", "11=C\(seq)|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|", seq: seq)
        }
        let a = h.receive("4", "123=Y|36=3|", seq: 2, header: "43=Y|")
        #expect(Self.delivered(a).count == 5000)
        #expect(h.session.nextTargetMsgSeqNum == 5003)
    }

    // MARK: - At-least-once delivery

    static func persistsTarget(_ actions: [SessionAction]) -> Bool {
        actions.contains { if case .persistTarget = $0 { true } else { false } }
    }

    /// The target number reaches the store only after the application has had the message: the
    /// step ends with `.persistTarget`, after the deliveries.
    @Test func targetNumberIsStoredAfterTheDelivery() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("D", "11=A|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|")
        guard case .deliver = a.first, case .persistTarget = a.last else {
            Issue.record("expected deliver ... persistTarget, got \(a)")
            return
        }
        #expect(h.session.nextTargetMsgSeqNum == 3)
        #expect(h.session.store.nextTargetMsgSeqNum == 2)
        // An admin message in between is numbered on top of the pending one, not stored before it.
        let b = h.receive("0")
        #expect(!Self.persistsTarget(b))
        #expect(h.session.store.nextTargetMsgSeqNum == 2)
        #expect(h.session.persistTarget().isEmpty)
        #expect(h.session.store.nextTargetMsgSeqNum == 4)
        // Admin messages alone are stored at once.
        _ = h.receive("0")
        #expect(h.session.store.nextTargetMsgSeqNum == 5)
    }

    /// Messages released from the queue by a gap fill are all delivered before the number that
    /// covers them is stored; a send by the application in between stores nothing of it.
    @Test func queuedDeliveriesAreStoredTogetherAfterwards() throws {
        var h = Harness()
        _ = h.logon()
        for seq in 3...5 {
            _ = h.receive("D", "11=Q\(seq)|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|", seq: seq)
        }
        let a = h.receive("4", "123=Y|36=3|", seq: 2, header: "43=Y|")
        #expect(Self.delivered(a).count == 3)
        #expect(a.filter { if case .persistTarget = $0 { true } else { false } }.count == 1)
        guard case .persistTarget = a.last else {
            Issue.record("persistTarget must come after every delivery: \(a)")
            return
        }
        // The gap fill (2) is stored at once, the deliveries (3 to 5) wait.
        #expect(h.session.store.nextTargetMsgSeqNum == 3)
        // The application answers while handling the first delivery.
        let sent = try h.session.send(msgType: "D", now: h.now) { e in e.append(Tag.clOrdID, "R") }
        #expect(!Self.persistsTarget(sent))
        #expect(h.session.store.nextTargetMsgSeqNum == 3)
        _ = h.session.persistTarget()
        #expect(h.session.store.nextTargetMsgSeqNum == 6)
    }

    /// A crash after the delivery and before `.persistTarget` was acted on: the restarted session
    /// asks for the message again, and it comes back with the MsgSeqNum it had.
    @Test func aCrashBeforePersistingBringsTheMessageBack() {
        let store = MemoryStore(now: Self.start)
        let id = SessionID(senderCompID: "ISLD", targetCompID: "TW44")
        var session = SessionStateMachine(configuration: SessionConfiguration(sessionID: id, role: .acceptor),
                                          store: store, dictionary: Self.dictionary)
        var h = Harness()
        h.session = session
        _ = h.logon()
        let a = h.receive("D", "11=A|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|")
        #expect(Self.delivered(a).map { $0.msgSeqNum } == [2])
        // The process dies here: a new machine on the same store.
        session = SessionStateMachine(configuration: SessionConfiguration(sessionID: id, role: .acceptor),
                                      store: store, dictionary: Self.dictionary)
        h.session = session
        _ = h.session.connected(now: h.now)
        let b = h.receive("A", "98=0|108=30|")
        #expect(Self.sent(b).last == "35=2|34=3|49=ISLD|52=T|56=TW44|7=2|16=0")
        let c = h.receive("D", "11=A|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|", seq: 2,
                          header: "43=Y|122=\(h.now)|")
        #expect(Self.delivered(c).map { $0.msgSeqNum } == [2])
        #expect(Self.delivered(c).map { $0.bool(Tag.possDupFlag) } == [true])
    }

    /// The peer's own ResendRequest (processed without sequence checks) does not count as the
    /// answer to ours: no second ResendRequest for the same gap.
    @Test func peersResendRequestDoesNotSatisfyOurs() {
        var h = Harness()
        _ = h.logon()
        #expect(Self.sent(h.receive("0", seq: 5)) == ["35=2|34=2|49=ISLD|52=T|56=TW44|7=2|16=0"])
        _ = h.receive("2", "7=1|16=0|", seq: 6)
        let a = h.receive("0", seq: 7)
        #expect(!Self.sent(a).contains { $0.hasPrefix("35=2|") })
    }

    @Test func resendRequestChunks() {
        var h = Harness { $0.resendRequestChunkSize = 5 }
        _ = h.logon()
        let a = h.receive("0", seq: 20)
        #expect(Self.sent(a) == ["35=2|34=2|49=ISLD|52=T|56=TW44|7=2|16=6"])
    }

    @Test func tooLowWithoutPossDupLogsOut() {
        var h = Harness()
        _ = h.logon()
        _ = h.receive("0")
        _ = h.receive("0")
        _ = h.receive("0")
        let a = h.receive("0", seq: 2)
        #expect(Self.sent(a) == ["35=5|34=2|49=ISLD|52=T|56=TW44|58=MsgSeqNum too low, expecting 5 but received 2"])
        #expect(Self.disconnects(a))
    }

    @Test func possDupRules() {
        var h = Harness()
        _ = h.logon()
        _ = h.receive("0")
        // Already received, with OrigSendingTime: ignored.
        #expect(h.receive("0", seq: 2, header: "43=Y|122=\(h.now)|").isEmpty)
        // Without OrigSendingTime: rejected, required tag missing.
        #expect(Self.sent(h.receive("0", seq: 2, header: "43=Y|")) ==
            ["35=3|34=2|49=ISLD|52=T|56=TW44|45=2|58=Required tag missing|371=122|372=0|373=1"])
        // OrigSendingTime after SendingTime: accuracy problem and logout.
        var later = h.now
        later.nanosecondsSinceEpoch += 5_000_000_000
        #expect(Self.sent(h.receive("0", seq: 2, header: "43=Y|122=\(later)|")) ==
            ["35=3|34=3|49=ISLD|52=T|56=TW44|45=2|58=SendingTime accuracy problem|372=0|373=10",
             "35=5|34=4|49=ISLD|52=T|56=TW44"])
    }

    @Test func sequenceResetModes() {
        var h = Harness()
        _ = h.logon()
        _ = h.receive("4", "36=10|", seq: 2)  // reset mode: no sequence check
        #expect(h.session.nextTargetMsgSeqNum == 10)
        let a = h.receive("4", "36=5|", seq: 10)
        #expect(Self.sent(a) == ["35=3|34=2|49=ISLD|52=T|56=TW44|45=10|58=Value is incorrect (out of range) for this tag|372=4|373=5"])
        #expect(h.session.nextTargetMsgSeqNum == 10)
    }

    // MARK: - Resend

    @Test func resendSendsApplicationMessagesAgainAndGapFillsTheRest() throws {
        var h = Harness()
        _ = h.logon()  // our 1: Logon
        for id in ["O1", "O2", "O3"] {  // our 2, 3, 4
            _ = try h.session.send(msgType: "8", now: h.now) {
                $0.append(Tag.avgPx, FIXDecimal(0)); $0.append(Tag.clOrdID, id); $0.append(Tag.cumQty, FIXDecimal(0))
            }
        }
        h.advance(seconds: 30)
        #expect(Self.sent(h.session.tick(now: h.now)).count == 1)  // our 5: Heartbeat
        h.session.allowResend = { $0.string(Tag.clOrdID) != "O2" }
        let a = h.receive("2", "7=1|16=0|")
        #expect(Self.sent(a) == [
            "35=4|34=1|43=Y|49=ISLD|52=T|56=TW44|122=T|36=2|123=Y",
            "35=8|34=2|43=Y|49=ISLD|52=T|56=TW44|122=T|6=0|11=O1|14=0",
            "35=4|34=3|43=Y|49=ISLD|52=T|56=TW44|122=T|36=4|123=Y",
            "35=8|34=4|43=Y|49=ISLD|52=T|56=TW44|122=T|6=0|11=O3|14=0",
            "35=4|34=5|43=Y|49=ISLD|52=T|56=TW44|122=T|36=6|123=Y",
        ])
        // OrigSendingTime is the first SendingTime.
        let sends = a.compactMap { if case .send(let b) = $0 { b } else { nil } }
        let resent = try FIXMessage(bytes: sends[1])
        #expect(resent.timestamp(Tag.origSendingTime) == Self.start)
    }

    /// A memory store keeps its latest messages only: a resend reaching further back gets a gap
    /// fill over what it let go.
    @Test func resendBeyondAMemoryStoresCapacityIsGapFilled() throws {
        let store = MemoryStore(now: Self.start, capacity: 700)
        var h = Harness(store: store)
        _ = h.logon()  // our 1: Logon
        for n in 2...20 {  // our 2 to 20, some 110 bytes each
            _ = try h.session.send(msgType: "8", now: h.now) {
                $0.append(Tag.avgPx, FIXDecimal(0)); $0.append(Tag.clOrdID, "O\(n)"); $0.append(Tag.cumQty, FIXDecimal(0))
            }
        }
        #expect(store.storedBytes <= 700)
        let kept = try store.sentMessages(in: 1...20).map(\.seqNum)
        #expect(kept.count >= 5 && kept == Array((21 - kept.count)...20))
        let a = h.receive("2", "7=1|16=0|")
        let first = kept[0]
        #expect(Self.sent(a) == ["35=4|34=1|43=Y|49=ISLD|52=T|56=TW44|122=T|36=\(first)|123=Y"]
                + kept.map { "35=8|34=\($0)|43=Y|49=ISLD|52=T|56=TW44|122=T|6=0|11=O\($0)|14=0" })
    }

    // MARK: - Rejects

    @Test func invalidMessageIsRejectedAndSkipped() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("D", "11=ID|21=4|38=1|40=1|54=1|55=X|60=20240808-12:00:00|")
        #expect(Self.sent(a) == ["35=3|34=2|49=ISLD|52=T|56=TW44|45=2|58=Value is incorrect (out of range) for this tag|371=21|372=D|373=5"])
        #expect(h.session.nextTargetMsgSeqNum == 3)
    }

    @Test func compIDProblem() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("0", sender: "WT")
        #expect(Self.sent(a) == ["35=3|34=2|49=ISLD|52=T|56=TW44|45=2|58=CompID problem|372=0|373=9",
                                 "35=5|34=3|49=ISLD|52=T|56=TW44"])
    }

    @Test func sendingTimeAccuracy() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("0", sendingTime: UTCTimestamp(year: 2024, month: 8, day: 8, hour: 11, minute: 57)!)
        #expect(Self.sent(a) == ["35=3|34=2|49=ISLD|52=T|56=TW44|45=2|58=SendingTime accuracy problem|372=0|373=10",
                                 "35=5|34=3|49=ISLD|52=T|56=TW44"])
    }

    @Test func unsupportedApplicationMessageGetsBusinessReject() {
        var h = Harness { $0.supportedMessageTypes = ["D"] }
        _ = h.logon()
        let a = h.receive("8", "6=0|11=X|14=0|17=E|37=O|39=0|54=1|55=X|150=0|151=1|")
        #expect(Self.sent(a) == ["35=j|34=2|49=ISLD|52=T|56=TW44|45=2|58=Unsupported Message Type|372=8|380=3"])
        #expect(h.session.nextTargetMsgSeqNum == 3)
    }

    @Test func wrongBeginStringLogsOut() {
        var h = Harness()
        _ = h.logon()
        let bytes = fix("35=1|34=2|49=TW44|52=\(h.now)|56=ISLD|112=id|", beginString: "FIX.4.1")
        let a = h.session.received(bytes, now: h.now)
        #expect(Self.sent(a) == ["35=5|34=2|49=ISLD|52=T|56=TW44|58=Incorrect BeginString"])
    }

    // MARK: - Logout

    @Test func logoutHandshakeBothWays() {
        var h = Harness()
        _ = h.logon()
        let a = h.receive("5")
        #expect(Self.sent(a) == ["35=5|34=2|49=ISLD|52=T|56=TW44"])
        #expect(Self.disconnects(a))

        var g = Harness()
        _ = g.logon()
        #expect(Self.sent(g.session.logout(now: g.now)) == ["35=5|34=2|49=ISLD|52=T|56=TW44"])
        let b = g.receive("5")
        #expect(Self.sent(b).isEmpty)
        #expect(Self.disconnects(b))
    }

    @Test func logoutTimeout() {
        var h = Harness()
        _ = h.logon()
        _ = h.session.logout(now: h.now)
        h.advance(seconds: 2)
        let a = h.session.tick(now: h.now)
        #expect(Self.disconnects(a))
        // The session was logged on until now: the application hears that it is logged out.
        #expect(Self.loggedOut(a) == 1)
        #expect(Self.loggedOut(h.session.disconnected(now: h.now)) == 0)
    }

    /// A session logged out hears of it once, however the logout ends; one never logged on
    /// does not.
    @Test func loggedOutOnceAfterALogon() {
        var answered = Harness()
        _ = answered.logon()
        #expect(Self.loggedOut(answered.session.logout(now: answered.now)) == 0)
        #expect(Self.loggedOut(answered.receive("5")) == 1)
        #expect(Self.loggedOut(answered.session.disconnected(now: answered.now)) == 0)

        var dropped = Harness()
        _ = dropped.logon()
        _ = dropped.session.logout(now: dropped.now)
        #expect(Self.loggedOut(dropped.session.disconnected(now: dropped.now)) == 1)

        var never = Harness()
        _ = never.session.connected(now: never.now)
        _ = never.session.logout(now: never.now)
        #expect(Self.loggedOut(never.session.disconnected(now: never.now)) == 0)
    }

    static func loggedOut(_ actions: [SessionAction]) -> Int {
        actions.count { if case .event(.loggedOut) = $0 { true } else { false } }
    }

    // MARK: - Schedule

    static let daytime = SessionSchedule(startTime: TimeOfDay(hour: 9, minute: 0)!, endTime: TimeOfDay(hour: 17, minute: 0)!)!

    @Test func outsideTheScheduleNoLogon() {
        var h = Harness { $0.schedule = SessionStateMachineTests.daytime }
        h.now = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 8)!
        #expect(Self.disconnects(h.session.connected(now: h.now)))
        h.now = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 10)!
        #expect(Self.sent(h.logon()).count == 1)
        #expect(h.session.isLoggedOn)
    }

    @Test func theScheduleEndsWithALogout() {
        var h = Harness { $0.schedule = SessionStateMachineTests.daytime }
        h.now = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 16, minute: 59, second: 59)!
        _ = h.logon()
        h.advance(seconds: 2)
        #expect(Self.sent(h.session.tick(now: h.now)) == ["35=5|34=2|49=ISLD|52=T|56=TW44|58=Session schedule ended"])
    }

    @Test func aNewPeriodStartsTheSequencesAgain() {
        var h = Harness { $0.schedule = SessionStateMachineTests.daytime }
        h.now = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12)!
        _ = h.logon()
        _ = h.receive("0")
        _ = h.session.disconnected(now: h.now)
        #expect(h.session.nextTargetMsgSeqNum == 3)
        // The next day: the store's sequence began before today's 09:00, so both start at 1.
        h.now = UTCTimestamp(year: 2024, month: 8, day: 9, hour: 10)!
        h.peerSeq = 1
        let a = h.logon()
        #expect(Self.sent(a) == ["35=A|34=1|49=ISLD|52=T|56=TW44|98=0|108=30"])
        #expect(h.session.nextTargetMsgSeqNum == 2)
    }

    // MARK: - Two sessions back to back

    /// An initiator and an acceptor wired together exchange application messages; one message is
    /// lost on the way, and the gap is recovered by ResendRequest with nothing lost or duplicated.
    @Test func twoSessionsRecoverALostMessage() throws {
        var initiator = Harness(role: .initiator)
        var acceptor = Harness()
        var now = Self.start
        var toAcceptor = initiator.session.connected(now: now)
        _ = acceptor.session.connected(now: now)
        var toInitiator: [SessionAction] = []
        var deliveredToAcceptor: [String] = []
        var dropped = false

        func pump() {
            while !toAcceptor.isEmpty || !toInitiator.isEmpty {
                let a = toAcceptor
                toAcceptor = []
                for case .send(let bytes) in a {
                    let out = acceptor.session.received(bytes, now: now)
                    deliveredToAcceptor += Self.delivered(out).compactMap { $0.string(Tag.clOrdID) }
                    toInitiator += out
                }
                let b = toInitiator
                toInitiator = []
                for case .send(let bytes) in b { toAcceptor += initiator.session.received(bytes, now: now) }
            }
        }
        pump()
        #expect(initiator.session.isLoggedOn && acceptor.session.isLoggedOn)
        for k in 0..<200 {
            now.nanosecondsSinceEpoch += 1_000_000
            let out = try initiator.session.send(msgType: "D", now: now) {
                $0.append(Tag.clOrdID, "C\(k)"); $0.append(Tag.handlInst, char: 49); $0.append(Tag.orderQty, FIXDecimal(1))
                $0.append(Tag.ordType, char: 49); $0.append(Tag.side, char: 49); $0.append(Tag.symbol, "X")
                $0.append(Tag.transactTime, now)
            }
            if k == 50 && !dropped {
                dropped = true  // lost on the wire; stored on the initiator
                continue
            }
            toAcceptor += out
            pump()
        }
        #expect(deliveredToAcceptor == (0..<200).map { "C\($0)" })
        #expect(acceptor.session.nextTargetMsgSeqNum == initiator.session.nextSenderMsgSeqNum)
    }
}
