import FIX
import Foundation
import Testing
@testable import FIXSessionCore
import FIXTestSupport

/// What a buggy or hostile peer sends the session layer: values out of range, messages in the
/// wrong place, floods of out-of-sequence messages. The session must not trap, must answer per
/// the FIX rules, and must leave the session's sequence numbers as they were when it refuses.
struct HostilePeerTests {
    typealias H = SessionStateMachineTests.Harness
    static func sent(_ a: [SessionAction]) -> [String] { SessionStateMachineTests.sent(a) }
    static func disconnects(_ a: [SessionAction]) -> Bool { SessionStateMachineTests.disconnects(a) }
    static func refusals(_ a: [SessionAction]) -> [String] {
        a.compactMap { if case .event(.logonRefused(let r)) = $0 { r } else { nil } }
    }

    // MARK: - HeartBtInt

    @Test(arguments: [768_614_337, 2_147_483_647])
    func hugeHeartBtIntIsAcceptedAndTimersDoNotOverflow(_ value: Int) {
        var h = H()
        let a = h.logon(heartBtInt: value)
        #expect(h.session.isLoggedOn, "\(Self.sent(a))")
        // The timers run for a while without trapping, and nothing is due.
        for _ in 0..<10 {
            h.advance(seconds: 3600)
            let t = h.session.tick(now: h.now)
            #expect(Self.sent(t).isEmpty)
        }
    }

    @Test func heartBtIntAbove32BitsIsRefused() {
        var h = H()
        let a = h.logon(heartBtInt: 2_147_483_648)
        #expect(!h.session.isLoggedOn)
        #expect(Self.sent(a) == ["35=5|34=1|49=ISLD|52=T|56=TW44|58=HeartBtInt must not be greater than 2147483647"])
        #expect(Self.disconnects(a))
        #expect(h.session.nextTargetMsgSeqNum == 1)
    }

    @Test(arguments: [-1, -10])
    func negativeHeartBtIntIsRefusedWithLogout(_ value: Int) {
        var h = H()
        let a = h.logon(heartBtInt: value)
        #expect(!h.session.isLoggedOn)
        #expect(Self.sent(a) == ["35=5|34=1|49=ISLD|52=T|56=TW44|58=HeartBtInt must not be negative"])
        #expect(Self.disconnects(a))
        #expect(Self.refusals(a) == ["HeartBtInt must not be negative"])
        #expect(h.session.nextTargetMsgSeqNum == 1)
    }

    @Test func initiatorRefusesAHugeHeartBtIntInTheAnswer() {
        var h = H(role: .initiator) { $0.heartBtInt = 10 }
        _ = h.session.connected(now: h.now)
        let a = h.receive("A", "98=0|108=99999999999|141=Y|")
        #expect(!h.session.isLoggedOn)
        #expect(Self.disconnects(a))
        _ = h.session.tick(now: h.now)
    }

    @Test func heartbeatTimeoutStillWorksAtTheLargestInterval() {
        var h = H()
        _ = h.logon(heartBtInt: 2_147_483_647)
        // 1.2 x the interval of silence: a TestRequest.
        h.advance(seconds: 2_147_483_647 * 1.2 + 1)
        let t = h.session.tick(now: h.now)
        #expect(Self.sent(t).contains { $0.hasPrefix("35=1|") })
    }

    // MARK: - The first message

    @Test(arguments: ["5", "0", "D", "2", "4"])
    func aFirstMessageThatIsNotALogonChangesNothing(_ msgType: String) {
        var h = H()
        _ = h.session.connected(now: h.now)
        let body = msgType == "D" ? "11=a|21=1|55=X|54=1|60=20240808-12:00:00|40=1|38=1|"
            : msgType == "2" ? "7=1|16=0|" : msgType == "4" ? "36=5|" : ""
        let a = h.receive(msgType, body)
        #expect(Self.sent(a).isEmpty)
        #expect(Self.disconnects(a))
        #expect(h.session.nextTargetMsgSeqNum == 1 && h.session.nextSenderMsgSeqNum == 1)
        _ = h.session.disconnected(now: h.now)
        // The participant then logs on as if nothing happened.
        var fresh = h
        fresh.peerSeq = 1
        let b = fresh.logon()
        #expect(fresh.session.isLoggedOn, "\(Self.sent(b))")
    }

    @Test func logonWithSendingTimeFarOffGetsNoAnswer() {
        var h = H()
        _ = h.session.connected(now: h.now)
        let a = h.receive("A", "98=0|108=30|", sendingTime: UTCTimestamp(year: 2001, month: 1, day: 1)!)
        #expect(Self.sent(a).isEmpty)
        #expect(Self.disconnects(a))
        #expect(h.session.nextTargetMsgSeqNum == 1 && h.session.nextSenderMsgSeqNum == 1)
    }

    @Test func logonWithSendingTimeAtTheEndsOfTheRepresentableYearsDoesNotTrap() {
        for year in [1678, 2261] {
            var h = H()
            _ = h.session.connected(now: h.now)
            let a = h.receive("A", "98=0|108=30|", sendingTime: UTCTimestamp(year: year, month: 1, day: 1)!)
            #expect(Self.sent(a).isEmpty && Self.disconnects(a))
        }
        // Logged on, a message with such a time is a SendingTime accuracy problem.
        var h = H()
        _ = h.logon()
        let a = h.receive("0", sendingTime: UTCTimestamp(year: 1678, month: 1, day: 1)!)
        #expect(Self.sent(a).first?.contains("373=10") == true)
    }

