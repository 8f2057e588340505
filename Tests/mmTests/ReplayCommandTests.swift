import Foundation
import Testing

/// `mm replay` run as a user would: the example logs summed up, JSON, bad lines, errors, and
/// `--send` against `mm exchange`.
struct ReplayCommandTests {
    static func run(_ arguments: [String]) throws -> DecodeCommandTests.Result {
        try DecodeCommandTests.run(["replay"] + arguments)
    }

    static let examples = "Specs/examples/replay"

    @Test func summarisesAnEngineLog() throws {
        let r = try Self.run(["\(Self.examples)/FIX.4.4-MAKER-EXCH.messages.log"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("EXCH -> MAKER: MsgSeqNum 10 came, 8-9 missing (gap of 2)"))
        #expect(r.stdout.contains("gaps 8-9 (recovered)"))
        #expect(r.stdout.contains("MAKER bought 0.006 BTCUSDT @ 61800.2 (q-3, filled, cum 0.01), fee 0.03"))
        #expect(r.stdout.contains("trading P&L 0.0038 (realized 0.0038, unrealized 0), fees 0.1, net -0.0962"))
        #expect(!r.stdout.contains("Problems"))
    }

    @Test func jsonOfADirectoryAndACapture() throws {
        let r = try Self.run(["--json", Self.examples, "\(Self.examples)/capture.txt"])
        #expect(r.status == 1, "bad lines in the capture: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let json = try #require(object)
        let sessions = try #require(json["sessions"] as? [[String: Any]])
        #expect(sessions.compactMap { $0["name"] as? String } == ["FIX.4.4:MAKER-EXCH", "FIX.4.4:MAKER2-EXCH"])
        #expect((json["fills"] as? [Any])?.count == 4)
        #expect((json["orders"] as? [Any])?.count == 5)
        #expect(json["duplicatesSkipped"] as? Int == 26)
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.compactMap { $0["line"] as? Int } == [4, 5])
        // One line: a single document.
        #expect(r.stdout.split(separator: "\n").count == 1)
    }

