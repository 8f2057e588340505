// Benchmarks of the exchange's core: the order book on a mixed workload of adds, cancels and
// matches, and the replay of a recorded market with our orders inside it.
//
// Each measured iteration runs a fixed number of operations (`scalingFactor`), so the scaled
// figures are per operation and the throughput is operations a second. The workloads are built
// in setup from a seeded generator; the setup also checks that they do what they claim
// (the mix of events the book reports, the fills in the replay).

import Exchange
import Market
import MarketData
import Benchmark
import BenchmarkSupport
/// A small seeded generator for the workloads (not measured).
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

// MARK: - Order book, mixed workload

/// A book kept around a mid price and around its starting size of 2,000 orders (a steady state,
/// as an exchange's books are): 45% passive adds (1 to 40 ticks from the mid), 40% cancels of a
/// random working order, 15% marketable IOC orders of 1 to 5 lots that trade at the top. An add
/// is a cancel instead while the book holds over 3,000 orders, and a cancel an add under 1,000.
struct BookWorkload {
    static let instrument = Instrument(symbol: "BENCH", tickSize: DecimalStep(units: 1, scale: 2))
    static let mid: Int64 = 10_000

    /// One operation; every one carries an add's values and a random pick of the order to cancel,
    /// for when the steady-state rule turns it into the other kind.
    struct Op {
        enum Kind { case add, cancel, take }
        var kind: Kind
        var side: Side
        var price: Int64
        var quantity: Int64
        var pick: Int
    }

    var book = OrderBook(instrument: instrument)
    var ops: [Op] = []
    var live: [OrderID] = []
    var nextID: OrderID = 1
    var events: [ExchangeEvent] = []
    var cursor = 0

    init(operations: Int, seed: UInt64) {
        var g = Generator(state: seed)
        book.reserveCapacity(1 << 16)
        live.reserveCapacity(1 << 16)
        events.reserveCapacity(64)
        for _ in 0..<operations {
            let r = g.below(100)
            let side: Side = g.below(2) == 0 ? .buy : .sell
            let offset = Int64(1 + g.below(40))
            let price = side == .buy ? Self.mid - offset : Self.mid + offset
            let kind: Op.Kind = r < 45 ? .add : r < 85 ? .cancel : .take
            let quantity = Int64(kind == .take ? 1 + g.below(5) : 1 + g.below(10))
            ops.append(Op(kind: kind, side: side, price: price, quantity: quantity, pick: g.below(1 << 30)))
        }
        // Start with a populated book.
        for k in 0..<2000 {
            let side: Side = k % 2 == 0 ? .buy : .sell
            let offset = Int64(1 + g.below(40))
            add(side, side == .buy ? Self.mid - offset : Self.mid + offset, Int64(1 + g.below(10)))
        }
    }

    mutating func add(_ side: Side, _ price: Int64, _ quantity: Int64) {
        events.removeAll(keepingCapacity: true)
        book.submit(.limit(side, price: price, quantity: quantity, owner: OwnerID(nextID % 7)), id: nextID, events: &events)
        live.append(nextID)
        nextID += 1
    }

    /// Runs `count` operations of the workload (cycling through it).
    mutating func run(_ count: Int) {
        for _ in 0..<count {
            let op = ops[cursor]
            cursor += 1
            if cursor == ops.count { cursor = 0 }
            let count = book.orderCount
            var kind = op.kind
            if kind == .add && count > 3_000 { kind = .cancel }
            if kind == .cancel && count < 1_000 { kind = .add }
            switch kind {
            case .add:
                add(op.side, op.price, op.quantity)
            case .cancel:
                // A random working order (those filled meanwhile are dropped from the list).
                while !live.isEmpty {
                    let i = op.pick % live.count
                    let id = live[i]
                    live.swapAt(i, live.count - 1)
                    live.removeLast()
                    if let o = book.order(id) {
                        events.removeAll(keepingCapacity: true)
                        book.cancel(id, owner: o.owner, events: &events)
                        break
                    }
                }
            case .take:
                events.removeAll(keepingCapacity: true)
                let price = op.side == .buy ? Self.mid + 100 : Self.mid - 100
                book.submit(.limit(op.side, price: price, quantity: op.quantity, owner: 99, timeInForce: .immediateOrCancel),
                            id: nextID, events: &events)
                nextID += 1
            }
        }
    }
}

// MARK: - Replay

/// A synthetic market's events (generated in setup) applied to a replay exchange holding a
/// ladder of our orders, which is refilled as it trades.
struct ReplayWorkload {
    var exchange: ReplayExchange
    var recorded: [MarketEvent] = []
    var events: [ExchangeEvent] = []
    var cursor = 0
    var fills = 0

    init(events count: Int) {
        var source = SyntheticMarket(SyntheticMarket.Parameters(seed: 7, days: 1, eventsPerDay: count))
        while let e = source.next() { recorded.append(e) }
        exchange = ReplayExchange(instrument: SyntheticMarket.defaultInstrument, rankCoefficient: 0.8)
        events.reserveCapacity(64)
    }

    mutating func run(_ count: Int) {
        for _ in 0..<count {
            let e = recorded[cursor]
            cursor += 1
            if cursor == recorded.count { cursor = 0 }
            events.removeAll(keepingCapacity: true)
            exchange.apply(e, events: &events)
            fills &+= events.count
            // Keep one bid and one ask of ours at the touch.
            if exchange.orders.count < 2, let bid = exchange.bestBid, let ask = exchange.bestAsk {
                events.removeAll(keepingCapacity: true)
                if !exchange.orders.contains(where: { $0.side == .buy }) {
                    exchange.submit(.limit(.buy, price: bid, quantity: 1, owner: 1), events: &events)
                }
                if !exchange.orders.contains(where: { $0.side == .sell }) {
                    exchange.submit(.limit(.sell, price: ask, quantity: 1, owner: 1), events: &events)
                }
            }
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 5,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 1000
    )

    let book = Box<BookWorkload>()
    Benchmark("Order book: mixed add/cancel/match", configuration: configuration) { benchmark in
        book.value!.run(benchmark.scaledIterations.count)
        blackHole(book.value!.book.orderCount)
    } setup: {
        var w = BookWorkload(operations: 1 << 20, seed: 42)
        // Check the mix once: the book trades, rests and cancels.
        var fills = 0, cancels = 0
        for _ in 0..<100_000 {
            w.run(1)
            for e in w.events {
                if case .fill = e { fills += 1 }
                if case .canceled(_, _, _, .requested) = e { cancels += 1 }
            }
        }
        precondition(fills > 5_000 && cancels > 20_000, "the workload does not trade and cancel")
        precondition((500...20_000).contains(w.book.orderCount), "the book does not stay near its size: \(w.book.orderCount) orders")
        book.value = w
    }

    let replay = Box<ReplayWorkload>()
    Benchmark("Replay: recorded events with our orders", configuration: configuration) { benchmark in
        replay.value!.run(benchmark.scaledIterations.count)
        blackHole(replay.value!.fills)
    } setup: {
        var w = ReplayWorkload(events: 1 << 20)
        w.run(200_000)
        precondition(w.fills > 100, "our orders never fill in the replay")
        replay.value = w
    }
}
