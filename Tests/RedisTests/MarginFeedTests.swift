import FIXTestSupport
import FirmRisk
import Foundation
import Redis
import Risk
import Synchronization
import Testing

/// Rates as text.
struct PublishedMarginRateTests {
    @Test func readsOnlyWellFormedRates() {
        #expect(PublishedMarginRate(symbol: "X", text: "3:0.05:1700") == PublishedMarginRate(symbol: "X", version: 3, rate: 0.05, time: 1_700))
        #expect(PublishedMarginRate(symbol: "X", version: 3, rate: 0.05, time: 1_700).text == "3:0.05:1700")
        for bad in ["0:0.05:1", "1:1.5:1", "1:nan:1", "1:-0.1:1", "1:0.05", "a:0.05:1", "1:0.05:x", ""] {
            #expect(PublishedMarginRate(symbol: "X", text: bad) == nil, "\(bad)")
        }
    }
}

/// The margin service's rates through a real redis-server to an engine's feed.
@Suite(.enabled(if: TestRedisServer.available, "redis-server is not installed (apt-get install redis-server)"), .serialized)
struct MarginFeedTests {
    static let second: Int64 = 1_000_000_000

    /// Waits until `condition` holds (up to 30 s: other tests may stall the machine).
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }

    @Test func publishedRatesReachTheFeedAndAgeIntoSafeMode() async throws {
        let server = try TestRedisServer()
        let publisher = MarginPublisher(client: RedisClient(host: "127.0.0.1", port: server.port))
        // Published before the feed starts: read from the hash when it connects.
        #expect(try await publisher.publish(symbol: "BTCUSDT", rate: 0.05, time: MarginFeed.wallClock()) == 1)
        // Ten minutes to go stale, and the background sweep once an hour: the test sweeps itself.
        let feed = MarginFeed(host: "127.0.0.1", port: server.port, symbols: ["BTCUSDT", "ETHUSDT"],
                              staleAfter: 600 * Self.second, safeModeRate: 0.5, retryDelay: .milliseconds(20),
                              sweepInterval: .seconds(3_600))
        let task = Task { await feed.run() }
        defer { task.cancel() }
        #expect(try await Self.eventually { feed.isConnected && feed.current(0).version == 1 })
        // The check's time does not matter.
        #expect(feed.rate(instrument: 0, at: 0) == 0.05 && feed.rate(instrument: 0, at: .max) == 0.05)
        // No rate yet for ETHUSDT: the conservative one.
        #expect(feed.rate(instrument: 1, at: 0) == 0.5 && feed.isInSafeMode(instrument: 1))
        // Published while connected: by the channel.
        let time = MarginFeed.wallClock()
        #expect(try await publisher.publish(symbol: "ETHUSDT", rate: 0.07, time: time) == 1)
        #expect(try await publisher.publish(symbol: "BTCUSDT", rate: 0.06, time: time) == 2)
        #expect(try await Self.eventually { feed.current(1).version == 1 && feed.current(0).version == 2 })
        #expect(feed.rate(instrument: 0, at: 0) == 0.06 && feed.rate(instrument: 1, at: 0) == 0.07)
        // Ten minutes after its publication a rate is stale: safe mode until a fresh one.
        feed.sweep(now: time + 600 * Self.second)
        #expect(!feed.isInSafeMode(instrument: 0) && feed.rate(instrument: 0, at: 0) == 0.06)
        feed.sweep(now: time + 600 * Self.second + 1)
        #expect(feed.isInSafeMode(instrument: 0) && feed.rate(instrument: 0, at: 0) == 0.5)
        // Redis keeps the current rate and the last version.
        let client = RedisClient(host: "127.0.0.1", port: server.port)
        #expect(try await client.command("HGET", MarginKeys.rates, "BTCUSDT").string == "2:0.06:\(time)")
        #expect(try await client.command("HGET", MarginKeys.versions, "BTCUSDT").int == 2)
    }

    /// A feed without updates goes to safe mode by itself: the sweep sees the rate age.
    @Test func theSweepMarksStaleRates() async throws {
        let server = try TestRedisServer()
        let publisher = MarginPublisher(client: RedisClient(host: "127.0.0.1", port: server.port))
        let feed = MarginFeed(host: "127.0.0.1", port: server.port, symbols: ["IRON"], staleAfter: 1_000_000_000,
                              safeModeRate: 0.3, retryDelay: .milliseconds(20), sweepInterval: .milliseconds(20))
        let task = Task { await feed.run() }
        defer { task.cancel() }
        #expect(try await Self.eventually { feed.isConnected })
        let published = MarginFeed.wallClock()
        try await publisher.publish(symbol: "IRON", rate: 0.02, time: published)
        #expect(try await Self.eventually { feed.current(0).version == 1 })
        // Fresh on arrival (unless the machine stalled for the whole second meanwhile).
        if MarginFeed.wallClock() - published < 800_000_000 { #expect(feed.rate(instrument: 0, at: 0) == 0.02) }
        #expect(try await Self.eventually { feed.isInSafeMode(instrument: 0) })
        #expect(feed.rate(instrument: 0, at: 0) == 0.3)
    }

    /// Redis is killed: the feed is in safe mode at once; a restarted Redis (empty) gets new rates
    /// from the publisher, and the feed, connected again, applies them (newer by their time,
    /// though their versions start again at 1).
    @Test func aLostRedisMeansSafeModeUntilFreshRates() async throws {
        let server = try TestRedisServer()
        let publisher = MarginPublisher(client: RedisClient(host: "127.0.0.1", port: server.port, retryDelay: .milliseconds(10)))
        let feed = MarginFeed(host: "127.0.0.1", port: server.port, symbols: ["IRON"], staleAfter: 600 * Self.second,
                              safeModeRate: 0.3, retryDelay: .milliseconds(20))
        let task = Task { await feed.run() }
        defer { task.cancel() }
        #expect(try await Self.eventually { feed.isConnected })
        let now = MarginFeed.wallClock()
        try await publisher.publish(symbol: "IRON", rate: 0.02, time: now)
        #expect(try await Self.eventually { feed.rate(instrument: 0, at: 0) == 0.02 })
        server.kill()
        #expect(try await Self.eventually { !feed.isConnected })
        #expect(feed.rate(instrument: 0, at: 0) == 0.3)
        try server.start()
        #expect(try await Self.eventually { feed.isConnected })
        #expect(feed.connections == 2)
        // Connected again, with the rate it held and still fresh.
        #expect(feed.rate(instrument: 0, at: 0) == 0.02)
        #expect(try await publisher.publish(symbol: "IRON", rate: 0.025, time: now + 1) == 1)
        #expect(try await Self.eventually { feed.rate(instrument: 0, at: 0) == 0.025 })
    }

    /// A malformed message is reported and changes nothing; an older rate is not applied.
    @Test func badAndOlderRatesChangeNothing() async throws {
        let server = try TestRedisServer()
        let bad = Counters()
        let feed = MarginFeed(host: "127.0.0.1", port: server.port, symbols: ["IRON"], staleAfter: 600 * Self.second,
                              safeModeRate: 0.3, retryDelay: .milliseconds(20)) { event in
            if case .malformed = event { bad.value.add(1, ordering: .relaxed) }
        }
        let task = Task { await feed.run() }
        defer { task.cancel() }
        #expect(try await Self.eventually { feed.isConnected })
        let client = RedisClient(host: "127.0.0.1", port: server.port)
        let t = MarginFeed.wallClock()
        try await client.command("PUBLISH", "margin.IRON", "5:0.04:\(t)")
        #expect(try await Self.eventually { feed.current(0).version == 5 })
        try await client.command("PUBLISH", "margin.IRON", "6:7.5:\(t + 1)")
        try await client.command("PUBLISH", "margin.IRON", "4:0.09:\(t - 1)")
        try await client.command("PUBLISH", "margin.IRON", "7:0.05:\(t + 2)")
        #expect(try await Self.eventually { feed.current(0).version == 7 })
        #expect(bad.value.load(ordering: .relaxed) == 1)
        #expect(feed.current(0).rate == 0.05)
    }

    /// From the publisher's call to the rate in the feed, on loopback: 1,000 rates, one at a time.
    @Test func publishToFeedDelay() async throws {
        let server = try TestRedisServer()
        let publisher = MarginPublisher(client: RedisClient(host: "127.0.0.1", port: server.port))
        let delays = Mutex<[Int64]>([])
        let feed = MarginFeed(host: "127.0.0.1", port: server.port, symbols: ["IRON"], staleAfter: .max,
                              safeModeRate: 0.3, retryDelay: .milliseconds(20)) { event in
            if case let .applied(rate, receivedAt, true) = event { delays.withLock { $0.append(receivedAt - rate.time) } }
        }
        let task = Task { await feed.run() }
        defer { task.cancel() }
        #expect(try await Self.eventually { feed.isConnected })
        for i in 0..<1_000 {
            try await publisher.publish(symbol: "IRON", rate: 0.01 + Double(i % 7) / 1_000, time: MarginFeed.wallClock())
            let expected = Int64(i + 1)
            #expect(try await Self.eventually { feed.current(0).version == expected })
        }
        let sorted = delays.withLock { $0 }.sorted()
        #expect(sorted.count == 1_000)
        let p50 = sorted[sorted.count / 2], p99 = sorted[sorted.count * 99 / 100]
        print("margin rate, publish -> engine, loopback: p50 \(p50 / 1_000) us, p99 \(p99 / 1_000) us")
        #expect(p50 > 0 && p99 < 100_000_000)
    }
}
