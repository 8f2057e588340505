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

/// Forces files to disk on threads of its own, for every session of a process, so that no
/// event loop waits on a disk: group commit. Requests that arrive while a round of syncs runs are
/// served together by the next round, each file synced once however many sessions and
/// messages wrote to it: under a flood, one fdatasync covers every message written meanwhile.
///
/// A request's callback runs once every file it named has been synced (or failed), on a thread
/// of the committer's: hop to your own loop there. The callbacks of one owner come in the order
/// of its requests; a request does not wait for other owners' files of its round, and a request
/// whose files nobody else is waiting on, from an owner with nothing else open, does not wait for
/// the round in progress at all (a session that writes little is not held up by the slow syncs
/// of one that floods).
public final class GroupCommit: Sendable {
    /// The process's instance, shared by every session built by a settings file.
    public static let shared = GroupCommit(label: "fix.group-commit")

    private struct Request {
        var targets: [SyncTarget]
        /// Whose request it is (callbacks of one owner come in order); nil: after every earlier
        /// request of the round, whoever made it.
        var owner: ObjectIdentifier?
        var done: @Sendable (StoreError?) -> Void
    }

    private struct State {
        var waiting: [Request] = []
        /// Whether a round is scheduled or running.
        var draining = false
        /// Requests not answered yet (waiting, in a round, or synced on their own) naming each
        /// file, and of each owner.
        var openByFile: [ObjectIdentifier: Int] = [:]
        var openByOwner: [ObjectIdentifier: Int] = [:]
        /// Requests synced on their own, not answered yet, and their owners. An owner's later
        /// requests are held until its request alone is answered (its callbacks stay in order).
        var alone = 0
        /// Requests not answered yet, all kinds.
        var open = 0
        var aloneOwners = Set<ObjectIdentifier>()
        var held: [ObjectIdentifier: [Request]] = [:]
        /// Rounds run and files synced, for figures.
        var rounds = 0
        var syncs = 0
    }

    private let state = Mutex(State())
    private let queue: DispatchQueue
    /// Runs before each round, on the commit thread (tests hold rounds back with it).
    private let beforeRound: @Sendable () -> Void

    /// Runs before each file's sync, with its path (tests make one slow with it).
    private let beforeSync: @Sendable (String) -> Void

    public convenience init(label: String) {
        self.init(label: label, beforeRound: {})
    }

