import FIX
import FIXSessionCore
import Foundation
import Testing
@testable import ExchangeGateway

/// The venue's journal read back: its records, and the ones it refuses.
struct VenueJournalTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("venue-\(UUID().uuidString)/EXCH.venue").path
    }

    static let session = SessionID(senderCompID: "EXCH", targetCompID: "C1")

    static func order(_ id: String, status: OrdStatus, names: [String]) -> RecordedOrder {
        RecordedOrder(orderID: id, clOrdID: names.last!, origClOrdID: names.count > 1 ? names[names.count - 2] : nil, names: names,
                      symbol: "BTCUSDT", side: .sell, ordType: .limit, timeInForce: .day, price: FIXDecimal("100.5")!,
                      orderQty: FIXDecimal("0.003")!, cumQty: FIXDecimal("0.001")!, avgPx: FIXDecimal("100.5")!, status: status)
    }

    /// Every kind of record, then the state read back.
    @Test func recordsReadBack() throws {
        let path = Self.path()
        let first = try VenueJournal.open(path: path, sync: .never, recentOrderLimit: 2)
        #expect(first.state == nil)
        let j = first.journal
        j.run("mxcx1rj4")
        j.working(Self.order("P-1", status: .new, names: ["A1"]), of: Self.session)
        j.name("A1b", orderID: "P-1", of: Self.session)
        j.working(Self.order("P-2", status: .partiallyFilled, names: ["A2"]), of: Self.session)
        for n in 3...5 { j.done(Self.order("P-\(n)", status: .filled, names: ["A\(n)"]), of: Self.session) }
        j.name("A5x", orderID: "P-5", of: Self.session)
        j.notice(Notice(order: Self.order("P-6", status: .canceled, names: ["A6"]), text: "Canceled on disconnect",
                        time: UTCTimestamp(nanosecondsSinceEpoch: 1_000_000)), of: Self.session)
        j.position("BTCUSDT", FIXDecimal("-0.003")!, of: Self.session)
        j.position("BTCUSDT", FIXDecimal("-0.002")!, of: Self.session)
        j.lastPrice("BTCUSDT", FIXDecimal("100.5")!)
        try j.journal.flush()
        j.close()

        let again = try VenueJournal.open(path: path, sync: .never, recentOrderLimit: 2)
        defer { again.journal.close() }
        let state = try #require(again.state)
        #expect(state.lastPrefix == "mxcx1rj4" && state.lastPrices == ["BTCUSDT": FIXDecimal("100.5")!])
        #expect(state.participantCount == 1 && state.workingOrderCount == 2)
        let p = state.participants[0]
        #expect(p.participant.session == Self.session)
        #expect(p.workingOrders.map(\.orderID) == ["P-1", "P-2"])
        #expect(p.workingOrders[0].names == ["A1", "A1b"] && p.workingOrders[1].status == .partiallyFilled)
        // A window of 2: P-3 has left, with its ClOrdID.
        #expect(p.participant.recent.ordered.map(\.orderID) == ["P-4", "P-5"])
        #expect(p.participant.clOrdIDs == ["A4": .done("P-4"), "A5": .done("P-5"), "A5x": .done("P-5")])
        #expect(p.participant.notices.map(\.order.orderID) == ["P-6"] && p.participant.notices[0].text == "Canceled on disconnect")
        #expect(p.positions == ["BTCUSDT": FIXDecimal("-0.002")!])
        #expect(p.workingOrders[1] == Self.order("P-2", status: .partiallyFilled, names: ["A2"]))

        // Notices sent: gone at the next read.
        again.journal.noticesSent(of: Self.session)
        try again.journal.journal.flush()
        again.journal.close()
        let third = try VenueJournal.open(path: path, sync: .never, recentOrderLimit: 2)
        #expect(third.state?.participants[0].participant.notices.isEmpty == true)
        third.journal.close()
    }

    /// A record the venue cannot read stops the start, naming the record.
    @Test func aRecordThatCannotBeReadIsNamed() throws {
        for (kind, payload, reason) in [(UInt8(42), [UInt8](), "unknown record kind 42"),
                                        (3, [7, 0, 0, 0, 0, 0, 0, 0], "participant 7 is not defined"),
                                        (6, [0, 0, 0, 0, 0, 0, 0, 0, 1], "participant 0 is not defined")] {
            let path = Self.path()
            let raw = try RecordJournal.open(path: path, sync: .never) { _, _ in }.journal
            raw.append(kind: 1) { w in w.string("prefix") }
            raw.append(kind: kind) { w in for b in payload { w.uint8(b) } }
            raw.append(kind: 1) { w in w.string("later") }
            try raw.flush()
            raw.close()
            #expect {
                _ = try VenueJournal.open(path: path, sync: .never, recentOrderLimit: 10)
            } throws: { error in
                "\(error)".contains("record 2 (kind \(kind))") && "\(error)".contains(reason)
            }
        }
        // A known kind with bytes to spare.
        let path = Self.path()
        let raw = try RecordJournal.open(path: path, sync: .never) { _, _ in }.journal
        raw.append(kind: 8) { w in w.string("BTCUSDT"); w.int64(1005); w.uint8(1); w.uint8(0) }
        try raw.flush()
        raw.close()
        #expect(throws: (any Error).self) { _ = try VenueJournal.open(path: path, sync: .never, recentOrderLimit: 10) }
    }
}
