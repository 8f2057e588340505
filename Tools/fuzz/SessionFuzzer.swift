// Fuzz target `session`: the session state machine (acceptor or initiator, MemoryStore), driven
// by a sequence of events read from the fuzz input.
//
// The input is read as choices (see FuzzInput): first the configuration (role, resets,
// persistence, validation, SendingTime accuracy, resend chunk size, heartbeat interval,
// supported message types, a schedule, an authentication hook and a resend veto), then events
// until the input ends:
//
//   connected, disconnected, tick (the clock moves by a chosen step, forward or a little back),
//   received (a mostly valid message built from choices: MsgType A 0 1 2 3 4 5 D 8 j V ...,
//   MsgSeqNum in or out of sequence or any number, SendingTime near the clock or at the edges,
//   CompIDs and BeginString right or wrong, PossDupFlag, OrigSendingTime, ResetSeqNumFlag,
//   HeartBtInt, BeginSeqNo/EndSeqNo, NewSeqNo, GapFillFlag, TestReqID, extra fields),
//   received (raw bytes), send (an application message), logout, testRequest, heartbeat,
//   persistTarget.
//
// The harness acts as the transport does: it performs `.persistTarget` by calling
// persistTarget(), and after `.disconnect` it reports the connection closed (disconnected)
// unless the configuration says the close comes later. Every message the session sends must be
// exactly one well-framed FIX message, the next sequence numbers stay at 1 or more, and the
// session is never logged on without a connection: anything else stops the run.
//
// Nothing is stepped around: the overflows found so far (README.md, "Findings") are fixed, and
// every input reaches the session.
import FIX
import FIXSessionCore
import Foundation

let second: Int64 = 1_000_000_000

