// Benchmarks of the pre-trade risk gate with every check on: kill switch, trading state, order
// validity, order quantity, order notional, price collar, open orders, net-position stop,
// throttle, concentration and margin (the standard policies, all with finite limits), on two
// instruments whose margin models are warm.
//
// The workload is what the ladder sends in steady state: cancel/replaces (35=G) of one-lot
// quotes, 5 levels a side on each instrument, each moved by a tick or two around the reference
// price; a replace of one lot by one lot leaves the exposure as it was, so the state the checks
// see does not drift over millions of operations. Every operation advances the clock by 1 us
// (the throttle allows 2 M messages a second, so it never binds; the margin models' staleness
// limit is an hour, so they never go to safe mode during a run).
//
// 1. `Risk gate approve (all checks)`: every order approved.
// 2. `Risk gate 10% denied (all checks)`: every tenth order priced outside the collar, denied by
//    the sixth policy (counted and written to the denial log's ring).
// 3. `Risk gate approve, 10 instruments in 2 groups (all checks)`: the same on ten instruments,
//    each in one of two groups, with every concentration limit on and checked (of equity and of
//    gross exposure, for the instrument and for its group): each check sums the other nine
//    instruments' margin, gross exposure and group exposure.
//
// Each measured iteration runs 1000 checks (`scalingFactor: .kilo`), so the scaled figures are
// per check. The setup checks once that a full cycle of the workload is approved (or denied) as
// intended and leaves the exposure unchanged. Target: p99 under 200 ns, 0 allocations.

import Market
import Benchmark
import BenchmarkSupport
import Risk

// MARK: - Workload

struct GateWorkload {
    static let second: Int64 = 1_000_000_000
    /// BTCUSDT-like (tick 0.1, lot 0.001: 0.0001 a tick and lot) at 61,800.0, and ETHUSDT-like
    /// (tick 0.01, lot 0.001: 0.00001) at 3,100.00.
    /// With ten instruments, all ETHUSDT-like, at 3,100.00, 3,200.00, ... so that none of them
    /// is most of the gross exposure.
    let references: [Int64]

    var gate: RiskGate
    let orders: [RiskOrder]
    var cursor = 0
    var now: Int64

    /// The gate and a cycle of replaces; with `denyEvery`, every such order is priced 10% away
    /// from the reference (outside the 5% collar).
    init(denyEvery: Int?, instruments count: Int = 2) {
        // With ten instruments, the shares of gross exposure are on too, and two groups.
        let grouped = count > 2
        references = grouped ? (0..<count).map { 310_000 + Int64($0) * 10_000 } : [618_000, 310_000]
        let references = self.references
        let limits = RiskLimits(maxOrderQuantity: 100, maxOrderNotional: 100_000, collar: .fraction(0.05),
                                maxOpenOrders: 20, maxConcentration: 0.5, maxGrossShare: grouped ? 0.5 : .infinity)
        let margin = MarginModel.Configuration(barInterval: Self.second, warmupBars: 20,
                                               staleAfter: 3_600 * Self.second)
        let stop = NetPositionStop.Configuration(limit: 50, restartThreshold: 10)
        let btc = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep(units: 1, scale: 1),
                             lotSize: DecimalStep(units: 1, scale: 3))
        let eth = Instrument(symbol: "ETHUSDT", tickSize: DecimalStep(units: 1, scale: 2),
                             lotSize: DecimalStep(units: 1, scale: 3))
        gate = RiskGate(
            instruments: (0..<count).map { i in
                RiskInstrument(i == 0 && !grouped ? btc : eth, limits: limits, stop: stop, margin: margin, group: grouped ? i % 2 : nil)
            },
            configuration: RiskGate.Configuration(
                maxOpenOrdersTotal: 20 * count,
                throttle: MessageThrottle(messagesPerSecond: 2_000_000, burst: 100),
                denialLogCapacity: 64,
                groups: grouped ? [RiskGroup(name: "even", maxConcentration: 0.9, maxGrossShare: 0.9),
                                   RiskGroup(name: "odd", maxConcentration: 0.9, maxGrossShare: 0.9)] : [],
                grossShareFloor: grouped ? 0 : 0.1
            )
        )
        gate.setEquity(10_000)

