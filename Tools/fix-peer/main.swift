// fix-peer: one side of an interoperability run against another FIX 4.4 engine (see
// Tools/interop/run.sh and Tools/interop/peer.cpp, its QuickFIX C++ counterpart).
//
//   fix-peer --role initiator|acceptor --port P [--host 127.0.0.1] --sender ID --target ID
//            --messages N [--store DIR] [--fsync always|never|MS] [--log DIR] [--heartbeat 30]
//            [--disconnect-after K] [--offline-burst B] [--reconnect-interval S] [--timeout S]
//            [--rate MESSAGES_PER_SECOND] [--journal FILE]
//
// Once logged on it sends N NewOrderSingle (D) messages with ClOrdID `<sender>-1` ... `<sender>-N`
// and counts the application messages it receives, expecting ClOrdIDs `<target>-1` ...
// `<target>-N`, each exactly once (a resent message already received is dropped by the session
// layer; one delivered twice counts as a duplicate). With `--disconnect-after K` it drops the
// connection once, without a Logout (`FIXSession.disconnect()`), right after sending the K-th
// message: what was in flight is lost, and it sends up to B (`--offline-burst`, default 100) more
// messages while disconnected, which are only stored. The initiator reconnects by itself (after
// `--reconnect-interval` seconds, default 1); the acceptor waits for the peer to come back. Both
// sides then recover the gaps by ResendRequest.
//
// The acceptor keeps its N-th message back until it has received all N of the initiator's, so
// that the initiator, once it has everything, knows the acceptor has too. The initiator then waits
// for a second of quiet while logged on, sends a Logout and waits for the answer; the acceptor
// answers the initiator's Logout.
//
// It prints `sent N received N duplicates D missing M` last and exits 0 when all N were sent and
// received, none twice, and the session logged out cleanly (the Logout handshake completed); 1
// otherwise, and on timeout (`--timeout`, default 120 s); 2 on a usage error. `--store DIR` keeps
// the sequence numbers and sent messages in a FileStore (fsync policy `--fsync`, default never),
// else in memory; `--log DIR` writes the FIX message and event logs there.
//
// Restarting after a crash (kill -9): with `--store DIR` and `--journal FILE` a new fix-peer
// carries on where the killed one stopped. What was sent is what the store holds (a message is
// stored before it goes out, and the peer gets it back by ResendRequest): the highest ClOrdID
// there is where sending resumes. What was received is in the journal, a line `<MsgSeqNum>
// <ClOrdID>` appended (one write, no buffering) for each message as the application gets it. The
// session delivers at least once: a message delivered just before the crash, whose sequence
// number had not yet reached the store, comes again after the restart with the same MsgSeqNum,
// and the journal tells it apart (counted as `redelivered`, not as a duplicate).
//
// Sending is paced at `--rate` messages a second (default 20000, in batches of 50; 0: as fast as
// the session takes them). Unpaced, the burst that follows a reconnection (thousands of messages
// at once, while the peer is busy answering our ResendRequest) can stall a QuickFIX C++ peer: its
// connection thread, blocked in a send of the resend, stops reading, its receive buffer overflows
// and the TCP connection stalls for many seconds (see Tools/interop/README.md).
import FIX
import FIXSessionCore
import FIXTransport
import Foundation
import NIOCore
import NIOPosix

func fail(_ text: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("fix-peer: \(text)\n".utf8))
    exit(status)
}

func usage() -> Never {
    fail("""
        usage: fix-peer --role initiator|acceptor --port P [--host 127.0.0.1] --sender ID --target ID
                        --messages N [--store DIR] [--fsync always|never|MS] [--log DIR] [--heartbeat 30]
                        [--disconnect-after K] [--offline-burst B] [--reconnect-interval S] [--timeout S]
                        [--rate MESSAGES_PER_SECOND] [--journal FILE]
        """)
}

// MARK: - Options

struct Options {
    var role: ConnectionType
    var host = "127.0.0.1"
    var port: Int
    var sender: String
    var target: String
    var messages: Int
    var storeDirectory: String?
    var fsync = StoreSyncPolicy.never
    var logDirectory: String?
    var heartbeat = 30
    var disconnectAfter: Int?
    var offlineBurst = 100
    var reconnectInterval = 1
    var timeout = 120
    var rate = 20_000
    var journal: String?

