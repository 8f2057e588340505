// Market data in -> cancel/replace bytes out, in process: a MarketDataIncrementalRefresh arrives
// as bytes; it is parsed, applied to the market maker's book; the ladder re-aims and
// its replaces pass the risk gate; the resulting OrderCancelReplaceRequest (and any other order
// messages) are encoded with the session header, ready for the socket. One operation is one
// market-data message; the best bid and ask move by one tick every message, up and down, so
// every message leads to replaces.

import MakerCore
import MakerFIX
import Market
import Benchmark
import BenchmarkSupport
import FIX
import MarketFIX
import FIXSessionCore
import FIXTransport
import Foundation
import Quoting
#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds of the monotonic clock.
func monotonic() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

/// The market maker of BTCUSDT (tick 0.1, lot 0.001) fed prepared incremental refreshes.
struct TickToTrade {
    static let btc = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep(units: 1, scale: 1), lotSize: DecimalStep(units: 1, scale: 3))
    let instrument = TickToTrade.btc
    let application: FIXMarketMaker
    var message = FIXMessage()
    let encoder = FIXEncoder()
    let header = FIXSessionHeader(senderCompID: "MAKER", targetCompID: "EXCH")
    var sequence = 1
    /// Incremental refreshes moving the market up one tick, then down one tick, alternately.
    var updates: [[UInt8]] = []
    var cursor = 0
    var bytesOut = 0

    /// How the market maker's journal takes part in each message's path.
    enum Journal {
        /// No journal.
        case none
        /// The changes are encoded into the journal's buffer on the path; handed to the system
        /// after the clock is read (as the session's store writes are not counted either).
        case encode
        /// Encoded and handed to the system on the path (a copy into the shared mapping of the
        /// journal file's end, ``RecordJournal/flush()``).
        case write
    }

    let journaling: Journal
    var journal: MakerJournal?

    init(journal: Journal = .none) {
        journaling = journal
        application = FIXMarketMaker(maker: MarketMaker(configuration: MarketMakerConfiguration(instrument: instrument)))
        if journal != .none {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tick-to-trade-\(UUID().uuidString)/MAKER.maker").path
            let opened = try! MakerJournal.open(path: path, instrument: instrument, sync: .never)
            application.attach(journal: opened.journal)
            self.journal = opened.journal
            // The file goes with its last descriptor: nothing is left behind.
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
        // A snapshot first: 61800.0 / 61800.1.
        let time = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12)!
        let snapshot = Self.encode(msgType: "W", time: time) { e in
            e.append(Tag.mdReqID, "MD-BTCUSDT")
            e.append(Tag.symbol, "BTCUSDT")
            e.append(Tag.noMDEntries, 2)
            e.append(Tag.mdEntryType, char: UInt8(ascii: "0")); e.append(Tag.mdEntryPx, FIXDecimal(mantissa: 618_000, scale: 1))
            e.append(Tag.mdEntrySize, FIXDecimal(mantissa: 5, scale: 3))
            e.append(Tag.mdEntryType, char: UInt8(ascii: "1")); e.append(Tag.mdEntryPx, FIXDecimal(mantissa: 618_001, scale: 1))
            e.append(Tag.mdEntrySize, FIXDecimal(mantissa: 5, scale: 3))
        }
        message = try! FIXMessage(bytes: snapshot)
        _ = try! application.handleMarketData(message)
        acceptAll()
        // Up: the bid 61800.0 -> 61800.1 and the offer 61800.1 -> 61800.2; down: back.
        for (from, to) in [(Int64(618_000), Int64(618_001)), (618_001, 618_000)] {
            updates.append(Self.encode(msgType: "X", time: time) { e in
                e.append(Tag.mdReqID, "MD-BTCUSDT")
                e.append(Tag.noMDEntries, 4)
                for (action, type, price) in [("2", "0", from), ("0", "0", to), ("2", "1", from + 1), ("0", "1", to + 1)] {
                    e.append(Tag.mdUpdateAction, char: UInt8(ascii: Unicode.Scalar(action)!))
                    e.append(Tag.mdEntryType, char: UInt8(ascii: Unicode.Scalar(type)!))
                    e.append(Tag.symbol, "BTCUSDT")
                    e.append(Tag.mdEntryPx, FIXDecimal(mantissa: price, scale: 1))
                    if action == "0" { e.append(Tag.mdEntrySize, FIXDecimal(mantissa: 5, scale: 3)) }
                }
            })
        }
    }

    static func encode(msgType: String, time: UTCTimestamp, _ body: (FIXEncoder) -> Void) -> [UInt8] {
        let e = FIXEncoder()
        e.start(msgType: msgType)
        FIXHeader(senderCompID: "EXCH", targetCompID: "MAKER", msgSeqNum: 2, sendingTime: time).write(into: e)
        body(e)
        return Array(e.finish())
    }

    /// The venue acknowledges every pending order at once: new orders accepted, replaces done.
    mutating func acceptAll() {
        var updates: [ExecutionUpdate] = []
        let instrument = self.instrument
        application.forEachPendingMessage(
            new: { m in updates.append(.accepted(Self.key(m.clOrdID))) },
            replace: { m in
                updates.append(.replaced(newKey: Self.key(m.clOrdID), origKey: Self.key(m.origClOrdID),
                                         price: instrument.ticks(m.price!)!, quantity: instrument.lots(m.orderQty)!,
                                         leaves: instrument.lots(m.orderQty)!))
            },
            cancel: { m in updates.append(.canceled(Self.key(m.clOrdID), origKey: Self.key(m.origClOrdID), leaves: 1)) })
        for u in updates { application.execution(u) }
    }

    static func key(_ clOrdID: String) -> OrderKey { OrderKey(UInt64(clOrdID.dropFirst())!) }

    /// One market-data message in, its order messages out as bytes; returns the bytes written
    /// and the nanoseconds that took (the venue's acknowledgements, applied after, not counted).
    mutating func once() -> (bytes: Int, nanoseconds: Int64) {
        let start = monotonic()
        let bytes = updates[cursor]
        cursor ^= 1
        var out = 0
        bytes.withUnsafeBytes { raw in
            try! message.parse(raw)
        }
        _ = try! application.handleMarketData(message)
        let encoder = self.encoder
        var seq = sequence
        // The message header as the session writes it: the next sequence number and, as
        // SendingTime, the clock reading the market maker took for this event (the session's
        // batch, as the market maker opens it).
        let header = self.header
        let sendingTime = application.eventTime!
        application.writePendingMessages { msgType, body in
            seq += 1
            encoder.start(msgType: msgType)
            header.write(msgSeqNum: seq, sendingTime: sendingTime, into: encoder)
            body(encoder)
            out += encoder.finish().count
        }
        sequence = seq
        switch journaling {
        case .none: break
        case .encode: application.recordChanges()
        case .write: application.recordChanges(); try! journal!.flush()
        }
        let elapsed = monotonic() - start
        if journaling == .encode { try! journal!.flush() }
        acceptAll()
        return (out, elapsed)
    }
}

