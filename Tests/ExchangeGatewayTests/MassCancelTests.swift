import Exchange
import Market
import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// OrderMassCancelRequest (q) and CancelOnDisconnect over loopback FIX sessions.
struct MassCancelTests {
    typealias Setup = GatewayTests.Setup

    static func massCancel(_ clOrdID: String, _ type: MassCancelRequestType, symbol: String? = nil,
                           side: FIX.Side? = nil) -> OrderMassCancelRequest {
        OrderMassCancelRequest(clOrdID: clOrdID, massCancelRequestType: type, symbol: symbol, side: side, transactTime: systemNow())
    }

    @Test func massCancelReportsEachOrderThenTheRequest() async throws {
        let s = try await Setup()
        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        try await s.send(0, GatewayTests.order("A2", .sell, "0.002", at: "105"))
        try await s.send(0, GatewayTests.order("A3", .sell, "0.01", at: "2000", symbol: "ETHUSDT"))
        try await s.send(1, GatewayTests.order("B1", .buy, "0.001", at: "99"))
        let accepted = try GatewayTests.reports(try await s.messages(0, count: 3))
        _ = try await s.messages(1, count: 1)
        // A replaced order is canceled under its current ClOrdID.
        try await s.send(0, OrderCancelReplaceRequest(origClOrdID: "A1", clOrdID: "A1b", symbol: "BTCUSDT", side: .buy,
                                                       transactTime: systemNow(), orderQty: FIXDecimal("0.001")!, ordType: .limit,
                                                       price: FIXDecimal("101")))
        _ = try await s.messages(0, count: 4)

        // The sells of one security.
        try await s.send(0, Self.massCancel("X1", .security, symbol: "BTCUSDT", side: .sell))
        let first = try await s.messages(0, count: 6, after: 4)
        _ = try GatewayTests.reports(first)
        #expect(first.map(\.msgType) == ["8", "r"])
        let a2 = try ExecutionReport(first[0])
        #expect(a2.execType == .canceled && a2.ordStatus == .canceled && a2.clOrdID == "A2" && a2.origClOrdID == nil)
        #expect(a2.orderID == accepted[1].orderID && a2.leavesQty == FIXDecimal(0) && a2.text == "Canceled by mass cancel")
        let r1 = try OrderMassCancelReport(first[1])
        #expect(r1.clOrdID == "X1" && r1.massCancelRequestType == .security && r1.massCancelResponse == .security)
        #expect(r1.totalAffectedOrders == 1 && r1.symbol == "BTCUSDT" && r1.side == .sell && r1.massCancelRejectReason == nil)
        let prefix = try await s.onExchange { s.gateway!.idPrefix }
        #expect(r1.orderID.hasPrefix(prefix + "-M"))

        // Everything that is left: the other session's order stays.
        try await s.send(0, Self.massCancel("X2", .allOrders))
        let second = try await s.messages(0, count: 9, after: 6)
        _ = try GatewayTests.reports(second)
        #expect(second.map(\.msgType) == ["8", "8", "r"])
        let canceled = try second.prefix(2).map { try ExecutionReport($0) }
        #expect(canceled.map(\.clOrdID) == ["A1b", "A3"] && canceled.allSatisfy { $0.ordStatus == .canceled })
        let r2 = try OrderMassCancelReport(second[2])
        #expect(r2.massCancelResponse == .allOrders && r2.totalAffectedOrders == 2 && r2.orderID != r1.orderID)
        let c2 = try await s.onExchange { s.gateway!.workingOrders(of: 2).map(\.clOrdID) }
        #expect(c2 == ["B1"])
        #expect(try await s.onExchange { s.gateway!.workingOrders(of: 1).count } == 0)

        // Nothing left: the report says 0. A canceled order is too late to cancel, and answers its status.
        try await s.send(0, Self.massCancel("X3", .allOrders))
        let none = try await s.messages(0, count: 10, after: 9)
        #expect(try OrderMassCancelReport(none[0]).totalAffectedOrders == 0)
        try await s.send(0, OrderCancelRequest(origClOrdID: "A1b", clOrdID: "A1c", symbol: "BTCUSDT", side: .buy, transactTime: systemNow()))
        let late = try await s.messages(0, count: 11, after: 10)
        let reject = try OrderCancelReject(late[0])
        #expect(reject.cxlRejReason == .tooLateToCancel && reject.ordStatus == .canceled && reject.orderID == accepted[0].orderID)
        try await s.shutdown()
    }

