import Market
import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// OrderStatusRequest (H) and OrderMassStatusRequest (AF) over loopback FIX sessions: the
/// answers' fields, an unknown order, and a participant without working orders.
struct OrderStatusTests {
    typealias Setup = GatewayTests.Setup

    static func status(_ clOrdID: String, orderID: String? = nil, reqID: String? = "S", side: FIX.Side = .sell,
                       symbol: String = "BTCUSDT") -> OrderStatusRequest {
        OrderStatusRequest(orderID: orderID, clOrdID: clOrdID, ordStatusReqID: reqID, symbol: symbol, side: side)
    }

    /// The one execution report of the messages after `after` (all valid against the dictionary).
    static func one(_ s: Setup, _ c: Int, count: Int) async throws -> ExecutionReport {
        let r = try GatewayTests.reports(try await s.messages(c, count: count, after: count - 1))
        #expect(r.count == 1)
        return try #require(r.first)
    }

    @Test func statusOfWorkingReplacedCanceledAndFilledOrders() async throws {
        let s = try await Setup()
        try await s.send(0, GatewayTests.order("A1", .sell, "0.005", at: "61800.3"))
        let new = try await Self.one(s, 0, count: 1)
        try await s.send(1, GatewayTests.order("B1", .buy, "0.002", at: "61800.3"))
        _ = try await s.messages(0, count: 2)
        _ = try await s.messages(1, count: 2)

        // Working, partly filled: its state now.
        try await s.send(0, Self.status("A1", reqID: "S1"))
        let a = try await Self.one(s, 0, count: 3)
        #expect(a.execType == .orderStatus && a.ordStatus == .partiallyFilled && a.ordStatusReqID == "S1")
        #expect(a.orderID == new.orderID && a.clOrdID == "A1" && a.origClOrdID == nil)
        #expect(a.cumQty == FIXDecimal("0.002") && a.leavesQty == FIXDecimal("0.003") && a.orderQty == FIXDecimal("0.005"))
        #expect(a.avgPx == FIXDecimal("61800.3") && a.price == FIXDecimal("61800.3") && a.side == .sell && a.symbol == "BTCUSDT")
        #expect(a.execID != new.execID)

        // Replaced: found by its first ClOrdID, answered with its current one.
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A1", clOrdID: "A2", symbol: "BTCUSDT", side: .sell,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.006")!, ordType: .limit,
                                                       price: FIXDecimal("61800.4")))
        _ = try await s.messages(0, count: 4)
        try await s.send(0, Self.status("A1", reqID: "S2"))
        let b = try await Self.one(s, 0, count: 5)
        #expect(b.clOrdID == "A2" && b.origClOrdID == "A1" && b.ordStatusReqID == "S2" && b.ordStatus == .partiallyFilled)
        #expect(b.orderQty == FIXDecimal("0.006") && b.leavesQty == FIXDecimal("0.004") && b.price == FIXDecimal("61800.4"))

        // By OrderID when the ClOrdID is not one of the order's.
        try await s.send(0, Self.status("ZZ", orderID: new.orderID, reqID: nil))
        let c = try await Self.one(s, 0, count: 6)
        #expect(c.clOrdID == "A2" && c.orderID == new.orderID && c.ordStatusReqID == nil)

        // Canceled: a done order is still answered.
        try await s.send(0, OrderCancelRequest(origClOrdID: "A2", clOrdID: "A3", symbol: "BTCUSDT", side: .sell, transactTime: systemNow()))
        _ = try await s.messages(0, count: 7)
        try await s.send(0, Self.status("A1", reqID: "S3"))
        let d = try await Self.one(s, 0, count: 8)
        #expect(d.ordStatus == .canceled && d.clOrdID == "A3" && d.origClOrdID == "A2" && d.execType == .orderStatus)
        #expect(d.leavesQty == FIXDecimal(0) && d.cumQty == FIXDecimal("0.002") && d.avgPx == FIXDecimal("61800.3"))

        // Filled (C2's B1), and another participant's order is unknown to C1.
        try await s.send(1, Self.status("B1", side: .buy))
        let e = try await Self.one(s, 1, count: 3)
        #expect(e.ordStatus == .filled && e.cumQty == FIXDecimal("0.002") && e.leavesQty == FIXDecimal(0) && e.side == .buy)
        try await s.send(0, Self.status("B1", side: .buy))
        let f = try await Self.one(s, 0, count: 9)
        #expect(f.ordStatus == .rejected && f.orderID == "NONE")
        try await s.shutdown()
    }

    @Test func unknownOrder() async throws {
        let s = try await Setup()
        try await s.send(0, Self.status("NOPE", orderID: "X-1", reqID: "S9", side: .buy, symbol: "ETHUSDT"))
        let r = try await Self.one(s, 0, count: 1)
        #expect(r.execType == .orderStatus && r.ordStatus == .rejected && r.ordRejReason == .unknownOrder)
        #expect(r.orderID == "NONE" && r.clOrdID == "NOPE" && r.side == .buy && r.symbol == "ETHUSDT")
        #expect(r.cumQty == FIXDecimal(0) && r.leavesQty == FIXDecimal(0) && r.avgPx == FIXDecimal(0))
        #expect(r.text == "Unknown order" && r.ordStatusReqID == "S9")
        try await s.shutdown()
    }

    @Test func massStatusListsTheWorkingOrders() async throws {
        let s = try await Setup()
        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        try await s.send(0, GatewayTests.order("A2", .sell, "0.002", at: "105"))
        try await s.send(0, GatewayTests.order("A3", .sell, "0.01", at: "2000", symbol: "ETHUSDT"))
        try await s.send(0, GatewayTests.order("A4", .sell, "0.001", at: "104"))
        let accepted = try GatewayTests.reports(try await s.messages(0, count: 4))
        try await s.send(1, GatewayTests.order("B1", .buy, "0.001", at: "104"))  // fills A4 in full
        _ = try await s.messages(0, count: 5)

        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M1", massStatusReqType: .allOrders))
        let all = try GatewayTests.reports(try await s.messages(0, count: 8, after: 5))
        #expect(all.map(\.clOrdID) == ["A1", "A2", "A3"])
        #expect(all.map(\.orderID) == accepted.prefix(3).map(\.orderID))
        #expect(all.allSatisfy { $0.execType == .orderStatus && $0.ordStatus == .new && $0.massStatusReqID == "M1" && $0.totNumReports == 3 })
        #expect(all.map(\.lastRptRequested) == [false, false, true])
        #expect(all[2].symbol == "ETHUSDT" && all[2].leavesQty == FIXDecimal("0.01") && all[2].price == FIXDecimal("2000"))

        // One security; one side.
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M2", massStatusReqType: .security, symbol: "ETHUSDT"))
        let eth = try GatewayTests.reports(try await s.messages(0, count: 9, after: 8))
        #expect(eth.map(\.clOrdID) == ["A3"] && eth[0].totNumReports == 1 && eth[0].lastRptRequested == true)
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M3", massStatusReqType: .allOrders, side: .sell))
        let sells = try GatewayTests.reports(try await s.messages(0, count: 11, after: 9))
        #expect(sells.map(\.clOrdID) == ["A2", "A3"] && sells.map(\.massStatusReqID) == ["M3", "M3"])
        try await s.shutdown()
    }

    @Test func massStatusWithoutWorkingOrders() async throws {
        let s = try await Setup()
        try await s.send(1, GatewayTests.order("B1", .buy, "0.001", at: "100"))
        _ = try await s.messages(1, count: 1)
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M1", massStatusReqType: .allOrders))
        let r = try await OrderStatusTests.one(s, 0, count: 1)
        #expect(r.execType == .orderStatus && r.ordStatus == .rejected && r.orderID == "NONE")
        #expect(r.massStatusReqID == "M1" && r.totNumReports == 0 && r.lastRptRequested == true)
        #expect(r.cumQty == FIXDecimal(0) && r.leavesQty == FIXDecimal(0) && r.avgPx == FIXDecimal(0))
        #expect(r.side == .buy && r.symbol == "BTCUSDT" && r.text == "No working orders")
        // The request's Symbol and Side when it has them.
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M2", massStatusReqType: .security, symbol: "ETHUSDT", side: .sell))
        let e = try await OrderStatusTests.one(s, 0, count: 2)
        #expect(e.massStatusReqID == "M2" && e.totNumReports == 0 && e.symbol == "ETHUSDT" && e.side == .sell)
        try await s.shutdown()
    }

    /// Types the venue does not support, type 1 without a Symbol and an unknown Symbol: a
    /// BusinessMessageReject naming the request, not an answer that looks like "no orders".
    @Test func massStatusRequestsRefused() async throws {
        let s = try await Setup()
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M1", massStatusReqType: .product))
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M2", massStatusReqType: .security))
        try await s.send(0, OrderMassStatusRequest(massStatusReqID: "M3", massStatusReqType: .security, symbol: "NOPE"))
        let m = try await s.messages(0, count: 3)
        _ = try GatewayTests.reports(m)
        let j = try m.map { try BusinessMessageReject($0) }
        #expect(j.map(\.businessRejectRefID) == ["M1", "M2", "M3"])
        #expect(j.map(\.reason) == [.other, .conditionallyRequiredFieldMissing, .unknownSecurity])
        #expect(j.allSatisfy { $0.refMsgType == "AF" })
        #expect(j[0].text?.contains("MassStatusReqType 3 is not supported") == true)
        try await s.shutdown()
    }
}
