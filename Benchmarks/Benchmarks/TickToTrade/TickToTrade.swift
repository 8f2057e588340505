// Market data in -> cancel/replace bytes out, in process: a MarketDataIncrementalRefresh arrives
// as bytes; it is parsed, applied to the market maker's book; the ladder re-aims and
// its replaces pass the risk gate; the resulting OrderCancelReplaceRequest (and any other order
// messages) are encoded with the session header, ready for the socket. One operation is one
// market-data message; the best bid and ask move by one tick every message, up and down, so
// every message leads to replaces.

import Benchmark
import BenchmarkSupport
import Engine
import Exchange
import FIX
import ExchangeFIX
import FIXTransport
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
    let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep(units: 1, scale: 1), lotSize: DecimalStep(units: 1, scale: 3))
    let application: FIXMarketMaker
    var message = FIXMessage()
    let encoder = FIXEncoder()
    let header = FIXSessionHeader(senderCompID: "MAKER", targetCompID: "EXCH")
    var sequence = 1
    /// Incremental refreshes moving the market up one tick, then down one tick, alternately.
    var updates: [[UInt8]] = []
    var cursor = 0
    var bytesOut = 0

    init() {
        application = FIXMarketMaker(maker: MarketMaker(configuration: MarketMakerConfiguration(instrument: instrument)))
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
        let elapsed = monotonic() - start
        acceptAll()
        return (out, elapsed)
    }
}

/// Per-message times of one batch, reported to the harness once the batch is done.
final class Samples: @unchecked Sendable {
    var nanoseconds: [Int64] = []
}

let benchmarks: @Sendable () -> Void = {
    let state = Box<TickToTrade>()
    let samples = Samples()
    // Per market-data message: `mdToOrderOut` is market data in -> order bytes out alone, read
    // with the monotonic clock around that path; wallClock also counts the venue's
    // acknowledgements each message's turn applies afterwards. Messages run in batches of a
    // thousand, their times kept in a buffer and handed to the harness after the batch, so that
    // no harness bookkeeping runs between two messages.
    let mdToOrderOut = BenchmarkMetric.custom("md in -> order bytes out (ns)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark("Market data in -> cancel/replace bytes out",
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
        var t = TickToTrade()
        // Check that every move leads to order messages (the acknowledgements keep the ladder moving).
        for _ in 0..<10 { precondition(t.once().bytes > 0, "a market move produced no order message") }
        state.value = t
        samples.nanoseconds = [Int64](repeating: 0, count: 1000)
    }
}