    @Test func massCancelRequestsRefused() async throws {
        let s = try await Setup()
        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        _ = try await s.messages(0, count: 1)
        try await s.send(0, Self.massCancel("X1", .product))
        try await s.send(0, Self.massCancel("X2", .security))
        try await s.send(0, Self.massCancel("X3", .security, symbol: "NOPE"))
        let m = try await s.messages(0, count: 4, after: 1)
        _ = try GatewayTests.reports(m)
        let r = try m.map { try OrderMassCancelReport($0) }
        #expect(r.map(\.clOrdID) == ["X1", "X2", "X3"])
        #expect(r.allSatisfy { $0.massCancelResponse == .rejected && $0.totalAffectedOrders == 0 && $0.text != nil })
        #expect(r.map(\.massCancelRejectReason) == [.notSupported, .invalidOrUnknownSecurity, .invalidOrUnknownSecurity])
        #expect(r.map(\.massCancelRequestType) == [.product, .security, .security])
        // Nothing was canceled.
        #expect(try await s.onExchange { s.gateway!.workingOrders(of: 1).count } == 1)
        try await s.shutdown()
    }

    /// C1 has CancelOnDisconnect=Y, C2 not. Both drop their connections (C1 without a Logout)
    /// and come back: C1's orders were canceled, and it hears so first thing after its logon;
    /// C2's orders still work and it hears nothing.
    @Test func cancelOnDisconnectWhenTheConnectionDrops() async throws {
        try await Self.cancelOnDisconnect { s, c in s.sessions[c].disconnect() }
    }

    @Test func cancelOnDisconnectWhenTheParticipantLogsOut() async throws {
        try await Self.cancelOnDisconnect { s, c in s.sessions[c].logout(text: "bye") }
    }

    static func cancelOnDisconnect(_ leave: (Setup, Int) -> Void) async throws {
        let s = try await Setup(cancelOnDisconnect: ["C1"])
        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        try await s.send(0, GatewayTests.order("A2", .sell, "0.002", at: "105", symbol: "BTCUSDT"))
        try await s.send(1, GatewayTests.order("B1", .buy, "0.003", at: "99"))
        let accepted = try GatewayTests.reports(try await s.messages(0, count: 2))
        _ = try await s.messages(1, count: 1)

        leave(s, 0)
        leave(s, 1)
        // The sessions come back by themselves (the initiators reconnect after a second).
        #expect(try await s.eventually { try await s.onExchange { s.gateway!.workingOrders(of: 1).isEmpty } })
        let bids = try await s.onExchange { s.gateway!.venue.depth(book: 0, side: .buy, levels: 5) }
        #expect(bids == [PriceLevel(price: 990, size: 3)])  // only C2's B1
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await s.eventually {
            let first = try await s.isLoggedOn(0)
            let second = try await s.isLoggedOn(1)
            return first && second
        })

        let notices = try GatewayTests.reports(try await s.messages(0, count: 4, after: 2))
        #expect(notices.map(\.clOrdID) == ["A1", "A2"])
        #expect(notices.map(\.orderID) == accepted.map(\.orderID))
        #expect(notices.allSatisfy { $0.execType == .canceled && $0.ordStatus == .canceled && $0.text == "Canceled on disconnect" })
        #expect(notices.allSatisfy { $0.leavesQty == FIXDecimal(0) && $0.origClOrdID == nil })
        #expect(try await s.onExchange { s.gateway!.statistics.unsolicitedCancels } == 2)

        // C2 got nothing, and its order works: a mass status shows it.
        try await s.send(1, OrderMassStatusRequest(massStatusReqID: "M1", massStatusReqType: .allOrders))
        let c2 = try GatewayTests.reports(try await s.messages(1, count: 2, after: 1))
        #expect(c2.map(\.clOrdID) == ["B1"] && c2[0].execType == .orderStatus && c2[0].ordStatus == .new)
        // C1's orders answer as canceled.
        try await s.send(0, OrderStatusRequest(clOrdID: "A2", symbol: "BTCUSDT", side: .sell))
        let a2 = try GatewayTests.reports(try await s.messages(0, count: 5, after: 4))
        #expect(a2.map(\.ordStatus) == [.canceled])
        try await s.shutdown()
    }
}
