import FIX
import FIXTestSupport
import Foundation
import Testing
@testable import LogReplay

/// Sessions, orders, fills and positions rebuilt from the example logs in
/// `Specs/examples/replay`: MAKER's engine log (it misses EXCH's MsgSeqNum 8-9, asks for them
/// again and gets a resend and a gap fill), EXCH's QuickFIX-layout log of the same session, and
/// a '|' capture of MAKER2's session with two bad lines.
struct SessionReconstructionTests {
    static let dir = repositoryRoot.appendingPathComponent("Specs/examples/replay")
    static let makerLog = dir.appendingPathComponent("FIX.4.4-MAKER-EXCH.messages.log").path
    static let exchangeLog = dir.appendingPathComponent("FIX.4.4-EXCH-MAKER.messages.current.log").path
    static let capture = dir.appendingPathComponent("capture.txt").path

    @Test func gapsResendsAndGapFillsOfOneSide() throws {
        let r = try replay([Self.makerLog])
        #expect(r.diagnostics.isEmpty)
        let s = try #require(r.sessions.first)
        #expect(r.sessions.count == 1 && s.name == "FIX.4.4:MAKER-EXCH" && s.sides == ["MAKER", "EXCH"])
        let maker = s.directions[0], exch = s.directions[1]
        #expect(maker.sender == "MAKER" && maker.resendRequests.map(\.beginSeqNo) == [8] && maker.gaps.isEmpty)
        #expect(exch.gaps.count == 1)
        let gap = try #require(exch.gaps.first)
        #expect(gap.from == 8 && gap.to == 9 && gap.state == "recovered" && gap.stillMissing == 0)
        #expect(exch.possDupResends == 1 && exch.sequenceResets.map(\.gapFill) == [true] && exch.sequenceResets[0].newSeqNo == 11)
        #expect(exch.firstSeqNum == 1 && exch.lastSeqNum == 15 && exch.sequenceTooLow == 0)
        #expect(s.logons.map(\.sender) == ["MAKER", "EXCH"] && s.logouts.count == 2)
        #expect(s.rejects.map(\.msgType) == ["3"] && s.rejects[0].refSeqNum == 9 && s.rejects[0].reason == 5)
        let kinds = r.timeline.map(\.kind)
        #expect(kinds.contains(.gap) && kinds.contains(.resendRequest) && kinds.contains(.resend) && kinds.contains(.gapFill))
        // Heartbeats are counted, never listed.
        #expect(maker.heartbeats == 1 && exch.heartbeats == 1)
        #expect(!kinds.contains(.message))
    }

    @Test func bothSidesLogsMergeWithoutCountingTwice() throws {
        let one = try replay([Self.makerLog])
        let both = try replay([Self.exchangeLog, Self.makerLog])
        // EXCH's log has MsgSeqNum 8 and 9 that MAKER missed: the union has no gap.
        let exch = try #require(both.sessions.first?.directions.first { $0.sender == "EXCH" })
        #expect(exch.gaps.isEmpty && exch.messages == 17)
        #expect(both.messages == one.messages + 2)
        #expect(both.duplicatesSkipped == one.messages)
        // The fill resent with PossDupFlag is the one EXCH logged first: booked once.
        #expect(both.fills.count == 3 && one.fills.count == 3)
        #expect(both.fills.map(\.execID).sorted() == ["e-3", "e-5", "e-6"])
        // In time order whichever file comes first.
        let times = both.timeline.map(\.time)
        #expect(times == times.sorted())
    }

    @Test func orderChainsAndFinalStates() throws {
        let r = try replay([Self.makerLog])
        let byID = Dictionary(uniqueKeysWithValues: r.orders.map { ($0.id, $0) })
        let q1 = try #require(byID["q-1"])
        #expect(q1.clOrdIDs == ["q-1", "q-3", "q-4"])
        #expect(q1.status == "filled" && q1.cumQty == "0.01" && q1.avgPx == "61800.12" && q1.fills == 2)
        #expect(q1.price == "61800.2" && q1.side == "buy" && q1.orderID == "o-1")
        #expect(q1.events.map(\.msgType) == ["D", "8", "8", "G", "8", "8", "F", "9"])
        #expect(q1.events.last?.rejectReason == 0 && q1.events.last?.text == "order already filled")
        #expect(byID["q-2"]?.status == "filled")
        #expect(byID["q-5"]?.status == "rejected" && byID["q-5"]?.events.last?.rejectReason == 99)
        #expect(byID["q-6"]?.status == "sessionRejected")
        let s = try #require(r.sessions.first)
        #expect(s.orders == 4 && s.fills == 3 && s.orderRejects == 1 && s.cancelRejects == 1)
    }

