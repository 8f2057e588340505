import FIXTestSupport
import Foundation
import Testing

/// `mm margin` publishing to a real redis-server, and `mm paper --margin-feed` taking its rates.
@Suite(.enabled(if: TestRedisServer.available, "redis-server is not installed (apt-get install redis-server)"), .serialized)
struct MarginCommandTests {
    static let market = ["--format", "synthetic", "--days", "1", "--events-per-day", "3000", "--seed", "5"]

    @Test func theServicePublishesAndThePaperEngineFollows() throws {
        let server = try TestRedisServer()
        let redis = "redis://127.0.0.1:\(server.port)"
        // One-second bars over a day of 3,000 events: rates after the 20 warm-up bars.
        let margin = try DecodeCommandTests.run(["margin", "--redis", redis, "--bar", "1", "--floor", "0.02"] + Self.market)
        #expect(margin.status == 0, "\(margin.stderr)")
        #expect(margin.stdout.hasPrefix("SYNTH: 3000 events, ") && margin.stdout.contains(" rates published (last 0.02"), "\(margin.stdout)")
        // Without the feed, the engine's own model starts at its conservative 50%; with it, the
        // service's 2% from the start.
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("mm-margin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: logs) }
        let own = try DecodeCommandTests.run(["paper", "--json", "--log-dir", logs.appendingPathComponent("own").path] + Self.market)
        let fed = try DecodeCommandTests.run(["paper", "--json", "--margin-feed", redis,
                                              "--log-dir", logs.appendingPathComponent("fed").path] + Self.market)
        #expect(own.status == 0 && fed.status == 0, "\(fed.stderr)")
        let ownJSON = try #require(try JSONSerialization.jsonObject(with: Data(own.stdout.utf8)) as? [String: Any])
        let fedJSON = try #require(try JSONSerialization.jsonObject(with: Data(fed.stdout.utf8)) as? [String: Any])
        #expect(ownJSON["marginRateMax"] as? Double == 0.5)
        // The service's rate from the start (the engine waits for the feed's first reading; the
        // rates were published within the last five bars, so they are fresh).
        #expect(fedJSON["marginRateMin"] as? Double == 0.02 && fedJSON["marginRateMax"] as? Double == 0.02, "\(fed.stderr)")
        #expect(fed.stderr.contains("margin feed connected"))
    }

    @Test func anUnreachableRedisExits2AndABadURLIsABadOption() throws {
        let port = TestRedisServer.freePort()
        let down = try DecodeCommandTests.run(["margin", "--redis", "redis://127.0.0.1:\(port)"] + Self.market)
        #expect(down.status == 2 && down.stderr.contains("cannot connect to Redis at 127.0.0.1:\(port)"), "\(down.stderr)")
        let bad = try DecodeCommandTests.run(["margin", "--redis", "http://x"])
        #expect(bad.status == 64 && bad.stderr.contains("--redis must be redis://HOST[:PORT]"), "\(bad.stderr)")
        let feed = try DecodeCommandTests.run(["paper", "--margin-feed", "nowhere"])
        #expect(feed.status == 64 && feed.stderr.contains("--margin-feed must be redis://HOST[:PORT]"), "\(feed.stderr)")
    }
}
