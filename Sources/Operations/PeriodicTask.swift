import ServiceLifecycle

/// A service that does something every so often (a status line, a progress display, a check
/// that the work is done) until its `tick` says to stop, `duration` has passed, a graceful
/// shutdown is triggered or it is canceled; then `onEnd` runs once, while the other services
/// still run.
///
/// Give it the termination behavior `.gracefullyShutdownGroup` to end the group when it ends.
public struct PeriodicTask: Service, CustomStringConvertible {
    /// What it does, for logs.
    public let description: String
    private let interval: Duration
    private let duration: Duration?
    private let tick: @Sendable () async throws -> Bool
    private let onEnd: @Sendable () async -> Void

    /// Calls `tick` every `interval` (true: go on; false: end) for at most `duration` (nil: no
    /// limit); `name` says what it does, in logs.
    public init(_ name: String, every interval: Duration, for duration: Duration? = nil,
                tick: @escaping @Sendable () async throws -> Bool,
                onEnd: @escaping @Sendable () async -> Void = {}) {
        precondition(interval > .zero, "the interval must be positive")
        description = name
        self.interval = interval
        self.duration = duration
        self.tick = tick
        self.onEnd = onEnd
    }

    public func run() async throws {
        let started = ContinuousClock.now
        let end = duration.map { started + $0 }
        var next = started + interval
        do {
            while true {
                let now = ContinuousClock.now
                let wake = end.map { min($0, next) } ?? next
                if wake > now, await ShutdownWait.pause(wake - now) { break }
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                if let end, ContinuousClock.now >= end { break }
                if ContinuousClock.now >= next {
                    next += interval
                    guard try await tick() else { break }
                    // A tick that took longer than the interval: the next one is an interval on.
                    if next < ContinuousClock.now { next = ContinuousClock.now + interval }
                }
            }
        } catch {
            await onEnd()
            throw error
        }
        await onEnd()
    }
}
