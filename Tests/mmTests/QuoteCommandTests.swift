import Foundation
import Testing

/// `mm quote` against `mm exchange` replaying the synthetic market: two processes, one FIX
/// session; the market maker quotes, trades, and sums up.
struct QuoteCommandTests {
    @Test func quotesAgainstTheExchange() throws {
        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = try ExchangeCommandTests.settings(port: port)
        let dir = exchangeConfig.deletingLastPathComponent()
        let makerConfig = dir.appendingPathComponent("maker.cfg")
        try """
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            ReconnectInterval=1
            FileLogPath=log
            """.write(to: makerConfig, atomically: true, encoding: .utf8)

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
}
