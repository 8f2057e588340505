// Session benchmarks: an initiator session and an acceptor session of the engine in one process,
// connected over loopback TCP (127.0.0.1, a port the system picks), each with a `FileStore`
// (no fsync), no message log (`NullLog`) and validation of what it receives against
// `DataDictionary.fix44()`.
//
// 1. Throughput: the initiator sends NewOrderSingle messages one way; the acceptor's application
//    counts them, checking that every ClOrdID arrives once and in order. One measured iteration
//    is one batch of 1000 (`scalingFactor: .kilo`): sent from the initiator's event loop as fast
//    as the session takes them, then the benchmark waits until the acceptor has counted all 1000.
//    So at most 1000 messages (about 200 KB) are in flight, well under `FIXSession`'s write-buffer
//    high mark (1 MiB), above which the session would hold writes back.
// 2. Round trip: the initiator sends one NewOrderSingle, the acceptor's application answers with
//    an ExecutionReport (ExecType new), the initiator's application receives it and wakes the
//    benchmark thread. One iteration is one round trip, measured from before the send to the
//    benchmark thread's wake-up.
//
// Tools/bench/quickfix_loopback.cpp runs the same two scenarios on QuickFIX C++, and
// Tools/bench/run.sh compares the figures. The sessions run on one `MultiThreadedEventLoopGroup`;
// its thread count is `SESSION_LOOPBACK_THREADS` (1 or 2, default 2: each session on its own
// event loop, which gave about a third more throughput than one shared loop on the 2-core machine
// we measured on, and no worse round trips; see Tools/bench/README.md).

import Benchmark
import FIX
import FIXSessionCore
import FIXTransport
import Foundation
import NIOCore
import NIOPosix

// MARK: - Parameters

/// Messages per measured throughput iteration; matches `scalingFactor: .kilo`.
let batchSize = 1000

/// Event loop threads of the group both sessions share (environment `SESSION_LOOPBACK_THREADS`).
func loopThreads() throws(LoopbackFailure) -> Int {
    guard let text = ProcessInfo.processInfo.environment["SESSION_LOOPBACK_THREADS"] else { return 2 }
    guard let n = Int(text), n == 1 || n == 2 else {
        throw LoopbackFailure("SESSION_LOOPBACK_THREADS must be 1 or 2, not \(text)")
    }
    return n
}

/// How long any wait may take before the benchmark declares the sessions stuck.
let stuckAfter = DispatchTimeInterval.seconds(10)

/// Why a scenario failed. Setup and teardown throw it; the measured closures throw it too, and
/// package-benchmark then reports it (`benchmark.error`) and fails the run. The benchmark
/// process's own output is suppressed while it measures, so a `fatalError` would lose the reason.
struct LoopbackFailure: Error, CustomStringConvertible, CustomDebugStringConvertible {
    let description: String
    init(_ description: String) { self.description = "SessionLoopback: " + description }
    var debugDescription: String { description }
}

/// Waits for `semaphore`; a timeout is a failure of the scenario, reported with `what`.
func waitFor(_ semaphore: DispatchSemaphore, _ what: @autoclosure () -> String) throws(LoopbackFailure) {
    if semaphore.wait(timeout: .now() + stuckAfter) == .timedOut {
        throw LoopbackFailure("timed out waiting for \(what())")
    }
}

// MARK: - Applications

/// What a benchmark's pair of sessions does.
enum Scenario: Sendable {
    /// The acceptor counts NewOrderSingles and signals each completed batch.
    case throughput
    /// The acceptor answers each NewOrderSingle with an ExecutionReport.
    case roundTrip
}

/// Session events both applications report: logon and logout wake the setup and the teardown,
/// anything rejected is a failure of the benchmark.
class SessionWatcher: @unchecked Sendable {
    let name: String
    let loggedOn = DispatchSemaphore(value: 0)
    let loggedOut = DispatchSemaphore(value: 0)
    /// The first thing that went wrong: written on the session's event loop, read by the
    /// benchmark thread (also after a timed-out wait, hence the lock).
    private var failure: String?
    private let lock = NSLock()

