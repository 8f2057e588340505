import FIX
import FIXTestSupport
import Foundation
import Testing
@testable import LogReplay

/// Reading the layouts of FIX logs: the engine's, QuickFIX's, raw captures; bad lines reported
/// with their file and line while the rest is read.
struct LogReaderTests {
    static let logon = message("A", "MAKER", "EXCH", 1, at: "09:30:00.000", "98=0|108=30|141=Y|")
    static let logonBack = message("A", "EXCH", "MAKER", 1, at: "09:30:00.002", "98=0|108=30|141=Y|")
    static let heartbeat = message("0", "MAKER", "EXCH", 2, at: "09:30:30.000")

    @Test func engineLogNamesTheSideAndTimesEachLine() throws {
        let f = try LogFixtures()
        let path = try f.write("FIX.4.4-MAKER-EXCH.messages.log",
                               logLine("09:30:00.000100", Self.logon) + logLine("09:30:00.002500", Self.logonBack))
        let merger = try LogMerger(files: [path])
        var records: [LogRecord] = []
        while case .record(let r)? = merger.next() { records.append(r) }
        #expect(records.count == 2)
        #expect(records.map(\.senderCompID) == ["MAKER", "EXCH"])
        #expect(records.allSatisfy { $0.loggedBy == "MAKER" })
        #expect(records[1].loggedAt == UTCTimestamp("20240808-09:30:00.002500"))
        #expect(records[1].line == 2)
        #expect(merger.files[0].layout == "engine log" && merger.files[0].lines == 2 && merger.files[0].messages == 2)
    }

    @Test func quickFIXLayoutAndRawCapturesAreRecognised() throws {
        let f = try LogFixtures()
        let quickfix = try f.write("FIX.4.4-EXCH-MAKER.messages.current.log",
                                   logLine("09:30:00.001", Self.logon) + logLine("09:30:00.002", Self.logonBack))
        // Pasted with '|', two messages on a line, no timestamps: SendingTime orders them.
        let piped = try f.write("capture.txt", (Self.logon + Self.logonBack).replacingOccurrences(of: "\u{01}", with: "|") + "\n"
                                + Self.heartbeat.replacingOccurrences(of: "\u{01}", with: "|") + "\n")
        // A raw SOH stream without line breaks.
        let raw = try f.write("stream.bin", bytes: Array((Self.logon + Self.logonBack + Self.heartbeat).utf8))
        let report = try replay([quickfix, piped, raw])
        #expect(report.files.map(\.layout) == ["QuickFIX log", "raw capture ('|')", "raw capture (SOH)"])
        #expect(report.files.map(\.messages) == [2, 3, 3])
        #expect(report.files[0].loggedBy == "EXCH")
        #expect(report.files[1].lines == 2)
        // The same three messages in each: counted once.
        #expect(report.messages == 3 && report.duplicatesSkipped == 5)
        #expect(report.diagnostics.isEmpty)
        let session = try #require(report.sessions.first)
        #expect(session.name == "FIX.4.4:MAKER-EXCH" && session.directions.first?.heartbeats == 1)
    }