    static func parse(_ argv: [String]) -> Options {
        var role: ConnectionType?
        var port: Int?
        var sender: String?
        var target: String?
        var messages: Int?
        var o = Options(role: .initiator, port: 0, sender: "", target: "", messages: 0)
        var arguments = argv[...]
        func value(_ option: String) -> String {
            guard let v = arguments.popFirst() else { fail("\(option) needs a value") }
            return v
        }
        func number(_ option: String, minimum: Int = 0) -> Int {
            let text = value(option)
            guard let n = Int(text), n >= minimum else { fail("bad value for \(option): \(text)") }
            return n
        }
        while let a = arguments.popFirst() {
            switch a {
            case "--role":
                switch value(a) {
                case "initiator": role = .initiator
                case "acceptor": role = .acceptor
                case let other: fail("bad role: \(other) (initiator or acceptor)")
                }
            case "--host": o.host = value(a)
            case "--port": port = number(a, minimum: 1)
            case "--sender": sender = value(a)
            case "--target": target = value(a)
            case "--messages": messages = number(a)
            case "--store": o.storeDirectory = value(a)
            case "--fsync":
                switch value(a) {
                case "always": o.fsync = .always
                case "never": o.fsync = .never
                case let ms:
                    guard let n = Int(ms), n >= 0 else { fail("bad value for --fsync: \(ms)") }
                    o.fsync = .interval(milliseconds: n)
                }
            case "--log": o.logDirectory = value(a)
            case "--heartbeat": o.heartbeat = number(a, minimum: 1)
            case "--disconnect-after": o.disconnectAfter = number(a, minimum: 1)
            case "--offline-burst": o.offlineBurst = number(a)
            case "--reconnect-interval": o.reconnectInterval = number(a, minimum: 1)
            case "--timeout": o.timeout = number(a, minimum: 1)
            case "--rate": o.rate = number(a)
            case "--journal": o.journal = value(a)
            case "-h", "--help": usage()
            default: fail("unknown option: \(a)")
            }
        }
        guard let role, let port, let sender, let target, let messages else { usage() }
        o.role = role
        o.port = port
        o.sender = sender
        o.target = target
        o.messages = messages
        return o
    }
}

// MARK: - The peer

/// Sends, counts and decides when it is over. Everything runs on the session's event loop.
final class Peer: FIXApplication, @unchecked Sendable {
    let options: Options
    let loop: EventLoop
    let store: any MessageStore
    let log: any SessionLog
    let prefix: String
    var session: FIXSession!
    var initiator: FIXInitiator?

    private var total: Int { options.messages }
    /// Messages sent in one go before the event loop gets to read.
    static let batchSize = 50
    private(set) var sent = 0
    private var seen: [Bool]
    private(set) var received = 0
    private(set) var duplicates = 0
    private(set) var unexpected = 0
    /// Messages delivered again after a restart (already in the journal).
    private(set) var redelivered = 0
    /// The journal of received messages, and the highest MsgSeqNum in it.
    private var journal: Int32 = -1
    private var journalSeq = 0
    private var loggedOnOnce = false
    private var pumping = false
    private var disconnected = false
    /// Messages that may still be sent while not logged on (after the forced disconnect).
    private var offlineAllowance = 0
    private var lastActivity = NIODeadline.now()
    private var logoutStarted = false
    private var announcedAllSent = false
    private var cleanLogout = false
    private var finished = false

    init(options: Options, loop: EventLoop, store: any MessageStore, log: any SessionLog) {
        self.options = options
        self.loop = loop
        self.store = store
        self.log = log
        prefix = options.target + "-"
        seen = Array(repeating: false, count: options.messages + 1)
    }

    var missing: Int { total - received }

