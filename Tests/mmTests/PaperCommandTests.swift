import Foundation
import Testing

/// `mm paper` end to end on a small synthetic market: the run completes over a real FIX
/// session and its summary adds up.
struct PaperCommandTests {
    @Test func aShortPaperRunTradesAndSumsUp() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        let r = try DecodeCommandTests.run(["paper", "--days", "1", "--events-per-day", "3000", "--json",
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
        // The FIX logs of both sides and the report are there.
        let logs = try FileManager.default.subpathsOfDirectory(atPath: dir.appendingPathComponent("logs").path)
        #expect(logs.contains("maker/FIX.4.4-MAKER-EXCH.messages.log"))
        #expect(logs.contains("exchange/FIX.4.4-EXCH-MAKER.messages.log"))
        let summary = try String(contentsOf: dir.appendingPathComponent("report/summary.txt"), encoding: .utf8)
        #expect(summary.contains("md in -> order out"))
        try? FileManager.default.removeItem(at: dir)
    }
}
