import Foundation

/// How fast a sweep ran: events replayed over all runs, wall-clock time, runs at once.
public struct BacktestPerformance: Codable, Sendable, Equatable {
    /// Market events replayed, all runs together.
    public var events: Int
    public var runs: Int
    /// Runs at once.
    public var jobs: Int
    public var seconds: Double
    /// Events per second over all runs.
    public var eventsPerSecond: Double

    public init(results: [BacktestResult], seconds: Double, jobs: Int) {
        events = results.reduce(0) { $0 + $1.events }
        runs = results.count
        self.jobs = jobs
        self.seconds = seconds
        eventsPerSecond = seconds > 0 ? Double(events) / seconds : 0
    }

    /// `N events in T s (X M events/s, R runs on J threads)`.
    public var text: String {
        "\(events) events in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", eventsPerSecond / 1e6)) M events/s, "
            + "\(runs) run\(runs == 1 ? "" : "s") on \(jobs) thread\(jobs == 1 ? "" : "s"))"
    }
}
