import Foundation
import Testing
import FIX
import Gzip
@testable import FIXSessionCore

/// The message stores: one suite of operations run against ``MemoryStore`` and ``FileStore``
/// (under each sync policy), then what only the file store does (reopen, locking, reset on disk).
/// Recovery from torn and corrupt files is in StoreRecoveryTests.swift, the kill -9 test in
/// StoreCrashTests.swift.
@Suite struct StoreTests {
    /// A store to test, made by a factory.
    enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case memory
        case fileAlways
        case fileNever
        case fileInterval

        var description: String { rawValue }

        var syncPolicy: StoreSyncPolicy? {
            switch self {
            case .memory: nil
            case .fileAlways: .always
            case .fileNever: .never
            case .fileInterval: .interval(milliseconds: 5)
            }
        }
    }

    /// A store of one kind with its directory; `reopen()` closes and reopens a file store (a
    /// memory store stays as it is).
    final class Harness {
        let kind: Kind
        let directory = TempDirectory()
        private(set) var store: any MessageStore

        init(_ kind: Kind, now: UTCTimestamp = StoreTests.t0) throws {
            self.kind = kind
            if let policy = kind.syncPolicy {
                // A small index in memory: most of it goes to the index file.
                store = try FileStore(directory: directory.path, sessionID: StoreTests.session, sync: policy, now: now,
                                      indexEntriesInMemory: 3)
            } else {
                store = MemoryStore(now: now)
            }
        }

        func reopen() throws {
            guard let file = store as? FileStore else { return }
            try file.close()
            store = try FileStore(directory: directory.path, sessionID: StoreTests.session, sync: file.sync,
                                  now: StoreTests.t1, indexEntriesInMemory: 3)
        }

        deinit { try? (store as? FileStore)?.close() }
    }

    /// A uniquely named directory under the temporary directory, removed on deinit.
    final class TempDirectory {
        let path: String

        init() {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("FIXStoreTests-\(UUID().uuidString)").path
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let session = SessionID(senderCompID: "MAKER", targetCompID: "EXCH")
    static let t0 = UTCTimestamp(nanosecondsSinceEpoch: 1_700_000_000_123_456_789, fractionDigits: 9)
    static let t1 = UTCTimestamp(nanosecondsSinceEpoch: 1_700_000_500_000_000_000, fractionDigits: 3)
    static let t2 = UTCTimestamp(nanosecondsSinceEpoch: 1_700_086_400_250_000_000, fractionDigits: 6)

    /// A FIX-looking message for `seqNum`, its length varying with the number (40...239 bytes);
    /// `variant` changes its content.
    static func message(_ seqNum: Int, variant: Int = 0, length: Int? = nil) -> [UInt8] {
        let n = length ?? (40 + (seqNum * 37 + variant * 11) % 200)
        var m = Array("8=FIX.4.4\u{01}35=D\u{01}34=\(seqNum)\u{01}11=v\(variant)\u{01}58=".utf8)
        var i = 0
        while m.count < n {
            m.append(UInt8(ascii: "a") + UInt8((seqNum + i + variant) % 26))
            i += 1
        }
        return Array(m.prefix(n))
    }

    static func all(_ store: any MessageStore) throws -> [(seqNum: Int, message: [UInt8])] {
        try store.sentMessages(in: 1...Int.max)
    }

    static func seqNums(_ store: any MessageStore, _ range: ClosedRange<Int>) throws -> [Int] {
        try store.sentMessages(in: range).map(\.seqNum)
    }

    /// Expects `a` and `b` to hold the same state.
    static func expectSameState(_ a: any MessageStore, _ b: any MessageStore,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(a.nextSenderMsgSeqNum == b.nextSenderMsgSeqNum, sourceLocation: sourceLocation)
        #expect(a.nextTargetMsgSeqNum == b.nextTargetMsgSeqNum, sourceLocation: sourceLocation)
        #expect(a.creationTime == b.creationTime, sourceLocation: sourceLocation)
        #expect(a.creationTime.description == b.creationTime.description, sourceLocation: sourceLocation)
        let ma = try all(a)
        let mb = try all(b)
        #expect(ma.map(\.seqNum) == mb.map(\.seqNum), sourceLocation: sourceLocation)
        #expect(ma.map(\.message) == mb.map(\.message), sourceLocation: sourceLocation)
    }

    // MARK: - The shared suite

    @Test(arguments: Kind.allCases)
    func startsEmpty(kind: Kind) throws {
        let h = try Harness(kind)
        for _ in 0..<2 {
            #expect(h.store.nextSenderMsgSeqNum == 1)
            #expect(h.store.nextTargetMsgSeqNum == 1)
            #expect(h.store.creationTime == Self.t0)
            #expect(h.store.creationTime.description == "20231114-22:13:20.123456789")
            #expect(try Self.all(h.store).isEmpty)
            try h.reopen()
        }
    }

    @Test(arguments: Kind.allCases)
    func storeSentAdvancesTheSenderNumber(kind: Kind) throws {
        let h = try Harness(kind)
        try h.store.storeSent(seqNum: 1, message: Self.message(1))
        #expect(h.store.nextSenderMsgSeqNum == 2)
        try h.store.storeSent(seqNum: 2, message: Self.message(2)[...])  // a slice
        #expect(h.store.nextSenderMsgSeqNum == 3)
        #expect(h.store.nextTargetMsgSeqNum == 1)
        try h.store.setNextTargetMsgSeqNum(17)
        try h.reopen()
        #expect(h.store.nextSenderMsgSeqNum == 3)
        #expect(h.store.nextTargetMsgSeqNum == 17)
        let got = try Self.all(h.store)
        #expect(got.map(\.seqNum) == [1, 2])
        #expect(got.map(\.message) == [Self.message(1), Self.message(2)])
    }

    @Test(arguments: Kind.allCases)
    func setNumbersAndTheMessagesAfterThem(kind: Kind) throws {
        let h = try Harness(kind)
        try h.store.setNextSenderMsgSeqNum(10)
        try h.store.setNextTargetMsgSeqNum(20)
        #expect(h.store.nextSenderMsgSeqNum == 10)
        try h.store.storeSent(seqNum: 10, message: Self.message(10))
        try h.store.storeSent(seqNum: 11, message: Self.message(11))
        try h.reopen()
        #expect(h.store.nextSenderMsgSeqNum == 12)
        #expect(h.store.nextTargetMsgSeqNum == 20)
        // Setting the sender number back below stored messages is obeyed (and kept on reopen).
        try h.store.setNextSenderMsgSeqNum(5)
        try h.reopen()
        #expect(h.store.nextSenderMsgSeqNum == 5)
        #expect(try Self.seqNums(h.store, 1...100) == [10, 11])
        // Storing an earlier number again does not move the sender number back.
        try h.store.storeSent(seqNum: 12, message: Self.message(12))
        try h.store.storeSent(seqNum: 3, message: Self.message(3))
        #expect(h.store.nextSenderMsgSeqNum == 13)
        try h.reopen()
        #expect(h.store.nextSenderMsgSeqNum == 13)
        #expect(try Self.seqNums(h.store, 1...100) == [3, 10, 11, 12])
    }

    @Test(arguments: Kind.allCases)
    func resendByRangeWithGaps(kind: Kind) throws {
        let h = try Harness(kind)
        let stored = [1, 2, 3, 5, 8, 9, 13]
        for n in stored {
            try h.store.storeSent(seqNum: n, message: Self.message(n))
        }
        #expect(h.store.nextSenderMsgSeqNum == 14)
        for pass in 0..<2 {
            #expect(try Self.seqNums(h.store, 1...13) == stored, "pass \(pass)")
            #expect(try Self.seqNums(h.store, 1...Int.max) == stored)
            #expect(try Self.seqNums(h.store, 4...8) == [5, 8])
            #expect(try Self.seqNums(h.store, 6...7) == [])
            #expect(try Self.seqNums(h.store, 9...9) == [9])
            #expect(try Self.seqNums(h.store, 10...12) == [])
            #expect(try Self.seqNums(h.store, 14...1000) == [])
            #expect(try Self.seqNums(h.store, 0...1) == [1])
            for (n, m) in try h.store.sentMessages(in: 2...9) {
                #expect(m == Self.message(n))
            }
            try h.reopen()
        }
    }

    @Test(arguments: Kind.allCases)
    func aMessageStoredAgainReplacesTheFirst(kind: Kind) throws {
        let h = try Harness(kind)
        for n in 1...4 { try h.store.storeSent(seqNum: n, message: Self.message(n)) }
        try h.store.storeSent(seqNum: 2, message: Self.message(2, variant: 7))
        try h.store.storeSent(seqNum: 7, message: Self.message(7))
        try h.store.storeSent(seqNum: 6, message: Self.message(6))  // out of order
        for _ in 0..<2 {
            let got = try Self.all(h.store)
            #expect(got.map(\.seqNum) == [1, 2, 3, 4, 6, 7])
            #expect(got[1].message == Self.message(2, variant: 7))
            #expect(got[4].message == Self.message(6))
            #expect(h.store.nextSenderMsgSeqNum == 8)
            try h.reopen()
        }
    }

    @Test(arguments: Kind.allCases)
    func emptyAndLargeMessages(kind: Kind) throws {
        let h = try Harness(kind)
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try h.store.storeSent(seqNum: 1, message: [UInt8]())
        try h.store.storeSent(seqNum: 2, message: large)
        try h.store.storeSent(seqNum: 3, message: [UInt8(1)])
        for _ in 0..<2 {
            #expect(try Self.all(h.store).map(\.message) == [[], large, [1]])
            try h.reopen()
        }
    }

    @Test(arguments: Kind.allCases)
    func resetStartsANewSequence(kind: Kind) throws {
        let h = try Harness(kind)
        for n in 1...5 { try h.store.storeSent(seqNum: n, message: Self.message(n)) }
        try h.store.setNextTargetMsgSeqNum(9)
        try h.store.reset(at: Self.t2)
        for _ in 0..<2 {
            #expect(h.store.nextSenderMsgSeqNum == 1)
            #expect(h.store.nextTargetMsgSeqNum == 1)
            #expect(h.store.creationTime == Self.t2)
            #expect(h.store.creationTime.description == "20231115-22:13:20.250000")
            #expect(try Self.all(h.store).isEmpty)
            try h.reopen()
        }
        try h.store.storeSent(seqNum: 1, message: Self.message(1, variant: 1))
        try h.store.setNextTargetMsgSeqNum(2)
        try h.reopen()
        #expect(h.store.nextSenderMsgSeqNum == 2)
        #expect(h.store.nextTargetMsgSeqNum == 2)
        #expect(try Self.all(h.store).map(\.message) == [Self.message(1, variant: 1)])
        try h.store.flush()
    }

    @Test(arguments: Kind.allCases)
    func numbersBelowOneAreRefused(kind: Kind) throws {
        let h = try Harness(kind)
        #expect(throws: StoreError.self) { try h.store.storeSent(seqNum: 0, message: [UInt8(1)]) }
        #expect(throws: StoreError.self) { try h.store.setNextSenderMsgSeqNum(0) }
        #expect(throws: StoreError.self) { try h.store.setNextTargetMsgSeqNum(-3) }
        #expect(h.store.nextSenderMsgSeqNum == 1)
        #expect(h.store.nextTargetMsgSeqNum == 1)
        #expect(try Self.all(h.store).isEmpty)
    }

    /// Random operations on each kind and on a memory store side by side (the file stores
    /// reopened now and then) end in the same state.
    @Test(arguments: Kind.allCases.filter { $0 != .memory })
    func randomOperationsMatchTheMemoryStore(kind: Kind) throws {
        let h = try Harness(kind)
        let model = MemoryStore(now: Self.t0)
        var rng = SplitMix(seed: 0xF11E_5702 &+ UInt64(kind.rawValue.count))
        for step in 0..<400 {
            let r = rng.below(100)
            if r < 50 {
                let n = max(1, model.nextSenderMsgSeqNum + rng.below(5) - 2)
                let m = Self.message(n, variant: step)
                try h.store.storeSent(seqNum: n, message: m)
                try model.storeSent(seqNum: n, message: m)
            } else if r < 62 {
                let n = 1 + rng.below(60)
                try h.store.setNextSenderMsgSeqNum(n)
                try model.setNextSenderMsgSeqNum(n)
            } else if r < 80 {
                let n = 1 + rng.below(60)
                try h.store.setNextTargetMsgSeqNum(n)
                try model.setNextTargetMsgSeqNum(n)
            } else if r < 82 {
                let t = UTCTimestamp(nanosecondsSinceEpoch: Self.t0.nanosecondsSinceEpoch + Int64(step) * 1_000_000,
                                     fractionDigits: [0, 3, 6, 9][rng.below(4)])
                try h.store.reset(at: t)
                try model.reset(at: t)
            } else if r < 90 {
                try h.reopen()
            } else {
                let lo = 1 + rng.below(60)
                let range = lo...(lo + rng.below(20))
                let a = try h.store.sentMessages(in: range)
                let b = try model.sentMessages(in: range)
                #expect(a.map(\.seqNum) == b.map(\.seqNum), "step \(step)")
                #expect(a.map(\.message) == b.map(\.message), "step \(step)")
            }
            #expect(h.store.nextSenderMsgSeqNum == model.nextSenderMsgSeqNum, "step \(step)")
            #expect(h.store.nextTargetMsgSeqNum == model.nextTargetMsgSeqNum, "step \(step)")
        }
        try Self.expectSameState(h.store, model)
        try h.reopen()
        try Self.expectSameState(h.store, model)
    }

    // MARK: - Memory held

    @Test func aMemoryStoreKeepsItsLatestMessagesWithinItsCapacity() throws {
        let store = MemoryStore(now: Self.t0, capacity: 10_000)
        var sizes: [Int: Int] = [:]
        for n in 1...5000 {
            let m = Self.message(n)
            sizes[n] = m.count
            try store.storeSent(seqNum: n, message: m)
            #expect(store.storedBytes <= 10_000)
        }
        let kept = try store.sentMessages(in: 1...5000)
        #expect(kept.count == store.storedMessageCount && kept.count > 30)
        #expect(kept.map(\.seqNum) == Array((5001 - kept.count)...5000))
        #expect(kept.allSatisfy { $0.message == Self.message($0.seqNum) })
        #expect(store.storedBytes == kept.reduce(0) { $0 + $1.message.count })
        // One more would not fit: the oldest kept is the one let go first.
        #expect(store.storedBytes + sizes[5000 - kept.count]! > 10_000)
        #expect(store.droppedMessages == 5000 - kept.count)
        #expect(store.nextSenderMsgSeqNum == 5001)
        // A message bigger than the capacity is kept alone.
        try store.storeSent(seqNum: 5001, message: Self.message(5001, length: 20_000))
        #expect(try store.sentMessages(in: 1...6000).map(\.seqNum) == [5001])
        try store.reset(at: Self.t1)
        #expect(store.storedBytes == 0 && store.storedMessageCount == 0)
    }

    @Test func aFileStoreKeepsFewIndexEntriesInMemory() throws {
        let h = TempDirectory()
        let store = try FileStore(directory: h.path, sessionID: Self.session, sync: .never, now: Self.t0, indexEntriesInMemory: 16)
        for n in 1...3000 {
            try store.storeSent(seqNum: n, message: Self.message(n))
            #expect(store.indexEntriesHeldInMemory < 32)
        }
        // Numbers set back: stored again in place, and a new one inserted in the file's part.
        try store.storeSent(seqNum: 10, message: Self.message(10, variant: 1))
        try store.storeSent(seqNum: 3100, message: Self.message(3100))
        #expect(store.storedMessageCount == 3001)
        let got = try store.sentMessages(in: 5...3100)
        #expect(got.map(\.seqNum) == Array(5...3000) + [3100])
        #expect(got[5].message == Self.message(10, variant: 1) && got[6].message == Self.message(11))
        try store.close()
        let reopened = try FileStore(directory: h.path, sessionID: Self.session, sync: .never, now: Self.t1, indexEntriesInMemory: 16)
        defer { try? reopened.close() }
        #expect(reopened.indexEntriesHeldInMemory < 32)
        #expect(try reopened.sentMessages(in: 1...4000).map(\.seqNum) == Array(1...3000) + [3100])
        #expect(try reopened.sentMessages(in: 10...10).first?.message == Self.message(10, variant: 1))
        let index = try FileManager.default.attributesOfItem(atPath: reopened.indexPath)[.size] as! Int
        #expect(index >= (3001 - 32) * StoreIndex.recordSize)
    }

    // MARK: - The file store

    @Test func fileStoreCreatesItsDirectoryAndNamesItsFiles() throws {
        let tmp = TempDirectory()
        let dir = tmp.path + "/a/b"
        let store = try FileStore(directory: dir, sessionID: Self.session, now: Self.t0)
        defer { try? store.close() }
        #expect(store.bodyPath == dir + "/FIX.4.4-MAKER-EXCH.body")
        #expect(store.seqNumsPath == dir + "/FIX.4.4-MAKER-EXCH.seqnums")
        #expect(FileManager.default.fileExists(atPath: store.bodyPath))
        #expect(FileManager.default.fileExists(atPath: store.seqNumsPath))
        #expect(store.recoveredTornBytes == 0)
        #expect(store.storedMessageCount == 0)
    }

    @Test func fileStoreSessionsInOneDirectoryAreApart() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        let b = try FileStore(directory: tmp.path, sessionID: Self.session.reversed, now: Self.t1)
        try a.storeSent(seqNum: 1, message: Self.message(1))
        try b.setNextTargetMsgSeqNum(4)
        try a.close()
        try b.close()
        let a2 = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t2)
        let b2 = try FileStore(directory: tmp.path, sessionID: Self.session.reversed, now: Self.t2)
        #expect(a2.nextSenderMsgSeqNum == 2 && a2.nextTargetMsgSeqNum == 1 && a2.creationTime == Self.t0)
        #expect(b2.nextSenderMsgSeqNum == 1 && b2.nextTargetMsgSeqNum == 4 && b2.creationTime == Self.t1)
        try a2.close()
        try b2.close()
    }

    @Test func fileStoreIsLockedWhileOpen() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        #expect {
            _ = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        } throws: { error in
            (error as? StoreError)?.reason.contains("locked") == true
        }
        try a.close()
        #expect(throws: StoreError.self) { try a.storeSent(seqNum: 1, message: [UInt8(1)]) }
        let b = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        try b.close()
        // deinit closes too.
        do { _ = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0) }
        let c = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        try c.close()
    }

    @Test func fileStoreRefusesAnotherSessionsFiles() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        try a.close()
        let other = SessionID(senderCompID: "X", targetCompID: "Y")
        try FileManager.default.copyItem(atPath: a.bodyPath, toPath: tmp.path + "/\(other.fileName).body")
        #expect {
            _ = try FileStore(directory: tmp.path, sessionID: other, now: Self.t0)
        } throws: { error in
            (error as? StoreError)?.reason.contains("belongs to session FIX.4.4:MAKER->EXCH") == true
        }
    }

    @Test func fileStoreIgnoresAnUnfinishedReset() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        try a.storeSent(seqNum: 1, message: Self.message(1))
        try a.close()
        // A crash in reset before its rename leaves the new body under a temporary name.
        try Data([0xF1, 1, 2, 3]).write(to: URL(fileURLWithPath: a.bodyPath + ".tmp"))
        let b = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t2)
        #expect(b.nextSenderMsgSeqNum == 2)
        #expect(b.creationTime == Self.t0)
        #expect(!FileManager.default.fileExists(atPath: a.bodyPath + ".tmp"))
        try b.close()
    }

    /// The body grows by one record per stored message; setting sequence numbers does not
    /// grow anything.
    @Test func fileStoreGrowsOnlyWithMessages() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, sync: .never, now: Self.t0)
        let start = a.bodyLength
        for n in 1...1000 {
            try a.setNextTargetMsgSeqNum(n + 1)
            try a.setNextSenderMsgSeqNum(n)
            try a.storeSent(seqNum: n, message: Self.message(n, length: 100))
        }
        #expect(a.bodyLength == start + 1000 * (17 + 100))
        try a.close()
        let size = try FileManager.default.attributesOfItem(atPath: a.seqNumsPath)[.size] as? Int
        #expect(size == 512 + 48)
        let b = try FileStore(directory: tmp.path, sessionID: Self.session, now: Self.t0)
        #expect(b.nextSenderMsgSeqNum == 1001 && b.nextTargetMsgSeqNum == 1001 && b.storedMessageCount == 1000)
        try b.close()
    }

    @Test func intervalPolicySyncsOnFlushAndClose() throws {
        let tmp = TempDirectory()
        let a = try FileStore(directory: tmp.path, sessionID: Self.session, sync: .interval(milliseconds: 60_000),
                              now: Self.t0)
        try a.storeSent(seqNum: 1, message: Self.message(1))
        try a.flush()
        try a.setNextTargetMsgSeqNum(3)
        try a.close()
        try a.close()  // twice is harmless
        let b = try FileStore(directory: tmp.path, sessionID: Self.session, sync: .never, now: Self.t0)
        #expect(b.nextSenderMsgSeqNum == 2 && b.nextTargetMsgSeqNum == 3)
        try b.close()
    }

    // MARK: - CRC-32

    @Test func crc32KnownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
    }

    @Test func crc32MatchesTheBitwiseDefinition() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
            }
            return ~c
        }
        var rng = SplitMix(seed: 42)
        for n in 0..<150 {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(CRC32.checksum(bytes) == bitwise(bytes), "length \(n)")
            // Fed in two pieces.
            let cut = n / 3
            var crc = CRC32()
            crc.update(bytes[..<cut])
            crc.update(bytes[cut...])
            #expect(crc.value == bitwise(bytes))
        }
    }
}

extension StoreTests {
    /// A deterministic random generator (SplitMix64).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }
}