/// Per-message times of one batch, reported to the harness once the batch is done.
final class Samples: @unchecked Sendable {
    var nanoseconds: [Int64] = []
}

let benchmarks: @Sendable () -> Void = {
    // Per market-data message: `mdToOrderOut` is market data in -> order bytes out alone, read
    // with the monotonic clock around that path; wallClock also counts the venue's
    // acknowledgements each message's turn applies afterwards. Messages run in batches of a
    // thousand, their times kept in a buffer and handed to the harness after the batch, so that
    // no harness bookkeeping runs between two messages.
    let mdToOrderOut = BenchmarkMetric.custom("md in -> order bytes out (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    // The same path with the market maker's journal: its records encoded on the path (and
    // written after), or encoded and written (copied into the file's mapped end) on the path.
    for (name, journal) in [("Market data in -> cancel/replace bytes out", TickToTrade.Journal.none),
                            ("Market data in -> cancel/replace bytes out, journal encoded", .encode),
                            ("Market data in -> cancel/replace bytes out, journal encoded and written", .write)] {
        let state = Box<TickToTrade>()
        let samples = Samples()
        Benchmark(name,
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal, mdToOrderOut], timeUnits: .nanoseconds,
                                       warmupIterations: 2, scalingFactor: .kilo, maxDuration: .seconds(3), maxIterations: 200)) { benchmark in
            let count = benchmark.scaledIterations.count
            samples.nanoseconds.withUnsafeMutableBufferPointer { buffer in
                var bytes = 0
                for i in 0..<count {
                    let (out, nanoseconds) = state.value!.once()
                    bytes &+= out
                    buffer[i] = nanoseconds
                }
                blackHole(bytes)
            }
            for i in 0..<count { benchmark.measurement(mdToOrderOut, Int(samples.nanoseconds[i])) }
        } setup: {
            var t = TickToTrade(journal: journal)
            // Check that every move leads to order messages (the acknowledgements keep the ladder moving).
            for _ in 0..<10 { precondition(t.once().bytes > 0, "a market move produced no order message") }
            state.value = t
            samples.nanoseconds = [Int64](repeating: 0, count: 1000)
        }
    }

    // The journal's cost without the machine's mode in it: the same path without the journal
    // and with it written, one message each in turn, each timed into its own metric. Run one after
    // the other, the three benchmarks above can land in different modes of the machine (1.4 times
    // apart); interleaved, both see the same.
    let plainPath = BenchmarkMetric.custom("md in -> order bytes out, no journal (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let journaledPath = BenchmarkMetric.custom("md in -> order bytes out, journal written (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    let pair = Box<(TickToTrade, TickToTrade)>()
    let pairSamples = Samples()
    Benchmark("Market data in -> cancel/replace bytes out, without and with the journal written, interleaved",
              configuration: .init(metrics: [.mallocCountTotal, plainPath, journaledPath], timeUnits: .nanoseconds,
                                   warmupIterations: 2, scalingFactor: .kilo, maxDuration: .seconds(4), maxIterations: 200)) { benchmark in
        let count = benchmark.scaledIterations.count
        pairSamples.nanoseconds.withUnsafeMutableBufferPointer { buffer in
            var bytes = 0
            for i in 0..<count {
                let (a, t1) = pair.value!.0.once()
                let (b, t2) = pair.value!.1.once()
                bytes &+= a &+ b
                buffer[2 * i] = t1
                buffer[2 * i + 1] = t2
            }
            blackHole(bytes)
        }
        for i in 0..<count {
            benchmark.measurement(plainPath, Int(pairSamples.nanoseconds[2 * i]))
            benchmark.measurement(journaledPath, Int(pairSamples.nanoseconds[2 * i + 1]))
        }
    } setup: {
        var plain = TickToTrade(journal: .none)
        var journaled = TickToTrade(journal: .write)
        for _ in 0..<10 {
            precondition(plain.once().bytes > 0 && journaled.once().bytes > 0, "a market move produced no order message")
        }
        pair.value = (plain, journaled)
        pairSamples.nanoseconds = [Int64](repeating: 0, count: 2000)
    }

    // Recovery: a journal of 1,000,000 orders (new orders and replaces, each a key of its own,
    // with their acknowledgements and some fills, as the market maker journals them, one record
    // an event, never compacted) read back into the market maker's state.
    let journalPath = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-\(UUID().uuidString)/MAKER.maker").path
    Benchmark("Recovery from a journal of 1,000,000 orders",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds,
                                   warmupIterations: 0, maxDuration: .seconds(20), maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            let opened = try! MakerJournal.open(path: journalPath, instrument: TickToTrade.btc, sync: .never, compact: false)
            precondition(opened.state?.nextKey.rawValue ?? 0 > 1_000_000)
            blackHole(opened.state)
            opened.journal.journal.close()
        }
    } setup: {
        RecoveryJournal.write(path: journalPath, orders: 1_000_000)
    } teardown: {
        try? FileManager.default.removeItem(atPath: (journalPath as NSString).deletingLastPathComponent)
    }
}

