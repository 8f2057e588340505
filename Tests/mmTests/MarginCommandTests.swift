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

    /// Over FIX from `mm exchange`: the service subscribes as MARGIN, forms one-second bars of
    /// the replay's market time and publishes rates to Redis; at --duration it stops with 0.
    @Test func theServiceTakesTheMarketOverFIX() throws {
        let server = try TestRedisServer()
        let redis = "redis://127.0.0.1:\(server.port)"
        let port = ExchangeCommandTests.freePort()
        let exchangeConfig = try ExchangeCommandTests.settings(port: port)
        let settings = try String(contentsOf: exchangeConfig, encoding: .utf8) + "\n[SESSION]\nTargetCompID=MARGIN\n"
        try settings.write(to: exchangeConfig, atomically: true, encoding: .utf8)
        let exchange = RunningMM(["exchange", "--config", exchangeConfig.path, "--format", "synthetic", "--speed", "50",
                                  "--duration", "60", "--status-interval", "5"])
        try exchange.start()
        defer { exchange.kill(SIGTERM) }
        #expect(exchange.waitForStdout("listening on port", seconds: 30))
        let marginConfig = exchangeConfig.deletingLastPathComponent().appendingPathComponent("margin.cfg")
        try ["[SESSION]", "ConnectionType=initiator", "SenderCompID=MARGIN", "TargetCompID=EXCH", "SocketConnectHost=127.0.0.1",
             "SocketConnectPort=\(port)", "ReconnectInterval=1"].joined(separator: "\n")
            .write(to: marginConfig, atomically: true, encoding: .utf8)
        let margin = try DecodeCommandTests.run(["margin", "--redis", redis, "--config", marginConfig.path, "--symbol", "SYNTH",
                                                 "--bar", "1", "--warmup-bars", "3", "--duration", "8"])
        #expect(margin.status == 0, "\(margin.stderr)")
        let published = margin.stdout.split(separator: "\n").first { $0.hasPrefix("SYNTH: ") }
            .flatMap { Int($0.dropFirst("SYNTH: ".count).prefix { $0.isNumber }) } ?? 0
        #expect(published > 0, "\(margin.stdout)")
        #expect(margin.stdout.contains(" market-data messages, "), "\(margin.stdout)")
        // The last rate is in Redis for engines that connect later: `version:rate:time`.
        let stored = Process()
        stored.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stored.arguments = ["redis-cli", "-p", "\(server.port)", "HGET", "margin:rates", "SYNTH"]
        let out = Pipe()
        stored.standardOutput = out
        try stored.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        stored.waitUntilExit()
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("\(published):"), "\(text)")
        // Options that do not go together.
        let both = try DecodeCommandTests.run(["margin", "--redis", redis, "--config", marginConfig.path, "--symbol", "SYNTH",
                                               "--format", "synthetic"])
        #expect(both.status == 64 && both.stderr.contains("--config takes the market over FIX"), "\(both.stderr)")
        let noSymbol = try DecodeCommandTests.run(["margin", "--redis", redis, "--config", marginConfig.path])
        #expect(noSymbol.status == 64 && noSymbol.stderr.contains("--config needs --symbol"), "\(noSymbol.stderr)")
        let duration = try DecodeCommandTests.run(["margin", "--redis", redis, "--duration", "5"])
        #expect(duration.status == 64 && duration.stderr.contains("--duration goes with --config"), "\(duration.stderr)")
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
