import FIXTestSupport
import FirmRisk
import Foundation
import Redis
import Synchronization
import Testing

/// Firm limits leased by several engines from a real redis-server: the leases never add up to
/// more than the cap, whatever the engines do at once; a dead engine's lease ends; a lost Redis
/// leaves an engine with what it holds until its lease ends, then nothing.
@Suite(.enabled(if: TestRedisServer.available, "redis-server is not installed (apt-get install redis-server)"), .serialized)
struct FirmLimitLeaseTests {
    static func client(_ server: TestRedisServer) -> RedisClient {
        RedisClient(host: "127.0.0.1", port: server.port, retryDelay: .milliseconds(20))
    }

    /// The leases in Redis now: engine -> amount, expired ones left out.
    static func leases(_ name: String, _ client: RedisClient) async throws -> [String: Int64] {
        let now = try await client.command("TIME").elements!.compactMap(\.int)
        let nowMs = now[0] * 1_000 + now[1] / 1_000
        let all = try await client.command("HGETALL", FirmLimitLease.keys(name).leases).elements?.compactMap(\.string) ?? []
        var out: [String: Int64] = [:]
        for i in stride(from: 0, to: all.count - 1, by: 2) {
            let parts = all[i + 1].split(separator: ":").compactMap { Int64($0) }
            if parts.count == 2, parts[1] > nowMs { out[all[i]] = parts[0] }
        }
        return out
    }

    @Test func grantsUpToTheCapAndTheRestToOthers() async throws {
        let server = try TestRedisServer()
        let admin = Self.client(server)
        try await FirmLimitLease.setCap(100, name: "BTCUSDT", client: admin)
        // Leases long enough that a machine stalled by other tests never sees one end during the test.
        let a = FirmLimitLease(name: "BTCUSDT", engine: "MAKER1", client: Self.client(server), ttl: .seconds(600))
        let b = FirmLimitLease(name: "BTCUSDT", engine: "MAKER2", client: Self.client(server), ttl: .seconds(600))
        #expect(try await a.request(60) == 60 && a.available == 60)
        #expect(try await b.request(60) == 40 && b.available == 40)
        #expect(try await Self.leases("BTCUSDT", admin) == ["MAKER1": 60, "MAKER2": 40])
        // A smaller amount is used at once; released capacity goes to the next to ask.
        #expect(try await a.request(0) == 0 && a.available == 0)
        #expect(try await b.renew() == 60)
        #expect(try await Self.leases("BTCUSDT", admin) == ["MAKER2": 60])
    }

