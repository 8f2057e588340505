import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway
@testable import FIXTransport

/// The gateway's memory of done orders is bounded: a participant's last `recentOrderLimit` done
/// orders, and the ClOrdIDs of those and of its working orders.
struct RecentOrdersTests {
    static func done(_ n: Int, names: [String]? = nil) -> RecordedOrder {
        RecordedOrder(orderID: "V-\(n)", clOrdID: "C\(n)", names: names ?? ["C\(n)"], symbol: "BTCUSDT", side: .buy,
                  ordType: .limit, price: FIXDecimal(100), orderQty: FIXDecimal(1), cumQty: FIXDecimal(0),
                  avgPx: FIXDecimal(0), status: .canceled)
    }

    @Test func theOldestLeavesWhenTheWindowIsFull() {
        var recent = RecentOrders(limit: 3)
        for n in 1...3 { #expect(recent.insert(Self.done(n)) == nil) }
        #expect(recent.insert(Self.done(4))?.orderID == "V-1")
        #expect(recent.count == 3 && recent["V-1"] == nil && recent["V-4"] != nil)
        #expect(recent.ordered.map(\.orderID) == ["V-2", "V-3", "V-4"])
        // Long runs: the queue is compacted, the window stays the last `limit`.
        for n in 5...5000 { _ = recent.insert(Self.done(n)) }
        #expect(recent.count == 3 && recent.ordered.map(\.orderID) == ["V-4998", "V-4999", "V-5000"])
    }

    @Test func aParticipantForgetsTheNamesOfTheOrdersThatLeave() {
        var p = Participant(session: SessionID(senderCompID: "EXCH", targetCompID: "C1"), recentLimit: 2)
        p.remember(Self.done(1, names: ["C1", "C1-cancel"]))
        p.remember(Self.done(2))
        #expect(p.clOrdIDs["C1-cancel"] == .done("V-1"))
        p.remember(Self.done(3))
        #expect(p.clOrdIDs["C1"] == nil && p.clOrdIDs["C1-cancel"] == nil)
        #expect(p.clOrdIDs["C2"] == .done("V-2") && p.clOrdIDs["C3"] == .done("V-3") && p.clOrdIDs.count == 2)
    }

    /// Over FIX with a window of 3: after 5 orders placed and canceled, the first two are
    /// forgotten (a status request finds nothing, their ClOrdIDs may be used again), the last
    /// three are remembered (status canceled, ClOrdIDs refused as duplicates).
    @Test func theGatewayRemembersTheLastRecordedOrdersOnly() async throws {
        let s = try await GatewayTests.Setup(recentOrderLimit: 3)
        for n in 1...5 {
            try await s.send(0, GatewayTests.order("A\(n)", .buy, "0.001", at: "100"))
            try await s.send(0, OrderCancelRequest(origClOrdID: "A\(n)", clOrdID: "X\(n)", symbol: "BTCUSDT", side: .buy,
                                                   transactTime: systemNow()))
        }
        _ = try await s.messages(0, count: 10)
        let memory = try await s.onExchange { (s.gateway!.participants[0].recent.count, s.gateway!.participants[0].clOrdIDs.count) }
        #expect(memory == (3, 6))  // A3-A5 and X3-X5

        try await s.send(0, OrderStatusRequest(clOrdID: "A1", symbol: "BTCUSDT", side: .buy))
        try await s.send(0, OrderStatusRequest(clOrdID: "X5", symbol: "BTCUSDT", side: .buy))
        let status = try GatewayTests.reports(try await s.messages(0, count: 12, after: 10))
        #expect(status.map(\.ordStatus) == [.rejected, .canceled])
        #expect(status[0].text == "Unknown order" && status[1].clOrdID == "X5")

        try await s.send(0, GatewayTests.order("A1", .buy, "0.001", at: "100"))
        try await s.send(0, GatewayTests.order("A4", .buy, "0.001", at: "100"))
        let reuse = try GatewayTests.reports(try await s.messages(0, count: 14, after: 12))
        #expect(reuse.map(\.execType) == [.new, .rejected] && reuse[1].ordRejReason == .duplicateOrder)
        try await s.shutdown()
    }
}
