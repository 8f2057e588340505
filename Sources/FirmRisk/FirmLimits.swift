import Redis
import Risk
import Synchronization

/// An engine's shares of the firm's limits, for its risk gate (``Risk/FirmAllowance``): one
/// ``FirmLimitLease`` per instrument (lots) and per group (whole currency units) that has a firm
/// limit, read without locks at each check, and renewed by ``run(every:)`` off the hot path.
///
/// An instrument or group without a lease has no firm limit (`Int64.max`, infinity). One with a
/// lease has what the lease grants while it lasts, then 0: with Redis lost, the engine keeps
/// what it held until its leases end, then only reduces (fail closed). An engine that stops
/// does not renew: its shares end with their leases, and the other engines can have them at
/// their next renewal.
public final class FirmLimits: FirmAllowance {
    /// What happened to a lease, for logs and metrics.
    public enum Event: Sendable {
        /// A renewal granted `granted` of the `wanted` amount (reported when the grant changes).
        case granted(name: String, granted: Int64, wanted: Int64)
        /// A renewal failed (reported once until one succeeds again); the lease runs on until its end.
        case failed(name: String, error: RedisError)
    }

    /// The leases, by the gate's instrument index and group index (nil: no firm limit).
    public let instrumentLeases: [FirmLimitLease?]
    public let groupLeases: [FirmLimitLease?]
    private let failures = Atomic<Int>(0)
    private let rounds = Atomic<Int>(0)
    private let observer: @Sendable (Event) -> Void

    /// Leases for the instruments and groups of a gate, by index (nil: no firm limit there).
    public init(instruments: [FirmLimitLease?], groups: [FirmLimitLease?] = [],
                observer: @escaping @Sendable (Event) -> Void = { _ in }) {
        instrumentLeases = instruments
        groupLeases = groups
        self.observer = observer
    }

    /// Every lease, instruments first.
    public var leases: [FirmLimitLease] { (instrumentLeases + groupLeases).compactMap { $0 } }

    /// Renewals that failed so far.
    public var failureCount: Int { failures.load(ordering: .relaxed) }

    /// Rounds of renewals done (each lease asked once, granted or failed).
    public var renewalRounds: Int { rounds.load(ordering: .acquiring) }

    @inline(__always)
    public func lots(instrument: Int) -> Int64 {
        guard instrument < instrumentLeases.count, let lease = instrumentLeases[instrument] else { return .max }
        return lease.available
    }

    @inline(__always)
    public func value(group: Int) -> Double {
        guard group < groupLeases.count, let lease = groupLeases[group] else { return .infinity }
        return Double(lease.available)
    }

    /// Renews every lease every `interval` until the task is cancelled (a third of the lease's
    /// length keeps it alive through two failed renewals in a row). `held` tells, before each
    /// round, what the engine holds of each lease's limit (in the order of ``leases``; nil:
    /// unknown, 0), so that its leases in Redis never fall below it.
    public func run(every interval: Duration, held: @Sendable () async -> [Int64]? = { nil }) async {
        let leases = self.leases
        var lastReported: [Int64] = leases.map { _ in -1 }
        var failing = leases.map { _ in false }
        while !Task.isCancelled {
            let holding = await held()
            for (i, lease) in leases.enumerated() {
                do {
                    let granted = try await lease.renew(held: holding.flatMap { i < $0.count ? $0[i] : nil } ?? 0)
                    if granted != lastReported[i] {
                        lastReported[i] = granted
                        failing[i] = false
                        observer(.granted(name: lease.name, granted: granted, wanted: lease.wantedAmount))
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                    lastReported[i] = -1
                    // Reported once, until a renewal succeeds again.
                    if !failing[i] { observer(.failed(name: lease.name, error: error)) }
                    failing[i] = true
                }
            }
            rounds.add(1, ordering: .releasing)
            try? await Task.sleep(for: interval)
        }
    }
}
