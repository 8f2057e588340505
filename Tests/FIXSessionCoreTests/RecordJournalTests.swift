import Foundation
import Testing
@testable import FIXSessionCore

/// The record journal: records written come back in order; a record cut short at the end is
/// dropped and named; damage followed by more records fails the open; compaction replaces the
/// file by a snapshot; one process at a time.
@Suite struct RecordJournalTests {
    static func path() throws -> String {
        try SettingsTests.temporaryDirectory() + "/state/journal"
    }

    /// Reads every record of `path` as (kind, value, text).
    static func readAll(_ path: String) throws -> (records: [(UInt8, Int64, String)], result: RecordJournal.OpenResult) {
        var records: [(UInt8, Int64, String)] = []
        let result = try RecordJournal.open(path: path, sync: .never) { kind, payload in
            records.append((kind, try payload.int64(), try payload.string()))
        }
        return (records, result)
    }

    @Test func recordsComeBackInOrder() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in Issue.record("a new journal has no records") }
            #expect(!opened.existed)
            for i in 0..<1000 {
                opened.journal.append(kind: UInt8(i % 7)) { w in w.int64(Int64(i) * -3); w.string("order \(i)") }
                if i % 100 == 99 { try opened.journal.flush() }
            }
            try opened.journal.flush()
            opened.journal.close()
        }
        let (records, result) = try Self.readAll(path)
        #expect(result.existed)
        #expect(result.records == 1000)
        #expect(result.diagnostic == nil)
        #expect(records.count == 1000)
        #expect(records.enumerated().allSatisfy { i, r in r.0 == UInt8(i % 7) && r.1 == Int64(i) * -3 && r.2 == "order \(i)" })
        result.journal.close()
    }

    @Test func unflushedRecordsAreNotInTheFile() throws {
        let path = try Self.path()
        let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
        opened.journal.append(kind: 1) { w in w.int64(1); w.string("a") }
        try opened.journal.flush()
        opened.journal.append(kind: 1) { w in w.int64(2); w.string("b") }
        #expect(opened.journal.hasPending)
        // Read by another open would fail on the lock: read the bytes instead.
        // What the file holds past the flushed record is the window's reserve: zeros.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count >= 8 + 9 + 8 + 3)
        #expect(bytes.dropFirst(8 + 9 + 8 + 3).allSatisfy { $0 == 0 })
        #expect(bytes.prefix(8 + 9 + 8 + 3).last != 0)
        opened.journal.close()
        // Closed (which flushes the second record), the file ends with the last record.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 8 + 2 * (9 + 8 + 3))
    }

    /// The file as a SIGKILL leaves it: the records flushed, then the window's zeros. Copied
    /// while the journal is open (the copy reads the page cache the mapping wrote).
    static func crashCopy(of path: String, records: Int, window: Bool = false) throws -> (copy: String, bytes: Data) {
        let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
        let text = window ? String(repeating: "w", count: 1000) : "x"
        for i in 0..<records {
            opened.journal.append(kind: 3) { w in w.int64(Int64(i)); w.string(text) }
            if i % 10 == 9 { try opened.journal.flush() }
        }
        try opened.journal.flush()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        opened.journal.close()
        let copy = path + ".crashed"
        try bytes.write(to: URL(fileURLWithPath: copy))
        return (copy, bytes)
    }

    @Test func theZerosAfterAStopAreNotACut() throws {
        let (copy, bytes) = try Self.crashCopy(of: try Self.path(), records: 100)
        #expect(bytes.count > 8 + 100 * 20)  // the reserve is there
        let (records, result) = try Self.readAll(copy)
        #expect(records.map(\.1) == (0..<100).map(Int64.init))
        #expect(result.diagnostic == nil)
        #expect(result.journal.size == Int64(8 + 100 * 20))
        // Appending after the reopen continues the records.
        result.journal.append(kind: 3) { w in w.int64(100); w.string("x") }
        try result.journal.flush()
        result.journal.close()
        #expect(try Self.readAll(copy).records.map(\.1) == (0...100).map(Int64.init))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)).count == 8 + 101 * 20)
    }

    /// A stop in the middle of the copy leaves a prefix of the records, then zeros: every such
    /// prefix reads back as the whole records in it, the rest named as a cut.
    @Test func aCopyCutByAStopLeavesAPrefix() throws {
        let (copy, bytes) = try Self.crashCopy(of: try Self.path(), records: 5)
        let end = 8 + 5 * 20
        for kept in stride(from: 8 + 3 * 20 + 1, to: end, by: 1) {
            // (A page of the reserve is enough, and quicker to read than the window.)
            var torn = bytes.prefix(end + 4096)
            torn.replaceSubrange(kept..<end, with: [UInt8](repeating: 0, count: end - kept))
            try torn.write(to: URL(fileURLWithPath: copy))
            let (records, result) = try Self.readAll(copy)
            let whole = (kept - 8) / 20
            #expect(records.count == whole, "kept \(kept)")
            // Cut at a record's end, the rest is zeros: nothing was cut short.
            #expect((result.diagnostic?.contains("cut short") == true) == ((kept - 8) % 20 != 0), "kept \(kept)")
            result.journal.close()
        }
        // Damage followed by more records is still damage, zeros or not after it.
        var damaged = bytes
        damaged[8 + 20 + 9] ^= 0x01
        try damaged.write(to: URL(fileURLWithPath: copy))
        #expect { _ = try Self.readAll(copy) } throws: { "\($0)".contains("record 2 at byte 28") }
    }

    /// Windows follow each other every three quarters of a window: about 12 MiB of records take
    /// four windows (from 0, 3, 6 and 9 MiB), not the six a window every half would.
    @Test func windowsFollowEveryThreeQuarters() throws {
        let path = try Self.path()
        let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
        let text = String(repeating: "w", count: 1000)
        let count = 3 * RecordJournal.windowSize / 1000
        for i in 0..<count {
            opened.journal.append(kind: 3) { w in w.int64(Int64(i)); w.string(text) }
            if i % 10 == 9 { try opened.journal.flush() }
        }
        try opened.journal.flush()
        #expect(opened.journal.size > Int64(3 * RecordJournal.windowSize))
        #expect(opened.journal.windowsUsed == 4)
        opened.journal.close()
    }

    /// More records than one window holds: the window moves on, and every record comes back.
    @Test func theWindowMovesOn() throws {
        let count = 3 * RecordJournal.windowSize / 1000
        let (copy, _) = try Self.crashCopy(of: try Self.path(), records: count, window: true)
        let (records, result) = try Self.readAll(copy)
        #expect(records.count == count && result.diagnostic == nil)
        #expect(records.enumerated().allSatisfy { i, r in r.1 == Int64(i) && r.2.count == 1000 })
        result.journal.close()
    }

    @Test func aRecordCutShortAtTheEndIsDroppedAndNamed() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
            for i in 0..<3 { opened.journal.append(kind: 2) { w in w.int64(Int64(i)); w.string("x") } }
            opened.journal.close()
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        // Every cut inside the last record (20 bytes) leaves the first two.
        for cut in 1..<20 {
            try full.prefix(full.count - cut).write(to: URL(fileURLWithPath: path))
            let (records, result) = try Self.readAll(path)
            #expect(records.map(\.1) == [0, 1], "cut \(cut)")
            #expect(result.diagnostic?.contains("cut short") == true)
            #expect(result.journal.size == Int64(full.count - 20))
            // Appending after the cut goes on from the last good record.
            result.journal.append(kind: 2) { w in w.int64(9); w.string("y") }
            try result.journal.flush()
            result.journal.close()
            #expect(try Self.readAll(path).records.map(\.1) == [0, 1, 9])
        }
    }

    @Test func aLastRecordWithABadChecksumIsACut() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
            for i in 0..<2 { opened.journal.append(kind: 2) { w in w.int64(Int64(i)); w.string("x") } }
            opened.journal.close()
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count - 6] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: path))
        let (records, result) = try Self.readAll(path)
        #expect(records.map(\.1) == [0])
        #expect(result.diagnostic != nil)
        result.journal.close()
    }

    @Test func damageBeforeTheEndFailsTheOpenWithItsOffset() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
            for i in 0..<3 { opened.journal.append(kind: 2) { w in w.int64(Int64(i)); w.string("x") } }
            opened.journal.close()
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[8 + 20 + 7] ^= 0x01  // inside the second record's value
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Self.readAll(path)
        } throws: { error in
            "\(error)".contains("record 2 at byte 28") && "\(error)".contains("damaged") && (error as? FileError)?.code == .damaged
        }
        // A length beyond the limit, followed by more bytes, is damage too.
        bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[8 + 20 + 3] = 0x7F
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { _ = try Self.readAll(path) }
    }

    @Test func aFileThatIsNotAJournalIsRefused() throws {
        let path = try Self.path()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("8=FIX.4.4\u{1}9=5\u{1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { _ = try Self.readAll(path) } throws: { "\($0)".contains("is not a journal") && ($0 as? FileError)?.code == .damaged }
    }

    @Test func aRecordItsReaderCannotReadFailsTheOpen() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
            opened.journal.append(kind: 4) { w in w.uint8(1) }
            opened.journal.close()
        }
        #expect { _ = try Self.readAll(path) } throws: { "\($0)".contains("record 1 (kind 4)") }
    }

    @Test func compactionReplacesTheFileWithTheSnapshot() throws {
        let path = try Self.path()
        do {
            let opened = try RecordJournal.open(path: path, sync: .always) { _, _ in }
            for i in 0..<500 { opened.journal.append(kind: 1) { w in w.int64(Int64(i)); w.string("change") } }
            try opened.journal.flush()
            let before = opened.journal.size
            opened.journal.append(kind: 1) { w in w.int64(-1); w.string("dropped: the snapshot stands for it") }
            try opened.journal.compact { j in
                j.append(kind: 9) { w in w.int64(499); w.string("snapshot") }
            }
            #expect(opened.journal.size < before)
            #expect(opened.journal.recordsSinceCompaction == 1)
            opened.journal.append(kind: 1) { w in w.int64(500); w.string("after") }
            try opened.journal.flush()
            opened.journal.close()
        }
        let (records, result) = try Self.readAll(path)
        #expect(records.map(\.0) == [9, 1])
        #expect(records.map(\.1) == [499, 500])
        #expect(!FileManager.default.fileExists(atPath: path + ".new"))
        result.journal.close()
    }

    /// A snapshot larger than a compaction chunk reaches the new file a chunk at a time: the
    /// buffer never holds the whole snapshot, and the file is the same as written at once.
    @Test func aLargeSnapshotIsWrittenAChunkAtATime() throws {
        let path = try Self.path()
        let text = String(repeating: "x", count: 200)
        let count = 3 * RecordJournal.compactionChunk / 200
        do {
            let opened = try RecordJournal.open(path: path, sync: .never) { _, _ in }
            opened.journal.append(kind: 1) { w in w.int64(-1); w.string("dropped") }
            try opened.journal.compact { j in
                for i in 0..<count { j.append(kind: 9) { w in w.int64(Int64(i)); w.string(text) } }
            }
            #expect(opened.journal.writerCapacity < 2 * RecordJournal.compactionChunk + 4096)
            #expect(opened.journal.size == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64))
            #expect(opened.journal.size > Int64(3 * RecordJournal.compactionChunk))
            opened.journal.append(kind: 1) { w in w.int64(Int64(count)); w.string("after") }
            try opened.journal.flush()
            opened.journal.close()
        }
        let (records, result) = try Self.readAll(path)
        #expect(records.count == count + 1 && result.diagnostic == nil)
        #expect(records.enumerated().allSatisfy { i, r in r.1 == Int64(i) && (i == count ? r.0 == 1 && r.2 == "after" : r.0 == 9 && r.2 == text) })
        result.journal.close()
    }

    @Test func oneProcessAtATime() throws {
        let path = try Self.path()
        let first = try RecordJournal.open(path: path, sync: .never) { _, _ in }
        #expect { _ = try RecordJournal.open(path: path, sync: .never) { _, _ in } } throws: {
            "\($0)".contains("in use") && ($0 as? FileError)?.code == .inUse
        }
        first.journal.close()
        _ = try Self.readAll(path)
    }

    @Test func theSyncSourceHandsItsFileOnceWritten() throws {
        let path = try Self.path()
        let opened = try RecordJournal.open(path: path, sync: .always) { _, _ in }
        let journal = opened.journal
        #expect(journal.syncBeforeSend)
        var targets: [SyncTarget] = []
        journal.takeUnsynced(into: &targets)
        #expect(targets.isEmpty)
        journal.append(kind: 1) { w in w.int64(1); w.string("") }
        journal.takeUnsynced(into: &targets)  // flushes, then hands the file
        #expect(targets.count == 1)
        #expect(!journal.hasPending)
        journal.takeUnsynced(into: &targets)
        #expect(targets.count == 1)
        journal.close()
    }
}
