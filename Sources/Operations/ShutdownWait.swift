import ServiceLifecycle

/// Waiting inside a service: until a moment passes, or the service must stop.
enum ShutdownWait {
    /// Sleeps for `duration`, or less when a graceful shutdown is triggered or the task is
    /// canceled; returns true when the service should stop.
    static func pause(_ duration: Duration) async -> Bool {
        if Task.isShuttingDownGracefully || Task.isCancelled { return true }
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
        } catch {
            // Canceled: graceful shutdown or cancellation, checked below.
        }
        return Task.isShuttingDownGracefully || Task.isCancelled
    }

    /// Checks `condition` every `interval` until it holds or `timeout` passes; whether it held.
    static func until(timeout: Duration, every interval: Duration = .milliseconds(20),
                      _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: interval)
        }
    }
}
