import FIX
import FIXSessionCore
import Foundation
import Testing

/// What the session fuzz target (Tools/fuzz, target `session`) found, each as the plain bytes a
/// peer sends. A finding that traps would take the whole test process down, so each runs as an
/// exit test: its body runs in a child process that must exit normally, after checking the
/// session's answer (exit code 1 when the answer is wrong, a crash when it still traps).
struct FuzzFindingsTests {
    /// `|` read as SOH.
    static func wire(_ text: String) -> [UInt8] {
        Array(text.utf8).map { $0 == UInt8(ascii: "|") ? 1 : $0 }
    }

    /// The clock of every case: 2024-08-08 12:00:00 UTC.
    static let now = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12)!

    /// An acceptor ISLD for TW44 with a memory store and the default configuration (SendingTime
    /// accuracy 120 s, dictionary validation unless `useDataDictionary` is false), connected at
    /// ``now``.
    static func connectedAcceptor(useDataDictionary: Bool = true) -> SessionStateMachine {
        let id = SessionID(senderCompID: "ISLD", targetCompID: "TW44")
        let configuration = SessionConfiguration(sessionID: id, role: .acceptor, useDataDictionary: useDataDictionary)
        var session = SessionStateMachine(configuration: configuration, store: MemoryStore(now: now),
                                          dictionary: try! DataDictionary.fix44())
        _ = session.connected(now: now)
        return session
    }

    /// The MsgTypes (35) and SessionRejectReasons (373) of the messages sent.
    static func sent(_ actions: [SessionAction]) -> [(msgType: String, rejectReason: Int?)] {
        actions.compactMap { action in
            guard case .send(let bytes) = action, let m = try? FIXMessage(bytes: bytes) else { return nil }
            return (m.msgType ?? "", m.int(Tag.sessionRejectReason))
        }
    }

    /// Finding 1. A Logon whose SendingTime (52) is early in 1678, a valid UTCTimestamp the
    /// validator accepts: `now - sendingTime` in nanoseconds is about 1.09e19, past Int64.max,
    /// and the SendingTime accuracy check traps on the overflow
    /// (SessionStateMachine.verify, `abs(now.nanosecondsSinceEpoch - sendingTime.nanosecondsSinceEpoch)`).
    /// Any peer can crash an acceptor this way before it has logged on. Expected instead: the
    /// answer to any Logon whose SendingTime is outside the accuracy window, the one a Logon
    /// two hours off gets (none: the connection is closed, as the FIX 4.4 acceptance script 1d
    /// expects), and no logon.
    @Test func sendingTimeFarInThePastDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            var reference = FuzzFindingsTests.connectedAcceptor()
            let twoHoursOff = reference.received(FuzzFindingsTests.wire(
                "8=FIX.4.4|9=59|35=A|34=1|49=TW44|52=20240808-10:00:00|56=ISLD|98=0|108=30|10=110|"),
                now: FuzzFindingsTests.now)
            var session = FuzzFindingsTests.connectedAcceptor()
            let in1678 = session.received(FuzzFindingsTests.wire(
                "8=FIX.4.4|9=59|35=A|34=1|49=TW44|52=16780101-00:00:00|56=ISLD|98=0|108=30|10=109|"),
                now: FuzzFindingsTests.now)
            let expected = FuzzFindingsTests.sent(twoHoursOff)
            let answer = FuzzFindingsTests.sent(in1678)
            let closes: ([SessionAction]) -> Bool = { $0.contains { if case .disconnect = $0 { true } else { false } } }
            guard closes(twoHoursOff), closes(in1678),
                  answer.map(\.msgType) == expected.map(\.msgType),
                  answer.map(\.rejectReason) == expected.map(\.rejectReason),
                  !session.isLoggedOn else { exit(1) }
        }
    }

    /// Finding 2. With UseDataDictionary=N nothing bounds a sequence number the peer writes: a
    /// SequenceReset (reset mode) with NewSeqNo (36) = Int.max sets the next expected MsgSeqNum
    /// to Int.max (SessionStateMachine.nextSequenceReset, `setTarget(newSeqNo)`; the store only
    /// refuses numbers below 1), and the next message, with MsgSeqNum Int.max, is in sequence:
    /// moving the target past it overflows (SessionStateMachine.incrementTarget,
    /// `expectedTarget + 1`). A logged-on peer crashes the session with two messages. (With the
    /// dictionary, SEQNUM values have at most 18 digits, and the increment fits.) Expected: no
    /// trap; how the session refuses a sequence number it cannot count past is the fix's choice.
    @Test func sequenceResetToIntMaxWithoutDictionaryDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            var session = FuzzFindingsTests.connectedAcceptor(useDataDictionary: false)
            let now = FuzzFindingsTests.now
            _ = session.received(FuzzFindingsTests.wire(
                "8=FIX.4.4|9=59|35=A|34=1|49=TW44|52=20240808-12:00:00|56=ISLD|98=0|108=30|10=112|"), now: now)
            guard session.isLoggedOn else { exit(1) }
            _ = session.received(FuzzFindingsTests.wire(
                "8=FIX.4.4|9=70|35=4|34=2|49=TW44|52=20240808-12:00:00|56=ISLD|36=9223372036854775807|10=211|"), now: now)
            _ = session.received(FuzzFindingsTests.wire(
                "8=FIX.4.4|9=65|35=0|34=9223372036854775807|49=TW44|52=20240808-12:00:00|56=ISLD|10=250|"), now: now)
            _ = session.tick(now: now)
        }
    }
}