    init(name: String) {
        self.name = name
    }

    func fail(_ text: String) {
        lock.withLock {
            if failure == nil { failure = "\(name): \(text)" }
        }
    }

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        switch event {
        case .loggedOn: loggedOn.signal()
        case .loggedOut: loggedOut.signal()
        case .rejected(let refSeqNum, let reason, let business):
            fail("\(business ? "business " : "")reject of message \(refSeqNum): \(reason)")
        case .logonRefused(let reason): fail("logon refused: \(reason)")
        case .note, .heartbeat: break
        }
    }

    /// Throws when anything went wrong.
    func check() throws(LoopbackFailure) {
        if let failure = lock.withLock({ failure }) { throw LoopbackFailure(failure) }
    }
}

/// The acceptor's application: the sell side that receives the orders.
final class OrderDesk: SessionWatcher, FIXApplication, @unchecked Sendable {
    let scenario: Scenario
    /// Signalled after every `batchSize`-th order counted (throughput).
    let batchDone = DispatchSemaphore(value: 0)
    /// Orders received; event loop only.
    private(set) var received = 0

    init(scenario: Scenario) {
        self.scenario = scenario
        super.init(name: "acceptor")
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        guard message.msgType == "D" else {
            fail("unexpected message type \(message.msgType ?? "?")")
            return
        }
        received += 1
        switch scenario {
        case .throughput:
            // Every ClOrdID once and in order: T1, T2, ...
            let id = message.string(Tag.clOrdID) ?? ""
            if !id.hasPrefix("T") || Int(id.dropFirst()) != received {
                fail("expected ClOrdID T\(received), received \(id)")
            }
            if received % batchSize == 0 { batchDone.signal() }
        case .roundTrip:
            let order: NewOrderSingle
            do {
                order = try NewOrderSingle(message)
            } catch {
                fail("cannot read NewOrderSingle: \(error)")
                return
            }
            let report = ExecutionReport(
                orderID: "O\(received)", clOrdID: order.clOrdID, execID: "E\(received)", execType: .new,
                ordStatus: .new, symbol: order.symbol, side: order.side, leavesQty: order.orderQty,
                cumQty: FIXDecimal(0), avgPx: FIXDecimal(0))
            _ = session.send(report)
        }
    }
}

/// The initiator's application: the buy side that sends the orders and, in the round trip,
/// receives the ExecutionReports.
final class OrderClient: SessionWatcher, FIXApplication, @unchecked Sendable {
    /// Signalled when an ExecutionReport arrives.
    let replied = DispatchSemaphore(value: 0)
    /// ClOrdID of the last ExecutionReport; written on the event loop, read after `replied`.
    private(set) var lastReplyClOrdID: String?

    init() {
        super.init(name: "initiator")
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        guard message.msgType == "8" else {
            fail("unexpected message type \(message.msgType ?? "?")")
            return
        }
        lastReplyClOrdID = message.string(Tag.clOrdID)
        replied.signal()
    }
}

// MARK: - The pair of sessions