    /// Picks up after a crash: the messages sent are those in the store, the ones received those
    /// in the journal (which is then kept open for appending).
    func recover(journalPath: String?) {
        if let last = try? store.sentMessages(in: 1...max(1, store.nextSenderMsgSeqNum - 1)) {
            let ours = options.sender + "-"
            for (_, bytes) in last {
                guard let m = try? FIXMessage(bytes: bytes), m.msgType == "D",
                      let id = m.string(Tag.clOrdID), id.hasPrefix(ours),
                      let k = Int(id.dropFirst(ours.count)) else { continue }
                sent = max(sent, min(k, total))
            }
        }
        guard let journalPath else { return }
        if let text = try? String(contentsOfFile: journalPath, encoding: .utf8) {
            // A line cut short by the crash (no newline) is not counted; it is delivered again.
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last.map({ !$0.isEmpty }) ?? false { lines.removeLast() }
            for line in lines where !line.isEmpty {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let seq = Int(parts[0]), parts[1].hasPrefix(prefix),
                      let k = Int(parts[1].dropFirst(prefix.count)), k >= 1, k <= total else {
                    fail("bad journal line in \(journalPath): \(line)", status: 1)
                }
                journalSeq = max(journalSeq, seq)
                if seen[k] { duplicates += 1 } else { seen[k] = true; received += 1 }
            }
        }
        journal = open(journalPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if journal < 0 { fail("cannot open the journal \(journalPath): \(String(cString: strerror(errno)))", status: 1) }
        if sent > 0 || received > 0 { say("recovered: sent \(sent), received \(received) (journal up to MsgSeqNum \(journalSeq))") }
    }

    func say(_ text: String) {
        FileHandle.standardOutput.write(Data("fix-peer \(options.sender): \(text)\n".utf8))
    }

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        lastActivity = .now()
        switch event {
        case .loggedOn:
            say(loggedOnOnce ? "logged on again (sent \(sent), received \(received))" : "logged on")
            loggedOnOnce = true
            pump()
            checkDone()
        case .loggedOut(let text):
            say("logged out\(text.map { ": \($0)" } ?? "") (sent \(sent), received \(received))")
            if logoutStarted || cleanLogout { finish() }
        case .rejected(let refSeqNum, let reason, let business):
            say("\(business ? "business " : "")reject of \(refSeqNum): \(reason)")
        case .logonRefused(let reason):
            say("logon refused: \(reason)")
        case .heartbeat:
            break
        case .note(let text):
            if text == "Received logout response" && logoutStarted {
                cleanLogout = true
            } else if text == "Received logout request" {
                // The peer ends the session: clean for the acceptor, whose peer decides when it is over.
                if options.role == .acceptor { cleanLogout = true } else { say("the acceptor logged out first") }
            }
        }
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        lastActivity = .now()
        guard message.msgType == "D", let id = message.string(Tag.clOrdID), id.hasPrefix(prefix),
              let k = Int(id.dropFirst(prefix.count)), k >= 1, k <= total else {
            unexpected += 1
            if unexpected <= 10 { say("unexpected message: \(message.msgType ?? "?") \(message.string(Tag.clOrdID) ?? "")") }
            return
        }
        if journal >= 0, let seq = message.msgSeqNum {
            if seq <= journalSeq {
                // Had before the crash; its sequence number had not reached the store.
                redelivered += 1
                return
            }
            journalSeq = seq
            let line = Array("\(seq) \(id)\n".utf8)
            let written = line.withUnsafeBytes { write(journal, $0.baseAddress, $0.count) }
            if written != line.count { fail("cannot write the journal: \(String(cString: strerror(errno)))", status: 1) }
        }
        if seen[k] {
            duplicates += 1
            if duplicates <= 10 { say("duplicate: \(id)") }
        } else {
            seen[k] = true
            received += 1
        }
        if received == total {
            if options.role == .acceptor { pump() }
            checkDone()
        }
    }

    /// Sends the next messages, a batch at a time so that reads and timers run in between. The
    /// acceptor keeps its last message back until it has received all of the initiator's: when
    /// the initiator has everything, so has the acceptor, and the Logout may go.
    func pump() {
        guard !pumping, !finished else { return }
        pumping = true
        defer { pumping = false }
        let skippedBefore = session.skippedWrites
        var batch = Self.batchSize
        while sent < total && batch > 0 {
            if options.role == .acceptor && sent == total - 1 && received < total { return }  // pump() again then
            if !session.isLoggedOn {
                guard offlineAllowance > 0 else { return }  // pump() again on the next logon
                offlineAllowance -= 1
            }
            sent += 1
            let order = NewOrderSingle(
                clOrdID: "\(options.sender)-\(sent)", handlInst: .automatedPrivate, symbol: "PEER",
                side: sent % 2 == 0 ? .sell : .buy, transactTime: systemNow(), orderQty: FIXDecimal(100),
                ordType: .limit, price: FIXDecimal(mantissa: 10_000 + Int64(sent % 100), scale: 2))
            session.send(order).whenFailure { error in fail("cannot store a message: \(error)", status: 1) }
            batch -= 1
            if let k = options.disconnectAfter, sent == k, !disconnected {
                disconnected = true
                say("forced disconnect after \(sent) sent, \(received) received")
                session.disconnect()
                offlineAllowance = options.offlineBurst
            }
        }
        if sent < total {
            // Paced (--rate), so that reads run in between and a peer busy with something else (a
            // resend) is not buried under megabytes it cannot read yet. The session holds writes
            // back (and skips them) while the peer does not keep up: then give it more time.
            var pause = options.rate > 0 ? TimeAmount.nanoseconds(Int64(Self.batchSize) * 1_000_000_000 / Int64(options.rate)) : .zero
            if session.skippedWrites > skippedBefore { pause = max(pause, .milliseconds(20)) }
            if pause > .zero {
                loop.scheduleTask(in: pause) { self.pump() }
            } else {
                loop.execute { self.pump() }
            }
        } else {
            if !announcedAllSent {
                announcedAllSent = true
                say("all \(total) sent")
            }
            checkDone()
        }
    }

