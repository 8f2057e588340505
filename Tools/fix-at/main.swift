// The acceptor the FIX 4.4 conformance scripts test: SenderCompID ISLD, sessions for
// TW44, TW and NO_CHECK_FIELDS_HAVE_VALUES, ResetOnLogon; it echoes NewOrderSingle (D),
// SecurityDefinition (d) and Email (C) back with its own header and drops a NewOrderSingle
// resent with PossResend=Y whose ClOrdID it has already seen.
import FIX
import FIXSession
import FIXTransport
import Foundation
import NIOCore
import NIOPosix

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: fix-at --port PORT [--dictionary PATH]\n".utf8))
    exit(2)
}

var port: Int?
var dictionaryPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--port": port = arguments.popFirst().flatMap(Int.init)
    case "--dictionary": dictionaryPath = arguments.popFirst()
    case "-h", "--help": usage()
    default: usage()
    }
}
guard let port else { usage() }

let dictionary: DataDictionary
do {
    dictionary = try dictionaryPath.map { try DataDictionary(contentsOfFile: $0) } ?? DataDictionary.fix44()
} catch {
    FileHandle.standardError.write(Data("fix-at: \(error)\n".utf8))
    exit(2)
}

/// Echoes D, d and C; drops resent orders already seen.
final class EchoApplication: FIXApplication {
    var seenClOrdIDs = Set<String>()

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        if event == .loggedOn { seenClOrdIDs.removeAll() }
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        let msgType = message.msgType ?? ""
        if msgType == "D", let id = message.string(Tag.clOrdID) {
            if message.bool(Tag.possResend) == true && seenClOrdIDs.contains(id) { return }
            seenClOrdIDs.insert(id)
        }
        // The body in ascending tag order, each repeating group's fields kept after its count.
        var blocks: [(tag: Int32, fields: [FIXField])] = []
        for field in message.fields where !dictionary.isHeaderField(Int(field.tag)) && !dictionary.isTrailerField(Int(field.tag)) {
            if field.depth == 0 || blocks.isEmpty {
                blocks.append((field.tag, [field]))
            } else {
                blocks[blocks.count - 1].fields.append(field)
            }
        }
        let ordered = blocks.enumerated().sorted { ($0.element.tag, $0.offset) < ($1.element.tag, $1.offset) }
        _ = session.send(msgType: msgType, possResend: message.bool(Tag.possResend) == true) { e in
            for (_, block) in ordered {
                for field in block.fields {
                    message.withValue(field) { e.append(Int(field.tag), bytes: $0) }
                }
            }
        }
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let loop = group.next()
let application = EchoApplication()
let now = systemNow()
var sessions: [FIXSession] = []
for target in ["TW44", "TW", "NO_CHECK_FIELDS_HAVE_VALUES"] {
    let id = SessionID(senderCompID: "ISLD", targetCompID: target)
    let checkValues = target == "TW44"
    let configuration = SessionConfiguration(
        sessionID: id, role: .acceptor, resetOnLogon: true,
        validation: ValidationSettings(checkFieldsHaveValues: checkValues),
        supportedMessageTypes: ["D", "d", "C"])
    let machine = SessionStateMachine(configuration: configuration, store: MemoryStore(now: now), dictionary: dictionary)
    sessions.append(FIXSession(machine: machine, log: NullLog(), application: application, eventLoop: loop))
}
let acceptor = FIXAcceptor(sessions: sessions, group: group, port: port)
do {
    try await acceptor.start()
} catch {
    FileHandle.standardError.write(Data("fix-at: cannot listen on port \(port): \(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(Data("fix-at listening on 127.0.0.1:\(acceptor.localPort ?? port)\n".utf8))
let signals = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
signal(SIGTERM, SIG_IGN)
signals.setEventHandler { exit(0) }
signals.resume()
while true { try await Task.sleep(for: .seconds(3600)) }
