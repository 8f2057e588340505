import Foundation
import Testing

/// `mm exchange` run as a user would: errors name what is wrong; a run starts, reports and stops.
struct ExchangeCommandTests {
    static func run(_ arguments: [String]) throws -> DecodeCommandTests.Result {
        try DecodeCommandTests.run(["exchange"] + arguments)
    }

    static func settings(port: Int, extra: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-exchange-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("exchange.cfg")
        try """
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EXCH
            SocketAcceptPort=\(port)
            \(extra)
            [SESSION]
            TargetCompID=MAKER
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A free local port (bound, then released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func badOptionsAndSettingsAreNamed() throws {
        let rc = try Self.run(["--rc", "1.5"])
        #expect(rc.status == 64 && rc.stderr.contains("--rc must be between 0 and 1"))
        let speed = try Self.run(["--speed", "fast"])
        #expect(speed.status == 64 && speed.stderr.contains("--speed"))
        let data = try Self.run(["--data", "x.csv"])
        #expect(data.status == 64 && data.stderr.contains("--data needs --format"))
        let file = try Self.settings(port: 9880, extra: "HeartBtInt=often")
        let bad = try Self.run(["--config", file.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(file.path):5: key 'HeartBtInt'"), "\(bad.stderr)")
        let missing = try Self.run(["--config", try Self.settings(port: 9880).path, "--format", "trades", "--data", "/nonexistent.csv",
                                    "--symbol", "X", "--tick-size", "0.5"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent.csv: cannot open"), "\(missing.stderr)")
    }

    /// Killed with SIGKILL while a market maker's orders work, and started again on the same
    /// store: the venue says what it recovered, and each order it had working is reported to the
    /// market maker as canceled by the restart once it has logged on again (none is dropped
    /// without a word).
    @Test func aKilledVenueReportsTheOrdersItDropped() throws {
        let port = Self.freePort()
        let exchangeConfig = try Self.settings(port: port, extra: "FileStorePath=store\nFileLogPath=log")
        let dir = exchangeConfig.deletingLastPathComponent()
        let makerConfig = try QuoteCommandTests.makerSettings(port: port, extra: "FileStorePath=store")
        let arguments = ["exchange", "--config", exchangeConfig.path, "--format", "synthetic", "--speed", "20",
                         "--duration", "40", "--status-interval", "1"]
        let first = RunningMM(arguments)
        try first.start()
        defer { first.kill(SIGTERM) }
        #expect(first.waitForStdout("listening on port", seconds: 20))
        let maker = RunningMM(["quote", "--config", makerConfig.path, "--symbol", "SYNTH", "--tick-size", "0.01",
                               "--status-interval", "1", "--duration", "40"])
        try maker.start()
        defer { maker.kill(SIGTERM) }
        #expect(maker.waitForStdout("fills", seconds: 20), "\(maker.stderr)")
        first.kill(SIGKILL)
        _ = first.wait(seconds: 10)

        let journal = dir.appendingPathComponent("store/EXCH.venue").path
        let second = RunningMM(arguments)
        try second.start()
        defer { second.kill(SIGTERM) }
        let recovered = "mm exchange: venue state recovered from \(journal): 1 participants, "
        #expect(second.waitForStdout(recovered, seconds: 20), "\(second.stdout)\n\(second.stderr)")
        let line = second.stdout.split(separator: "\n").first { $0.hasPrefix(recovered) } ?? ""
        let working = Int(line.dropFirst(recovered.count).prefix { $0.isNumber }) ?? -1
        #expect(working > 0, "\(line)")

        // The market maker logs on again and hears of each of them (the OrderIDs of the reports
        // in the venue's message log; a report sent again on a ResendRequest counts once).
        let logs = dir.appendingPathComponent("log")
        func restartCancels() -> Int {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
            var orderIDs = Set<Substring>()
            for name in files where name.contains("EXCH-MAKER.messages") {
                let text = (try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") where line.contains("\u{01}58=Canceled: the venue restarted\u{01}") {
                    if let field = line.split(separator: "\u{01}").first(where: { $0.hasPrefix("37=") }) { orderIDs.insert(field) }
                }
            }
            return orderIDs.count
        }
        let deadline = Date().addingTimeInterval(20)
        while restartCancels() < working && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(restartCancels() == working, "\(maker.stdout)\n\(maker.stderr)")
    }

    @Test func runsAndStops() throws {
        let file = try Self.settings(port: Self.freePort())
        let r = try Self.run(["--config", file.path, "--format", "synthetic", "--speed", "max", "--duration", "1.5",
                              "--status-interval", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("listening on port"))
        #expect(r.stdout.contains("for EXCH->MAKER"))
        #expect(r.stdout.contains("status: sessions 0/1 logged on, orders 0, fills 0, rejects 0, replay"))
        #expect(r.stdout.contains("stopping:"))
    }

    /// The correlated market of three instruments, a book each: two market makers quote two of
    /// them over their own sessions and both trade; a bad combination of options is refused.
    @Test func replaysSeveralInstruments() throws {
        let port = Self.freePort()
        let config = try Self.settings(port: port)
        try (try String(contentsOf: config, encoding: .utf8) + "\n[SESSION]\nTargetCompID=MAKER2\n").write(to: config, atomically: true, encoding: .utf8)
        let exchange = RunningMM(["exchange", "--config", config.path, "--correlated", "--speed", "50", "--duration", "60",
                                  "--status-interval", "1"])
        try exchange.start()
        defer { exchange.kill(SIGTERM) }
        #expect(exchange.waitForStdout("listening on port", seconds: 30))
        #expect(exchange.stdout.contains("replaying correlated market (seed 1, 5 days, correlation 0.6): ALPHA, BETA, GAMMA"), "\(exchange.stdout)")
        let second = try QuoteCommandTests.makerSettings(port: port)
        try (try String(contentsOf: second, encoding: .utf8).replacingOccurrences(of: "SenderCompID=MAKER", with: "SenderCompID=MAKER2"))
            .write(to: second, atomically: true, encoding: .utf8)
        let alpha = RunningMM(["quote", "--config", try QuoteCommandTests.makerSettings(port: port).path, "--symbol", "ALPHA",
                               "--tick-size", "0.01", "--duration", "6", "--json"])
        let gamma = RunningMM(["quote", "--config", second.path, "--symbol", "GAMMA", "--tick-size", "0.01", "--duration", "6", "--json"])
        try alpha.start()
        try gamma.start()
        #expect(alpha.wait(seconds: 60) == 0 && gamma.wait(seconds: 60) == 0, "\(alpha.stderr)\n\(gamma.stderr)")
        for (maker, symbol) in [(alpha, "ALPHA"), (gamma, "GAMMA")] {
            let json = maker.stdout.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(json?["symbol"] as? String == symbol && (json?["fills"] as? Int ?? 0) > 0, "\(maker.stdout)")
        }
        let bad = try Self.run(["--correlated", "--format", "synthetic"])
        #expect(bad.status == 64 && bad.stderr.contains("--correlated is a generated market"), "\(bad.stderr)")
        let merge = try Self.run(["--merge", "x.gz"])
        #expect(merge.status == 64 && merge.stderr.contains("--merge needs --data and --format binance or events"), "\(merge.stderr)")
    }
}