    @Test func positionsProfitAndFees() throws {
        let r = try replay([Self.makerLog, Self.capture])
        let maker = try #require(r.positions.first { $0.owner == "MAKER" })
        // Bought 0.004 @ 61800.0 and 0.006 @ 61800.2, sold 0.010 @ 61800.5:
        // 618.005 - (247.2 + 370.8012) = 0.0038; fees 0.02 + 0.03 + 0.05.
        #expect(maker.position == "0" && maker.bought == "0.01" && maker.sold == "0.01")
        #expect(maker.realizedPnL == "0.0038" && maker.tradingPnL == "0.0038" && maker.fees == "0.1" && maker.netPnL == "-0.0962")
        #expect(maker.markSource == "mid of market data" && maker.markPrice == "61800.25")
        let maker2 = try #require(r.positions.first { $0.owner == "MAKER2" })
        #expect(maker2.position == "-0.5" && maker2.averagePrice == "2650.1" && maker2.markSource == "last fill")
        #expect(r.diagnostics.map(\.line) == [4, 5] && r.diagnostics.allSatisfy { $0.file == Self.capture })
    }

    @Test func unrealizedProfitAtTheMarketDataMid() throws {
        let f = try LogFixtures()
        let lines = [
            logLine("10:00:00.000", message("D", "M", "X", 1, at: "10:00:00.000", "11=a|38=2|40=2|44=100.5|54=1|55=S|60=20240808-10:00:00|")),
            logLine("10:00:01.000", message("8", "X", "M", 1, at: "10:00:01.000",
                                            "6=100.5|11=a|14=2|17=f1|31=100.5|32=2|37=1|39=2|54=1|55=S|150=F|151=0|12=-0.01|13=3|")),
            // The same fill resent: not booked again.
            logLine("10:00:01.500", message("8", "X", "M", 1, at: "10:00:01.000",
                                            "6=100.5|11=a|14=2|17=f1|31=100.5|32=2|37=1|39=2|54=1|55=S|150=F|151=0|12=-0.01|13=3|",
                                            possDup: true)),
            logLine("10:00:02.000", message("W", "X", "M", 2, at: "10:00:02.000",
                                            "55=S|268=2|269=0|270=101.0|271=5|269=1|270=101.5|271=5|")),
        ]
        let path = try f.write("FIX.4.4-M-X.messages.log", lines.joined())
        let r = try replay([path])
        let p = try #require(r.positions.first)
        // Long 2 from 100.5, marked at (101.0 + 101.5) / 2 = 101.25: +1.5; a rebate of 0.01.
        #expect(p.position == "2" && p.unrealizedPnL == "1.5" && p.realizedPnL == "0" && p.fees == "-0.01" && p.netPnL == "1.51")
        #expect(r.fills.count == 1 && r.diagnostics.isEmpty)
        #expect(r.sessions.first?.directions.first { $0.sender == "X" }?.possDupResends == 1)
    }

    @Test func sequenceNumbersTooLowAndResetsByLogon() throws {
        let f = try LogFixtures()
        let lines = [
            logLine("10:00:00", message("A", "M", "X", 1, at: "10:00:00", "98=0|108=30|141=Y|")),
            logLine("10:00:01", message("0", "M", "X", 2, at: "10:00:01")),
            logLine("10:00:02", message("0", "M", "X", 2, at: "10:00:02")),
            // A new logon that resets the numbers is not "too low".
            logLine("10:00:03", message("A", "M", "X", 1, at: "10:00:03", "98=0|108=30|141=Y|")),
            logLine("10:00:04", message("0", "M", "X", 5, at: "10:00:04")),
        ]
        let r = try replay([try f.write("cap.log", lines.joined())])
        let d = try #require(r.sessions.first?.directions.first)
        #expect(d.sequenceTooLow == 1 && d.resets == 1)
        #expect(d.gaps.map { [$0.from, $0.to] } == [[2, 4]] && d.gaps[0].state == "open")
        #expect(r.timeline.filter { $0.kind == .sequenceTooLow }.count == 1)
    }
}
