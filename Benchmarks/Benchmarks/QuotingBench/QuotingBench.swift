// Micro-benchmarks of the quoting ladder's hot path: market data in, order intents out.
//
// One operation is one market update: `LadderQuoter.update(bestBid:bestAsk:now:into:)` on a
// best-price path that moves every call, then the venue's immediate answers fed back with
// `apply(_:into:)`: the fills the move caused (the study's market: best bid = last - 1 tick,
// best ask = last + 1 tick, a touch fills) before the update, the acknowledgements of every
// intent after it. Every benchmark runs 1000 operations per measured iteration
// (`scalingFactor: .kilo`), so the scaled figures are per update. The quoter, the path and the
// buffers are built in setup and reused; the setup also checks once that the work is the
// intended one (the ladder moves by replaces, refills by new orders, stays complete).

import Benchmark
import BenchmarkSupport
import Quoting

/// A small deterministic generator for the price path (xorshift64*).
struct PathRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// The quoter with an in-process venue that answers at once.
struct LadderWorkload {
    var quoter: LadderQuoter
    /// Last-trade prices (ticks), each different from the one before.
    let path: [Int64]
    var cursor = 0
    var now: Int64 = 0
    var intents: [QuoteIntent] = []
    var followUps: [QuoteIntent] = []
    var messages = 0
    var fills = 0

    init(configuration: QuoteConfiguration, steps: Int, maxMove: Int, seed: UInt64) {
        quoter = LadderQuoter(configuration: configuration)
        var rng = PathRandom(state: seed)
        var p: Int64 = 1_000_000
        var path: [Int64] = []
        path.reserveCapacity(steps)
        for _ in 0..<steps {
            // A move of 1...maxMove ticks, up or down, never 0; pulled back toward the start.
            var move = Int64(rng.next() % UInt64(maxMove)) + 1
            if rng.next() & 1 == 0 { move = -move }
            if (p > 1_000_000 + 500 && move > 0) || (p < 1_000_000 - 500 && move < 0) { move = -move }
            p += move
            path.append(p)
        }
        self.path = path
        intents.reserveCapacity(256)
        followUps.reserveCapacity(64)
        // The first ladder.
        update(last: 1_000_000)
    }

    /// One market update at last-trade price `last`.
    @inline(__always)
    mutating func update(last: Int64) {
        now &+= 1_000
        // The trade at `last` fills our bids at or above it and our asks at or below it.
        var i = 0
        while i < quoter.orders.count {
            let o = quoter.orders[i]
            if o.side == .buy ? o.price >= last : o.price <= last {
                quoter.apply(.fill(o.key, price: o.price, quantity: o.leaves, leaves: 0), into: &followUps)
                fills &+= 1
            } else {
                i += 1
            }
        }
        intents.removeAll(keepingCapacity: true)
        quoter.update(bestBid: last - 1, bestAsk: last + 1, now: now, into: &intents)
        messages &+= intents.count
        // The venue acknowledges every request at once.
        for intent in intents {
            switch intent {
            case .new(let key, _, _, _):
                quoter.apply(.accepted(key), into: &followUps)
            case let .replace(_, newKey, _, price, quantity, _):
                quoter.apply(.replaced(newKey, price: price, quantity: quantity, leaves: quantity), into: &followUps)
            case let .cancel(key, newKey, _):
                quoter.apply(.canceled(newKey, origKey: key), into: &followUps)
            }
        }
        followUps.removeAll(keepingCapacity: true)
    }

    mutating func run(_ count: Int) {
        for _ in 0..<count {
            let last = path[cursor]
            cursor += 1
            if cursor == path.count { cursor = 0 }
            update(last: last)
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 20,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    /// Builds a workload and checks once that it quotes as the study says.
    func workload(levels: Int, maxMove: Int) -> LadderWorkload {
        var w = LadderWorkload(configuration: QuoteConfiguration(levels: levels), steps: 1 << 16,
                               maxMove: maxMove, seed: 0x9E37_79B9_7F4A_7C15)
        w.run(10_000)
        let stats = w.quoter.statistics
        precondition(stats.replaces > 1_000 && stats.news > 1_000 && w.fills > 1_000,
                     "the ladder does not move, refill and trade")
        precondition(stats.cancels == 0 && stats.unknownUpdates == 0, "the ladder churns")
        precondition(w.quoter.tracker.liveCount(.buy) == levels && w.quoter.tracker.liveCount(.sell) == levels,
                     "the ladder is not complete")
        return w
    }

    let five = Box<LadderWorkload>()
    Benchmark("Ladder update + acks (5 levels, moves of 1-2 ticks)", configuration: configuration) { benchmark in
        five.value!.run(benchmark.scaledIterations.count)
        blackHole(five.value!.messages)
    } setup: {
        five.value = workload(levels: 5, maxMove: 2)
    }

    let jumps = Box<LadderWorkload>()
    Benchmark("Ladder update + acks (5 levels, moves of 1-5 ticks)", configuration: configuration) { benchmark in
        jumps.value!.run(benchmark.scaledIterations.count)
        blackHole(jumps.value!.messages)
    } setup: {
        jumps.value = workload(levels: 5, maxMove: 5)
    }

    let wide = Box<LadderWorkload>()
    Benchmark("Ladder update + acks (20 levels, moves of 1-2 ticks)", configuration: configuration) { benchmark in
        wide.value!.run(benchmark.scaledIterations.count)
        blackHole(wide.value!.messages)
    } setup: {
        wide.value = workload(levels: 20, maxMove: 2)
    }
}
