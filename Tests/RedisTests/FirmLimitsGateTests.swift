import FIXTestSupport
import FirmRisk
import Redis
import Risk
import Testing

/// Risk gates of two engines (different instruments of one group) under one firm group limit
/// leased from a real redis-server: each gate stops at its share, and together they stay within
/// the cap.
@Suite(.enabled(if: TestRedisServer.available, "redis-server is not installed (apt-get install redis-server)"), .serialized)
struct FirmLimitsGateTests {
    static func gate(symbol: String, price: Int64, limits: FirmLimits) -> RiskGate {
        var gate = RiskGate(instruments: [RiskInstrument(symbol: symbol, valuePerTickLot: 1, group: 0)],
                            configuration: .init(groups: [RiskGroup(name: "crypto")]))
        gate.firmAllowance = limits
        gate.setEquity(1_000_000)
        gate.setReference(instrument: 0, price: price)
        return gate
    }

    /// The group `crypto` is capped at 10,000 of worst-case value. Engine A (a lot worth 1,000)
    /// asks for 6,000 first and gets it; engine B (a lot worth 500) asks for 6,000 and gets the
    /// 4,000 left. A's gate approves 6 one-lot buys and denies the 7th; B's approves 8 and denies
    /// the 9th: 6,000 + 4,000. An instrument lease of 3 lots on A binds before its group share.
    @Test func twoEnginesShareAGroupLimit() async throws {
        let server = try TestRedisServer()
        let client = RedisClient(host: "127.0.0.1", port: server.port)
        try await FirmLimitLease.setCap(10_000, name: "group:crypto", client: client)
        try await FirmLimitLease.setCap(3, name: "AAA", client: client)
        func lease(_ name: String, _ engine: String, _ amount: Int64) -> FirmLimitLease {
            FirmLimitLease(name: name, engine: engine, client: RedisClient(host: "127.0.0.1", port: server.port),
                           wanted: amount, ttl: .seconds(600))
        }
        let a = FirmLimits(instruments: [nil], groups: [lease("group:crypto", "A", 6_000)])
        let b = FirmLimits(instruments: [nil], groups: [lease("group:crypto", "B", 6_000)])
        #expect(try await a.groupLeases[0]!.renew() == 6_000)
        #expect(try await b.groupLeases[0]!.renew() == 4_000)
        var gateA = Self.gate(symbol: "AAA", price: 1_000, limits: a)
        var gateB = Self.gate(symbol: "BBB", price: 500, limits: b)
        let buy = RiskOrder.limit(.buy, price: 499, quantity: 1)
        for _ in 0..<6 { #expect(gateA.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved) }
        #expect(gateA.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.firmGroupLimit))
        for _ in 0..<8 { #expect(gateB.check(buy, at: 0) == .approved) }
        #expect(gateB.check(buy, at: 0) == .denied(.firmGroupLimit))
        let held = gateA.exposures[0].worstCaseLots * 1_000 + gateB.exposures[0].worstCaseLots * 500
        #expect(held == 10_000)

        // With an instrument share of 3 lots too, a third engine on AAA stops at 3 lots.
        let c = FirmLimits(instruments: [lease("AAA", "C", 5)], groups: [lease("group:crypto", "C", 6_000)])
        #expect(try await c.instrumentLeases[0]!.renew() == 3)
        // The group is used up by A and B: C gets nothing of it, and may not add at all.
        #expect(try await c.groupLeases[0]!.renew() == 0)
        var gateC = Self.gate(symbol: "AAA", price: 1_000, limits: c)
        #expect(gateC.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.firmGroupLimit))
        // A asks for 3,000 while it still holds 6,000: its lease stays at what it holds, and C
        // still gets nothing.
        #expect(try await a.groupLeases[0]!.request(3_000, held: 6_000) == 3_000)
        #expect(try await c.groupLeases[0]!.renew() == 0)
        // A's gate now denies a buy (6,000 held, 3,000 granted); three of its orders end.
        #expect(gateA.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.firmGroupLimit))
        for _ in 0..<3 { gateA.recordOrderEnded(instrument: 0, side: .buy, leaves: 1) }
        #expect(try await a.groupLeases[0]!.renew(held: Int64(gateA.exposures[0].worstCaseLots) * 1_000) == 3_000)
        // C gets the 3,000 freed, and its instrument share binds at 3 lots.
        #expect(try await c.groupLeases[0]!.renew() == 3_000)
        for _ in 0..<3 { #expect(gateC.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .approved) }
        #expect(gateC.check(.limit(.buy, price: 999, quantity: 1), at: 0) == .denied(.firmLimit))
    }
}
