import Foundation
import Testing

/// `mm backtest` end to end on a small synthetic market.
struct BacktestCommandTests {
    static let small = ["backtest", "--format", "synthetic", "--days", "2", "--events-per-day", "1500", "--rc", "0.5,0.9"]

    @Test func printsTheStudysTables() throws {
        let r = try DecodeCommandTests.run(Self.small + ["--fee", "0.0002", "--rebate", "0.25"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "no progress bar when standard error is not a terminal: \(r.stderr)")
        #expect(r.stdout.contains("With the net-position stop at 50 lots, whole data"))
        #expect(r.stdout.contains("Without the net-position stop, per day and the mean of the days"))
        #expect(r.stdout.contains("trading P&L") && r.stdout.contains("k_c") && r.stdout.contains("max intraday loss"))
        #expect(r.stdout.contains("2024-01-03") && r.stdout.contains("mean of 2"))
        #expect(r.stdout.contains("events in") && r.stdout.contains("4 runs on"))
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  0.5 ") || $0.hasPrefix("  0.9 ") }
        // Whole data, per day (two days and the mean), and the fills, for each stop setting.
        #expect(rows.count == 2 * 2 + 2 * 2 * 3 + 2 * 2)
        #expect(r.stdout.contains("Fills with the stop at 50 lots: markouts") && r.stdout.contains("depleted"))
        #expect(r.stdout.contains("Beside the study's Table 1") && r.stdout.contains("Beside the study's Table 2"))
    }

    @Test func jsonParsesAndRepeats() throws {
        let r = try DecodeCommandTests.run(Self.small + ["--json", "--stop", "off", "--jobs", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { ($0["run"] as? [String: Any])?["stopLimit"] == nil })
        let days = try #require(runs[0]["days"] as? [[String: Any]])
        #expect(days.count == 2)
        #expect(runs[0]["average"] != nil && runs[0]["summary"] != nil)
        // The same numbers on another run, with another number of threads.
        let again = try DecodeCommandTests.run(Self.small + ["--json", "--stop", "off", "--jobs", "2"])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: ["runs": json["runs"]!]).isEqual(to: ["runs": second["runs"]!]))
    }

    /// `--latency`: named in the first line and the JSON settings, and it changes the run (the
    /// small market's events are seconds apart: orders 30 s late miss some of them).
    @Test func latencyDelaysTheOrders() throws {
        let args = Self.small + ["--stop", "off", "--jobs", "1", "--json"]
        let atOnce = try DecodeCommandTests.run(args)
        let late = try DecodeCommandTests.run(args + ["--latency", "30000000.5"])
        #expect(atOnce.status == 0 && late.status == 0, "\(late.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(atOnce.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(late.stdout.utf8)) as? [String: Any])
        #expect((a["settings"] as? [String: Any])?["latencyMicroseconds"] as? Double == 0)
        #expect((b["settings"] as? [String: Any])?["latencyMicroseconds"] as? Double == 30_000_000.5)
        #expect((b["description"] as? String)?.contains("; latency 30000000.5 us;") == true)
        #expect((a["description"] as? String)?.contains("latency") == false)
        #expect(!NSDictionary(dictionary: ["runs": a["runs"]!]).isEqual(to: ["runs": b["runs"]!]))
    }

    @Test func writesTheReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-backtest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try DecodeCommandTests.run(Self.small + ["--report", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        // Profit, fees, maximum position, maximum loss and markouts, with and without the stop.
        #expect(files.filter { $0.hasSuffix(".svg") }.count == 10)
        #expect(files.filter { $0.hasSuffix(".png") }.count == 10)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("Beside the study's Table 1") && html.contains("Fills: adverse selection") && html.contains("markouts-with-stop.svg"))
        #expect(files.contains("index.html") && files.contains("summary.json"))
    }

    @Test func badArgumentsAreExplained() throws {
        let rc = try DecodeCommandTests.run(["backtest", "--rc", "0.5,1.5"])
        #expect(rc.status != 0 && rc.stderr.contains("--rc must be numbers between 0 and 1"))
        let stop = try DecodeCommandTests.run(["backtest", "--stop", "never"])
        #expect(stop.status != 0 && stop.stderr.contains("--stop must be a positive number of lots or off"))
        let fee = try DecodeCommandTests.run(["backtest", "--fee", "cheap"])
        #expect(fee.status != 0 && fee.stderr.contains("--fee must be a rate"))
        let latency = try DecodeCommandTests.run(["backtest", "--latency=-5"])
        #expect(latency.status == 64 && latency.stderr.contains("--latency must be between 0 and"))
        let missing = try DecodeCommandTests.run(["backtest", "--data", "/nonexistent/x.csv", "--format", "trades", "--symbol", "X", "--tick-size", "1"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/x.csv"))
    }

    /// `mm convert` writes an event file that replays to the same study as its source.
    @Test func anEventFileReplaysAsItsSource() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("market-\(UUID().uuidString).events")
        defer { try? FileManager.default.removeItem(at: file) }
        let market = ["--format", "synthetic", "--days", "2", "--events-per-day", "1500"]
        let convert = try DecodeCommandTests.run(["convert"] + market + ["--output", file.path])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout.contains("3000 events of SYNTH (tick 0.01, lot 1)"), "\(convert.stdout)")
        let synthetic = try DecodeCommandTests.run(Self.small + ["--jobs", "1"])
        let replayed = try DecodeCommandTests.run(["backtest", "--data", file.path, "--format", "events", "--rc", "0.5,0.9", "--jobs", "1"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        // Everything but the line naming the data and the timing line.
        func tables(_ out: String) -> [Substring] { out.split(separator: "\n").dropFirst().filter { !$0.contains("events in") } }
        #expect(tables(replayed.stdout) == tables(synthetic.stdout))
        #expect(tables(replayed.stdout).count > 10)
        let again = try DecodeCommandTests.run(["convert", "--data", file.path, "--format", "events", "--output", file.path + "2"])
        #expect(again.status != 0 && again.stderr.contains("already an event file"))
        let wrongTick = try DecodeCommandTests.run(["backtest", "--data", file.path, "--format", "events", "--symbol", "SYNTH", "--tick-size", "0.5"])
        #expect(wrongTick.status != 0 && wrongTick.stderr.contains("not ticks of 0.5"), "\(wrongTick.stderr)")
    }

    @Test func aBadRecordNamesTheFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "timestamp,price,size\n2024-01-02 10:00:00,100,1\n2024-01-02 10:00:01,abc,1\n2024-01-02 10:00:02,101,1\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let args = ["backtest", "--data", file.path, "--format", "trades", "--symbol", "X", "--tick-size", "1", "--rc", "1", "--stop", "off"]
        let r = try DecodeCommandTests.run(args)
        #expect(r.status == 1 && r.stderr.contains("\(file.lastPathComponent):3"))
        let skipping = try DecodeCommandTests.run(args + ["--skip-bad"])
        #expect(skipping.status == 0 && skipping.stdout.contains("2 events (1 bad records skipped)"))
    }
}