    /// The initiator logs out once everything has been sent and received and the line has been
    /// quiet for a second while logged on (a ResendRequest of the peer's that is on its way is
    /// answered before the Logout goes out).
    func checkDone() {
        guard options.role == .initiator, !logoutStarted, !finished, sent == total, received == total else { return }
        let quiet = TimeAmount.seconds(1)
        let idle = NIODeadline.now() - lastActivity
        guard session.isLoggedOn, idle >= quiet else {
            loop.scheduleTask(in: max(quiet - idle, .milliseconds(100))) { self.checkDone() }
            return
        }
        logoutStarted = true
        say("all sent and received; logging out")
        initiator?.stop()
    }

    func finish(timedOut: Bool = false) {
        guard !finished else { return }
        finished = true
        log.flush()
        try? store.flush()
        if timedOut { say("timed out") }
        say("logout \(cleanLogout ? "clean" : "not clean")\(unexpected > 0 ? ", \(unexpected) unexpected messages" : ""), "
            + "\(session.skippedWrites) writes held back for the peer, \(redelivered) delivered again after a restart")
        FileHandle.standardOutput.write(
            Data("sent \(sent) received \(received) duplicates \(duplicates) missing \(missing)\n".utf8))
        let ok = !timedOut && cleanLogout && sent == total && received == total && duplicates == 0 && unexpected == 0
        // Let the last bytes (our Logout answer) go out before exiting.
        loop.scheduleTask(in: .milliseconds(200)) {
            exit(ok ? 0 : 1)
        }
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let dictionary: DataDictionary
do {
    dictionary = try DataDictionary.fix44()
} catch {
    fail("cannot load the FIX 4.4 dictionary: \(error)")
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = group.next()
let sessionID = SessionID(senderCompID: options.sender, targetCompID: options.target)
let store: any MessageStore
if let directory = options.storeDirectory {
    do {
        store = try FileStore(directory: directory, sessionID: sessionID, sync: options.fsync, now: systemNow())
    } catch {
        fail("cannot open the store in \(directory): \(error)")
    }
} else {
    store = MemoryStore(now: systemNow())
}
let log: any SessionLog
if let directory = options.logDirectory {
    do {
        log = try FileLog(directory: directory, sessionID: sessionID)
    } catch {
        fail("cannot open the log in \(directory): \(error)")
    }
} else {
    log = NullLog()
}

let peer = Peer(options: options, loop: loop, store: store, log: log)
peer.recover(journalPath: options.journal)
let configuration = SessionConfiguration(sessionID: sessionID, role: options.role, heartBtInt: options.heartbeat)
let machine = SessionStateMachine(configuration: configuration, store: store, dictionary: dictionary)
let session = FIXSession(machine: machine, log: log, application: peer, eventLoop: loop)
peer.session = session

loop.scheduleTask(in: .seconds(Int64(options.timeout))) { peer.finish(timedOut: true) }

switch options.role {
case .initiator:
    let initiator = FIXInitiator(session: session, group: group, host: options.host, port: options.port,
                                 reconnectInterval: .seconds(Int64(options.reconnectInterval)))
    loop.execute {
        peer.initiator = initiator
        initiator.start()
    }
    peer.say("connecting to \(options.host):\(options.port)")
case .acceptor:
    let acceptor = FIXAcceptor(sessions: [session], group: group, host: options.host, port: options.port)
    do {
        try await acceptor.start()
    } catch {
        fail("cannot listen on \(options.host):\(options.port): \(error)", status: 1)
    }
    peer.say("listening on \(options.host):\(acceptor.localPort ?? options.port)")
}
while true { try await Task.sleep(for: .seconds(3600)) }
