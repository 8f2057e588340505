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
}
