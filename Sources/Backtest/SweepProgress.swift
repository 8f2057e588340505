import Synchronization

/// How far a sweep has come, from any thread: the events replayed, the bytes of the data file
/// read and the runs finished, and the share done.
///
/// The share is that of the events when their number is known (the synthetic market), else that
/// of the data file's bytes read by all runs (each run reads the whole file); once every run has
/// finished it is 100%.
public final class SweepProgress: Sendable {
    private let eventsDone = Atomic<Int>(0)
    private let bytesDone = Atomic<Int64>(0)
    private let runsDone = Atomic<Int>(0)
    /// Events of all runs together, when known.
    private let totalEvents: Int?
    /// Bytes all runs read together (the file's size times the runs), when the data is a file.
    private let totalBytes: Int64?
    /// The runs of the sweep.
    public let runs: Int

    public init(totalEvents: Int?, fileSize: Int64?, runs: Int) {
        self.totalEvents = totalEvents
        totalBytes = fileSize.map { $0 * Int64(max(runs, 0)) }
        self.runs = runs
    }

    /// Counts what a run reported.
    public func add(_ step: BacktestRun.RunProgress) {
        eventsDone.add(step.events, ordering: .relaxed)
        bytesDone.add(step.bytes, ordering: .relaxed)
    }

    /// Counts a finished run.
    public func runFinished() {
        runsDone.add(1, ordering: .relaxed)
    }

    /// Events replayed so far, over all runs.
    public var events: Int { eventsDone.load(ordering: .relaxed) }
    /// Runs finished so far.
    public var finishedRuns: Int { runsDone.load(ordering: .relaxed) }

    /// The share done, 0...1; nil when neither the events nor the bytes to come are known.
    public var fraction: Double? {
        if finishedRuns >= runs { return 1 }
        if let totalEvents {
            return totalEvents > 0 ? min(1, Double(events) / Double(totalEvents)) : 1
        }
        if let totalBytes {
            return totalBytes > 0 ? min(1, Double(bytesDone.load(ordering: .relaxed)) / Double(totalBytes)) : 1
        }
        return nil
    }
}
