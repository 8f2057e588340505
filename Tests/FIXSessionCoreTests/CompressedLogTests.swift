import Foundation
import Gzip
import Testing
import FIX
@testable import FIXSessionCore

#if canImport(Glibc)
import Glibc
#endif

/// The message log written gzip-compressed (`FileLogCompression=gzip`): the same lines as the
/// plain log, every flushed line in the file, and nothing flushed lost to a SIGKILL.
@Suite struct CompressedLogTests {
    typealias TempDirectory = LogTests.TempDirectory
    static let session = LogTests.session

    /// Everything in the gzip file at `path`: strict (every member whole) or tolerant (members
    /// cut short read up to their cut, a line cut short ended there, as `mm replay` reads).
    static func inflate(_ path: String, tolerant: Bool = false) throws -> (bytes: [UInt8], cuts: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw GzipError(.cannotRead, path: path, "cannot open") }
        defer { close(fd) }
        let inflater = try GzipInflater(path: path, tolerant: tolerant)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let cuts = inflater.cuts
            let n = try buffer.withUnsafeMutableBufferPointer { try inflater.read(from: fd, into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            if inflater.cuts > cuts, let last = out.last, last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
            out += buffer[0..<n]
        }
        return (out, inflater.cuts)
    }

    /// A message of `n` (its length varies with it).
    static func message(_ n: Int) -> [UInt8] {
        Array("8=FIX.4.4\u{01}9=99\u{01}35=8\u{01}34=\(n)\u{01}58=\(String(repeating: "x", count: n % 300))\u{01}10=000\u{01}".utf8)
    }

    /// The same calls on a plain and a compressed log, `bufferCapacity` small enough that full
    /// buffers are compressed off the caller's thread too.
    static func writeBoth(_ dir: String, messages: Range<Int>, flushEvery: Int) throws -> (plain: FileLog, gzip: FileLog) {
        let plain = try FileLog(directory: dir + "/plain", sessionID: Self.session, bufferCapacity: 2000)
        let gzip = try FileLog(directory: dir + "/gzip", sessionID: Self.session, bufferCapacity: 2000, compression: .gzip)
        for n in messages {
            let t = UTCTimestamp(nanosecondsSinceEpoch: LogTests.t0.nanosecondsSinceEpoch + Int64(n) * 1000, fractionDigits: 6)
            for log in [plain, gzip] {
                if n % 2 == 0 { log.onIncoming(Self.message(n), at: t) } else { log.onOutgoing(Self.message(n), at: t) }
                if n % 97 == 0 { log.onEvent("event \(n)", at: t) }
                if n % flushEvery == 0 { log.flush() }
            }
        }
        return (plain, gzip)
    }

    @Test func aCompressedLogHoldsThePlainLogsLines() throws {
        let tmp = TempDirectory()
        // Two openings: the second appends a member.
        for range in [0..<3000, 3000..<3500] {
            let (plain, gzip) = try Self.writeBoth(tmp.path, messages: range, flushEvery: 250)
            #expect(gzip.messagesPath == tmp.path + "/gzip/FIX.4.4-MAKER-EXCH.messages.log.gz")
            #expect(gzip.compression == .gzip)
            plain.close()
            gzip.close()
            #expect(gzip.lastError == nil && gzip.droppedBytes == 0)
        }
        let plainBytes = Array(try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/plain/FIX.4.4-MAKER-EXCH.messages.log")))
        let (inflated, cuts) = try Self.inflate(tmp.path + "/gzip/FIX.4.4-MAKER-EXCH.messages.log.gz")
        let same = inflated == plainBytes
        #expect(same)
        #expect(cuts == 0)
        // The event log stays plain text.
        let events = try LogTests.lines(tmp.path + "/gzip/FIX.4.4-MAKER-EXCH.event.log")
        #expect(events == (try LogTests.lines(tmp.path + "/plain/FIX.4.4-MAKER-EXCH.event.log")))
        // Much smaller.
        let size = try FileManager.default.attributesOfItem(atPath: tmp.path + "/gzip/FIX.4.4-MAKER-EXCH.messages.log.gz")[.size] as! Int
        #expect(size * 4 < plainBytes.count)
    }

    @Test func aFlushPutsEveryLineInTheFile() throws {
        let tmp = TempDirectory()
        let (plain, gzip) = try Self.writeBoth(tmp.path, messages: 0..<2000, flushEvery: 1_000_000)
        gzip.flush()
        plain.flush()
        // The log is still open: its member has no end yet, and reads up to the flush.
        let plainBytes = Array(try Data(contentsOf: URL(fileURLWithPath: plain.messagesPath)))
        let (inflated, cuts) = try Self.inflate(gzip.messagesPath, tolerant: true)
        let same = inflated == plainBytes
        #expect(same)
        #expect(cuts == 1)
        #expect(throws: GzipError.self) { _ = try Self.inflate(gzip.messagesPath) }
        // Each flush after a line.
        for n in 2000..<2100 {
            gzip.onIncoming(Self.message(n), at: LogTests.t1)
            gzip.flush()
            let (now, _) = try Self.inflate(gzip.messagesPath, tolerant: true)
            #expect(now.count > inflated.count && now.last == UInt8(ascii: "\n"))
            #expect(String(decoding: now.suffix(400), as: UTF8.self).contains("\u{01}34=\(n)\u{01}"))
        }
        gzip.close()
        plain.close()
    }

    @Test func theSettingsNameTheCompression() throws {
        let file = try SettingsFile.parse("""
            [SESSION]
            ConnectionType=initiator
            BeginString=FIX.4.4
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=9880
            FileLogPath=log
            FileLogCompression=gzip
            MemoryStoreSize=65536
            """, path: "t.cfg", directory: "/tmp")
        #expect(file.sessions[0].fileLogCompression == .gzip)
        #expect(file.sessions[0].memoryStoreSize == 65536)
        let defaults = try SettingsFile.parse("""
            [SESSION]
            ConnectionType=initiator
            BeginString=FIX.4.4
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=9880
            """, path: "t.cfg", directory: "/tmp")
        #expect(defaults.sessions[0].fileLogCompression == LogCompression.none)
        #expect(defaults.sessions[0].memoryStoreSize == MemoryStore.defaultCapacity)
        for bad in ["FileLogCompression=zip", "MemoryStoreSize=-1", "MemoryStoreSize=8M"] {
            #expect(throws: SettingsError.self) {
                _ = try SettingsFile.parse("""
                    [SESSION]
                    ConnectionType=initiator
                    BeginString=FIX.4.4
                    SenderCompID=MAKER
                    TargetCompID=EXCH
                    SocketConnectHost=127.0.0.1
                    SocketConnectPort=9880
                    \(bad)
                    """, path: "t.cfg", directory: "/tmp")
            }
        }
    }

