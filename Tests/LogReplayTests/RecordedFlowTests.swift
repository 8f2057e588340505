import FIX
import FIXTestSupport
import Foundation
import Testing
@testable import LogReplay

/// What `--send` takes from a recording, and how it compares responses.
struct RecordedFlowTests {
    static let makerLog = repositoryRoot.appendingPathComponent("Specs/examples/replay/FIX.4.4-MAKER-EXCH.messages.log").path
    static let exchangeLog = repositoryRoot.appendingPathComponent("Specs/examples/replay/FIX.4.4-EXCH-MAKER.messages.current.log").path

    @Test func oneSidesApplicationMessagesWithTheMarketDataBeforeEach() throws {
        let flow = try RecordedFlow.read(files: [Self.makerLog, Self.exchangeLog], sender: "MAKER", target: "EXCH")
        // Logon, ResendRequest, Heartbeat and Logout are the live session's own.
        #expect(flow.messages.map(\.msgType) == ["V", "D", "D", "G", "F", "D", "D"])
        #expect(flow.messages.map(\.marketDataBefore) == [0, 1, 1, 2, 2, 2, 2])
        #expect(flow.marketDataMessages == 2)
        // The body only: no header or trailer field is sent again.
        let d = try #require(flow.messages.dropFirst().first)
        #expect(d.body.map(\.tag) == [11, 21, 38, 40, 44, 54, 55, 60] && d.clOrdID == "q-1")
        // Responses by ClOrdID, the resent fill once.
        #expect(flow.responses["q-3"]?.map { $0.values[150] } == ["5", "F"])
        #expect(flow.responses["q-4"]?.map(\.msgType) == ["9"])
        #expect(flow.responseCount == 8)
        #expect(throws: RecordedFlowError.self) { try RecordedFlow.read(files: [Self.makerLog], sender: "NOBODY", target: nil) }
    }

    @Test func responsesCompareFieldByFieldInOrder() throws {
        func response(_ body: String) throws -> RecordedResponse {
            RecordedResponse(try parsed("35=8|49=X|56=M|34=1|52=20240808-10:00:00|" + body))
        }
        let recorded = ["a": [try response("11=a|150=0|39=0|14=0|151=1|6=0|"), try response("11=a|150=F|39=2|31=10.50|32=1|14=1|151=0|6=10.5|")],
                        "b": [try response("11=b|150=0|39=0|14=0|151=1|6=0|")]]
        // Decimals compare by value; a different fill price and a missing and an extra response.
        let live = ["a": [try response("11=a|150=0|39=0|14=0.0|151=1.000|6=0|"), try response("11=a|150=F|39=2|31=10.6|32=1|14=1|151=0|6=10.6|")],
                    "c": [try response("11=c|150=8|39=8|103=6|14=0|151=0|6=0|")]]
        let c = ResponseComparison(recorded: recorded, live: live, order: ["a", "b", "c"])
        #expect(c.matching == 1 && c.differing == 1 && c.missing == 1 && c.extra == 1 && !c.allMatch)
        #expect(c.differences.map(\.clOrdID) == ["a", "b", "c"])
        #expect(c.differences[0].fields.map(\.name) == ["LastPx", "AvgPx"])
        #expect(c.differences[0].fields[0].description == "LastPx (31) recorded 10.50, live 10.6")
        #expect(c.differences.map(\.kind) == [.differs, .missing, .extra])
        let same = ResponseComparison(recorded: recorded, live: recorded, order: [])
        #expect(same.allMatch && same.matching == 3)
    }

    @Test func aRawStreamWithoutLineBreaksIsFramedAsAStream() throws {
        let f = try LogFixtures()
        var stream: [UInt8] = []
        for seq in 1...20 { stream += Array(message("0", "M", "X", seq, at: "10:00:\(String(format: "%02d", seq)).000").utf8) }
        let path = try f.write("stream.bin", bytes: stream)
        let merger = try LogMerger(files: [path], maxMessageSize: 256)
        var seqs: [Int] = []
        while case .record(let r)? = merger.next() { seqs.append(r.msgSeqNum) }
        #expect(seqs == Array(1...20) && merger.diagnostics.isEmpty)
    }
}
