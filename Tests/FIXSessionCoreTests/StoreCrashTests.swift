import Foundation
import Testing
import FIX
import Gzip
@testable import FIXSessionCore

#if canImport(Glibc)
import Glibc
#endif

extension StoreTests {
    /// A real crash: a child process (this test binary again, running only
    /// ``childWriter()``) stores messages with `sync: .always` and prints each acknowledged
    /// sequence number; the parent kills it with SIGKILL at a random moment, reopens the store
    /// and checks that every acknowledged message is there, byte for byte, and that the body
    /// holds nothing but good records. Several rounds on the same store, each child going on
    /// from where the last one was killed.
    @Suite struct Crash {
        static let childVariable = "FIXSTORE_CRASH_CHILD_DIRECTORY"
        static let childTestName = "fileStoreCrashChildWriter"

        #if os(Linux)
        @Test func killedWritersLoseNothingAcknowledged() throws {
            let tmp = TempDirectory()
            try FileManager.default.createDirectory(atPath: tmp.path, withIntermediateDirectories: true)
            var rng = SplitMix(seed: UInt64(UInt32.random(in: 0...UInt32.max)))
            var start = 1  // where the next child starts: the store's next sender number
            for round in 1...6 {
                let target = 5 + rng.below(40)
                let child = try Child(directory: tmp.path, test: Self.childTestName, variable: Self.childVariable)
                var acks: [Int] = []
                while acks.count < target, let line = try child.readLine() {
                    if let n = Self.ack(line) { acks.append(n) }
                }
                // A random moment: somewhere in the next write(s).
                usleep(UInt32(rng.below(3000)))
                let killed = child.kill()
                while let line = try child.readLine() {
                    if let n = Self.ack(line) { acks.append(n) }
                }
                child.closeOutput()
                try #require(killed, "round \(round): the child ended before it was killed; its errors: \(child.errors())")
                try #require(!acks.isEmpty, "round \(round): the child acknowledged nothing; its errors: \(child.errors())")
                #expect(acks == Array(start..<(start + acks.count)), "round \(round)")
                let acknowledged = acks.last!

                let store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t2)
                defer { try? store.close() }
                let got = try StoreTests.all(store)
                // Every acknowledged message, and perhaps one more that was written but not yet
                // acknowledged when the child died.
                #expect(got.count == acknowledged || got.count == acknowledged + 1, "round \(round)")
                #expect(got.map(\.seqNum) == Array(1...got.count), "round \(round)")
                for (n, m) in got where m != StoreTests.message(n, length: Self.length(n)) {
                    Issue.record("round \(round): message \(n) differs")
                }
                #expect(store.nextSenderMsgSeqNum == got.count + 1, "round \(round)")
                #expect(store.nextTargetMsgSeqNum >= acknowledged + 1, "round \(round)")
                #expect(store.nextTargetMsgSeqNum <= store.nextSenderMsgSeqNum, "round \(round)")
                #expect(store.creationTime == StoreTests.t0, "round \(round)")
                // Nothing after the last good record.
                try Self.expectOnlyGoodRecords(store)
                start = store.nextSenderMsgSeqNum
            }
        }
        #endif

        /// Not a test on its own: the writer the test above runs in a child process.
        @Test(.enabled(if: ProcessInfo.processInfo.environment[Crash.childVariable] != nil))
        func fileStoreCrashChildWriter() throws {
            let directory = ProcessInfo.processInfo.environment[Self.childVariable]!
            let store = try FileStore(directory: directory, sessionID: StoreTests.session, sync: .always,
                                      now: StoreTests.t0)
            let start = store.nextSenderMsgSeqNum
            let deadline = ContinuousClock.now + .seconds(10)
            for n in start..<(start + 100_000) where ContinuousClock.now < deadline {
                try store.storeSent(seqNum: n, message: StoreTests.message(n, length: Self.length(n)))
                try store.setNextTargetMsgSeqNum(n + 1)
                let line = Array("ACK \(n)\n".utf8)
                _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }  // unbuffered
            }
        }

        /// Message lengths vary, from 20 bytes to about 4 KB (two pages).
        static func length(_ n: Int) -> Int { 20 + (n * 7919) % 4000 }

        static func ack(_ line: String) -> Int? {
            line.hasPrefix("ACK ") ? Int(line.dropFirst(4)) : nil
        }

        /// Walks the body record by record, checking each CRC, and expects the last to end
        /// exactly at the end of the file.
        static func expectOnlyGoodRecords(_ store: FileStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let body = Array(try Data(contentsOf: URL(fileURLWithPath: store.bodyPath)))
            var at = 0
            var records = 0
            while at + 17 <= body.count {
                let len = body[(at + 9)..<(at + 13)].reversed().reduce(0) { $0 << 8 | Int($1) }
                guard at + 17 + len <= body.count else { break }
                let crc = body[(at + 13)..<(at + 17)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                guard crc == CRC32.checksum(Array(body[at..<(at + 13)]) + body[(at + 17)..<(at + 17 + len)]) else { break }
                at += 17 + len
                records += 1
            }
            #expect(at == body.count, "bytes after the last good record: \(body.count - at)", sourceLocation: sourceLocation)
            #expect(records == store.storedMessageCount + 1, sourceLocation: sourceLocation)
            #expect(Int64(body.count) == store.bodyLength, sourceLocation: sourceLocation)
        }
    }
}

#if os(Linux)
/// This test binary started again, running only a child writer test (told its directory by an
/// environment variable), with its stdout on a pipe.
final class Child {
    let pid: pid_t
    private var output: Int32
    private let errorPath: String
    private var pending: [UInt8] = []
    private var reaped = false

    init(directory: String, test: String, variable: String) throws {
        errorPath = directory + "/child-stderr.txt"
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ChildError("pipe failed") }
        // Close-on-exec, so no other process spawned meanwhile keeps the pipe open.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        output = fds[0]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        // /proc/self/exe, resolved in the child, is this binary even if the build has
        // replaced the file since.
        let args = ["/proc/self/exe", "--testing-library", "swift-testing", "--filter", test]
        var env = ProcessInfo.processInfo.environment
        env[variable] = directory
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var cArgs = args.map { strdup($0) } + [nil]
        var cEnv = envStrings.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, nil, &cArgs, &cEnv)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw ChildError("posix_spawn failed: \(rc)")
        }
        self.pid = pid
    }

    /// The next line of the child's stdout; nil at its end. Gives up after 20 s.
    func readLine() throws -> String? {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            guard ContinuousClock.now < deadline else { throw ChildError("no output from the child for 20 s") }
            var pfd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 1000) >= 0 || errno == EINTR else { throw ChildError("poll failed") }
            if pfd.revents == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(output, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ChildError("read failed")
            }
            if n == 0 {
                if pending.isEmpty { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
            pending += chunk[..<n]
        }
    }

    /// Sends SIGKILL and waits for the child; true when SIGKILL is what ended it.
    func kill() -> Bool {
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        // WIFSIGNALED && WTERMSIG == SIGKILL
        return status & 0x7F == SIGKILL
    }

    func closeOutput() {
        if output >= 0 { close(output) }
        output = -1
    }

    func errors() -> String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }

    deinit {
        closeOutput()
        if !reaped {
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

struct ChildError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
#endif