/// Writes a market maker's journal of `orders` orders: each sent as a new order, accepted, then
/// replaced (a new key) or filled, through the market maker itself.
enum RecoveryJournal {
    static func write(path: String, orders: Int) {
        let opened = try! MakerJournal.open(path: path, instrument: TickToTrade.btc, sync: .never)
        let journal = opened.journal
        var maker = MarketMaker(configuration: MarketMakerConfiguration(instrument: TickToTrade.btc, stop: .disabled))
        maker.recordsChanges = true
        var commands: [VenueCommand] = []
        var bid: Int64 = 600_000
        var step = 0
        while maker.quoter.nextRequestKey.rawValue <= UInt64(orders) {
            step += 1
            bid += step % 2 == 0 ? 1 : -1
            commands.removeAll(keepingCapacity: true)
            maker.marketChanged(bestBid: bid, bestAsk: bid + 1, now: Int64(step) * 1_000_000, into: &commands)
            var answers: [VenueCommand] = commands
            while !answers.isEmpty {
                let batch = answers
                answers = []
                for c in batch {
                    commands.removeAll(keepingCapacity: true)
                    switch c {
                    case let .new(key, _, _, _, price, quantity):
                        maker.execution(.accepted(key), now: 0, into: &commands)
                        if step % 5 == 0 {
                            maker.execution(.fill(key, price: price, quantity: quantity, leaves: 0, fee: nil), now: 0, into: &commands)
                        }
                    case let .replace(key, newKey, _, price, quantity):
                        maker.execution(.replaced(newKey: newKey, origKey: key, price: price, quantity: quantity, leaves: quantity), now: 0, into: &commands)
                    case let .cancel(key, newKey, _):
                        maker.execution(.canceled(newKey, origKey: key, leaves: 1), now: 0, into: &commands)
                    }
                    answers += commands
                }
            }
            journal.record(&maker)
            if step % 64 == 0 { try! journal.flush() }
        }
        try! journal.flush()
        journal.journal.close()
    }
}