        // Warm the margin models: 40 one-second bars wiggling a few ticks around the reference.
        var t: Int64 = 0
        for bar in 0..<41 {
            for i in 0..<count {
                let wiggle = Int64(bar % 5) - 2
                _ = gate.updatePrice(instrument: i, price: references[i] + wiggle * 10, at: t)
            }
            t += Self.second
        }
        for i in 0..<count {
            precondition(gate.margins[i].isWarm, "margin model \(i) not warm")
            gate.setReference(instrument: i, price: references[i])
        }
        // A small position, so the concentration and margin checks have something to add to.
        for i in 0..<count { gate.setPosition(instrument: i, position: i % 2 == 0 ? 3 : -2) }

        // The ladders: 5 one-lot bids and asks on each instrument, one and more ticks from the reference.
        for i in 0..<count {
            for level in Int64(1)...5 {
                let bid = gate.check(.limit(.buy, price: references[i] - level, quantity: 1, instrument: i), at: t)
                let ask = gate.check(.limit(.sell, price: references[i] + level, quantity: 1, instrument: i), at: t)
                precondition(bid == .approved && ask == .approved, "ladder: \(bid), \(ask)")
            }
        }

        // The cycle: each quote moves by a tick or two; one-lot replaces of one-lot orders.
        var orders: [RiskOrder] = []
        for k in 0..<1_000 {
            let i = k % count
            let side: Side = (k / count) % 2 == 0 ? .buy : .sell
            let level = Int64(1 + (k / (2 * count)) % 5)
            let reference = references[i]
            let old = side == .buy ? reference - level : reference + level
            var price = side == .buy ? reference - level - Int64(k % 3) : reference + level + Int64(k % 3)
            if let denyEvery, k % denyEvery == denyEvery - 1 {
                price = side == .buy ? reference - reference / 10 : reference + reference / 10
            }
            orders.append(.replace(side, price: price, quantity: 1, replacing: ReplacedOrder(price: old, quantity: 1),
                                   instrument: i))
        }
        self.orders = orders
        now = t

        // Check once that a cycle does what it claims and leaves the state as it was.
        let exposures = gate.exposures
        let approvals = gate.approvals
        let denials = gate.totalDenials
        for _ in 0..<orders.count {
            _ = once()
        }
        let expectedDenials = denyEvery.map { UInt64(orders.count / $0) } ?? 0
        precondition(gate.totalDenials - denials == expectedDenials, "denials: \(gate.totalDenials - denials)")
        precondition(gate.denials(.priceCollar) == expectedDenials, "not the collar: \(gate.recentDenials)")
        precondition(gate.approvals - approvals == UInt64(orders.count) - expectedDenials, "approvals")
        precondition(gate.exposures == exposures, "the exposure drifted")
    }

    /// One check: the next order of the cycle, 1 us after the last.
    @inline(__always)
    mutating func once() -> RiskDecision {
        let order = orders[cursor]
        cursor += 1
        if cursor == orders.count { cursor = 0 }
        now &+= 1_000
        return gate.check(order, at: now)
    }

    mutating func run(_ iterations: Range<Int>) {
        for _ in iterations {
            blackHole(once())
        }
    }
}

// MARK: - Registration

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = perOperationConfiguration()

    let approve = Box<GateWorkload>()
    Benchmark(
        "Risk gate approve (all checks)",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            approve.value!.run(benchmark.scaledIterations)
        },
        setup: { approve.value = GateWorkload(denyEvery: nil) },
        teardown: { approve.value = nil }
    )

    let mixed = Box<GateWorkload>()
    Benchmark(
        "Risk gate 10% denied (all checks)",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            mixed.value!.run(benchmark.scaledIterations)
        },
        setup: { mixed.value = GateWorkload(denyEvery: 10) },
        teardown: { mixed.value = nil }
    )

    let ten = Box<GateWorkload>()
    Benchmark(
        "Risk gate approve, 10 instruments in 2 groups (all checks)",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            ten.value!.run(benchmark.scaledIterations)
        },
        setup: { ten.value = GateWorkload(denyEvery: nil, instruments: 10) },
        teardown: { ten.value = nil }
    )
}
