import MakerCore
import MakerFIX
import Market
import FIX
import FIXSessionCore
import FIXTestSupport
import FIXTransport
import Foundation
import NIOCore
import NIOPosix
import Quoting
import Testing

/// The market maker's FIX hot path without a session: market data read straight from the
/// message's fields, and orders written straight into an encoder.
struct FIXMarketMakerTests {
    static let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)
    static let time = UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12, minute: 30)!

    static func maker() -> FIXMarketMaker {
        FIXMarketMaker(maker: MarketMaker(configuration: MarketMakerConfiguration(instrument: instrument)), clock: { time })
    }

    static func message(_ msgType: String, _ body: (FIXEncoder) -> Void) throws -> FIXMessage {
        let e = FIXEncoder()
        e.start(msgType: msgType)
        FIXHeader(senderCompID: "EXCH", targetCompID: "MAKER", msgSeqNum: 2, sendingTime: time).write(into: e)
        body(e)
        return try FIXMessage(bytes: Array(e.finish()))
    }

    static func snapshot(bid: Int64, ask: Int64) throws -> FIXMessage {
        try message("W") { e in
            e.append(Tag.mdReqID, "MD-BTCUSDT")
            e.append(Tag.symbol, "BTCUSDT")
            e.append(Tag.noMDEntries, 2)
            e.append(Tag.mdEntryType, char: UInt8(ascii: "0")); e.append(Tag.mdEntryPx, FIXDecimal(mantissa: bid, scale: 1))
            e.append(Tag.mdEntrySize, FIXDecimal(mantissa: 5, scale: 3))
            e.append(Tag.mdEntryType, char: UInt8(ascii: "1")); e.append(Tag.mdEntryPx, FIXDecimal(mantissa: ask, scale: 1))
            e.append(Tag.mdEntrySize, FIXDecimal(mantissa: 5, scale: 3))
        }
    }

    /// An incremental refresh: (action, type, symbol, price in ticks, size in lots); date and time
    /// on the last entry when given.
    static func increment(_ entries: [(Character, Character, String?, Int64, Int64?)], date: String? = nil,
                          time: String? = nil) throws -> FIXMessage {
        try message("X") { e in
            e.append(Tag.mdReqID, "MD-BTCUSDT")
            e.append(Tag.noMDEntries, entries.count)
            for (i, (action, type, symbol, price, size)) in entries.enumerated() {
                e.append(Tag.mdUpdateAction, action)
                e.append(Tag.mdEntryType, type)
                if let symbol { e.append(Tag.symbol, symbol) }
                e.append(Tag.mdEntryPx, FIXDecimal(mantissa: price, scale: 1))
                if let size { e.append(Tag.mdEntrySize, FIXDecimal(mantissa: size, scale: 3)) }
                if i == entries.count - 1 {
                    if let date { e.append(Tag.mdEntryDate, date) }
                    if let time { e.append(Tag.mdEntryTime, time) }
                }
            }
        }
    }

    @Test func incrementsAreReadFromTheFields() throws {
        let m = Self.maker()
        _ = try m.handleMarketData(Self.snapshot(bid: 618_000, ask: 618_001))
        #expect(m.book.bestBid == 618_000 && m.book.bestAsk == 618_001)
        // The bid moves up a tick; an entry of another symbol is skipped; a trade prints.
        _ = try m.handleMarketData(Self.increment([
            ("2", "0", "BTCUSDT", 618_000, nil), ("0", "0", "BTCUSDT", 618_001, 7),
            ("0", "1", "ETHUSDT", 30_000, 9), ("2", "1", nil, 618_001, nil), ("0", "1", nil, 618_002, 4),
            ("0", "2", "BTCUSDT", 618_001, 2),
        ], date: "20240808", time: "12:31:05.250000"))
        #expect(m.book.bestBid == 618_001)
        #expect(m.book.size(.buy, at: 618_001) == 7)
        #expect(m.book.bestAsk == 618_002)
        #expect(m.book.size(.sell, at: 30_000) == 0)
        #expect(m.book.lastTrade?.price == 618_001 && m.book.lastTrade?.size == 2)
        #expect(m.marketTime == UTCTimestamp(year: 2024, month: 8, day: 8, hour: 12, minute: 31, second: 5, nanosecond: 250_000_000)!
            .nanosecondsSinceEpoch)
        #expect(m.marketDataMessages == 2)
    }

    /// The bytes written straight into the encoder are the typed messages' bytes, for new orders,
    /// replaces and cancels.
    @Test func ordersAreWrittenAsTheTypedMessagesWouldBe() throws {
        let m = Self.maker()
        #expect(try m.handleMarketData(Self.snapshot(bid: 618_000, ask: 618_001)))
        try expectSameBytes(m, kinds: ["D"])
        // Accept the ladder, move the market: replaces.
        var accepted: [String] = []
        m.forEachPendingMessage(new: { accepted.append($0.clOrdID) }, replace: { _ in }, cancel: { _ in })
        for id in accepted { m.execution(.accepted(OrderKey(UInt64(id.dropFirst())!))) }
        #expect(try m.handleMarketData(Self.increment([("2", "0", nil, 618_000, nil), ("0", "0", nil, 618_001, 5),
                                                       ("2", "1", nil, 618_001, nil), ("0", "1", nil, 618_002, 5)])))
        try expectSameBytes(m, kinds: ["G"])
        // Stop quoting: cancels.
        m.stopQuoting()
        try expectSameBytes(m, kinds: ["F"])
    }

    private func expectSameBytes(_ m: FIXMarketMaker, kinds: Set<String>) throws {
        let header = FIXHeader(senderCompID: "MAKER", targetCompID: "EXCH", msgSeqNum: 9, sendingTime: Self.time)
        let e = FIXEncoder()
        var typed: [[UInt8]] = []
        m.forEachPendingMessage(new: { typed.append(Array($0.encode(header: header, into: e))) },
                                replace: { typed.append(Array($0.encode(header: header, into: e))) },
                                cancel: { typed.append(Array($0.encode(header: header, into: e))) })
        var direct: [[UInt8]] = []
        var types: Set<String> = []
        m.writePendingMessages { msgType, body in
            types.insert(msgType)
            e.start(msgType: msgType)
            header.write(into: e)
            body(e)
            direct.append(Array(e.finish()))
        }
        #expect(!typed.isEmpty)
        #expect(types == kinds)
        #expect(direct.map { String(decoding: $0, as: UTF8.self) } == typed.map { String(decoding: $0, as: UTF8.self) })
    }
}

