import FIX
import FIXTestSupport
import Foundation
import Gzip
import Testing
@testable import LogReplay

/// Message logs written gzip-compressed read as the plain ones do, whatever their name, and a
/// log whose writer was killed reads up to the kill, the next run's lines after it.
struct CompressedLogReplayTests {
    static func gzip(_ text: String, finish: Bool = true) throws -> [UInt8] {
        let deflater = try GzipDeflater()
        var out: [UInt8] = []
        deflater.compress(Array(text.utf8), flush: finish ? .finish : .sync, into: &out)
        return out
    }

    /// Log lines of a session: a logon each way, then `count` heartbeats of MAKER.
    static func lines(from first: Int, count: Int) -> [String] {
        (first..<(first + count)).map { n in
            let t = String(format: "09:%02d:%02d.000", 30 + n / 60, n % 60)
            return logLine(t, message("0", "MAKER", "EXCH", n, at: t))
        }
    }

    @Test func aCompressedLogReplaysAsThePlainOne() throws {
        let f = try LogFixtures()
        for sub in ["plain", "packed"] {
            try FileManager.default.createDirectory(at: f.directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let text = Self.lines(from: 1, count: 200).joined()
        let plain = try f.write("plain/FIX.4.4-MAKER-EXCH.messages.log", text)
        let packed = try f.write("packed/FIX.4.4-MAKER-EXCH.messages.log.gz", bytes: try Self.gzip(text))
        var a = try replay([plain]), b = try replay([packed])
        #expect(b.files[0].layout == "engine log" && b.files[0].loggedBy == "MAKER")
        a.files[0].file = ""
        b.files[0].file = ""
        #expect(a == b)
        #expect(b.messages == 200 && b.diagnostics.isEmpty)
        // A directory stands for its compressed logs too; the content decides, not the name.
        #expect(try LogInput.expand([f.directory.appendingPathComponent("packed").path]) == [packed])
        let misnamed = try f.write("capture.txt", bytes: try Self.gzip(text))
        #expect(try replay([misnamed]).messages == 200)
    }

    @Test func aLogCutByAKillReadsUpToTheCutThenTheNextRun() throws {
        let f = try LogFixtures()
        let before = Self.lines(from: 1, count: 100)
        let after = Self.lines(from: 101, count: 50)
        // The first run was killed after flushing its 100 lines and part of a 101st; the next
        // run wrote line 101 again, and ended properly.
        let firstRun = try GzipDeflater()
        var cut: [UInt8] = []
        firstRun.compress(Array(before.joined().utf8), flush: .sync, into: &cut)
        firstRun.compress(Array(after[0].prefix(60).utf8), flush: .sync, into: &cut)
        let path = try f.write("FIX.4.4-MAKER-EXCH.messages.log.gz", bytes: cut + (try Self.gzip(after.joined())))
        let report = try replay([path])
        #expect(report.messages == 150)
        #expect(report.sessions[0].directions[0].gaps.isEmpty)
        // The half line is a line of its own, reported; the line after it is whole.
        try #require(report.diagnostics.count == 1, "\(report.diagnostics)")
        #expect(report.diagnostics[0].line == 101)
        #expect(report.files[0].lines == 151)
    }
}