    @Test func logonWithResetFlagAndBadSendingTimeDoesNotResetTheStore() throws {
        var h = H()
        _ = h.logon()
        _ = h.receive("0")
        _ = h.session.disconnected(now: h.now)
        let before = (h.session.nextSenderMsgSeqNum, h.session.nextTargetMsgSeqNum)
        _ = h.session.connected(now: h.now)
        let a = h.receive("A", "98=0|108=30|141=Y|", seq: 1, sendingTime: UTCTimestamp(year: 2001, month: 1, day: 1)!)
        #expect(Self.sent(a).isEmpty && Self.disconnects(a))
        #expect((h.session.nextSenderMsgSeqNum, h.session.nextTargetMsgSeqNum) == before)
    }

    @Test func invalidLogonGetsNoAnswer() {
        var h = H()
        _ = h.session.connected(now: h.now)
        // HeartBtInt (108) is required in a Logon.
        let a = h.receive("A", "98=0|")
        #expect(Self.sent(a).isEmpty)
        #expect(Self.disconnects(a))
        #expect(Self.refusals(a).count == 1)
    }

    @Test func logonWithOtherCompIDsGetsNoAnswer() {
        var h = H()
        _ = h.session.connected(now: h.now)
        let a = h.receive("A", "98=0|108=30|", sender: "WT")
        #expect(Self.sent(a).isEmpty && Self.disconnects(a))
    }

    @Test func resetOnDisconnectIgnoresARefusedConnection() {
        var h = H { $0.resetOnDisconnect = true }
        _ = h.logon()
        _ = h.session.disconnected(now: h.now)
        let sequenceBegan = h.session.store.creationTime
        // A connection whose first message is not a Logon: its close must not start a new
        // sequence (the store's creation time stays).
        h.advance(seconds: 60)
        _ = h.session.connected(now: h.now)
        let a = h.receive("5", seq: 1)
        #expect(Self.disconnects(a))
        _ = h.session.disconnected(now: h.now)
        #expect(h.session.store.creationTime == sequenceBegan)
    }

    // MARK: - Credentials

    static let credentials = LogonCredentials(username: "tw", password: "s3cret")

    @Test func credentialsRequiredOnLogon() {
        for body in ["98=0|108=30|", "98=0|108=30|553=tw|554=wrong|", "98=0|108=30|553=other|554=s3cret|", "98=0|108=30|553=tw|"] {
            var h = H { $0.credentials = Self.credentials }
            _ = h.session.connected(now: h.now)
            let a = h.receive("A", body)
            #expect(Self.sent(a) == ["35=5|34=1|49=ISLD|52=T|56=TW44|58=Invalid username or password"], "\(body)")
            #expect(Self.disconnects(a))
            #expect(!h.session.isLoggedOn)
            #expect(h.session.nextTargetMsgSeqNum == 1)
        }
        var h = H { $0.credentials = Self.credentials }
        _ = h.session.connected(now: h.now)
        _ = h.receive("A", "98=0|108=30|553=tw|554=s3cret|")
        #expect(h.session.isLoggedOn)
    }

    @Test func initiatorSendsItsCredentials() {
        var h = H(role: .initiator) { $0.credentials = Self.credentials }
        let a = h.session.connected(now: h.now)
        #expect(Self.sent(a) == ["35=A|34=1|49=TW44|52=T|56=ISLD|98=0|108=30|553=tw|554=s3cret"])
    }

    @Test func credentialsCompareWholeValues() {
        #expect(Self.credentials.matches(username: "tw", password: "s3cret"))
        #expect(!Self.credentials.matches(username: "tw", password: "s3cre"))
        #expect(!Self.credentials.matches(username: "tw", password: "s3cret!"))
        #expect(!Self.credentials.matches(username: "tw", password: nil))
        #expect(!"\(Self.credentials)".contains("s3cret"))
    }

    // MARK: - Sequence numbers and resends

    @Test func resendRequestFromZeroSendsNothingNumberedZero() {
        var h = H()
        _ = h.logon()
        let a = h.receive("2", "7=0|16=0|")
        let sent = Self.sent(a)
        #expect(!sent.isEmpty)
        #expect(!sent.contains { $0.contains("|34=0|") })
        #expect(sent.allSatisfy { !$0.contains("36=0|") })
    }

    @Test func sequenceResetToAHugeNumberIsRejected() {
        var h = H()
        _ = h.logon()
        let a = h.receive("4", "36=9223372036854775807|", header: "43=Y|122=20240808-12:00:00.000|")
        #expect(Self.sent(a).first?.hasPrefix("35=3|") == true)
        _ = h.receive("0")
        #expect(h.session.isLoggedOn)
    }

    @Test func hugeMsgSeqNumLogsOut() {
        var h = H()
        _ = h.logon()
        let a = h.receive("0", seq: 1 << 55)
        #expect(Self.sent(a).first?.hasPrefix("35=5|") == true)
        #expect(Self.disconnects(a))
    }

    @Test func outOfSequenceBacklogIsBounded() {
        var h = H { $0.maxQueuedMessages = 50 }
        _ = h.logon()
        var last: [SessionAction] = []
        var n = 0
        for seq in 10..<200 {
            last = h.receive("0", seq: seq)
            n = seq
            if Self.disconnects(last) { break }
        }
        #expect(n == 60, "logged out after 50 held messages, at \(n)")
        #expect(Self.sent(last).last?.contains("Too many messages received ahead of sequence") == true)
    }
}
