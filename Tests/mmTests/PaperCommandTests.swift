import Foundation
import Testing

/// `mm paper` end to end on a small synthetic market: the run completes over a real FIX
/// session and its summary adds up.
struct PaperCommandTests {
    @Test func aShortPaperRunTradesAndSumsUp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        let r = try DecodeCommandTests.run(["paper", "--format", "synthetic", "--days", "1", "--events-per-day", "3000", "--json",
                                            "--log-dir", dir.appendingPathComponent("logs").path,
                                            "--report", dir.appendingPathComponent("report").path,
                                            "--maker-fee=-0.0001", "--taker-fee", "0.0002", "--rebate-ratio", "0.5"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fills = try #require(json["fills"] as? Int)
        #expect(fills > 0)
        #expect((json["volumeLots"] as? Int ?? 0) >= fills)
        #expect((json["ordersSent"] as? Int ?? 0) > 0)
        #expect((json["latencyCount"] as? Int ?? 0) > 0)
        let trading = try #require(json["tradingProfit"] as? Double)
        let fees = try #require(json["fees"] as? Double)
        let net = try #require(json["netProfit"] as? Double)
        #expect(abs(net - (trading - fees)) < 1e-6)
        #expect(abs((json["netProfitAfterRebate"] as? Double ?? .nan) - (trading - 0.5 * fees)) < 1e-6)
        // The FIX logs of both sides (gzip-compressed) and the report are there.
        let logs = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("logs").path)
        #expect(logs.contains("maker/FIX.4.4-MAKER-EXCH.messages.log.gz"))
        #expect(logs.contains("exchange/FIX.4.4-EXCH-MAKER.messages.log.gz"))
        #expect(!logs.contains { $0.hasSuffix(".messages.log") })
        // mm replay reads them: the fills it finds are those of the summary.
        let replay = try DecodeCommandTests.run(["replay", "--json", dir.appendingPathComponent("logs").path])
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayed = try #require(try JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any])
        #expect((replayed["fills"] as? [Any])?.count == fills)
        let summary = try String(contentsOf: dir.appendingPathComponent("report/summary.txt"), encoding: .utf8)
        #expect(summary.contains("md in -> order out"))
        try? FileManager.default.removeItem(at: dir)
    }

    /// `--plain-logs`: the message logs as text, one message a line, as mm decode reads them.
    @Test func plainLogsOneFlagAway() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try DecodeCommandTests.run(["paper", "--format", "synthetic", "--days", "1", "--events-per-day", "1000", "--json", "--plain-logs",
                                            "--log-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let logs = try FileManager.default.subpathsOfDirectory(atPath: dir.path)
        #expect(logs.contains("maker/FIX.4.4-MAKER-EXCH.messages.log") && logs.contains("exchange/FIX.4.4-EXCH-MAKER.messages.log"))
        #expect(!logs.contains { $0.hasSuffix(".gz") })
        let log = try String(contentsOf: dir.appendingPathComponent("maker/FIX.4.4-MAKER-EXCH.messages.log"), encoding: .utf8)
        #expect(log.split(separator: "\n").first?.contains("\u{1}35=A\u{1}") == true)
    }

    /// The market waits for the market maker after each event (lockstep), so a paper run gives
    /// the same figures every time, and the same as the in-process backtest of the same data and
    /// settings: the same strategy, risk and exchange code, with and without FIX in between.
    @Test func paperRunsRepeatAndMatchTheBacktest() throws {
        let market = ["--format", "synthetic", "--days", "1", "--events-per-day", "3000", "--seed", "7", "--maker-fee=-0.0001", "--taker-fee", "0.0002"]
        func paper() throws -> [String: Any] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try DecodeCommandTests.run(["paper", "--json", "--log-dir", dir.path] + market)
            #expect(r.status == 0, "\(r.stderr)")
            var json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            // Latency is the one figure that depends on the machine.
            for key in json.keys where key.hasPrefix("latency") { json[key] = nil }
            return json
        }
        let first = try paper()
        let second = try paper()
        #expect((first["fills"] as? Int ?? 0) > 0)
        #expect(NSDictionary(dictionary: first) == NSDictionary(dictionary: second))

        let r = try DecodeCommandTests.run(["backtest", "--rc", "0.8", "--stop", "50", "--json"] + market)
        #expect(r.status == 0, "\(r.stderr)")
        let backtest = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let runs = try #require(backtest["runs"] as? [[String: Any]])
        let withStop = try #require(runs.first { ($0["run"] as? [String: Any])?["stopLimit"] as? Int == 50 })
        var summary = try #require(withStop["summary"] as? [String: Any])
        for key in summary.keys where key.hasPrefix("latency") { summary[key] = nil }
        #expect(NSDictionary(dictionary: summary) == NSDictionary(dictionary: first))
    }

    /// Orders the risk gate refuses are counted by reason in the summary and written, with the
    /// reason, to the market maker's event log.
    @Test func riskDenialsAreCountedAndLogged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A concentration limit of 1% of the account: about 10 lots of the synthetic market.
        let r = try DecodeCommandTests.run(["paper", "--format", "synthetic", "--days", "1", "--events-per-day", "1500", "--json", "--max-concentration", "0.01",
                                            "--log-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let denials = try #require(json["riskDenials"] as? [String: Int])
        let denied = try #require(denials["Concentration limit exceeded"])
        #expect(denied > 0)
        #expect((json["fills"] as? Int ?? 0) > 0)
        // One line per denial, with its reason (or a count of those no longer kept).
        let events = try String(contentsOf: dir.appendingPathComponent("maker/FIX.4.4-MAKER-EXCH.event.log"), encoding: .utf8)
        let lines = events.split(separator: "\n").filter { $0.contains("risk denial 17 (Concentration limit exceeded)") }
        #expect(lines.count == denied)
    }
}
