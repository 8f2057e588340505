import FIX
import FIXSessionCore
import FIXTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import FIXTransport

/// Sessions run from settings files: stores, logs and dictionaries as the files name them.
struct FIXEngineTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixengine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func settings(_ text: String, in dir: URL, name: String) throws -> SettingsFile {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try SettingsFile.load(path: path)
    }

    static let exchange = """
        [DEFAULT]
        ConnectionType=acceptor
        SenderCompID=EXCH
        SocketAcceptPort=9880
        FileStorePath=store/exchange
        FileLogPath=log/exchange
        FileStoreSync=never

        [SESSION]
        TargetCompID=MAKER
        """

    static func maker(port: Int) -> String {
        """
        [DEFAULT]
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=\(port)
        ReconnectInterval=1
        FileStorePath=store/maker
        FileLogPath=log/maker

        [SESSION]
        SenderCompID=MAKER
        TargetCompID=EXCH
        """
    }

    /// Starts both sides from their files, logs on, sends an order; stops both; starts them again
    /// from the same files, and the sequence numbers carry on from the stores.
    @Test func sessionsRunFromSettingsFilesAndKeepTheirNumbers() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var exchangeSettings = try Self.settings(Self.exchange, in: dir, name: "exchange.cfg")
        exchangeSettings.sessions[0].socketAcceptPort = 0  // any free port

        var nextMaker = (sender: 0, target: 0)
        for round in 1...2 {
            let exchangeApp = LoopbackSessionTests.Recorder()
            let makerApp = LoopbackSessionTests.Recorder()
            let exchange = try FIXEngine(settings: exchangeSettings, application: exchangeApp, group: group)
            try await exchange.start()
            let port = try #require(exchange.acceptors.first?.localPort)
            let makerSettings = try Self.settings(Self.maker(port: port), in: dir, name: "maker.cfg")
            let maker = try FIXEngine(settings: makerSettings, application: makerApp, group: group)
            try await maker.start()

            #expect(try await LoopbackSessionTests.eventually { makerApp.logons == 1 && exchangeApp.logons == 1 })
            let session = try #require(maker.session(SessionID(senderCompID: "MAKER", targetCompID: "EXCH")))
            if round == 2 {
                // The second run starts where the first one stopped.
                let numbers = try await session.sequenceNumbers().get()
                #expect(numbers.sender == nextMaker.sender + 1)  // its Logon took one
                #expect(numbers.target == nextMaker.target + 1)
            }
            try await session.send(LoopbackSessionTests.order("R\(round)")).get()
            #expect(try await LoopbackSessionTests.eventually { exchangeApp.received == ["R\(round)"] })
            try await maker.stop()
            try await exchange.stop()
            nextMaker = try await session.sequenceNumbers().get()
        }
        // Logon, D, Logout twice; more only when a machine stalled long enough for a heartbeat
        // (the full suite can starve a test for a minute): the numbers carried on either way.
        #expect(nextMaker.sender >= 7)

        // What the settings named is on disk: stores and logs of both sides.
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).sorted()
        #expect(files.contains("store/exchange/FIX.4.4-EXCH-MAKER.body"))
        #expect(files.contains("store/maker/FIX.4.4-MAKER-EXCH.body"))
        let messages = try String(contentsOfFile: dir.appendingPathComponent("log/maker/FIX.4.4-MAKER-EXCH.messages.log").path,
                                  encoding: .utf8)
        #expect(messages.split(separator: "\n").count(where: { $0.contains("\u{01}35=D\u{01}") }) == 2)
        try await group.shutdownGracefully()
    }

    /// What the settings name and cannot be used is an error naming the file, the session's line,
    /// the session and the key.
    @Test func unusableSettingsNameTheirLine() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let app = LoopbackSessionTests.Recorder()

        try "<fix major='4' minor='4'><header>".write(toFile: dir.appendingPathComponent("broken.xml").path,
                                                      atomically: true, encoding: .utf8)
        let badDictionary = try Self.settings("""
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EXCH
            SocketAcceptPort=9880

            [SESSION]
            TargetCompID=MAKER

            [SESSION]
            TargetCompID=OTHER
            DataDictionary=broken.xml
            """, in: dir, name: "dictionary.cfg")
        let e1 = #expect(throws: SettingsError.self) {
            _ = try FIXEngine(settings: badDictionary, application: app, group: group)
        }
        #expect(e1?.line == 9)
        #expect(e1?.key == "DataDictionary")
        #expect(e1?.description.hasPrefix("\(dir.path)/dictionary.cfg:9: session EXCH->OTHER: key 'DataDictionary': ") == true)

        // A store directory that cannot be made: a file is in the way.
        try "x".write(toFile: dir.appendingPathComponent("occupied").path, atomically: true, encoding: .utf8)
        let badStore = try Self.settings("""
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectPort=9880
            FileStorePath=occupied/store
            """, in: dir, name: "store.cfg")
        let e2 = #expect(throws: SettingsError.self) {
            _ = try FIXEngine(settings: badStore, application: app, group: group)
        }
        #expect(e2?.line == 1 && e2?.key == "FileStorePath")
    }
}