/// Market data that must not move orders: while a reconciliation runs (its answers tell a
/// replace in flight from a lost one only by when it was sent), and a refresh the venue resends
/// (PossDupFlag=Y: it belongs to an earlier subscription).
struct FIXMarketMakerHeldMarketDataTests {
    static let dictionary = try! DataDictionary.fix44()

    static func session(_ application: FIXMarketMaker, on loop: EventLoop) -> FIXSession {
        FIXSession(machine: SessionStateMachine(
            configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"), role: .initiator),
            store: MemoryStore(now: systemNow()), dictionary: dictionary),
            log: NullLog(), application: application, eventLoop: loop)
    }

    /// The snapshot of ``FIXMarketMakerTests/snapshot(bid:ask:)`` (61800.0 / 61800.1) as the
    /// venue resends it.
    static func resentSnapshot() throws -> FIXMessage {
        try parsed("35=W|34=2|43=Y|49=EXCH|52=20240808-12:30:00.000|56=MAKER|122=20240808-12:29:00.000|262=MD-BTCUSDT|"
                   + "55=BTCUSDT|268=2|269=0|270=61800.0|271=0.005|269=1|270=61800.1|271=0.005|")
    }

    @Test func marketDataMovesNoOrderWhileReconciling() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let m = FIXMarketMakerTests.maker()
        m.reconcile()
        let session = Self.session(m, on: loop)
        try await loop.submit {
            m.onEvent(.loggedOn, session: session)
            #expect(m.isReconciling)
            m.fromApp(try FIXMarketMakerTests.snapshot(bid: 618_000, ask: 618_001), session: session)
            #expect(m.marketDataMessages == 0)
            #expect(m.book.bestBid == nil)
            #expect(m.workingOrders == 0)
        }.get()
    }

    @Test func resentMarketDataIsStale() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let m = FIXMarketMakerTests.maker()
        let session = Self.session(m, on: loop)
        let snapshot = try FIXMarketMakerTests.snapshot(bid: 618_000, ask: 618_001)
        let resent = try Self.resentSnapshot()
        #expect(resent.value(Tag.possDupFlag, equals: "Y"))
        try await loop.submit {
            m.fromApp(resent, session: session)
            #expect(m.marketDataMessages == 0 && m.book.bestBid == nil)
            m.fromApp(snapshot, session: session)
            #expect(m.marketDataMessages == 1 && m.book.bestBid == 618_000)
            #expect(m.workingOrders > 0)
        }.get()
    }
}