final class SessionTarget {
    let dictionary: DataDictionary
    /// FUZZ_TRACE=1: each event and message on standard error, to read a reproducer.
    let trace: Bool
    let start = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12)!
    let latest = UTCTimestamp(year: 2261, month: 12, day: 31, hour: 23, minute: 59, second: 59)!

    init() {
        dictionary = loadDictionary()
        trace = ProcessInfo.processInfo.environment["FUZZ_TRACE"] == "1"
    }

    func log(_ text: @autoclosure () -> String) {
        if trace { FileHandle.standardError.write(Data((text() + "\n").utf8)) }
    }

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }

    // One run's state.
    var session: SessionStateMachine!
    var now = UTCTimestamp(nanosecondsSinceEpoch: 0)
    /// The peer's next MsgSeqNum as the peer sees it.
    var peerSeq = 1
    var closeOnDisconnect = true

    func run(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        now = start
        peerSeq = 1
        configure(&input)
        var events = 0
        while !input.isAtEnd && events < 400 {
            events += 1
            step(&input)
            if session.nextSenderMsgSeqNum < 1 || session.nextTargetMsgSeqNum < 1 {
                propertyFailed("sequence numbers below 1: sender \(session.nextSenderMsgSeqNum), target \(session.nextTargetMsgSeqNum)")
            }
            if session.isLoggedOn && !session.isConnected { propertyFailed("logged on without a connection") }
        }
        session = nil
    }

    func configure(_ input: inout FuzzInput) {
        let a = input.byte(), b = input.byte(), c = input.byte()
        let role: ConnectionType = a & 1 != 0 ? .initiator : .acceptor
        let id = role == .acceptor ? SessionID(senderCompID: "ISLD", targetCompID: "TW44")
            : SessionID(senderCompID: "TW44", targetCompID: "ISLD")
        var configuration = SessionConfiguration(sessionID: id, role: role)
        configuration.resetOnLogon = a & 2 != 0
        configuration.resetOnLogout = a & 4 != 0
        configuration.resetOnDisconnect = a & 8 != 0
        configuration.persistMessages = a & 16 == 0
        configuration.useDataDictionary = a & 0xE0 != 0xE0  // off one time in eight
        configuration.sendingTimeAccuracy = b & 1 != 0 ? nil : 120
        configuration.resendRequestChunkSize = b & 2 != 0 ? Int(b >> 5) : 0
        configuration.heartBtInt = [30, 1, 2, 10, 60, 0, 5, 3600][Int((b >> 2) & 7)]
        configuration.validation = ValidationSettings(checkFieldsOutOfOrder: c & 1 == 0, checkFieldsHaveValues: c & 2 == 0,
                                                      checkUserDefinedFields: c & 4 == 0)
        configuration.supportedMessageTypes = c & 8 != 0 ? ["D", "F", "G"] : nil
        if c & 16 != 0 {
            // A daily schedule: the clock (12:00 at the start) may run out of it.
            let startHour = Int(input.byte() % 24), endHour = Int(input.byte() % 24)
            configuration.schedule = SessionSchedule(.daily(start: TimeOfDay(hour: startHour, minute: 0)!,
                                                            end: TimeOfDay(hour: endHour, minute: 30)!))
        }
        closeOnDisconnect = c & 32 == 0
        let store = MemoryStore(now: UTCTimestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch - Int64(input.byte()) * 3600 * second))
        session = SessionStateMachine(configuration: configuration, store: store, dictionary: dictionary)
        log("config: \(role) \(configuration)")
        if c & 64 != 0 {
            session.authenticate = { m in m.string(Tag.password) == "bad" ? "Invalid username or password" : nil }
        }
        if c & 128 != 0 {
            session.allowResend = { m in (m.msgSeqNum ?? 0) % 2 == 0 }
        }
    }

    func step(_ input: inout FuzzInput) {
        let op = input.byte() % 16
        log("event \(op) at \(now)")
        switch op {
        case 0:
            perform(session.connected(now: now))
        case 1:
            perform(session.disconnected(now: now))
        case 2, 3:
            advance(&input)
            perform(session.tick(now: now))
        case 4, 5, 6, 7, 8:
            receive(buildMessage(&input))
        case 9:
            // Raw bytes, or a message built with a field or two mangled.
            if input.bool() {
                receive(input.blob())
            } else {
                var m = buildMessage(&input)
                let edits = Int(input.byte() % 4) + 1
                for _ in 0..<edits where !m.isEmpty {
                    let at = Int(input.uint(2)) % m.count
                    m[at] = input.byte()
                }
                receive(m)
            }
        case 10:
            let possResend = input.bool()
            let clOrdID = "C\(input.byte())"
            do {
                perform(try session.send(msgType: "D", possResend: possResend, now: now) { e in
                    e.append(Tag.clOrdID, clOrdID)
                    e.append(Tag.handlInst, "1")
                    e.append(Tag.symbol, "BTCUSDT")
                    e.append(Tag.side, "1")
                    e.append(Tag.transactTime, self.now)
                    e.append(Tag.orderQty, 1)
                    e.append(Tag.ordType, "1")
                })
            } catch {
                _ = error.description
            }
        case 11:
            perform(session.logout(text: input.bool() ? "bye" : nil, now: now))
        case 12:
            perform(session.testRequest(id: "T\(input.byte())", now: now))
        case 13:
            perform(session.heartbeat(now: now))
        case 14:
            perform(session.persistTarget())
        default:
            // A peer that answers in sequence: the next message carries the number expected.
            peerSeq = session.nextTargetMsgSeqNum
            receive(buildMessage(&input))
        }
    }

    /// Moves the clock by a chosen step (a little backward sometimes, as wall clocks do); it
    /// stays inside the years UTCTimestamp can hold.
    func advance(_ input: inout FuzzInput) {
        let steps: [Int64] = [0, 1_000_000, 100_000_000, second, 2 * second, 5 * second, 10 * second, 12 * second,
                              30 * second, 36 * second, 60 * second, 120 * second, 3600 * second, 86_400 * second,
                              -second, -1]
        let b = input.byte()
        var delta = steps[Int(b % 16)]
        if b >= 240 { delta = Int64(truncatingIfNeeded: input.uint(6)) }
        let (t, overflow) = now.nanosecondsSinceEpoch.addingReportingOverflow(delta)
        if overflow || t > latest.nanosecondsSinceEpoch || t < start.nanosecondsSinceEpoch - 86_400 * second { return }
        now = UTCTimestamp(nanosecondsSinceEpoch: t)
    }

    static let msgTypes = ["A", "0", "1", "2", "3", "4", "5", "D", "8", "j", "V", "F", "G", "A", "0", "4"]

    /// A message from the peer, mostly as a correct peer would write it, with choices that make
    /// it wrong in the ways the session protocol has rules for.
    func buildMessage(_ input: inout FuzzInput) -> [UInt8] {
        let kind = input.byte()
        let msgType = kind >= 240 ? String(decoding: input.blob(limit: 3), as: UTF8.self) : Self.msgTypes[Int(kind % 16)]
        let flags = input.byte(), flags2 = input.byte()
        let id = session.configuration.sessionID

        // MsgSeqNum.
        let seqChoice = input.byte()
        var seq: Int
        switch seqChoice % 8 {
        case 0, 1, 2, 3:
            seq = peerSeq
            peerSeq &+= 1
        case 4: seq = peerSeq &+ 1 &+ Int(input.byte() % 16)
        case 5: seq = peerSeq &- 1 &- Int(input.byte() % 16)
        case 6: seq = input.number()
        default:
            seq = session.nextTargetMsgSeqNum
            peerSeq = seq &+ 1
        }

        var body: [UInt8] = []
        appendField(&body, Tag.msgType, msgType)
        appendField(&body, Tag.msgSeqNum, flags2 & 0x80 != 0 && seqChoice >= 0xF0 ? Array(input.blob(limit: 24)) : Array(String(seq).utf8))
        appendField(&body, Tag.senderCompID, flags & 1 != 0 && flags2 & 1 != 0 ? "WRONG" : id.targetCompID)
        if flags & 2 == 0 || flags2 & 2 == 0 { appendField(&body, Tag.sendingTime, sendingTime(&input)) }
        appendField(&body, Tag.targetCompID, flags & 4 != 0 && flags2 & 4 != 0 ? "WRONG" : id.senderCompID)
        if flags & 8 != 0 { appendField(&body, Tag.possDupFlag, flags2 & 8 != 0 ? "Y" : "N") }
        if flags & 16 != 0 { appendField(&body, Tag.origSendingTime, sendingTime(&input)) }
        if flags & 32 != 0 && msgType == "D" { appendField(&body, Tag.possResend, "Y") }

        switch msgType {
        case "A":
            appendField(&body, Tag.encryptMethod, "0")
            let heartBtInt = flags2 & 16 != 0 ? input.number() : Int(input.byte() % 61)
            appendField(&body, Tag.heartBtInt, String(heartBtInt))
            if flags & 64 != 0 { appendField(&body, Tag.resetSeqNumFlag, flags2 & 32 != 0 ? "Y" : "N") }
            if flags & 128 != 0 { appendField(&body, Tag.password, flags2 & 64 != 0 ? "bad" : "good") }
        case "1":
            appendField(&body, Tag.testReqID, "R\(input.byte())")
        case "0":
            if flags & 64 != 0 { appendField(&body, Tag.testReqID, "T\(input.byte())") }
        case "2":
            appendField(&body, Tag.beginSeqNo, String(flags & 64 != 0 ? input.number() : Int(input.byte() % 8)))
            appendField(&body, Tag.endSeqNo, String(flags & 128 != 0 ? input.number() : Int(input.byte() % 8)))
        case "4":
            if flags & 64 != 0 { appendField(&body, Tag.gapFillFlag, flags2 & 32 != 0 ? "Y" : "N") }
            let newSeqNo = flags & 128 != 0 ? input.number() : peerSeq &+ Int(input.byte() % 8) &- 2
            appendField(&body, Tag.newSeqNo, String(newSeqNo))
        case "3":
            appendField(&body, Tag.refSeqNum, String(input.number()))
            if flags & 64 != 0 { appendField(&body, Tag.sessionRejectReason, String(input.byte() % 20)) }
        case "5":
            if flags & 64 != 0 { appendField(&body, Tag.text, "done") }
        case "D":
            appendField(&body, Tag.clOrdID, "C\(input.byte())")
            appendField(&body, Tag.handlInst, "1")
            appendField(&body, Tag.symbol, "BTCUSDT")
            appendField(&body, Tag.side, "1")
            appendField(&body, Tag.transactTime, now.description)
            appendField(&body, Tag.orderQty, "1")
            appendField(&body, Tag.ordType, "1")
        default:
            break
        }
        // Extra fields: repeated, misplaced, undefined, empty or out of format.
        let extras = flags2 & 0x40 != 0 ? Int(input.byte() % 4) : 0
        for _ in 0..<extras {
            let tag = Self.extraTags[Int(input.byte()) % Self.extraTags.count]
            appendField(&body, tag, input.blob(limit: 32).map { $0 == 1 ? 2 : $0 })
        }
        let beginString = flags & 1 != 0 && flags2 & 16 != 0 ? "FIX.4.2" : id.beginString
        return framedMessage(beginString: Array(beginString.utf8), body: body)
    }

    static let extraTags = [Tag.msgSeqNum, Tag.sendingTime, Tag.possDupFlag, Tag.origSendingTime, Tag.heartBtInt,
                            Tag.resetSeqNumFlag, Tag.testReqID, Tag.beginSeqNo, Tag.endSeqNo, Tag.newSeqNo,
                            Tag.gapFillFlag, Tag.text, Tag.senderCompID, Tag.targetCompID, 115, 128, 97, 369, 5000, 9999,
                            0, 1, 58, 212, 213, 95, 96, 55, 44, 38]

    /// A SendingTime: the clock, a little off, far off, at the edges of the representable
    /// years, or any bytes.
    func sendingTime(_ input: inout FuzzInput) -> [UInt8] {
        let b = input.byte()
        var t = now.nanosecondsSinceEpoch
        switch b % 8 {
        case 0, 1, 2: break
        case 3: t &+= Int64(Int(input.byte()) - 128) * second
        case 4: t &+= Int64(truncatingIfNeeded: input.number()) &* second
        case 5:
            let edges = ["16780101-00:00:00", "22611231-23:59:59.999999999", "19700101-00:00:00", "20240808-12:00:60",
                         "16780101-00:00:00.000000001", "22611231-23:59:60", "20000229-00:00:00.000", "99991231-23:59:59"]
            return Array(edges[Int(input.byte() % 8)].utf8)
        case 6: return input.blob(limit: 30).map { $0 == 1 ? 2 : $0 }
        default: t &+= Int64(input.uint(4))
        }
        var out: [UInt8] = []
        UTCTimestamp(nanosecondsSinceEpoch: t, fractionDigits: Int8([0, 3, 6, 9][Int(b >> 6)])).write(into: &out)
        return out
    }

    func receive(_ bytes: [UInt8]) {
        log("  received \(Self.show(bytes))")
        perform(session.received(bytes, now: now))
    }

    /// Does what the transport does with the actions.
    func perform(_ actions: [SessionAction]) {
        var disconnect = false
        for action in actions {
            switch action {
            case .send(let bytes):
                log("  sent \(Self.show(bytes))")
                if !isOneFramedMessage(bytes) {
                    propertyFailed("the session sent bytes that are not one well-framed message: \(String(decoding: bytes.map { $0 == 1 ? 124 : $0 }, as: UTF8.self))")
                }
            case .deliver(let m):
                _ = m.msgType
            case .persistTarget:
                perform(session.persistTarget())
            case .event(let e):
                log("  event \(e)")
            case .disconnect:
                log("  disconnect")
                disconnect = true
            }
        }
        session.recycle(actions)
        if disconnect && closeOnDisconnect { perform(session.disconnected(now: now)) }
    }
}

nonisolated(unsafe) private var target: SessionTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if target == nil { target = SessionTarget() }
    target!.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