    @Test func badLinesAreNamedAndTheRestReplayed() throws {
        let r = try Self.run(["--timeline", "--orders", "\(Self.examples)/capture.txt"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("capture.txt:4: CheckSum (10) is 0"))
        #expect(r.stdout.contains("capture.txt:5: line ends inside the message"))
        #expect(r.stdout.contains("MAKER2 sold 0.5 ETHUSDT @ 2650.1 (m2-1, filled, cum 0.5)"))
        #expect(r.stdout.contains("m2-1 MAKER2 sell 0.5 ETHUSDT @ 2650.1: filled"))
    }

    @Test func errorsAreOneLineWithStatus2() throws {
        let missing = try Self.run(["/nonexistent/a.log"])
        #expect(missing.status == 2 && missing.stderr == "mm replay: cannot open /nonexistent/a.log: no such file\n")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let empty = dir.appendingPathComponent("empty.log")
        try Data("no messages here\n".utf8).write(to: empty)
        let none = try Self.run([empty.path])
        #expect(none.status == 2 && none.stderr.contains("no FIX message in \(empty.path)"), "\(none.stderr)")
        #expect(none.stderr.contains("\(empty.path):1: data does not start with 8=FIX"))
        let config = dir.appendingPathComponent("other.cfg")
        try "[SESSION]\nConnectionType=initiator\nSenderCompID=NOBODY\nTargetCompID=EXCH\nSocketConnectPort=1\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let noSession = try Self.run(["--send", "--config", config.path, "\(Self.examples)/FIX.4.4-MAKER-EXCH.messages.log"])
        #expect(noSession.status == 2)
        #expect(noSession.stderr.contains("\(config.path): no session whose SenderCompID sent messages in the logs"), "\(noSession.stderr)")
    }

    // MARK: - --send

    /// A framed message, `|` for SOH in `body` and in the result.
    static func fix(_ body: String) -> String {
        let b = Array(body.replacingOccurrences(of: "|", with: "\u{01}").utf8)
        var m = Array("8=FIX.4.4\u{01}9=\(b.count)\u{01}".utf8) + b
        let sum = m.reduce(0) { ($0 + Int($1)) % 256 }
        m += Array(String(format: "10=%03d\u{01}", sum).utf8)
        return String(decoding: m, as: UTF8.self).replacingOccurrences(of: "\u{01}", with: "|")
    }

    /// C1's orders, as a capture: rests, replaces, cancels, a cancel too late, a rejected order;
    /// nothing is left on the book at the end.
    static func seed() -> String {
        let orders = [
            "35=D|34=2|49=C1|52=20240808-09:30:00.000|56=EXCH|11=a1|21=1|38=0.002|40=2|44=61800.0|54=1|55=BTCUSDT|60=20240808-09:30:00.000|",
            "35=D|34=3|49=C1|52=20240808-09:30:00.100|56=EXCH|11=a2|21=1|38=0.003|40=2|44=61801.0|54=2|55=BTCUSDT|60=20240808-09:30:00.100|",
            "35=G|34=4|49=C1|52=20240808-09:30:00.200|56=EXCH|11=a3|21=1|38=0.002|40=2|41=a1|44=61800.5|54=1|55=BTCUSDT|60=20240808-09:30:00.200|",
            "35=F|34=5|49=C1|52=20240808-09:30:00.300|56=EXCH|11=a4|38=0.003|41=a2|54=2|55=BTCUSDT|60=20240808-09:30:00.300|",
            "35=F|34=6|49=C1|52=20240808-09:30:00.400|56=EXCH|11=a5|38=0.003|41=a2|54=2|55=BTCUSDT|60=20240808-09:30:00.400|",
            "35=D|34=7|49=C1|52=20240808-09:30:00.500|56=EXCH|11=a6|21=1|38=0.0015|40=2|44=61800.0|54=1|55=BTCUSDT|60=20240808-09:30:00.500|",
            "35=F|34=8|49=C1|52=20240808-09:30:00.600|56=EXCH|11=a7|38=0.002|41=a3|54=1|55=BTCUSDT|60=20240808-09:30:00.600|",
        ]
        return orders.map { fix($0) + "\n" }.joined()
    }

    /// A line of a log with one field's value changed (BodyLength and CheckSum made right).
    static func altered(_ line: Substring, _ from: String, _ to: String) -> String {
        let parts = line.components(separatedBy: " : ")
        let message = parts[1].replacingOccurrences(of: "\u{01}", with: "|")
        let body = message.components(separatedBy: "|").dropFirst(2).dropLast(2).joined(separator: "|") + "|"
        return parts[0] + " : " + fix(body.replacingOccurrences(of: from, with: to)).replacingOccurrences(of: "|", with: "\u{01}")
    }

    @Test(.timeLimit(.minutes(1))) func sendReproducesARecordingAndReportsAnAlteredOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-replay-send-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Each run gets a fresh exchange: ClOrdIDs are unique per session of one exchange.
        var exchanges: [Process] = []
        defer {
            for e in exchanges {
                e.terminate()
                e.waitUntilExit()
            }
        }
        func clientConfig(log: String? = nil) throws -> String {
            let port = ExchangeCommandTests.freePort()
            let exchangeConfig = dir.appendingPathComponent("exchange-\(port).cfg")
            try """
                [DEFAULT]
                ConnectionType=acceptor
                SenderCompID=EXCH
                SocketAcceptAddress=127.0.0.1
                SocketAcceptPort=\(port)
                ResetOnLogon=Y
                [SESSION]
                TargetCompID=C1
                """.write(to: exchangeConfig, atomically: true, encoding: .utf8)
            let exchange = Process()
            exchange.executableURL = try DecodeCommandTests.mmBinary()
            exchange.arguments = ["exchange", "--config", exchangeConfig.path, "--duration", "50"]
            exchange.standardOutput = FileHandle.nullDevice
            exchange.standardError = FileHandle.nullDevice
            try exchange.run()
            exchanges.append(exchange)
            let file = dir.appendingPathComponent("client-\(port).cfg")
            try """
                [SESSION]
                ConnectionType=initiator
                SenderCompID=C1
                TargetCompID=EXCH
                SocketConnectHost=127.0.0.1
                SocketConnectPort=\(port)
                ReconnectInterval=1
                ResetOnLogon=Y
                \(log.map { "FileLogPath=\($0)" } ?? "")
                """.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }

        // A recording: the seed's orders sent to the exchange, logged by the session.
        let seed = dir.appendingPathComponent("seed.txt")
        try Self.seed().write(to: seed, atomically: true, encoding: .utf8)
        let recording = dir.appendingPathComponent("recording").path
        let first = try Self.run(["--send", "--config", try clientConfig(log: recording), "--speed", "max", seed.path])
        #expect(first.status == 1, "the seed has no responses: all are extra. \(first.stderr)")
        #expect(first.stdout.contains("responses: 7 live, 0 recorded: 0 matching, 0 differing, 0 missing, 7 extra"), "\(first.stdout)")

        // Sent again: the same responses.
        let again = try Self.run(["--send", "--config", try clientConfig(), "--speed", "max", recording])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("Sent 7 of 7 recorded messages of C1-EXCH over C1-EXCH, as fast as possible"))
        #expect(again.stdout.contains("responses: 7 live, 7 recorded: 7 matching, 0 differing, 0 missing, 0 extra"), "\(again.stdout)")

