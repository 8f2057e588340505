// The acceptor the FIX 4.4 conformance scripts test, run from the settings file
// Sessions/acceptance.cfg (SenderCompID ISLD, sessions for TW44, TW and
// NO_CHECK_FIELDS_HAVE_VALUES, ResetOnLogon): it echoes NewOrderSingle (D), SecurityDefinition
// (d) and Email (C) back with its own header and drops a NewOrderSingle resent with
// PossResend=Y whose ClOrdID it has already seen.
//
//   fix-at --port PORT [--dictionary PATH] [--settings PATH]
//
// `--port` replaces the settings' SocketAcceptPort (0: any free port, printed); `--dictionary`
// replaces their DataDictionary (default: the built-in Specs/FIX44.xml); `--settings` names
// another settings file (default: Sessions/acceptance.cfg of this checkout).
import FIX
import FIXSessionCore
import FIXTransport
import Foundation
import NIOCore
import NIOPosix

func fail(_ text: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("fix-at: \(text)\n".utf8))
    exit(status)
}

func usage() -> Never {
    fail("usage: fix-at --port PORT [--dictionary PATH] [--settings PATH]")
}

/// Sessions/acceptance.cfg of the checkout this program was built from.
let defaultSettings = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Sessions/acceptance.cfg").standardizedFileURL.path

var port: Int?
var dictionaryPath: String?
var settingsPath = defaultSettings
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--port": port = arguments.popFirst().flatMap(Int.init)
    case "--dictionary": dictionaryPath = arguments.popFirst()
    case "--settings":
        guard let path = arguments.popFirst() else { usage() }
        settingsPath = path
    case "-h", "--help": usage()
    default: usage()
    }
}
guard let port, port >= 0 else { usage() }

var settings: SettingsFile
do {
    settings = try SettingsFile.load(path: settingsPath)
} catch {
    fail("\(error)")
}
for i in settings.sessions.indices {
    settings.sessions[i].socketAcceptPort = port
    if let dictionaryPath { settings.sessions[i].dataDictionary = dictionaryPath }
}
let dictionary: DataDictionary
do {
    dictionary = try dictionaryPath.map { try DataDictionary(contentsOfFile: $0) } ?? DataDictionary.fix44()
} catch {
    fail("\(error)")
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
let engine: FIXEngine
do {
    engine = try FIXEngine(settings: settings, application: EchoApplication(), group: group,
                           supportedMessageTypes: ["D", "d", "C"])
    try await engine.start()
} catch {
    fail("\(error)", status: 1)
}
let ports = engine.acceptors.compactMap(\.localPort).map(String.init).joined(separator: ", ")
FileHandle.standardOutput.write(Data("fix-at listening on 127.0.0.1:\(ports)\n".utf8))
let signals = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
signal(SIGTERM, SIG_IGN)
signals.setEventHandler { exit(0) }
signals.resume()
while true { try await Task.sleep(for: .seconds(3600)) }
