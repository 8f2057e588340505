import MarketData
import Dispatch
import Foundation
import Synchronization

/// The study's sweep: every run of ``BacktestSettings/runs`` (each Rc, with and without the
/// stop), each on a source of its own, run in parallel on up to ``jobs`` threads.
///
/// Runs are independent and deterministic, so the results do not depend on how many run at
/// once, and come back in the order of ``BacktestSettings/runs``.
public struct BacktestSweep: Sendable {
    public var settings: BacktestSettings
    /// Runs at once (at least 1).
    public var jobs: Int

    /// Opens a new source over the same data (sources are streams: each run reads its own).
    public typealias SourceFactory = @Sendable () throws(MarketDataError) -> any MarketDataSource

    public init(settings: BacktestSettings, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.settings = settings
        self.jobs = max(1, jobs)
    }

    /// Runs the sweep. `progress` (called from any thread) gets what a run did since its last
    /// report (``BacktestRun/RunProgress``), `finished` each run's result as it ends. The first bad record of any run stops the sweep with its error (the other runs
    /// read the same data and would stop at the same record).
    public func run(source: SourceFactory, progress: (@Sendable (BacktestRun.RunProgress) -> Void)? = nil,
                    finished: (@Sendable (BacktestResult) -> Void)? = nil) throws(MarketDataError) -> [BacktestResult] {
        let specs = settings.runs
        let settings = self.settings
        let state = Mutex<(next: Int, results: [BacktestResult?], error: MarketDataError?)>(
            (0, Array(repeating: nil, count: specs.count), nil))
        let workers = min(jobs, specs.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index: Int? = state.withLock { s in
                    guard s.error == nil, s.next < specs.count else { return nil }
                    s.next += 1
                    return s.next - 1
                }
                guard let index else { return }
                do throws(MarketDataError) {
                    var s = try source()
                    let result = try BacktestRun(spec: specs[index], settings: settings).run(&s, progress: progress)
                    state.withLock { $0.results[index] = result }
                    finished?(result)
                } catch {
                    state.withLock { s in
                        if s.error == nil { s.error = error }
                    }
                }
            }
        }
        let (results, error) = state.withLock { ($0.results, $0.error) }
        if let error { throw error }
        return results.map { $0! }
    }
}