        // The recording altered: a1 off the tick. The exchange now rejects it, and the replace and
        // cancel of it are refused.
        let log = try String(contentsOfFile: recording + "/FIX.4.4-C1-EXCH.messages.log", encoding: .utf8)
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("\u{01}11=a1\u{01}") && line.contains("\u{01}35=D\u{01}") ? Self.altered(line, "44=61800.0|", "44=61800.05|") : String(line)
        }
        let alteredLog = dir.appendingPathComponent("altered").appendingPathComponent("FIX.4.4-C1-EXCH.messages.log")
        try FileManager.default.createDirectory(at: alteredLog.deletingLastPathComponent(), withIntermediateDirectories: true)
        try lines.joined(separator: "\n").write(to: alteredLog, atomically: true, encoding: .utf8)
        let differs = try Self.run(["--send", "--config", try clientConfig(), "--speed", "max", "--json", alteredLog.path])
        #expect(differs.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(differs.stdout.utf8)) as? [String: Any])
        let comparison = try #require(json["comparison"] as? [String: Any])
        #expect((comparison["differing"] as? Int ?? 0) > 0)
        let differences = try #require(comparison["differences"] as? [[String: Any]])
        let a1 = try #require(differences.first { $0["clOrdID"] as? String == "a1" })
        let fields = try #require(a1["fields"] as? [[String: Any]])
        #expect(fields.contains { $0["name"] as? String == "ExecType" && $0["recorded"] as? String == "0" && $0["live"] as? String == "8" },
                "\(fields)")
        let text = try Self.run(["--send", "--config", try clientConfig(), "--speed", "max", alteredLog.path])
        #expect(text.status == 1)
        #expect(text.stdout.contains("a1 response 1 (MsgType 8), recorded at \(alteredLog.path):"))
        #expect(text.stdout.contains("ExecType (150) recorded 0, live 8"))
        #expect(text.stdout.contains("The live responses differ from the recorded ones."))
    }

    /// A `mm paper` run's log sent again, following the market data, into `mm exchange` replaying
    /// the same market in lockstep: every execution report comes back as recorded, so the same
    /// fills.
    @Test(.timeLimit(.minutes(2))) func aPaperRunIsReproducedAgainstTheExchangeInLockstep() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-replay-paper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let market = ["--format", "synthetic", "--days", "1", "--events-per-day", "1500", "--seed", "3"]
        let paper = try DecodeCommandTests.run(["paper", "--json", "--log-dir", dir.appendingPathComponent("paper").path]
                                               + market)
        #expect(paper.status == 0, "\(paper.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(paper.stdout.utf8)) as? [String: Any])
        #expect((summary["fills"] as? Int ?? 0) > 0)

        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = dir.appendingPathComponent("exchange.cfg")
        try """
            [SESSION]
            ConnectionType=acceptor
            SenderCompID=EXCH
            TargetCompID=MAKER
            SocketAcceptAddress=127.0.0.1
            SocketAcceptPort=\(port)
            ResetOnLogon=Y
            """.write(to: exchangeConfig, atomically: true, encoding: .utf8)
        let exchange = Process()
        exchange.executableURL = try DecodeCommandTests.mmBinary()
        exchange.arguments = ["exchange", "--config", exchangeConfig.path, "--lockstep", "--speed", "max", "--duration", "100"] + market
        exchange.standardOutput = FileHandle.nullDevice
        exchange.standardError = FileHandle.nullDevice
        try exchange.run()
        defer {
            exchange.terminate()
            exchange.waitUntilExit()
        }
        let makerConfig = dir.appendingPathComponent("maker.cfg")
        try """
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            ReconnectInterval=1
            ResetOnLogon=Y
            """.write(to: makerConfig, atomically: true, encoding: .utf8)
        let r = try Self.run(["--send", "--config", makerConfig.path, dir.appendingPathComponent("paper/maker").path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("following the market data"))
        #expect(r.stdout.contains("0 differing, 0 missing, 0 extra"), "\(r.stdout)")
        #expect(r.stdout.contains("The live responses are the recorded ones."))
    }
}