    @Test func badLinesAreReportedWithFileAndLineAndTheRestIsRead() throws {
        let f = try LogFixtures()
        let good = message("0", "MAKER", "EXCH", 2, at: "09:30:01.000")
        var wrongSum = message("0", "MAKER", "EXCH", 3, at: "09:30:02.000")
        wrongSum = String(wrongSum.dropLast(4)) + "000\u{01}"
        let right = message("0", "MAKER", "EXCH", 4, at: "09:30:03.000")
        let wrongLength = right.replacingOccurrences(of: "\u{01}9=\(right.utf8.count - 22)\u{01}", with: "\u{01}9=70\u{01}")
        #expect(wrongLength != right)
        let noSeqNum = String(decoding: fix("35=0|49=MAKER|52=20240808-09:30:04.000|56=EXCH|"), as: UTF8.self)
        let after = message("0", "MAKER", "EXCH", 5, at: "09:30:05.000")
        let truncated = String(message("5", "MAKER", "EXCH", 6, at: "09:30:06.000").prefix(40))
        let text = logLine("09:30:00.000", Self.logon) + logLine("09:30:01.000", good) + logLine("09:30:02.000", wrongSum)
            + logLine("09:30:03.000", wrongLength) + logLine("09:30:04.000", noSeqNum) + "20241399-09:30:04.500 : " + good + "\n"
            + logLine("09:30:05.000", after) + logLine("09:30:06.000", truncated)
        let path = try f.write("FIX.4.4-MAKER-EXCH.messages.log", text)
        let report = try replay([path])
        #expect(report.messages == 3)
        let lines = report.diagnostics.map(\.line)
        try #require(lines == [3, 4, 5, 6, 8], "\(report.diagnostics.map(\.description))")
        #expect(report.diagnostics.allSatisfy { $0.file == path })
        #expect(report.diagnostics[0].reason.contains("CheckSum (10) is 0"))
        #expect(report.diagnostics[1].reason.contains("line ends inside the message"))
        #expect(report.diagnostics[2].reason.contains("without MsgSeqNum (34)"))
        #expect(report.diagnostics[3].reason.contains("timestamp '20241399-09:30:04.500' is not a valid time"))
        #expect(report.diagnostics[4].reason.contains("line ends inside the message"))
        #expect(report.diagnostics[0].description.hasPrefix("\(path):3: "))
    }

    @Test func capturesWithLabelsAndISOTimestamps() throws {
        let f = try LogFixtures()
        let text = "2024-08-08 09:30:00.250 IN  " + Self.logon.replacingOccurrences(of: "\u{01}", with: "|") + "\n"
            + "2024-08-08T09:30:00.500Z | " + Self.logonBack.replacingOccurrences(of: "\u{01}", with: "|") + "\n"
        let path = try f.write("pasted.log", text)
        let merger = try LogMerger(files: [path])
        var times: [UTCTimestamp?] = []
        while case .record(let r)? = merger.next() { times.append(r.loggedAt) }
        #expect(times == [UTCTimestamp("20240808-09:30:00.250"), UTCTimestamp("20240808-09:30:00.500")])
        #expect(merger.diagnostics.isEmpty, "\(merger.diagnostics)")
        #expect(merger.files[0].layout == "timestamped capture")
    }

    @Test func eventLogsJoinTheFullTimeline() throws {
        let f = try LogFixtures()
        let messages = try f.write("FIX.4.4-MAKER-EXCH.messages.log", logLine("09:30:00.000", Self.logon))
        let events = try f.write("FIX.4.4-MAKER-EXCH.event.log", "20240808-09:29:59.900 : Connected to 127.0.0.1:9880\n"
                                 + "20240808-09:30:00.100 : Received logon response\n")
        let report = try replay([messages, events], full: true)
        #expect(report.timeline.map(\.kind) == [.event, .logon, .event])
        #expect(report.timeline[0].text == "MAKER event: Connected to 127.0.0.1:9880")
        #expect(report.files[1].layout == "event log" && report.files[1].messages == 2)
        // Not notable: the default timeline leaves them out.
        #expect(try replay([messages, events]).timeline.map(\.kind) == [.logon])
    }

    @Test func directoriesStandForTheirLogsAndUnreadableInputsAreNamed() throws {
        let f = try LogFixtures()
        try f.write("FIX.4.4-MAKER-EXCH.messages.log", logLine("09:30:00.000", Self.logon))
        try f.write("notes.txt", "not a log")
        let files = try LogInput.expand([f.directory.path])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["FIX.4.4-MAKER-EXCH.messages.log"])
        #expect(throws: LogInputError(.notFound, path: "/nonexistent/x.log", reason: "no such file")) {
            try LogInput.expand(["/nonexistent/x.log"])
        }
        let empty = f.directory.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: LogInputError.self) { try LogInput.expand([empty]) }
    }
}
