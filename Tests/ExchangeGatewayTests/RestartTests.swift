import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// The venue's state across a crash: the journal as a SIGKILL would leave it (a copy of the
/// file taken while the venue runs: every record is handed to the system before the report that
/// depends on it leaves) is read by a new venue, which cancels the orders that were working,
/// tells each participant at its logon, and knows the rest (positions, done orders, ClOrdIDs).
struct RestartTests {
    typealias Setup = GatewayTests.Setup

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("venue-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// With `compactAlways`, the journal is rewritten as a snapshot at every write: the
    /// snapshot must hold the same state as the records.
    @Test(arguments: [false, true])
    func aRestartCancelsTheWorkingOrdersAndTellsEachParticipant(compactAlways: Bool) async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("EXCH.venue").path
        let crashed = dir.appendingPathComponent("crashed.venue").path

        let s = try await Setup(cancelOnDisconnect: ["C2"], journal: path, compactAlways: compactAlways)
        // C1: A1 (replaced by A1b) and A2 rest; A3 sells 0.001 to C2 at 101; A4 is canceled.
        try await s.send(0, GatewayTests.order("A1", .buy, "0.002", at: "100"))
        try await s.send(0, GatewayTests.order("A2", .sell, "0.003", at: "105"))
        try await s.send(0, GatewayTests.order("A3", .sell, "0.001", at: "101"))
        try await s.send(0, GatewayTests.order("A4", .buy, "0.001", at: "90"))
        let first = try GatewayTests.reports(try await s.messages(0, count: 4))
        try await s.send(1, GatewayTests.order("B1", .buy, "0.001", at: "101"))
        _ = try await s.messages(0, count: 5)
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A1", clOrdID: "A1b", symbol: "BTCUSDT", side: .buy,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.002")!, ordType: .limit,
                                                       price: FIXDecimal("100.5")))
        try await s.send(0, OrderCancelRequest(origClOrdID: "A4", clOrdID: "A4x", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        _ = try await s.messages(0, count: 7)
        // C2 (CancelOnDisconnect=Y) rests B2 and goes away for good: its cancel waits for its logon.
        try await s.send(1, GatewayTests.order("B2", .buy, "0.001", at: "99"))
        let b2 = try GatewayTests.reports(try await s.messages(1, count: 3, after: 2))
        s.initiators[1].stop()
        #expect(try await s.eventually { try await s.onExchange { s.gateway!.workingOrders(of: 2).isEmpty } })
        let oldPrefix = try await s.onExchange { s.gateway!.idPrefix }

        // The crash: the file as it is now.
        try FileManager.default.copyItem(atPath: path, toPath: crashed)
        try await s.shutdown()

        let t = try await Setup(cancelOnDisconnect: ["C2"], journal: crashed, compactAlways: compactAlways)
        #expect(try await t.onExchange { t.gateway!.restartCancels } == 2)
        let newPrefix = try await t.onExchange { t.gateway!.idPrefix }
        #expect(newPrefix != oldPrefix && Int64(newPrefix, radix: 36)! > Int64(oldPrefix, radix: 36)!)

        // Right after its logon, each participant hears of its orders the venue dropped.
        let c1 = try GatewayTests.reports(try await t.messages(0, count: 2))
        #expect(c1.map(\.clOrdID) == ["A1b", "A2"])
        #expect(c1.map(\.orderID) == [first[0].orderID, first[1].orderID])
        #expect(c1.allSatisfy { $0.execType == .canceled && $0.ordStatus == .canceled && $0.text == "Canceled: the venue restarted" })
        #expect(c1.allSatisfy { $0.leavesQty == FIXDecimal(0) && $0.cumQty == FIXDecimal(0) && $0.origClOrdID == nil })
        #expect(c1[0].price == FIXDecimal("100.5") && c1[1].orderQty == FIXDecimal("0.003") && c1[1].side == .sell)
        let c2 = try GatewayTests.reports(try await t.messages(1, count: 1))
        #expect(c2.map(\.clOrdID) == ["B2"] && c2[0].orderID == b2[0].orderID && c2[0].text == "Canceled on disconnect")

        // What the venue knows: done orders by any of their ClOrdIDs, too-late cancels, duplicates.
        try await t.send(0, OrderStatusRequest(clOrdID: "A3", symbol: "BTCUSDT", side: .sell))
        try await t.send(0, OrderStatusRequest(clOrdID: "A1", symbol: "BTCUSDT", side: .buy))
        try await t.send(0, OrderStatusRequest(clOrdID: "A4x", symbol: "BTCUSDT", side: .buy))
        let status = try GatewayTests.reports(try await t.messages(0, count: 5, after: 2))
        #expect(status.map(\.ordStatus) == [.filled, .canceled, .canceled])
        #expect(status[0].cumQty == FIXDecimal("0.001") && status[0].avgPx == FIXDecimal("101") && status[0].orderID == first[2].orderID)
        #expect(status[1].clOrdID == "A1b" && status[2].clOrdID == "A4x" && status[2].origClOrdID == "A4")
        try await t.send(0, OrderCancelRequest(origClOrdID: "A2", clOrdID: "A2x", symbol: "BTCUSDT", side: .sell, transactTime: systemNow()))
        try await t.send(0, GatewayTests.order("A3", .buy, "0.001", at: "90"))
        let after = try await t.messages(0, count: 7, after: 5)
        _ = try GatewayTests.reports(after)
        let late = try OrderCancelReject(after[0])
        #expect(late.cxlRejReason == .tooLateToCancel && late.ordStatus == .canceled && late.orderID == first[1].orderID)
        #expect(try ExecutionReport(after[1]).ordRejReason == .duplicateOrder)

        // Positions and the last trade price carry over.
        let request = RequestForPositions(posReqID: "R1", posReqType: .positions, parties: [], account: "C1",
                                          accountType: .houseTrader, clearingBusinessDate: "20261207", transactTime: systemNow())
        try await t.send(0, request)
        try await t.send(1, request)
        let p1 = try await t.messages(0, count: 9, after: 7)
        let p2 = try await t.messages(1, count: 3, after: 1)
        _ = try GatewayTests.reports(p1 + p2)
        let short = try PositionReport(p1[1]), long = try PositionReport(p2[1])
        #expect(short.positions.first?.shortQty == FIXDecimal("0.001") && long.positions.first?.longQty == FIXDecimal("0.001"))
        #expect(short.settlPrice == FIXDecimal("101"))

        // New orders get ids of the new run.
        try await t.send(0, GatewayTests.order("A5", .buy, "0.001", at: "90"))
        let a5 = try GatewayTests.reports(try await t.messages(0, count: 10, after: 9))
        #expect(a5.first?.orderID.hasPrefix(newPrefix + "-") == true)
        try await t.shutdown()

        // The cancels were sent: a third run does not send them again; A5, working when the
        // second run stopped, is the only one it cancels.
        let u = try await Setup(cancelOnDisconnect: ["C2"], journal: crashed, compactAlways: compactAlways)
        #expect(try await u.onExchange { u.gateway!.restartCancels } == 1)
        let third = try GatewayTests.reports(try await u.messages(0, count: 1))
        #expect(third.map(\.clOrdID) == ["A5"] && third[0].orderID == a5[0].orderID)
        #expect(u.clients[1].messages.isEmpty)
        try await u.shutdown()
    }

    /// A journal that cannot be written stops the venue: the report that depended on it is not
    /// sent, the sessions are logged out, and every later request is refused.
    @Test func aJournalThatFailsStopsTheVenue() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try await Setup(journal: dir.appendingPathComponent("EXCH.venue").path)
        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        _ = try await s.messages(0, count: 1)
        try await s.onExchange { s.gateway!.journal!.journal.syncFailed(StoreError(.cannotSync, path: "EXCH.venue", "the disk is gone")) }
        try await s.send(0, GatewayTests.order("A2", .buy, "0.001", at: "100"))
        #expect(try await s.eventually { try await s.onExchange { s.gateway!.journalFailure != nil } })
        // The session comes back (its initiator reconnects) and is refused.
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await s.eventually { try await s.isLoggedOn(0) })
        try await s.send(0, GatewayTests.order("A3", .buy, "0.001", at: "100"))
        let m = try await s.messages(0, count: 2, after: 1)
        #expect(m.map(\.msgType) == ["j"])
        let j = try BusinessMessageReject(try #require(m.first))
        #expect(j.reason == .applicationNotAvailable && j.text == "The venue cannot save its state")
        try await s.shutdown()
    }
}
