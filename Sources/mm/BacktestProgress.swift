import Backtest
import Foundation
import Synchronization

/// The progress bar of `mm backtest` on standard error (the share done of ``SweepProgress``):
/// redrawn a few times a second while a terminal shows it, nothing at all otherwise.
final class BacktestProgress: Sendable {
    let sweep: SweepProgress
    private let finished = Atomic<Bool>(false)
    let enabled: Bool

    init(totalEvents: Int?, fileSize: Int64?, runs: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        sweep = SweepProgress(totalEvents: totalEvents, fileSize: fileSize, runs: runs)
        self.enabled = enabled
    }

    func add(_ step: BacktestRun.RunProgress) { sweep.add(step) }

    func runFinished() { sweep.runFinished() }

    /// Draws until ``end()``, on a thread of its own.
    func start() {
        guard enabled else { return }
        Thread.detachNewThread { [self] in
            while !finished.load(ordering: .acquiring) {
                draw()
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    func end() {
        guard enabled else { return }
        finished.store(true, ordering: .releasing)
        draw()
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw() {
        let n = sweep.events
        let width = 30
        let fraction = sweep.fraction
        let filled = fraction.map { Int($0 * Double(width)) } ?? (n / (1 << 18)) % (width + 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = fraction.map { String(format: "%3.0f%% ", $0 * 100) } ?? ""
        let line = "\r\u{1B}[K[\(bar)] \(percent)\(String(format: "%.1f", Double(n) / 1e6)) M events, "
            + "\(sweep.finishedRuns)/\(sweep.runs) runs"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