/// An acceptor session and an initiator session of the engine, logged on to each other over
/// 127.0.0.1, with their stores in a temporary directory.
final class LoopbackPair: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let directory: String
    let stores: [FileStore]
    let desk: OrderDesk
    let client: OrderClient
    let acceptorSession: FIXSession
    let initiatorSession: FIXSession
    let acceptor: FIXAcceptor
    let initiator: FIXInitiator
    /// Orders sent so far (throughput); the initiator's event loop only.
    private var sent = 0
    /// Round trips so far; the benchmark thread only.
    private var roundTrips = 0
    /// The failure that ended the measurement, if any; the benchmark thread only. Once set, the
    /// measured calls throw it again at once instead of waiting for sessions that are stuck.
    private var failure: LoopbackFailure?

    private init(group: MultiThreadedEventLoopGroup, directory: String, stores: [FileStore], desk: OrderDesk,
                 client: OrderClient, acceptorSession: FIXSession, initiatorSession: FIXSession,
                 acceptor: FIXAcceptor, initiator: FIXInitiator) {
        self.group = group
        self.directory = directory
        self.stores = stores
        self.desk = desk
        self.client = client
        self.acceptorSession = acceptorSession
        self.initiatorSession = initiatorSession
        self.acceptor = acceptor
        self.initiator = initiator
    }

    /// Starts both sessions and returns once both are logged on.
    static func start(_ scenario: Scenario) async throws -> LoopbackPair {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fix-session-loopback-\(UUID().uuidString)").path
        let dictionary = try DataDictionary.fix44()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: try loopThreads())
        // The group hands out its loops round robin, to us and to the acceptor's bootstrap
        // alike: initiator session (loop 0), acceptor session (1), listening socket (0), accepted
        // connection (1). So each session shares its loop with its own connection, and with two
        // threads no received message has to hop between loops.
        let initiatorLoop = group.next()
        let acceptorLoop = group.next()

        let buySide = SessionID(senderCompID: "BUYSIDE", targetCompID: "SELLSIDE")
        let sellSide = buySide.reversed
        let initiatorStore = try FileStore(directory: directory + "/initiator", sessionID: buySide, sync: .never,
                                           now: systemNow())
        let acceptorStore = try FileStore(directory: directory + "/acceptor", sessionID: sellSide, sync: .never,
                                          now: systemNow())
        let desk = OrderDesk(scenario: scenario)
        let client = OrderClient()
        // ResetOnLogon on both sides, as the QuickFIX program has, so that every run starts at 1.
        let acceptorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: sellSide, role: .acceptor, heartBtInt: 30,
                                                    resetOnLogon: true),
                store: acceptorStore, dictionary: dictionary),
            log: NullLog(), application: desk, eventLoop: acceptorLoop)
        let initiatorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: buySide, role: .initiator, heartBtInt: 30,
                                                    resetOnLogon: true),
                store: initiatorStore, dictionary: dictionary),
            log: NullLog(), application: client, eventLoop: initiatorLoop)

        let acceptor = FIXAcceptor(sessions: [acceptorSession], group: group, host: "127.0.0.1", port: 0)
        do {
            try await acceptor.start()
            guard let port = acceptor.localPort else { throw LoopbackFailure("the acceptor has no port") }
            let initiator = FIXInitiator(session: initiatorSession, group: group, host: "127.0.0.1", port: port,
                                         reconnectInterval: .seconds(1))
            initiator.start()
            try waitFor(client.loggedOn, "the initiator's logon")
            try waitFor(desk.loggedOn, "the acceptor's logon")
            return LoopbackPair(group: group, directory: directory, stores: [initiatorStore, acceptorStore],
                                desk: desk, client: client, acceptorSession: acceptorSession,
                                initiatorSession: initiatorSession, acceptor: acceptor, initiator: initiator)
        } catch {
            try? await group.shutdownGracefully()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Logs out (the initiator starts the handshake), checks that nothing went wrong, stops
    /// listening, shuts the event loops down and removes the stores.
    func stop() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        initiator.stop()
        try waitFor(client.loggedOut, "the initiator's logout")
        try waitFor(desk.loggedOut, "the acceptor's logout")
        try client.check()
        try desk.check()
        let held = try await initiatorSession.eventLoop.submit { self.initiatorSession.skippedWrites }.get()
            + acceptorSession.eventLoop.submit { self.acceptorSession.skippedWrites }.get()
        if held > 0 { throw LoopbackFailure("\(held) writes were held back (write buffer above its high mark)") }
        try await acceptor.stop()
        try await group.shutdownGracefully()
        for store in stores { try store.close() }
    }

    /// Runs one measured step; the first failure is kept and thrown again by every later step.
    private func measured(_ step: () throws(LoopbackFailure) -> Void) throws(LoopbackFailure) {
        if let failure { throw failure }
        do {
            try step()
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: Throughput

    /// Sends `batchSize` NewOrderSingles from the initiator's event loop, as fast as the session
    /// takes them, and returns once the acceptor has counted them all.
    func sendBatchAndWait() throws(LoopbackFailure) {
        try measured { () throws(LoopbackFailure) in
            try sendBatch()
        }
    }

    private func sendBatch() throws(LoopbackFailure) {
        initiatorSession.eventLoop.execute {
            for _ in 0..<batchSize {
                self.sent += 1
                let order = NewOrderSingle(
                    clOrdID: "T\(self.sent)", handlInst: .automatedPrivate, symbol: "AAPL",
                    side: self.sent % 2 == 0 ? .sell : .buy, transactTime: systemNow(), orderQty: FIXDecimal(100),
                    ordType: .limit, price: FIXDecimal(mantissa: 10_000 + Int64(self.sent % 100), scale: 2))
                _ = self.initiatorSession.send(order)
            }
        }
        try waitFor(desk.batchDone, "a batch of \(batchSize) orders to be counted")
        try desk.check()
    }

    // MARK: Round trip

    /// One NewOrderSingle out, its ExecutionReport back.
    func roundTrip() throws(LoopbackFailure) {
        try measured { () throws(LoopbackFailure) in
            try sendOrderAwaitReport()
        }
    }

    private func sendOrderAwaitReport() throws(LoopbackFailure) {
        roundTrips += 1
        let clOrdID = "R\(roundTrips)"
        let order = NewOrderSingle(
            clOrdID: clOrdID, handlInst: .automatedPrivate, symbol: "AAPL", side: roundTrips % 2 == 0 ? .sell : .buy,
            transactTime: systemNow(), orderQty: FIXDecimal(100), ordType: .limit,
            price: FIXDecimal(mantissa: 10_000 + Int64(roundTrips % 100), scale: 2))
        _ = initiatorSession.send(order)
        try waitFor(client.replied, "the ExecutionReport for \(clOrdID)")
        if _slowPath(client.lastReplyClOrdID != clOrdID) {
            throw LoopbackFailure("sent \(clOrdID), ExecutionReport for \(client.lastReplyClOrdID ?? "nil")")
        }
    }
}

/// Holds a benchmark's pair of sessions between setup, the measured iterations and teardown.
final class PairBox: @unchecked Sendable {
    var pair: LoopbackPair?
}

// MARK: - Registration

let benchmarks: @Sendable () -> Void = {
    let throughput = PairBox()
    Benchmark(
        "Session throughput: NewOrderSingle one way over loopback",
        configuration: .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal],
            timeUnits: .nanoseconds,
            warmupIterations: 10,
            scalingFactor: .kilo,
            maxDuration: .seconds(10),
            maxIterations: 300
        ),
        closure: { (_: Benchmark) throws in try throughput.pair!.sendBatchAndWait() },
        setup: { throughput.pair = try await LoopbackPair.start(.throughput) },
        teardown: {
            try await throughput.pair?.stop()
            throughput.pair = nil
        }
    )

    let roundTrip = PairBox()
    Benchmark(
        "Session round trip: NewOrderSingle -> ExecutionReport over loopback",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal],
            timeUnits: .nanoseconds,
            warmupIterations: 1000,
            scalingFactor: .one,
            maxDuration: .seconds(30),
            maxIterations: 100_000
        ),
        closure: { (_: Benchmark) throws in try roundTrip.pair!.roundTrip() },
        setup: { roundTrip.pair = try await LoopbackPair.start(.roundTrip) },
        teardown: {
            try await roundTrip.pair?.stop()
            roundTrip.pair = nil
        }
    )
}
