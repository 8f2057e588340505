import Exchange
import Market
import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// RequestForPositions (AN) over loopback FIX sessions: the net position of each participant
/// in each instrument it traded, from the fills of both sides.
struct PositionTests {
    typealias Setup = GatewayTests.Setup

    static let parties = [Party(id: "DESK-1", source: .proprietary, role: .executingFirm)]

    static func request(_ id: String, type: PosReqType = .positions, symbol: String? = nil,
                        subscription: SubscriptionRequestType? = nil) -> RequestForPositions {
        RequestForPositions(posReqID: id, posReqType: type, subscriptionRequestType: subscription, parties: parties,
                            account: "ACC-1", accountType: .houseTrader, symbol: symbol, clearingBusinessDate: "20261207",
                            transactTime: systemNow())
    }

    @Test func positionsAfterFillsOfBothSides() async throws {
        let s = try await Setup()
        // Before any trade: no positions.
        try await s.send(1, Self.request("R0"))
        let empty = try await s.messages(1, count: 1)
        _ = try GatewayTests.reports(empty)
        #expect(empty.map(\.msgType) == ["AO"])
        let none = try RequestForPositionsAck(empty[0])
        #expect(none.posReqResult == .noPositionsFound && none.posReqStatus == .completed && none.totalNumPosReports == 0)
        #expect(none.posReqID == "R0" && none.parties == Self.parties && none.account == "ACC-1" && none.accountType == .houseTrader)

        // BTC: C1 sells 0.003 to C2 at 100, then buys 0.001 back at 101: C1 -0.002, C2 +0.002.
        // ETH: C2 buys 0.01 from C1 at 2000, then sells it back at 2001: both flat.
        try await s.send(0, GatewayTests.order("A1", .sell, "0.003", at: "100"))
        _ = try await s.messages(0, count: 1)
        try await s.send(1, GatewayTests.order("B1", .buy, "0.003", at: "100"))
        _ = try await s.messages(1, count: 3)
        try await s.send(1, GatewayTests.order("B2", .sell, "0.001", at: "101"))
        _ = try await s.messages(1, count: 4)
        try await s.send(0, GatewayTests.order("A2", .buy, "0.001", at: "101"))
        try await s.send(0, GatewayTests.order("A3", .sell, "0.01", at: "2000", symbol: "ETHUSDT"))
        _ = try await s.messages(0, count: 5)
        try await s.send(1, GatewayTests.order("B3", .buy, "0.01", at: "2000", symbol: "ETHUSDT"))
        try await s.send(1, GatewayTests.order("B4", .sell, "0.01", at: "2001", symbol: "ETHUSDT"))
        _ = try await s.messages(1, count: 8)
        try await s.send(0, GatewayTests.order("A4", .buy, "0.01", at: "2001", symbol: "ETHUSDT"))
        _ = try await s.messages(0, count: 8)
        _ = try await s.messages(1, count: 9)

        try await s.send(0, Self.request("R1"))
        let c1 = try await s.messages(0, count: 11, after: 8)
        _ = try GatewayTests.reports(c1)
        #expect(c1.map(\.msgType) == ["AO", "AP", "AP"])
        let ack = try RequestForPositionsAck(c1[0])
        #expect(ack.posReqResult == .validRequest && ack.posReqStatus == .completed && ack.totalNumPosReports == 2)
        #expect(ack.posReqID == "R1" && ack.parties == Self.parties && ack.account == "ACC-1")
        let btc = try PositionReport(c1[1]), eth = try PositionReport(c1[2])
        #expect(btc.symbol == "BTCUSDT" && eth.symbol == "ETHUSDT")
        #expect(btc.positions == [PositionQuantity(type: .totalTransactionQuantity, longQty: FIXDecimal(0), shortQty: FIXDecimal("0.002"))])
        #expect(eth.positions == [PositionQuantity(type: .totalTransactionQuantity, longQty: FIXDecimal(0), shortQty: FIXDecimal(0))])
        #expect(btc.settlPrice == FIXDecimal("101.0") && btc.priorSettlPrice == btc.settlPrice && btc.settlPriceType == .theoretical)
        #expect(eth.settlPrice == FIXDecimal("2001.00"))
        #expect(btc.posReqID == "R1" && btc.posReqResult == .validRequest && btc.totalNumPosReports == 2 && btc.posReqType == .positions)
        #expect(btc.clearingBusinessDate == "20261207" && btc.parties == Self.parties && btc.accountType == .houseTrader)
        #expect(Set([ack.posMaintRptID, btc.posMaintRptID, eth.posMaintRptID]).count == 3)

        // C2, for BTC only: long 0.002.
        try await s.send(1, Self.request("R2", symbol: "BTCUSDT"))
        let c2 = try await s.messages(1, count: 11, after: 9)
        _ = try GatewayTests.reports(c2)
        #expect(c2.map(\.msgType) == ["AO", "AP"])
        let long = try PositionReport(c2[1])
        #expect(long.positions == [PositionQuantity(type: .totalTransactionQuantity, longQty: FIXDecimal("0.002"), shortQty: FIXDecimal(0))])
        try await s.shutdown()
    }

    @Test func requestsForOtherThanPositionsAreRefused() async throws {
        let s = try await Setup()
        try await s.send(0, Self.request("R1", type: .trades))
        try await s.send(0, Self.request("R2", subscription: .snapshotPlusUpdates))
        let m = try await s.messages(0, count: 2)
        _ = try GatewayTests.reports(m)
        let acks = try m.map { try RequestForPositionsAck($0) }
        #expect(acks.map(\.posReqID) == ["R1", "R2"])
        #expect(acks.allSatisfy { $0.posReqResult == .invalidOrUnsupportedRequest && $0.posReqStatus == .rejected && $0.text != nil })
        try await s.shutdown()
    }

    /// Before any trade in a book, a position is valued at the middle of its best bid and offer.
    @Test func settlementPriceBeforeAnyTrade() throws {
        let gateway = ExchangeGateway(venue: MatchingEngine(instruments: [GatewayTests.btc]))
        #expect(gateway.settlementPrice(0) == FIXDecimal(0))
        gateway.drive(publish: false) { venue, events in
            venue.submit(OrderRequest(owner: 9, side: .buy, kind: .limit, timeInForce: .day, price: 1000, quantity: 1), book: 0, events: &events)
            venue.submit(OrderRequest(owner: 9, side: .sell, kind: .limit, timeInForce: .day, price: 1003, quantity: 1), book: 0, events: &events)
        }
        #expect(gateway.settlementPrice(0) == FIXDecimal("100.15000"))
    }
}
