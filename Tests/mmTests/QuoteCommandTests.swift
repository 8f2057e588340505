import FIXTestSupport
import Foundation
import Testing

/// `mm quote` against `mm exchange` replaying the synthetic market: two processes, one FIX
/// session; the market maker quotes, trades, and sums up.
struct QuoteCommandTests {
    @Test func quotesAgainstTheExchange() throws {
        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = try ExchangeCommandTests.settings(port: port)
        let makerConfig = try Self.makerSettings(port: port)
        let dir = makerConfig.deletingLastPathComponent()

        let exchange = Process()
        exchange.executableURL = try DecodeCommandTests.mmBinary()
        exchange.arguments = ["exchange", "--config", exchangeConfig.path, "--format", "synthetic", "--speed", "20",
                              "--duration", "8"]
        exchange.standardOutput = FileHandle.nullDevice
        exchange.standardError = FileHandle.nullDevice
        try exchange.run()
        defer { if exchange.isRunning { exchange.terminate() } }
        Thread.sleep(forTimeInterval: 1)

        let r = try DecodeCommandTests.run(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01",
                                            "--duration", "4", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8))
                                as? [String: Any], "\(r.stdout)")
        #expect((json["ordersSent"] as? Int ?? 0) >= 10, "\(json)")
        #expect((json["replacesSent"] as? Int ?? 0) > 0)
        #expect(json["venueRejects"] as? Int == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("log/FIX.4.4-MAKER-EXCH.messages.log").path))
        exchange.waitUntilExit()
    }

    /// Killed with SIGKILL while quoting and started again on the same store, the market
    /// maker takes back its state from its journal (position, orders), reconciles with the
    /// venue and quotes on with ClOrdIDs the venue has never seen: no duplicate refused.
    @Test func aKilledMarketMakerGoesOnFromItsJournal() throws {
        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = try ExchangeCommandTests.settings(port: port, extra: "FileStorePath=store\nFileLogPath=log")
        let makerConfig = try Self.makerSettings(port: port, extra: "FileStorePath=store")
        let exchange = RunningMM(["exchange", "--config", exchangeConfig.path, "--format", "synthetic", "--speed", "20",
                                  "--duration", "40"])
        try exchange.start()
        defer { exchange.kill(SIGTERM) }
        #expect(exchange.waitForStdout("listening on port", seconds: 20))

        let first = RunningMM(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01", "--status-interval", "1"])
        try first.start()
        #expect(first.waitForStdout("fills", seconds: 20), "\(first.stderr)")
        Thread.sleep(forTimeInterval: 1.5)
        first.kill(SIGKILL)
        _ = first.wait(seconds: 10)
        let journal = makerConfig.deletingLastPathComponent().appendingPathComponent("store/FIX.4.4-MAKER-EXCH.maker")
        #expect(FileManager.default.fileExists(atPath: journal.path))

        let r = try DecodeCommandTests.run(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01",
                                            "--duration", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("mm quote: state recovered from \(journal.path): position "), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8))
                                as? [String: Any], "\(r.stdout)")
        #expect(json["venueRejects"] as? Int == 0, "a ClOrdID was refused: \(json)")
        #expect((json["ordersSent"] as? Int ?? 0) > 0, "\(json)")
        let venueLog = exchangeConfig.deletingLastPathComponent().appendingPathComponent("log/FIX.4.4-EXCH-MAKER.messages.log")
        let venueMessages = (try? String(contentsOf: venueLog, encoding: .utf8)) ?? ""
        #expect(!venueMessages.isEmpty)
        #expect(!venueMessages.contains("Duplicate ClOrdID"))
    }

    /// Settings for MAKER connecting to `port`, retrying every second, with `extra` keys.
    static func makerSettings(port: Int, extra: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-quote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("maker.cfg")
        try """
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            ReconnectInterval=1
            FileLogPath=log
            \(extra)
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Against an exchange whose TLS certificate has expired: every handshake fails and is
    /// logged at error with the address and the reason; the session's event log has it too;
    /// and having never logged on, mm quote exits 1 and says why.
    @Test(.enabled(if: TestCertificates.openssl != nil, "the openssl command is absent"))
    func anExpiredServerCertificateIsAnErrorAndNotASuccess() throws {
        let certificates = try TestCertificates.make()
        defer { try? FileManager.default.removeItem(at: certificates) }
        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = try ExchangeCommandTests.settings(port: port, extra: """
            SocketUseSSL=Y
            SSLCertificate=\(certificates.appendingPathComponent("expired.pem").path)
            SSLPrivateKey=\(certificates.appendingPathComponent("server.key").path)
            """)
        let makerConfig = try Self.makerSettings(port: port, extra: """
            SocketUseSSL=Y
            SSLCACertificate=\(certificates.appendingPathComponent("ca.pem").path)
            """)
        let exchange = RunningMM(["exchange", "--config", exchangeConfig.path, "--duration", "20"])
        try exchange.start()
        defer { exchange.kill(SIGTERM) }
        #expect(exchange.waitForStdout("listening on port", seconds: 10))

        let r = try DecodeCommandTests.run(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01",
                                            "--duration", "2"])
        #expect(r.status == 1, "\(r.stderr)")
        let errors = r.stderr.split(separator: "\n").filter { $0.contains(" error mm.quote: ") }
        #expect(!errors.isEmpty, "\(r.stderr)")
        for line in errors {
            #expect(line.contains("FIX connection failed: TLS handshake failed") && line.contains("address=127.0.0.1:\(port)")
                    && line.contains("reason=the peer's certificate has expired (not valid after 20240102-00:00:00 UTC)"), "\(line)")
        }
        #expect(r.stderr.contains("mm quote: stopped without having logged on to 127.0.0.1:\(port) as MAKER; last attempt: TLS "
                                  + "handshake failed: the peer's certificate has expired"), "\(r.stderr)")
        let eventLog = makerConfig.deletingLastPathComponent().appendingPathComponent("log/FIX.4.4-MAKER-EXCH.event.log")
        let events = (try? String(contentsOf: eventLog, encoding: .utf8)) ?? ""
        #expect(events.contains("TLS handshake to 127.0.0.1:\(port) failed: the peer's certificate has expired"), "\(events)")
    }

    /// Nothing listening: each refused attempt is logged at error, and mm quote exits 1.
    @Test func aRefusedConnectionIsAnErrorAndNotASuccess() throws {
        let port = ExchangeCommandTests.freePort()
        let makerConfig = try Self.makerSettings(port: port)
        let r = try DecodeCommandTests.run(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01",
                                            "--duration", "1.5"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(" error mm.quote: address=127.0.0.1:\(port) failures=1 reason=Connection refused"), "\(r.stderr)")
        #expect(r.stderr.contains("mm quote: stopped without having logged on to 127.0.0.1:\(port) as MAKER; last attempt: "
                                  + "connection failed: Connection refused"), "\(r.stderr)")
    }
}