    // MARK: - SIGKILL

    static let childVariable = "FIXLOG_CRASH_CHILD_DIRECTORY"
    static let childTestName = "compressedLogCrashChildWriter"

    #if os(Linux)
    /// A child process writes lines to a compressed log, flushing after every tenth (as a
    /// session with a file store does at the end of a burst, before anything leaves) and then
    /// acknowledging it; it is killed with SIGKILL at a random moment, and the next child
    /// appends to the same log from the last whole line. Every line acknowledged is in the
    /// file, in order; lines after the last flush may be there too, the last of them cut short.
    @Test func killedWritersLoseNoFlushedLine() throws {
        let tmp = TempDirectory()
        try FileManager.default.createDirectory(atPath: tmp.path, withIntermediateDirectories: true)
        var acknowledged = 0
        for round in 1...5 {
            let child = try Child(directory: tmp.path, test: Self.childTestName, variable: Self.childVariable)
            var acks: [Int] = []
            while acks.count < 50 + round * 37, let line = try child.readLine() {
                if line.hasPrefix("ACK "), let n = Int(line.dropFirst(4)) { acks.append(n) }
            }
            usleep(UInt32.random(in: 0...2000))
            let killed = child.kill()
            while let line = try child.readLine() {
                if line.hasPrefix("ACK "), let n = Int(line.dropFirst(4)) { acks.append(n) }
            }
            child.closeOutput()
            try #require(killed, "round \(round): the child ended before it was killed; its errors: \(child.errors())")
            try #require(!acks.isEmpty, "round \(round): nothing acknowledged; its errors: \(child.errors())")
            acknowledged = acks.last!
            let (numbers, broken) = try Self.lineNumbers(tmp.path + "/FIX.4.4-MAKER-EXCH.messages.log.gz")
            // Every line acknowledged, and perhaps some written after the last flush.
            // (up to a burst flushed and not yet acknowledged, and the next burst begun).
            #expect(numbers.count >= acknowledged && numbers.count < acknowledged + 20, "round \(round)")
            #expect(numbers == Array(1...numbers.count), "round \(round)")
            // A line cut short by a kill is a line of its own, at most one a round.
            #expect(broken < round, "round \(round)")
        }
    }
    #endif

    /// The MsgSeqNums of the log's whole lines, and how many lines were not whole (cut short by
    /// a kill before their flush).
    static func lineNumbers(_ path: String) throws -> (numbers: [Int], broken: Int) {
        let (bytes, _) = try inflate(path, tolerant: true)
        var numbers: [Int] = []
        var broken = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) where !line.isEmpty {
            let text = String(decoding: line, as: UTF8.self)
            guard let r = text.range(of: "\u{01}34="), let end = text[r.upperBound...].firstIndex(of: "\u{01}"),
                  let n = Int(text[r.upperBound..<end]), Array(line.drop(while: { $0 != 56 })) == message(n)
            else {
                broken += 1
                continue
            }
            numbers.append(n)
        }
        return (numbers, broken)
    }

    /// Not a test on its own: the writer the test above runs in a child process.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[CompressedLogTests.childVariable] != nil))
    func compressedLogCrashChildWriter() throws {
        let directory = ProcessInfo.processInfo.environment[Self.childVariable]!
        let path = directory + "/FIX.4.4-MAKER-EXCH.messages.log.gz"
        let start = (FileManager.default.fileExists(atPath: path) ? try Self.lineNumbers(path).numbers.count : 0) + 1
        let log = try FileLog(directory: directory, sessionID: Self.session, bufferCapacity: 4096, compression: .gzip)
        let deadline = ContinuousClock.now + .seconds(10)
        for n in start..<(start + 100_000) where ContinuousClock.now < deadline {
            log.onOutgoing(Self.message(n), at: LogTests.t0)
            // Bursts of ten lines: bigger than the buffer now and then, so blocks go through
            // the compressor's queue too.
            if n % 10 == 0 {
                log.flush()
                let line = Array("ACK \(n)\n".utf8)
                _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }  // unbuffered
            }
        }
    }
}
