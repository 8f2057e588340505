import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file whose writes a ``GroupCommit`` makes durable: a descriptor of its own, opened read-only
/// by path, so that syncing it never races with its writer closing or replacing its descriptor,
/// and closed when the last reference to it goes (the writer's, or a sync in flight).
public final class SyncTarget: @unchecked Sendable {
    // Immutable after init; the descriptor is only synced, and closed by deinit.
    private let file: POSIXFile
    public var path: String { file.path }

    /// Opens `path` for syncing.
    init(path: String) throws(StoreError) {
        file = try POSIXFile(path: path, flags: O_RDONLY)
    }

    deinit { file.close() }

    /// fdatasync(2); the error, if it failed.
    func sync() -> StoreError? {
        do {
            try file.sync()
            return nil
        } catch {
            return error
        }
    }
}

/// Something that writes files on an event loop and leaves forcing them to disk to a
/// ``GroupCommit`` (a ``FileStore`` whose ``FileStore/syncExternally`` is set, a ``FileLog``).
public protocol SyncSource: AnyObject {
    /// Whether what was written must be on disk before a message that follows it leaves
    /// (``StoreSyncPolicy/always``).
    var syncBeforeSend: Bool { get }
    /// Appends the files written since the last call to `targets` and counts them clean: the
    /// caller syncs them.
    func takeUnsynced(into targets: inout [SyncTarget])
    /// A sync of a file of this source's failed: the source is no longer to be trusted.
    func syncFailed(_ error: StoreError)
}

/// Forces files to disk on a thread of its own, for every session of a process, so that no
/// event loop waits on a disk: group commit. Requests that arrive while a round of syncs runs are
/// served together by the next round, each file synced once however many sessions and
/// messages wrote to it: under a flood, one fdatasync covers every message written meanwhile.
///
/// Rounds complete in the order their requests arrived; a request's callback runs once every
/// file it named has been synced (or failed), on the commit thread: hop to your own loop there.
public final class GroupCommit: Sendable {
    /// The process's instance, shared by every session built by a settings file.
    public static let shared = GroupCommit(label: "fix.group-commit")

    private struct Request {
        var targets: [SyncTarget]
        var done: @Sendable (StoreError?) -> Void
    }

    private struct State {
        var waiting: [Request] = []
        /// Whether a round is scheduled or running.
        var draining = false
        /// Rounds run and files synced, for figures.
        var rounds = 0
        var syncs = 0
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    /// Runs before each round, on the commit thread (tests hold rounds back with it).
    private let beforeRound: @Sendable () -> Void

    public convenience init(label: String) {
        self.init(label: label, beforeRound: {})
    }

    init(label: String, beforeRound: @escaping @Sendable () -> Void) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
        workers = (0..<Self.parallelSyncs).map { DispatchQueue(label: "\(label).\($0)", qos: .userInitiated) }
        self.beforeRound = beforeRound
    }

    /// How many files a round syncs at once. Measured on a virtual disk with ext4: four
    /// fdatasyncs one after another took 7-9 ms at the median, four at once 0.7 ms (the file
    /// system commits them together).
    static let parallelSyncs = 4
    /// The threads that sync a round's files at once.
    private let workers: [DispatchQueue]

    /// Syncs `targets` (none: the callback still comes after every earlier request's), then
    /// calls `done` with the first failure, or nil.
    public func sync(_ targets: [SyncTarget], then done: @escaping @Sendable (StoreError?) -> Void) {
        let start = state.withLock { s -> Bool in
            s.waiting.append(Request(targets: targets, done: done))
            if s.draining { return false }
            s.draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    /// Rounds run and files synced so far.
    public var figures: (rounds: Int, syncs: Int) {
        state.withLock { ($0.rounds, $0.syncs) }
    }

    /// Waits until every request made before the call has been served.
    public func waitIdle() {
        let semaphore = DispatchSemaphore(value: 0)
        sync([]) { _ in semaphore.signal() }
        semaphore.wait()
    }

    /// Syncs `files`, up to ``parallelSyncs`` at once; the failures by file.
    private func syncAll(_ files: [SyncTarget]) -> [ObjectIdentifier: StoreError] {
        if files.count == 1 {
            return files[0].sync().map { [ObjectIdentifier(files[0]): $0] } ?? [:]
        }
        let failures = Mutex<[ObjectIdentifier: StoreError]>([:])
        let group = DispatchGroup()
        let lanes = min(files.count, workers.count)
        for lane in 0..<lanes {
            workers[lane].async(group: group) {
                var i = lane
                while i < files.count {
                    if let error = files[i].sync() { failures.withLock { $0[ObjectIdentifier(files[i])] = error } }
                    i += lanes
                }
            }
        }
        group.wait()
        return failures.withLock { $0 }
    }

    private func drain() {
        while true {
            let batch = state.withLock { s -> [Request] in
                let b = s.waiting
                s.waiting.removeAll(keepingCapacity: true)
                if b.isEmpty { s.draining = false }
                return b
            }
            if batch.isEmpty { return }
            beforeRound()
            // Each file once, whoever asked; the files of a round at once.
            var synced = Set<ObjectIdentifier>()
            var files: [SyncTarget] = []
            for request in batch {
                for target in request.targets where synced.insert(ObjectIdentifier(target)).inserted {
                    files.append(target)
                }
            }
            let failures = syncAll(files)
            state.withLock {
                $0.rounds += 1
                $0.syncs += files.count
            }
            for request in batch {
                let failure = request.targets.lazy.compactMap { failures[ObjectIdentifier($0)] }.first
                request.done(failure)
            }
        }
    }
}

