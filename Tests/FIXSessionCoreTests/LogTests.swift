import Foundation
import Testing
import FIX
@testable import FIXSessionCore

@Suite struct LogTests {
    static let session = SessionID(senderCompID: "MAKER", targetCompID: "EXCH")
    /// 2023-11-14 22:13:20.123456789 UTC, held with 3 fraction digits: the logs write 6 anyway.
    static let t0 = UTCTimestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789, fractionDigits: 3)
    static let t1 = UTCTimestamp(nanosecondsSinceEpoch: 1_700_000_001_000_000_000, fractionDigits: 0)
    static var linePattern: Regex<Substring> { #/^\d{8}-\d{2}:\d{2}:\d{2}\.\d{6} : /# }

    static let logon = Array("8=FIX.4.4\u{01}9=5\u{01}35=A\u{01}10=000\u{01}".utf8)
    static let order = Array("8=FIX.4.4\u{01}9=5\u{01}35=D\u{01}10=111\u{01}".utf8)

    final class TempDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("FIXLogTests-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func lines(_ path: String) throws -> [String] {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(text.isEmpty || text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func fileLogWritesMessagesAndEventsInQuickFIXsLayout() throws {
        let tmp = TempDirectory()
        let log = try FileLog(directory: tmp.path + "/logs", sessionID: Self.session)
        #expect(log.messagesPath == tmp.path + "/logs/FIX.4.4-MAKER-EXCH.messages.log")
        #expect(log.eventPath == tmp.path + "/logs/FIX.4.4-MAKER-EXCH.event.log")
        log.onOutgoing(Self.logon, at: Self.t0)
        log.onIncoming(Self.order[...], at: Self.t1)  // a slice
        log.onEvent("Initiated logon request", at: Self.t0)
        log.onEvent("Received logon", at: Self.t1)
        log.flush()
        let messages = try Self.lines(log.messagesPath)
        #expect(messages == [
            "20231114-22:13:20.123456 : " + String(decoding: Self.logon, as: UTF8.self),
            "20231114-22:13:21.000000 : " + String(decoding: Self.order, as: UTF8.self),
        ])
        #expect(messages[0].utf8.contains(1))  // SOH kept as SOH
        let events = try Self.lines(log.eventPath)
        #expect(events == ["20231114-22:13:20.123456 : Initiated logon request", "20231114-22:13:21.000000 : Received logon"])
        for line in messages + events {
            #expect(line.firstMatch(of: Self.linePattern) != nil, "\(line)")
        }
        log.close()
        #expect(log.lastError == nil && log.droppedBytes == 0)
    }

    @Test func fileLogBuffersUpToItsCapacity() throws {
        let tmp = TempDirectory()
        let log = try FileLog(directory: tmp.path, sessionID: Self.session, bufferCapacity: 1000)
        let lineLength = 27 + Self.order.count + 1
        log.onIncoming(Self.order, at: Self.t0)
        #expect(try Self.lines(log.messagesPath).isEmpty)  // buffered
        var written = 1
        while (written + 1) * lineLength <= 1000 - 30 {
            log.onIncoming(Self.order, at: Self.t0)
            written += 1
        }
        #expect(try Self.lines(log.messagesPath).isEmpty)
        for _ in 0..<5 { log.onIncoming(Self.order, at: Self.t0) }
        let onDisk = try Self.lines(log.messagesPath).count
        #expect(onDisk > 0 && onDisk <= written + 5)
        // A line longer than the buffer goes out whole.
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 5000)
        log.onOutgoing(big, at: Self.t1)
        log.onEvent(String(repeating: "e", count: 3000), at: Self.t1)
        log.flush()
        let all = try Self.lines(log.messagesPath)
        #expect(all.count == written + 6)
        #expect(all.last == "20231114-22:13:21.000000 : " + String(repeating: "x", count: 5000))
        #expect(try Self.lines(log.eventPath) == ["20231114-22:13:21.000000 : " + String(repeating: "e", count: 3000)])
        log.close()
    }

    @Test func fileLogAppendsToExistingFilesAndFlushesOnClose() throws {
        let tmp = TempDirectory()
        do {
            let log = try FileLog(directory: tmp.path, sessionID: Self.session)
            log.onEvent("first", at: Self.t0)
            log.close()
            log.onEvent("after close: ignored", at: Self.t0)
        }
        do {
            let log = try FileLog(directory: tmp.path, sessionID: Self.session)
            log.onEvent("second", at: Self.t1)
            // deinit flushes
        }
        let events = try Self.lines(tmp.path + "/FIX.4.4-MAKER-EXCH.event.log")
        #expect(events == ["20231114-22:13:20.123456 : first", "20231114-22:13:21.000000 : second"])
    }

    @Test func fileLogFailsToOpenInAFile() throws {
        let tmp = TempDirectory()
        try FileManager.default.createDirectory(atPath: tmp.path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: tmp.path + "/plain", contents: Data([1]))
        #expect(throws: LogError.self) { _ = try FileLog(directory: tmp.path + "/plain", sessionID: Self.session) }
    }

    @Test func memoryLogKeepsTheLinesAFileLogWrites() throws {
        let log = MemoryLog()
        log.onOutgoing(Self.logon, at: Self.t0)
        log.onIncoming(Self.order, at: Self.t1)
        log.onEvent("Received logon", at: Self.t1)
        #expect(log.outgoing == [Self.logon])
        #expect(log.incoming == [Self.order])
        #expect(log.events == ["Received logon"])
        #expect(log.messageLines == [
            "20231114-22:13:20.123456 : " + String(decoding: Self.logon, as: UTF8.self),
            "20231114-22:13:21.000000 : " + String(decoding: Self.order, as: UTF8.self),
        ])
        #expect(log.eventLines == ["20231114-22:13:21.000000 : Received logon"])
        log.clear()
        #expect(log.messageLines.isEmpty && log.eventLines.isEmpty && log.incoming.isEmpty)
    }

    @Test func allLogsServeAsSessionLogs() throws {
        let tmp = TempDirectory()
        let logs: [any SessionLog] = [NullLog(), MemoryLog(), try FileLog(directory: tmp.path, sessionID: Self.session)]
        for log in logs {
            log.onIncoming(Self.order, at: Self.t0)
            log.onOutgoing(Self.logon[...], at: Self.t0)
            log.onEvent("x", at: Self.t0)
            log.flush()
        }
        #expect(try Self.lines(tmp.path + "/FIX.4.4-MAKER-EXCH.messages.log").count == 2)
        #expect((logs[1] as! MemoryLog).messageLines.count == 2)
    }
}