    init(label: String, beforeRound: @escaping @Sendable () -> Void, beforeSync: @escaping @Sendable (String) -> Void = { _ in }) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
        workers = (0..<Self.parallelSyncs).map { DispatchQueue(label: "\(label).\($0)", qos: .userInitiated) }
        // Serial queues: each gets a thread of its own when it has work, where a concurrent one
        // would share the few of the system's pool with every blocking sync.
        aloneLaunchers = (0..<Self.parallelSyncs).map { DispatchQueue(label: "\(label).alone.\($0)", qos: .userInitiated) }
        aloneWorkers = (0..<Self.parallelSyncs).map { DispatchQueue(label: "\(label).alone-sync.\($0)", qos: .userInitiated) }
        self.beforeRound = beforeRound
        self.beforeSync = beforeSync
    }

    /// How many files a round syncs at once. Measured on a virtual disk with ext4: four
    /// fdatasyncs one after another took 7-9 ms at the median, four at once 0.7 ms (the file
    /// system commits them together). Three files a session (store body, sequence numbers,
    /// message log): 8 covers a few busy sessions each round.
    static let parallelSyncs = 8
    /// The threads that sync a round's files at once.
    private let workers: [DispatchQueue]
    /// Where a request is synced on its own: one whose files no other open request names, of an
    /// owner with nothing else open (a quiet session beside a flooding one). It does not wait for
    /// the round in progress, whose files it does not share; a busy file always goes through
    /// the rounds, so that its syncs stay grouped.
    private let aloneLaunchers: [DispatchQueue]
    private let aloneWorkers: [DispatchQueue]
    private let nextAlone = Atomic<Int>(0)

    /// Syncs `targets`, then calls `done` with the first failure, or nil: after the callbacks
    /// of `owner`'s earlier requests (without an owner: after every earlier request's).
    public func sync(_ targets: [SyncTarget], owner: ObjectIdentifier? = nil,
                     then done: @escaping @Sendable (StoreError?) -> Void) {
        let files = targets.map(ObjectIdentifier.init)
        let request = Request(targets: targets, owner: owner) { [weak self] error in
            // The callback first: the requests this one held must not be answered before it.
            done(error)
            self?.answered(files, owner: owner)
        }
        enum Next { case none, drain, alone }
        let next = state.withLock { s -> Next in
            let alone = owner.map { s.openByOwner[$0] == nil } == true && !files.isEmpty
                && Set(files).count == files.count && files.allSatisfy { s.openByFile[$0] == nil }
            s.open += 1
            for f in files { s.openByFile[f, default: 0] += 1 }
            if let owner {
                s.openByOwner[owner, default: 0] += 1
                if s.aloneOwners.contains(owner) {
                    s.held[owner, default: []].append(request)
                    return .none
                }
            }
            if alone, let owner {
                s.alone += 1
                s.aloneOwners.insert(owner)
                return .alone
            }
            s.waiting.append(request)
            if s.draining { return .none }
            s.draining = true
            return .drain
        }
        switch next {
        case .none: break
        case .drain: queue.async { self.drain() }
        case .alone:
            let n = nextAlone.add(1, ordering: .relaxed).newValue
            let lanes = (0..<targets.count).map { aloneWorkers[(n + $0) % aloneWorkers.count] }
            aloneLaunchers[n % aloneLaunchers.count].async {
                self.beforeRound()
                self.run([request], on: lanes)
                self.state.withLock { $0.alone -= 1 }
            }
        }
    }

    /// A request's files and owner have one open request fewer; an owner's request synced alone
    /// lets the requests it held go to the rounds.
    private func answered(_ files: [ObjectIdentifier], owner: ObjectIdentifier?) {
        let start = state.withLock { s -> Bool in
            s.open -= 1
            for f in files {
                if let n = s.openByFile[f], n > 1 { s.openByFile[f] = n - 1 } else { s.openByFile[f] = nil }
            }
            guard let owner else { return false }
            if let n = s.openByOwner[owner], n > 1 { s.openByOwner[owner] = n - 1 } else { s.openByOwner[owner] = nil }
            // While its request alone is open, an owner's others are held: this was that one.
            guard s.aloneOwners.remove(owner) != nil, let held = s.held.removeValue(forKey: owner) else { return false }
            s.waiting.append(contentsOf: held)
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

    /// Waits until every request has been answered (those made meanwhile too).
    public func waitIdle() {
        while state.withLock({ $0.open > 0 || $0.alone > 0 }) { usleep(200) }
    }

    /// Where a round stands: which files are synced, which requests answered.
    private struct Round {
        var synced: [Bool]
        var failures: [Int: StoreError] = [:]
        var answered: [Bool]
        /// The first request not answered yet.
        var firstOpen = 0
    }

    /// Syncs the files of `batch`, each once, up to ``parallelSyncs`` at once, answering each
    /// request as soon as its own files are done (and its owner's earlier requests answered).
    /// Syncs on `workers`, files shared out over them.
    private func run(_ batch: [Request], on workers: [DispatchQueue]) {
        var fileIndex: [ObjectIdentifier: Int] = [:]
        var files: [SyncTarget] = []
        let needs: [[Int]] = batch.map { request in
            request.targets.map { target in
                if let i = fileIndex[ObjectIdentifier(target)] { return i }
                fileIndex[ObjectIdentifier(target)] = files.count
                files.append(target)
                return files.count - 1
            }
        }
        let round = Mutex(Round(synced: Array(repeating: false, count: files.count),
                                answered: Array(repeating: false, count: batch.count)))
        /// Answers, in order, every request that can be: called with the round locked, so one
        /// owner's callbacks never overtake each other.
        @Sendable func answer(_ r: inout Round) {
            var pendingOwners = Set<ObjectIdentifier>()
            var blocked = false
            var earlierAllAnswered = true
            for i in r.firstOpen..<batch.count where !r.answered[i] {
                let request = batch[i]
                var filesDone = true
                for f in needs[i] where !r.synced[f] { filesDone = false }
                let ready = !blocked && filesDone
                    && (request.owner.map { !pendingOwners.contains($0) } ?? earlierAllAnswered)
                if ready {
                    r.answered[i] = true
                    var failure: StoreError?
                    for f in needs[i] where failure == nil { failure = r.failures[f] }
                    request.done(failure)
                } else {
                    earlierAllAnswered = false
                    if let owner = request.owner { pendingOwners.insert(owner) } else { blocked = true }
                }
            }
            while r.firstOpen < batch.count && r.answered[r.firstOpen] { r.firstOpen += 1 }
        }
        round.withLock { answer(&$0) }
        guard !files.isEmpty else { return }
        let all = files
        let group = DispatchGroup()
        let lanes = min(all.count, workers.count)
        for lane in 0..<lanes {
            workers[lane].async(group: group) {
                var i = lane
                while i < all.count {
                    self.beforeSync(all[i].path)
                    let error = all[i].sync()
                    self.state.withLock { $0.syncs += 1 }
                    round.withLock { r in
                        r.synced[i] = true
                        if let error { r.failures[i] = error }
                        answer(&r)
                    }
                    i += lanes
                }
            }
        }
        group.wait()
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
            run(batch, on: workers)
            state.withLock { $0.rounds += 1 }
        }
    }
}

