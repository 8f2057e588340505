import Foundation
import Testing

/// `mm market-stats` end to end.
struct MarketStatsCommandTests {
    @Test func measuresTheQueueReactiveMarket() throws {
        let r = try DecodeCommandTests.run(["market-stats", "--days", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["format"] as? String == "queue-reactive" && json["symbol"] as? String == "IRON")
        let facts = try #require(json["facts"] as? [String: Any])
        let spread = try #require(facts["spreadShares"] as? [Double])
        // A large-tick market: one tick of spread nearly always, queues of hundreds of lots.
        #expect(spread.count == 3 && spread[0] > 0.95)
        let queues = try #require(facts["queueSizeQuantiles"] as? [Int])
        #expect(queues.count == 3 && queues[1] >= 100)
        let model = try #require(json["model"] as? [String: Any])
        #expect((model["depletions"] as? Int ?? 0) >= (model["priceMoves"] as? Int ?? 0) && (model["priceMoves"] as? Int ?? 0) > 0)
    }

    @Test func printsTheFactsOfARecording() throws {
        let r = try DecodeCommandTests.run(["market-stats", "--format", "synthetic", "--days", "1", "--events-per-day", "20000"])
        #expect(r.status == 0, "\(r.stderr)")
        for label in ["spread (time)", "best queue (lots)", "trade size (lots)", "price retreats", "mean reversion"] {
            #expect(r.stdout.contains(label), "\(label): \(r.stdout)")
        }
        #expect(!r.stdout.contains("model "))
    }

    @Test func aMissingFileExits2AndEventsPerDayIsForTheSyntheticMarket() throws {
        let missing = try DecodeCommandTests.run(["market-stats", "--format", "trades", "--data", "/nonexistent/t.csv",
                                                  "--symbol", "X", "--tick-size", "1"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/t.csv"), "\(missing.stderr)")
        let wrong = try DecodeCommandTests.run(["market-stats", "--events-per-day", "10"])
        #expect(wrong.status == 64 && wrong.stderr.contains("--events-per-day is for --format synthetic only"), "\(wrong.stderr)")
    }

    /// The correlated market: three instruments, and their returns correlated as asked.
    @Test func measuresTheCorrelatedMarket() throws {
        let r = try DecodeCommandTests.run(["market-stats", "--correlated", "--days", "3", "--correlation", "0.5", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let instruments = try #require(json["instruments"] as? [[String: Any]])
        #expect(instruments.compactMap { $0["symbol"] as? String } == ["ALPHA", "BETA", "GAMMA"])
        let pairs = try #require(json["correlations"] as? [[String: Any]])
        #expect(pairs.count == 3)
        for pair in pairs {
            // About 1,080 one-minute returns: a standard error near 0.03.
            let value = try #require(pair["correlation"] as? Double)
            #expect(abs(value - 0.5) < 0.12 && (pair["returns"] as? Int ?? 0) > 1_000, "\(pair)")
        }
        let text = try DecodeCommandTests.run(["market-stats", "--correlated", "--days", "1"])
        #expect(text.stdout.contains("correlation of mid returns over one minute") && text.stdout.contains("ALPHA / BETA"), "\(text.stdout)")
        let bad = try DecodeCommandTests.run(["market-stats", "--correlated", "--format", "synthetic"])
        #expect(bad.status == 64 && bad.stderr.contains("--correlated is a generated market"), "\(bad.stderr)")
        let rho = try DecodeCommandTests.run(["market-stats", "--correlation", "0.3"])
        #expect(rho.status == 64 && rho.stderr.contains("--correlation goes with --correlated"), "\(rho.stderr)")
    }

    /// The two Binance captures of one day merged: each instrument's facts are those of its own
    /// file read alone, and their one-second returns are correlated.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: DecodeCommandTests.root.appendingPathComponent("../shared/data/binance/usdm_btcusdt_20240808.gz").path),
                   "the Binance captures are not in ../shared/data/binance"))
    func mergesTheTwoCapturesOfADay() throws {
        let btc = "../shared/data/binance/usdm_btcusdt_20240808.gz", eth = "../shared/data/binance/usdm_ethusdt_20240808.gz"
        let merged = try DecodeCommandTests.run(["market-stats", "--format", "binance", "--data", btc, "--merge", eth,
                                                 "--return-interval", "1", "--json"])
        #expect(merged.status == 0, "\(merged.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])
        let instruments = try #require(json["instruments"] as? [[String: Any]])
        for (path, entry) in zip([btc, eth], instruments) {
            let alone = try DecodeCommandTests.run(["market-stats", "--format", "binance", "--data", path, "--json"])
            let single = try #require(try JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)) as? [String: Any])
            #expect(NSDictionary(dictionary: single["facts"] as? [String: Any] ?? [:])
                    .isEqual(to: entry["facts"] as? [String: Any] ?? ["none": 0]), "\(path)")
            #expect(single["symbol"] as? String == entry["symbol"] as? String)
        }
        let pair = try #require((json["correlations"] as? [[String: Any]])?.first)
        #expect((pair["returns"] as? Int ?? 0) > 300 && (pair["correlation"] as? Double ?? 0) > 0.3, "\(pair)")
    }
}
