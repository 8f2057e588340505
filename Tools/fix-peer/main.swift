// fix-peer: one side of an interoperability run against another FIX 4.4 engine (see
// Tools/interop/run.sh and Tools/interop/peer.cpp, its QuickFIX C++ counterpart).
//
//   fix-peer --role initiator|acceptor --port P [--host 127.0.0.1] --sender ID --target ID
//            --messages N [--store DIR] [--fsync always|never|MS] [--log DIR] [--heartbeat 30]
//            [--disconnect-after K] [--offline-burst B] [--reconnect-interval S] [--timeout S]
//
// Once logged on it sends N NewOrderSingle (D) messages with ClOrdID `<sender>-1` ... `<sender>-N`
// and counts the application messages it receives, expecting ClOrdIDs `<target>-1` ...
// `<target>-N`, each exactly once. With `--disconnect-after K` it cuts the TCP connection once,
// without a Logout, right after sending the K-th message: what was in flight is lost, and it
// sends up to B (`--offline-burst`, default 100) more messages while disconnected, which are only
// stored. The initiator reconnects by itself (every `--reconnect-interval` seconds, default 1);
// the acceptor waits for the peer to come back. Both sides then recover the gaps with
// ResendRequest. When everything has been sent and received, the initiator waits for a second of
// quiet (so a ResendRequest still on its way is answered before), sends a Logout and waits for
// the answer; the acceptor answers the peer's Logout.
//
// It prints `sent N received N duplicates D missing M` last and exits 0 when all N were received,
// none twice, and the session logged out cleanly (the Logout handshake completed); 1 otherwise,
// and on timeout (`--timeout`, default 120 s); 2 on a usage error.
import FIX
import FIXSession
import FIXTransport
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

func fail(_ text: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("fix-peer: \(text)\n".utf8))
    exit(status)
}

func usage() -> Never {
    fail("""
        usage: fix-peer --role initiator|acceptor --port P [--host 127.0.0.1] --sender ID --target ID
                        --messages N [--store DIR] [--fsync always|never|MS] [--log DIR] [--heartbeat 30]
                        [--disconnect-after K] [--offline-burst B] [--reconnect-interval S] [--timeout S]
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

// MARK: - Forced disconnect

/// The local and remote ports of socket `fd`, nil when it is not a connected IPv4/IPv6 socket.
func ports(of fd: Int32) -> (local: Int, remote: Int)? {
    func port(_ get: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { get(fd, $0, &length) }
        } == 0
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default:
            return nil
        }
    }
    guard let local = port({ getsockname($0, $1, $2) }), let remote = port({ getpeername($0, $1, $2) }) else { return nil }
    return (local, remote)
}

/// Cuts this process's FIX connection on `port` without a Logout: shutdown(2) of the connected
/// socket (the transport then sees the connection end, as for a network failure; the peer sees it
/// closed). The transport keeps its channels to itself, so the socket is found among the process's
/// file descriptors: the initiator's is connected to `port`, the acceptor's accepted on it.
/// Returns how many sockets were cut.
func cutConnection(role: ConnectionType, port: Int) -> Int {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return 0 }
    var cut = 0
    for entry in entries {
        guard let fd = Int32(entry), let p = ports(of: fd) else { continue }
        let matches = role == .initiator ? p.remote == port : p.local == port
        if matches && shutdown(fd, Int32(SHUT_RDWR)) == 0 { cut += 1 }
    }
    return cut
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
    private(set) var sent = 0
    private var seen: [Bool]
    private(set) var received = 0
    private(set) var duplicates = 0
    private(set) var unexpected = 0
    private var loggedOnOnce = false
    private var pumping = false
    private var disconnected = false
    /// Messages that may still be sent while not logged on (after the forced disconnect).
    private var offlineAllowance = 0
    private var lastActivity = NIODeadline.now()
    private var logoutStarted = false
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
        if seen[k] {
            duplicates += 1
            if duplicates <= 10 { say("duplicate: \(id)") }
        } else {
            seen[k] = true
            received += 1
        }
        if received == total { checkDone() }
    }

    /// Sends the next messages, a batch at a time so that reads and timers run in between.
    func pump() {
        guard !pumping, !finished else { return }
        pumping = true
        defer { pumping = false }
        var batch = 200
        while sent < total && batch > 0 {
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
                let cut = cutConnection(role: options.role, port: options.port)
                say("forced disconnect after \(sent) sent, \(received) received (\(cut) socket\(cut == 1 ? "" : "s") cut)")
                offlineAllowance = options.offlineBurst
            }
        }
        if sent < total {
            loop.execute { self.pump() }
        } else {
            say("all \(total) sent")
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
        say("logout \(cleanLogout ? "clean" : "not clean")\(unexpected > 0 ? ", \(unexpected) unexpected messages" : "")")
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
