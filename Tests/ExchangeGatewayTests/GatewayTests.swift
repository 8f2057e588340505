import Exchange
import Market
import FIX
import FIXTestSupport
import FIXSessionCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// The exchange's FIX gateway over real loopback FIX sessions: two clients, execution reports
/// checked field by field, every message received valid against the FIX 4.4 dictionary.
struct GatewayTests {
    static let dictionary = try! DataDictionary.fix44()
    static let btc = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)
    static let eth = Instrument(symbol: "ETHUSDT", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("0.001")!)

    /// A client's application: keeps every application message it receives.
    final class Client: FIXApplication, Sendable {
        let received = Mutex<[[UInt8]]>([])
        func onEvent(_ event: SessionEvent, session: FIXSession) {}
        func fromApp(_ message: FIXMessage, session: FIXSession) {
            received.withLock { $0.append(message.bytes) }
        }
        var messages: [FIXMessage] { received.withLock { $0.map { try! FIXMessage(bytes: $0) } } }
    }

    /// The exchange (acceptor EXCH for C1 and C2, one event loop) and the two clients.
    final class Setup: Sendable {
        let exchangeGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let gateway: ExchangeGateway<MatchingEngine>?
        let replayGateway: ExchangeGateway<ReplayVenue>?
        let acceptor: FIXAcceptor
        let clients = [Client(), Client()]
        let sessions: [FIXSession]
        /// The exchange's sessions of C1 and C2.
        let exchangeSessions: [FIXSession]
        let initiators: [FIXInitiator]

        /// `cancelOnDisconnect`: the clients (C1, C2) whose sessions have `CancelOnDisconnect=Y`.
        /// `journal`: the venue's journal, read at the start (the venue takes up its state) and
        /// written from then on; `compactAlways`: rewritten as a snapshot at every write.
        init(replay: ReplayVenue? = nil, fees: FeeSchedule = .free, cancelOnDisconnect: Set<String> = [],
             recentOrderLimit: Int = ExchangeGateway<MatchingEngine>.defaultRecentOrderLimit,
             journal journalPath: String? = nil, compactAlways: Bool = false) async throws {
            let loop = exchangeGroup.next()
            let application: any FIXApplication
            let cancelling = Set(cancelOnDisconnect.map { SessionID(senderCompID: "EXCH", targetCompID: $0) })
            var journal: VenueJournal.Opened?
            if let journalPath {
                journal = try VenueJournal.open(path: journalPath, sync: .never, recentOrderLimit: recentOrderLimit)
                if compactAlways { journal?.journal.compactionSize = 0 }
            }
            if let replay {
                let g = ExchangeGateway(venue: replay, recentOrderLimit: recentOrderLimit, cancelOnDisconnect: cancelling,
                                        restoring: journal?.state)
                if let j = journal?.journal { try g.attach(journal: j) }
                replayGateway = g
                gateway = nil
                application = g
            } else {
                let g = ExchangeGateway(venue: MatchingEngine(instruments: [GatewayTests.btc, GatewayTests.eth]), fees: fees,
                                        recentOrderLimit: recentOrderLimit, cancelOnDisconnect: cancelling,
                                        restoring: journal?.state)
                if let j = journal?.journal { try g.attach(journal: j) }
                gateway = g
                replayGateway = nil
                application = g
            }
            let now = systemNow()
            exchangeSessions = ["C1", "C2"].map { client in
                FIXSession(machine: SessionStateMachine(
                    configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: client), role: .acceptor,
                                                        supportedMessageTypes: ExchangeGateway<MatchingEngine>.supportedMessageTypes),
                    store: MemoryStore(now: now), dictionary: GatewayTests.dictionary),
                    log: NullLog(), application: application, eventLoop: loop)
            }
            acceptor = FIXAcceptor(sessions: exchangeSessions, group: exchangeGroup, port: 0, logonTimeout: .seconds(300))
            try await acceptor.start()
            let port = try #require(acceptor.localPort)
            let clientLoop = clientGroup.next()
            sessions = zip(["C1", "C2"], clients).map { name, client in
                FIXSession(machine: SessionStateMachine(
                    configuration: SessionConfiguration(sessionID: SessionID(senderCompID: name, targetCompID: "EXCH"), role: .initiator),
                    store: MemoryStore(now: now), dictionary: GatewayTests.dictionary),
                    log: NullLog(), application: client, eventLoop: clientLoop)
            }
            let group = clientGroup
            initiators = sessions.map { FIXInitiator(session: $0, group: group, host: "127.0.0.1", port: port, reconnectInterval: .seconds(1)) }
            for i in initiators { i.start() }
            for s in sessions {
                #expect(try await eventually { try await s.eventLoop.submit { s.isLoggedOn }.get() })
            }
        }

        func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<500 {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return try await condition()
        }

        /// Waits until client `c` has `count` messages; returns the new ones since `after`.
        func messages(_ c: Int, count: Int, after: Int = 0) async throws -> [FIXMessage] {
            _ = try await eventually { clients[c].received.withLock { $0.count } >= count }
            try await Task.sleep(for: .milliseconds(30))  // anything unexpected comes too
            return Array(clients[c].messages.dropFirst(after))
        }

        func send(_ c: Int, _ body: some FIXMessageBody) async throws {
            try await sessions[c].send(body).get()
        }

        /// Runs `body` on the exchange's event loop (where the gateway lives).
        func onExchange<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
            try await exchangeGroup.next().submit(body).get()
        }

        /// Whether client `c` is logged on.
        func isLoggedOn(_ c: Int) async throws -> Bool {
            let s = sessions[c]
            return try await s.eventLoop.submit { s.isLoggedOn }.get()
        }

        func shutdown() async throws {
            for i in initiators { i.stop() }
            try await Task.sleep(for: .milliseconds(50))
            try await acceptor.stop()
            let g = gateway, r = replayGateway
            try await onExchange { g?.journal?.close(); r?.journal?.close() }
            try await clientGroup.shutdownGracefully()
            try await exchangeGroup.shutdownGracefully()
        }
    }

    static func order(_ id: String, _ side: FIX.Side, _ qty: String, at price: String?, symbol: String = "BTCUSDT",
                      type: OrdType = .limit, tif: FIX.TimeInForce? = nil) -> NewOrderSingle {
        NewOrderSingle(clOrdID: id, handlInst: .automatedPrivate, symbol: symbol, side: side, transactTime: systemNow(),
                       orderQty: FIXDecimal(qty)!, ordType: type, price: price.map { FIXDecimal($0)! }, timeInForce: tif)
    }

    /// Every message is valid against the dictionary; returns the execution reports.
    static func reports(_ messages: [FIXMessage]) throws -> [ExecutionReport] {
        let validator = FIXValidator(dictionary: dictionary)
        for var m in messages {
            let reject = validator.validate(&m)
            #expect(reject == nil, "invalid: \(m) \(String(describing: reject))")
        }
        return try messages.filter { $0.msgType == "8" }.map { try ExecutionReport($0) }
    }

    @Test func ordersTradeAndReportEveryStep() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("A1", .sell, "0.005", at: "61800.3"))
        let a = try Self.reports(try await s.messages(0, count: 1))
        #expect(a.map(\.execType) == [.new] && a[0].ordStatus == .new && a[0].clOrdID == "A1")
        #expect(a[0].leavesQty == FIXDecimal("0.005")! && a[0].cumQty == FIXDecimal(0) && a[0].price == FIXDecimal("61800.3"))

        // C2 buys 0.003 at 61800.5: trades at the resting price 61800.3.
        try await s.send(1, Self.order("B1", .buy, "0.003", at: "61800.5"))
        let b = try Self.reports(try await s.messages(1, count: 2))
        #expect(b.map(\.execType) == [.new, .trade])
        #expect(b[1].ordStatus == .filled && b[1].lastPx == FIXDecimal("61800.3") && b[1].lastQty == FIXDecimal("0.003"))
        #expect(b[1].cumQty == FIXDecimal("0.003") && b[1].leavesQty == FIXDecimal(0) && b[1].avgPx == FIXDecimal("61800.3"))
        let a2 = try Self.reports(try await s.messages(0, count: 2, after: 1))
        #expect(a2.map(\.execType) == [.trade] && a2[0].ordStatus == .partiallyFilled)
        #expect(a2[0].leavesQty == FIXDecimal("0.002") && a2[0].cumQty == FIXDecimal("0.003") && a2[0].orderID == a[0].orderID)

        // C1 replaces A1 (A2): 0.008 at 61800.4 -- C1 now has 0.005 left; then cancels it (A3).
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A1", clOrdID: "A2", symbol: "BTCUSDT", side: .sell,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.008")!, ordType: .limit,
                                                       price: FIXDecimal("61800.4")))
        let r = try Self.reports(try await s.messages(0, count: 3, after: 2))
        #expect(r.map(\.execType) == [.replaced])
        #expect(r[0].clOrdID == "A2" && r[0].origClOrdID == "A1" && r[0].ordStatus == .partiallyFilled)
        #expect(r[0].orderQty == FIXDecimal("0.008") && r[0].leavesQty == FIXDecimal("0.005") && r[0].cumQty == FIXDecimal("0.003"))
        try await s.send(0, OrderCancelRequest(origClOrdID: "A2", clOrdID: "A3", symbol: "BTCUSDT", side: .sell, transactTime: systemNow()))
        let c = try Self.reports(try await s.messages(0, count: 4, after: 3))
        #expect(c.map(\.execType) == [.canceled] && c[0].ordStatus == .canceled)
        #expect(c[0].clOrdID == "A3" && c[0].origClOrdID == "A2" && c[0].leavesQty == FIXDecimal(0) && c[0].cumQty == FIXDecimal("0.003"))
        // Exec ids are unique.
        let all = try Self.reports(s.clients[0].messages + s.clients[1].messages)
        #expect(Set(all.map(\.execID)).count == all.count)
        try await s.shutdown()
    }

    /// Fees go in each Trade report: the maker's rebate, the taker's fee.
    @Test func tradeReportsCarryTheFees() async throws {
        let s = try await Setup(fees: FeeSchedule(maker: Fee.rate("-0.0001")!, taker: Fee.rate("0.0002")!))
        try await s.send(0, Self.order("A1", .sell, "0.006", at: "61800.3"))
        _ = try await s.messages(0, count: 1)
        try await s.send(1, Self.order("B1", .buy, "0.006", at: "61800.3"))
        let taker = try Self.reports(try await s.messages(1, count: 2))
        let maker = try Self.reports(try await s.messages(0, count: 2))
        // Notional 370.8018: 2 bp = 0.07416036 paid, 1 bp = 0.03708018 received.
        #expect(taker.last?.commission == FIXDecimal("0.07416036") && taker.last?.commType == .absolute)
        #expect(maker.last?.commission == FIXDecimal("-0.03708018"))
        #expect(taker.first?.commission == nil)
        let fees = try await s.exchangeGroup.next().submit { s.gateway!.statistics.fees }.get()
        #expect(fees == 7_416_036 - 3_708_018)
        try await s.shutdown()
    }

    @Test func badOrdersAreRejectedWithTheRightReason() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("X1", .buy, "0.001", at: "100", symbol: "NOPE"))
        try await s.send(0, Self.order("X2", .buy, "0.001", at: "100.05"))
        try await s.send(0, Self.order("X3", .buy, "0.0015", at: "100"))
        try await s.send(0, Self.order("X4", .buy, "0.001", at: "100"))
        try await s.send(0, Self.order("X4", .buy, "0.001", at: "100"))
        try await s.send(0, Self.order("X5", .buy, "0.001", at: nil, type: .stop))
        try await s.send(0, Self.order("X6", .buy, "0.001", at: nil, type: .market))
        let r = try Self.reports(try await s.messages(0, count: 7))
        #expect(r.map(\.clOrdID) == ["X1", "X2", "X3", "X4", "X4", "X5", "X6"])
        #expect(r.map(\.execType) == [.rejected, .rejected, .rejected, .new, .rejected, .rejected, .rejected])
        #expect(r.map { $0.ordRejReason?.rawValue } == [1, 99, 13, nil, 6, 11, 99])
        #expect(r.allSatisfy { $0.execType == .new || ($0.ordStatus == .rejected && $0.text != nil) })
        #expect(r[6].text == "No liquidity for a market order")
        try await s.shutdown()
    }

    /// An order sent again with PossDupFlag=Y (a resend after the venue restarted, when its
    /// journal had the order and its store had not counted the message) was handled the first
    /// time: it is ignored, not refused as a duplicate. Without the flag, a repeated ClOrdID is
    /// still refused.
    @Test func aResentOrderTheVenueHasIsIgnored() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("P1", .buy, "0.001", at: "100"))
        let first = try Self.reports(try await s.messages(0, count: 1))
        #expect(first.map(\.execType) == [.new])
        let resent = try parsed("35=D|34=99|43=Y|49=C1|52=20240808-12:00:01.000|56=EXCH|122=20240808-12:00:00.000|11=P1|21=1|"
                                + "38=0.001|40=2|44=100|54=1|55=BTCUSDT|60=20240808-12:00:00.000|")
        let exchangeSession = s.exchangeSessions[0]
        let gateway = try #require(s.gateway)
        try await s.onExchange { gateway.fromApp(resent, session: exchangeSession) }
        // The next report is P2's: nothing answered the resend.
        try await s.send(0, Self.order("P2", .buy, "0.001", at: "100"))
        let second = try Self.reports(try await s.messages(0, count: 2, after: 1))
        #expect(second.map(\.clOrdID) == ["P2"] && second.map(\.execType) == [.new])
        // The same ClOrdID without the flag: a duplicate.
        try await s.send(0, Self.order("P1", .buy, "0.001", at: "100"))
        let third = try Self.reports(try await s.messages(0, count: 3, after: 2))
        #expect(third.map(\.clOrdID) == ["P1"] && third.map(\.execType) == [.rejected] && third.first?.ordRejReason?.rawValue == 6)
        try await s.shutdown()
    }

    @Test func cancelAndReplaceRejects() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("A1", .buy, "0.002", at: "100"))
        _ = try await s.messages(0, count: 1)
        // Unknown order; another session's order; a quantity not above what is filled; a duplicate ClOrdID.
        try await s.send(0, OrderCancelRequest(origClOrdID: "ZZ", clOrdID: "C1", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        try await s.send(1, OrderCancelRequest(origClOrdID: "A1", clOrdID: "C2", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        try await s.send(1, Self.order("S1", .sell, "0.001", at: "100"))  // fills 0.001 of A1
        _ = try await s.messages(0, count: 2)
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A1", clOrdID: "A2", symbol: "BTCUSDT", side: .buy,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.001")!, ordType: .limit,
                                                       price: FIXDecimal("100")))
        try await s.send(0, OrderCancelRequest(origClOrdID: "A1", clOrdID: "A1", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        let m0 = try await s.messages(0, count: 5)
        _ = try Self.reports(m0)
        let rejects0 = try m0.filter { $0.msgType == "9" }.map { try OrderCancelReject($0) }
        #expect(rejects0.map { $0.cxlRejReason?.rawValue } == [1, 99, 6])
        #expect(rejects0.map(\.cxlRejResponseTo) == [.orderCancelRequest, .orderCancelReplaceRequest, .orderCancelRequest])
        #expect(rejects0[1].ordStatus == .partiallyFilled && rejects0[0].ordStatus == .rejected)
        let m1 = try await s.messages(1, count: 3)
        let rejects1 = try m1.filter { $0.msgType == "9" }.map { try OrderCancelReject($0) }
        #expect(rejects1.map { $0.cxlRejReason?.rawValue } == [1])
        try await s.shutdown()
    }

    /// A cancel or replace of an order that is done is too late, and says what became of it.
    @Test func cancelOfARecordedOrderIsTooLate() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("A1", .sell, "0.001", at: "100"))
        try await s.send(1, Self.order("B1", .buy, "0.001", at: "100"))
        let filled = try Self.reports(try await s.messages(1, count: 2))
        #expect(filled.last?.ordStatus == .filled)
        try await s.send(1, OrderCancelRequest(origClOrdID: "B1", clOrdID: "B2", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        try await s.send(0, Self.order("A2", .sell, "0.001", at: "105"))
        _ = try await s.messages(0, count: 3)
        try await s.send(0, OrderCancelRequest(origClOrdID: "A2", clOrdID: "A3", symbol: "BTCUSDT", side: .sell, transactTime: systemNow()))
        _ = try await s.messages(0, count: 4)
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A3", clOrdID: "A4", symbol: "BTCUSDT", side: .sell,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.002")!, ordType: .limit,
                                                       price: FIXDecimal("105")))
        let tooLate1 = try await s.messages(1, count: 3).filter { $0.msgType == "9" }.map { try OrderCancelReject($0) }
        #expect(tooLate1.map { [$0.cxlRejReason?.rawValue, Int(String($0.ordStatus.rawValue))] } == [[0, 2]])
        #expect(tooLate1.first?.orderID == filled.last?.orderID)
        let tooLate0 = try await s.messages(0, count: 5).filter { $0.msgType == "9" }.map { try OrderCancelReject($0) }
        #expect(tooLate0.map { [$0.cxlRejReason?.rawValue, Int(String($0.ordStatus.rawValue))] } == [[0, 4]])
        #expect(tooLate0.first?.cxlRejResponseTo == .orderCancelReplaceRequest)
        try await s.shutdown()
    }

    @Test func marketDataSnapshotThenIncrements() async throws {
        let s = try await Setup()
        try await s.send(0, Self.order("A1", .buy, "0.002", at: "100"))
        try await s.send(0, Self.order("A2", .sell, "0.004", at: "101"))
        _ = try await s.messages(0, count: 2)
        try await s.send(1, MarketDataRequest(mdReqID: "M1", subscriptionRequestType: .snapshotPlusUpdates, marketDepth: 5,
                                              mdUpdateType: .incrementalRefresh, entryTypes: [.bid, .offer, .trade], symbols: ["BTCUSDT"]))
        let w = try await s.messages(1, count: 1)
        _ = try Self.reports(w)
        let snapshot = try MarketDataSnapshotFullRefresh(w[0])
        #expect(snapshot.entries.map { [$0.type.rawValue.description, $0.price!.description, $0.size!.description] }
                == [["0", "100.0", "0.002"], ["1", "101.0", "0.004"]])
        // A trade at 101 for 0.001: the offer changes, and the trade prints.
        try await s.send(1, Self.order("B1", .buy, "0.001", at: "101"))
        let x = try await s.messages(1, count: 4, after: 1).filter { $0.msgType == "X" }
        _ = try Self.reports(x)
        let increment = try MarketDataIncrementalRefresh(try #require(x.first))
        #expect(increment.entries.map { [$0.action.rawValue.description, $0.type!.rawValue.description, $0.price!.description,
                                         $0.size?.description ?? "-"] }
                == [["1", "1", "101.0", "0.003"], ["0", "2", "101.0", "0.001"]])
        // Unknown symbol, duplicate request id.
        try await s.send(1, MarketDataRequest(mdReqID: "M2", subscriptionRequestType: .snapshot, marketDepth: 1,
                                              entryTypes: [.bid], symbols: ["NOPE"]))
        try await s.send(1, MarketDataRequest(mdReqID: "M1", subscriptionRequestType: .snapshotPlusUpdates, marketDepth: 1,
                                              entryTypes: [.bid], symbols: ["BTCUSDT"]))
        let y = try await s.messages(1, count: 6).filter { $0.msgType == "Y" }.map { try MarketDataRequestReject($0) }
        #expect(y.map { $0.reason?.rawValue } == ["0", "1"])
        try await s.shutdown()
    }

    /// Over a replayed market: our resting order fills when the recording trades through it.
    @Test func replayFillsComeAsExecutionReports() async throws {
        var replay = ReplayVenue(ReplayExchange(instrument: Self.btc, rankCoefficient: 1))
        var none: [ExchangeEvent] = []
        replay.apply(.quote(time: 0, bid: 618_000, bidSize: 10, ask: 618_001, askSize: 10), events: &none)
        let s = try await Setup(replay: replay)
        try await s.send(0, Self.order("A1", .buy, "0.002", at: "61800.0"))
        _ = try await s.messages(0, count: 1)
        let gateway = try #require(s.replayGateway)
        try await s.exchangeGroup.next().submit {
            gateway.drive { venue, events in
                venue.apply(.trade(time: 1, price: 617_990, size: 5, aggressor: .sell), events: &events)
            }
        }.get()
        let r = try Self.reports(try await s.messages(0, count: 2))
        #expect(r.map(\.execType) == [.new, .trade])
        #expect(r[1].ordStatus == .filled && r[1].lastPx == FIXDecimal("61800.0") && r[1].lastQty == FIXDecimal("0.002"))
        try await s.shutdown()
    }
}
