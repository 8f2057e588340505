import FIX
import FIXTestSupport
import Foundation
import Testing
@testable import LogReplay

/// A replay read as a stream (finished orders let go, fills and orders in scratch files) gives
/// the report the in-memory replay gives, while holding only the orders working and the last
/// finished ones.
struct ReplayStreamTests {
    /// A session log of `count` orders of M at X, about five working at a time: each order is
    /// acknowledged when sent, and five orders later it ends in one of several ways (filled;
    /// partly filled then canceled; replaced then filled; rejected; partly filled, the trade
    /// canceled, then canceled; filled with a cancel refused as too late). One order in 97
    /// stays working to the end. Market data now and then.
    static func sessionLog(orders count: Int) -> String {
        var lines: [String] = []
        var ms = 0, mSeq = 1, xSeq = 1, exec = 0
        func time() -> String {
            ms += 7
            return String(format: "%02d:%02d:%02d.%03d", 10 + ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
        }
        func fromM(_ type: String, _ body: String) {
            let t = time()
            lines.append(logLine(t, message(type, "M", "X", mSeq, at: t, body)))
            mSeq += 1
        }
        func fromX(_ type: String, _ body: String) {
            let t = time()
            lines.append(logLine(t, message(type, "X", "M", xSeq, at: t, body)))
            xSeq += 1
        }
        func symbol(_ k: Int) -> String { k % 2 == 0 ? "BTCUSDT" : "ETHUSDT" }
        func side(_ k: Int) -> String { k % 3 == 0 ? "2" : "1" }
        func price(_ k: Int) -> String { "\(100 + k % 13).\(k % 10)" }
        func report(_ k: Int, clOrdID: String, orig: String? = nil, execType: String, status: String, cum: String, leaves: String,
                    last: (qty: String, px: String)? = nil, extra: String = "") -> String {
            exec += 1
            var body = "11=\(clOrdID)|"
            if let orig { body += "41=\(orig)|" }
            body += "37=o\(k)|17=e\(exec)|150=\(execType)|39=\(status)|55=\(symbol(k))|54=\(side(k))|38=2|44=\(price(k))|"
            body += "14=\(cum)|151=\(leaves)|6=\(price(k))|"
            if let last { body += "31=\(last.px)|32=\(last.qty)|12=0.01|13=3|" }
            return body + extra
        }
        func finish(_ k: Int) {
            let id = "c\(k)"
            switch k % 6 {
            case 0:
                fromX("8", report(k, clOrdID: id, execType: "F", status: "2", cum: "2", leaves: "0", last: ("2", price(k))))
            case 1:
                fromX("8", report(k, clOrdID: id, execType: "F", status: "1", cum: "1", leaves: "1", last: ("1", price(k))))
                fromM("F", "11=\(id)x|41=\(id)|38=2|54=\(side(k))|55=\(symbol(k))|60=20240808-10:00:00|")
                fromX("8", report(k, clOrdID: "\(id)x", orig: id, execType: "4", status: "4", cum: "1", leaves: "0"))
            case 2:
                fromM("G", "11=\(id)r|41=\(id)|38=2|40=2|44=\(price(k + 1))|54=\(side(k))|55=\(symbol(k))|60=20240808-10:00:00|")
                fromX("8", report(k, clOrdID: "\(id)r", orig: id, execType: "5", status: "0", cum: "0", leaves: "2"))
                fromX("8", report(k, clOrdID: "\(id)r", execType: "F", status: "2", cum: "2", leaves: "0", last: ("2", price(k))))
            case 3:
                fromX("8", report(k, clOrdID: id, execType: "8", status: "8", cum: "0", leaves: "0", extra: "103=99|58=too far|"))
            case 4:
                fromX("8", report(k, clOrdID: id, execType: "F", status: "1", cum: "1", leaves: "1", last: ("1", price(k))))
                let trade = "e\(exec)"
                fromX("8", report(k, clOrdID: id, execType: "H", status: "0", cum: "0", leaves: "2", extra: "19=\(trade)|"))
                fromM("F", "11=\(id)x|41=\(id)|38=2|54=\(side(k))|55=\(symbol(k))|60=20240808-10:00:00|")
                fromX("8", report(k, clOrdID: "\(id)x", orig: id, execType: "4", status: "4", cum: "0", leaves: "0"))
            default:
                fromX("8", report(k, clOrdID: id, execType: "F", status: "2", cum: "2", leaves: "0", last: ("2", price(k))))
                fromM("F", "11=\(id)x|41=\(id)|38=2|54=\(side(k))|55=\(symbol(k))|60=20240808-10:00:00|")
                fromX("9", "11=\(id)x|41=\(id)|37=o\(k)|39=2|434=1|102=0|58=too late to cancel|")
            }
        }
        for k in 0..<count {
            fromM("D", "11=c\(k)|38=2|40=2|44=\(price(k))|54=\(side(k))|55=\(symbol(k))|60=20240808-10:00:00|")
            fromX("8", report(k, clOrdID: "c\(k)", execType: "0", status: "0", cum: "0", leaves: "2"))
            if k >= 5, (k - 5) % 97 != 0 { finish(k - 5) }
            if k % 50 == 0 {
                fromX("W", "55=\(symbol(k))|268=2|269=0|270=\(price(k))|271=5|269=1|270=\(price(k + 3))|271=5|")
            }
        }
        return lines.joined()
    }

    static func encoded(_ r: LogReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(r))
    }

