import Foundation
import Synchronization
import Testing
@testable import FIXSessionCore

/// The group commit: files synced once a round whoever asked, each owner answered in the order
/// of its requests, and nobody waiting for another owner's slow file.
struct GroupCommitTests {
    static func files(_ names: [String]) throws -> (String, [SyncTarget]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commit-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let targets = try names.map { name -> SyncTarget in
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x".utf8))
            return try SyncTarget(path: dir + "/" + name)
        }
        return (dir, targets)
    }

    @Test func ownersAreAnsweredInOrderAndNotHeldByOthers() throws {
        let (dir, t) = try Self.files(["slow", "fast"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hold = Mutex(true)
        let firstRound = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        let rounds = Atomic<Int>(0)
        let commit = GroupCommit(label: "test", beforeRound: {
            if rounds.add(1, ordering: .relaxed).newValue == 1 { started.signal(); firstRound.wait() }
        }, beforeSync: { path in
            if path.hasSuffix("/slow") { while hold.withLock({ $0 }) { usleep(1000) } }
        })
        let answers = Mutex<[String]>([])
        let x = ObjectIdentifier(t[0]), y = ObjectIdentifier(t[1])
        // A first round is held so that the three requests below make the second one together.
        commit.sync([]) { _ in }
        started.wait()
        // X waits for the slow file, then asks for the fast one; Y asks for the fast one.
        commit.sync([t[0]], owner: x) { _ in answers.withLock { $0.append("x1") } }
        commit.sync([t[1]], owner: x) { _ in answers.withLock { $0.append("x2") } }
        commit.sync([t[1]], owner: y) { _ in answers.withLock { $0.append("y1") } }
        firstRound.signal()
        let deadline = Date().addingTimeInterval(5)
        while answers.withLock({ !$0.contains("y1") }) && Date() < deadline { usleep(1000) }
        #expect(answers.withLock { $0 } == ["y1"], "Y is answered while X's slow file syncs; X's second waits for its first")
        hold.withLock { $0 = false }
        commit.waitIdle()
        #expect(answers.withLock { $0 } == ["y1", "x1", "x2"])
        #expect(commit.figures.syncs >= 2)
    }

    @Test func aFileIsSyncedOnceARound() throws {
        let (dir, t) = try Self.files(["a"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let rounds = Atomic<Int>(0)
        let commit = GroupCommit(label: "test", beforeRound: {
            if rounds.add(1, ordering: .relaxed).newValue == 1 { started.signal(); gate.wait() }
        })
        let answered = Atomic<Int>(0)
        commit.sync([t[0]], owner: nil) { _ in answered.add(1, ordering: .relaxed) }
        started.wait()
        // While the first round is held, 100 requests for the same file gather for the next one.
        for _ in 0..<100 { commit.sync([t[0]], owner: ObjectIdentifier(t[0])) { _ in answered.add(1, ordering: .relaxed) } }
        gate.signal()
        commit.waitIdle()
        #expect(answered.load(ordering: .relaxed) == 101)
        #expect(commit.figures.rounds <= 3, "\(commit.figures)")
        #expect(commit.figures.syncs == 2, "\(commit.figures)")
    }

    @Test func aFailedSyncIsReported() throws {
        let (dir, t) = try Self.files(["a"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let commit = GroupCommit(label: "test")
        let result = Mutex<StoreError??>(.none)
        commit.sync([t[0]]) { error in result.withLock { $0 = .some(error) } }
        commit.waitIdle()
        #expect(result.withLock { $0 } == .some(nil))
    }
}

/// Requests synced on their own, beside the rounds.
struct GroupCommitAloneTests {
    /// While a round holds a flooding owner's slow file, a quiet owner's request, whose files
    /// nobody else is waiting on, is answered at once; the quiet owner's next requests keep
    /// their order behind it.
    @Test func aQuietOwnerDoesNotWaitForTheRound() throws {
        let (dir, t) = try GroupCommitTests.files(["flood", "quiet"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hold = Mutex(true)
        let commit = GroupCommit(label: "test", beforeRound: {}, beforeSync: { path in
            if path.hasSuffix("/flood") { while hold.withLock({ $0 }) { usleep(1000) } }
        })
        let answers = Mutex<[String]>([])
        let flood = ObjectIdentifier(t[0]), quiet = ObjectIdentifier(t[1])
        commit.sync([t[0]], owner: flood) { _ in answers.withLock { $0.append("f1") } }
        commit.sync([t[0]], owner: flood) { _ in answers.withLock { $0.append("f2") } }
        commit.sync([t[1]], owner: quiet) { _ in answers.withLock { $0.append("q1") } }
        commit.sync([t[1]], owner: quiet) { _ in answers.withLock { $0.append("q2") } }
        commit.sync([t[1]], owner: quiet) { _ in answers.withLock { $0.append("q3") } }
        let deadline = Date().addingTimeInterval(5)
        while answers.withLock({ $0.count < 3 }) && Date() < deadline { usleep(1000) }
        usleep(50_000)
        #expect(answers.withLock { $0 } == ["q1", "q2", "q3"], "the quiet owner is served while the flood's file is held")
        hold.withLock { $0 = false }
        commit.waitIdle()
        #expect(answers.withLock { $0 } == ["q1", "q2", "q3", "f1", "f2"])
    }

    /// An owner's request alone is answered before the requests it held, whatever finishes first.
    @Test func heldRequestsFollowTheRequestAlone() throws {
        let (dir, t) = try GroupCommitTests.files(["slow", "other"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hold = Mutex(true)
        let commit = GroupCommit(label: "test", beforeRound: {}, beforeSync: { path in
            if path.hasSuffix("/slow") { while hold.withLock({ $0 }) { usleep(1000) } }
        })
        let answers = Mutex<[String]>([])
        let owner = ObjectIdentifier(t[0])
        commit.sync([t[0]], owner: owner) { _ in answers.withLock { $0.append("a1") } }
        commit.sync([t[1]], owner: owner) { _ in answers.withLock { $0.append("a2") } }
        usleep(100_000)
        #expect(answers.withLock { $0 }.isEmpty, "a2 waits for a1")
        hold.withLock { $0 = false }
        commit.waitIdle()
        #expect(answers.withLock { $0 } == ["a1", "a2"])
    }
}
