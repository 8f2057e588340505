import Foundation
import Testing
@testable import LogReplay

/// The scratch files of a streamed replay: records read back as written, in order or where they
/// are; fills and order chains through their scratch forms.
struct SpillFileTests {
    /// Records of every size, an empty one, and one larger than the write buffer.
    static let records: [[UInt8]] = [[], [1], Array(repeating: 7, count: 3 << 20)]
        + (0..<5000).map { n in Array("record \(n)".utf8) }

    @Test func recordsComeBackInOrderAndWhereTheyAre() throws {
        let file = try SpillFile()
        let offsets = Self.records.map { file.append($0) }
        var read: [[UInt8]] = []
        file.forEachRecord { read.append($0) }
        #expect(read == Self.records)
        for i in [0, 1, 2, 3, 4000, Self.records.count - 1] {
            #expect(file.record(at: offsets[i]) == Self.records[i])
        }
        // Written after a read: the file goes on where it was.
        file.append(Array("after".utf8))
        read = []
        file.forEachRecord { read.append($0) }
        #expect(read.count == Self.records.count + 1 && read.last == Array("after".utf8))
        #expect(file.failure == nil)
    }

    @Test func fixedRecordsWrittenInAnyOrder() throws {
        let file = try SpillFile()
        for n in [3, 0, 2, 1] { file.put([UInt8(n), UInt8(n + 10)], at: Int64(n) * 2) }
        #expect(file.bytes(at: 0, count: 8) == [0, 10, 1, 11, 2, 12, 3, 13])
        #expect(file.size == 8)
    }

    #if os(Linux)
    @Test func theFileHasNoNameInTheTemporaryDirectory() throws {
        let file = try SpillFile()
        file.append([1, 2, 3])
        file.flush()
        // What the process's open files point to: ours (and any other test's) is deleted.
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        let targets = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
            .filter { $0.split(separator: "/").last?.hasPrefix("mm-replay-") == true }
        #expect(!targets.isEmpty)
        #expect(targets.allSatisfy { $0.hasSuffix("(deleted)") }, "\(targets)")
    }
    #endif

    @Test func aFillComesBackAsItWas() throws {
        let full = LogFill(time: "20240808-10:00:00.000", session: "FIX.4.4:M-X", owner: "M", order: "a", clOrdID: "a2",
                              orderID: "o1", execID: "e1", symbol: "BTCUSDT", side: "buy", lastQty: "0.5", lastPx: "61800.2",
                              commission: "0.01", commType: "3", fee: "0.01", canceled: false)
        var sparse = full
        sparse.clOrdID = nil
        sparse.orderID = nil
        sparse.commission = nil
        sparse.commType = nil
        sparse.fee = nil
        sparse.execID = ""
        sparse.time = "é 時"
        for f in [full, sparse] { #expect(LogFill(encoded: f.encoded) == f) }
        // A canceled fill is kept as canceled by its number, not in its record.
        var canceled = full
        canceled.canceled = true
        #expect(LogFill(encoded: canceled.encoded) == full)
        #expect(LogFill(encoded: Array(full.encoded.dropLast())) == nil)
    }

    @Test func ordersComeBackInTheOrderTheyBegan() throws {
        let archive = try OrderArchive()
        func chain(_ n: Int) -> OrderChain {
            OrderChain(id: "c\(n)", session: "FIX.4.4:M-X", owner: "M", clOrdIDs: ["c\(n)"], orderID: nil, symbol: "S", side: "buy",
                       ordType: "limit", orderQty: "1", price: "\(n)", status: "filled", cumQty: "1", leavesQty: "0", avgPx: nil,
                       fills: 1, events: [], startedBeforeLog: false)
        }
        // Let go in another order than they began.
        for n in [2, 0, 3, 1, 5, 4] { archive.add(n, chain(n)) }
        var ids: [String] = []
        archive.forEach { ids.append(try! JSONDecoder().decode(OrderChain.self, from: Data($0)).id) }
        #expect(ids == ["c0", "c1", "c2", "c3", "c4", "c5"])
    }
}