    @Test func aStreamGivesTheReportOfTheReplayInMemory() throws {
        let f = try LogFixtures()
        let path = try f.write("FIX.4.4-M-X.messages.log", Self.sessionLog(orders: 3000))
        let whole = try replay([path])
        #expect(whole.orders.count == 3000 && whole.diagnostics.isEmpty, "\(whole.diagnostics.prefix(3))")
        #expect(whole.fills.contains { $0.canceled })
        // Few finished orders kept, so that nearly every one is let go.
        let stream = try LogReplay.stream(files: [path], timelineLimit: nil, orders: .events, finishedOrdersKept: 20)
        #expect(stream.sessions == whole.sessions)
        #expect(stream.positions == whole.positions)
        #expect(stream.timeline == whole.timeline && stream.diagnostics == whole.diagnostics)
        #expect(stream.orderCount == whole.orders.count && stream.fillCount == whole.fills.count)
        var fills: [LogFill] = []
        stream.forEachFill { fills.append($0) }
        #expect(fills == whole.fills)
        var orders: [OrderChain] = []
        try stream.forEachOrder { orders.append($0) }
        #expect(orders == whole.orders)
        // The JSON document written a piece at a time is the one of the whole report.
        var json: [UInt8] = []
        try LogReportJSONWriter.write(stream) { json += $0 }
        #expect(json == (try Self.encoded(whole)))
        #expect(stream.scratchFailure == nil)
        // The text summary too.
        #expect(LogReportTextFormatter.summary(stream) == LogReportTextFormatter.summary(whole))
        #expect(LogReportTextFormatter.files(stream) == LogReportTextFormatter.files(whole))
    }

    @Test func ordersWithoutTheirEventsOrNoneAtAll() throws {
        let f = try LogFixtures()
        let path = try f.write("FIX.4.4-M-X.messages.log", Self.sessionLog(orders: 300))
        let whole = try replay([path])
        let chains = try LogReplay.stream(files: [path], orders: .chains, finishedOrdersKept: 10)
        var orders: [OrderChain] = []
        try chains.forEachOrder { orders.append($0) }
        #expect(orders.count == 300 && orders.allSatisfy(\.events.isEmpty))
        #expect(orders.map(\.status) == whole.orders.map(\.status) && orders.map(\.clOrdIDs) == whole.orders.map(\.clOrdIDs))
        let none = try LogReplay.stream(files: [path], finishedOrdersKept: 10)
        var count = 0
        try none.forEachOrder { _ in count += 1 }
        #expect(count == 0 && none.sessions == whole.sessions && none.positions == whole.positions)
    }

    @Test func heldOrdersFollowTheWorkingOnesNotTheLog() throws {
        let f = try LogFixtures()
        let path = try f.write("FIX.4.4-M-X.messages.log", Self.sessionLog(orders: 5000))
        let analyzer = LogAnalyzer(finishedOrdersKept: 20, keepsOrderEvents: false)
        var fills = 0, letGo = 0
        analyzer.onFill = { _, _ in fills += 1 }
        analyzer.onOrder = { _, _ in letGo += 1 }
        let merger = try LogMerger(files: [path])
        var most = 0
        while let item = merger.next() {
            analyzer.add(item)
            most = max(most, analyzer.heldOrders)
        }
        // About 5 working, the 20 finished kept, and the 52 left working (one in 97).
        let stuck = (0..<4995).filter { $0 % 97 == 0 }.count + 5
        #expect(most <= 5 + 1 + 20 + stuck, "\(most)")
        let result = analyzer.finish()
        #expect(letGo == 5000 && result.fills.isEmpty && fills > 0)
        #expect(result.sessions[0].orders == 5000)
    }

    @Test func aMessageAboutAnOrderLetGoStartsAnOrderOfItsOwn() throws {
        let f = try LogFixtures()
        let log = [
            logLine("10:00:00.000", message("D", "M", "X", 1, at: "10:00:00.000", "11=a|38=1|40=2|44=10|54=1|55=S|60=20240808-10:00:00|")),
            logLine("10:00:01.000", message("8", "X", "M", 1, at: "10:00:01.000",
                                            "11=a|37=o1|17=e1|150=4|39=4|55=S|54=1|38=1|44=10|14=0|151=0|6=0|")),
            logLine("10:00:02.000", message("D", "M", "X", 2, at: "10:00:02.000", "11=b|38=1|40=2|44=10|54=1|55=S|60=20240808-10:00:00|")),
            logLine("10:00:03.000", message("8", "X", "M", 2, at: "10:00:03.000",
                                            "11=b|37=o2|17=e2|150=4|39=4|55=S|54=1|38=1|44=10|14=0|151=0|6=0|")),
            // Late: a's report again, after b's finish has let a go.
            logLine("10:00:04.000", message("8", "X", "M", 3, at: "10:00:04.000",
                                            "11=a|37=o1|17=e3|150=4|39=4|55=S|54=1|38=1|44=10|14=0|151=0|6=0|")),
        ].joined()
        let path = try f.write("FIX.4.4-M-X.messages.log", log)
        #expect(try replay([path]).orders.count == 2)
        let stream = try LogReplay.stream(files: [path], orders: .chains, finishedOrdersKept: 0)
        var orders: [OrderChain] = []
        try stream.forEachOrder { orders.append($0) }
        #expect(orders.map(\.id) == ["a", "b", "a"] && orders.map(\.startedBeforeLog) == [false, false, true])
    }
}