    /// Five engines ask for random amounts at once, 200 times each; a checker reads the leases in
    /// Redis all along: their sum never passes the cap, and at the end each engine may use what
    /// Redis holds for it.
    @Test func racingEnginesNeverExceedTheCap() async throws {
        let server = try TestRedisServer()
        let admin = Self.client(server)
        let cap: Int64 = 100
        try await FirmLimitLease.setCap(cap, name: "group:crypto", client: admin)
        let engines = (0..<5).map { FirmLimitLease(name: "group:crypto", engine: "MAKER\($0)", client: Self.client(server), ttl: .seconds(600)) }
        let done = Counters(), worst = Counters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, lease) in engines.enumerated() {
                group.addTask {
                    var random = SystemRandomNumberGenerator()
                    for _ in 0..<200 {
                        let amount = Int64.random(in: 0...60, using: &random)
                        let granted = try await lease.request(amount)
                        #expect(granted <= amount && lease.available <= amount, "engine \(i)")
                    }
                    done.value.add(1, ordering: .relaxed)
                }
            }
            group.addTask {
                let checker = Self.client(server)
                var samples = 0
                while done.value.load(ordering: .relaxed) < engines.count || samples < 10 {
                    let sum = try await Self.leases("group:crypto", checker).values.reduce(0, +)
                    _ = worst.value.max(Int(sum), ordering: .relaxed)
                    samples += 1
                }
            }
            try await group.waitForAll()
        }
        #expect(worst.value.load(ordering: .relaxed) <= Int(cap))
        #expect(worst.value.load(ordering: .relaxed) > 0)
        let held = try await Self.leases("group:crypto", admin)
        #expect(held.values.reduce(0, +) <= cap)
        for lease in engines { #expect(lease.available == (held[lease.engine] ?? 0), "\(lease.engine)") }
    }

    /// An engine that stops renewing (it died) loses its lease at its end: the others get it.
    @Test func aDeadEnginesLeaseExpires() async throws {
        let server = try TestRedisServer()
        let admin = Self.client(server)
        try await FirmLimitLease.setCap(100, name: "ETHUSDT", client: admin)
        let dead = FirmLimitLease(name: "ETHUSDT", engine: "DEAD", client: Self.client(server), ttl: .seconds(1),
                                  safetyMargin: .milliseconds(100))
        let alive = FirmLimitLease(name: "ETHUSDT", engine: "ALIVE", client: Self.client(server), ttl: .seconds(600))
        let asked = ContinuousClock.now
        #expect(try await dead.request(70) == 70)
        let granted = try await alive.request(100)
        // While the dead engine's lease lasts, 30 is what is left (a machine stalled by other
        // tests for most of a second may already be past it).
        if ContinuousClock.now - asked < .milliseconds(800) { #expect(granted == 30) }
        try await Task.sleep(for: .milliseconds(1_100))
        // The dead engine itself would no longer use it either.
        #expect(dead.available == 0)
        #expect(try await alive.renew() == 100)
    }

    /// What an engine holds is never granted to another: an engine that comes back holding 12
    /// (a restart, an outage) keeps a lease of 12 in Redis even when only 5 can be granted to
    /// it; it may use only the 5, and the others see the 12 as used.
    @Test func whatAnEngineHoldsStaysLeased() async throws {
        let server = try TestRedisServer()
        let admin = Self.client(server)
        try await FirmLimitLease.setCap(20, name: "SYNTH", client: admin)
        let a = FirmLimitLease(name: "SYNTH", engine: "A", client: Self.client(server), ttl: .seconds(600))
        let b = FirmLimitLease(name: "SYNTH", engine: "B", client: Self.client(server), ttl: .seconds(600))
        let c = FirmLimitLease(name: "SYNTH", engine: "C", client: Self.client(server), ttl: .seconds(600))
        #expect(try await a.request(15) == 15)
        #expect(try await b.request(10, held: 12) == 5 && b.available == 5)
        #expect(try await Self.leases("SYNTH", admin) == ["A": 15, "B": 12])
        #expect(try await c.request(10) == 0 && c.available == 0)
        // A gives back 10: B is granted 10, and its lease is the 12 it still holds.
        #expect(try await a.request(5) == 5)
        #expect(try await b.renew(held: 12) == 10)
        #expect(try await Self.leases("SYNTH", admin) == ["A": 5, "B": 12])
        #expect(try await c.renew() == 3)
        // The same engine, restarted (a new lease object under the same name), holding 5: its
        // own lease does not count against it.
        let a2 = FirmLimitLease(name: "SYNTH", engine: "A", client: Self.client(server), ttl: .seconds(600))
        #expect(try await a2.request(5, held: 5) == 5)
    }

    /// Redis is killed: the engine keeps what it holds until its lease ends, then nothing; a
    /// restarted Redis without the cap grants nothing; once the cap is set again, the lease is.
    @Test func aLostRedisFailsClosed() async throws {
        let server = try TestRedisServer()
        let admin = Self.client(server)
        try await FirmLimitLease.setCap(100, name: "BTCUSDT", client: admin)
        let lease = FirmLimitLease(name: "BTCUSDT", engine: "MAKER1", client: Self.client(server), ttl: .milliseconds(600),
                                   safetyMargin: .milliseconds(100))
        let asked = ContinuousClock.now
        #expect(try await lease.request(50) == 50)
        server.kill()
        // Held until the lease's local end (unless the machine stalled past it meanwhile).
        if ContinuousClock.now - asked < .milliseconds(400) { #expect(lease.available == 50) }
        await #expect(throws: RedisError.self) { try await lease.renew() }
        try await Task.sleep(for: .milliseconds(600))
        #expect(lease.available == 0)
        try server.start()
        try await Task.sleep(for: .milliseconds(30))
        await #expect(throws: RedisError.self) { try await lease.renew() }
        #expect(lease.available == 0 && lease.grantedAmount == 0)
        try await FirmLimitLease.setCap(100, name: "BTCUSDT", client: admin)
        #expect(try await lease.renew() == 50 && lease.available == 50)
    }
}

/// Counters shared by the tasks of a test.
final class Counters: Sendable {
    let value = Atomic<Int>(0)
}
