import Foundation
import Synchronization

/// The progress bar of `mm backtest` on standard error: redrawn a few times a second while a
/// terminal shows it, nothing at all otherwise.
final class BacktestProgress: Sendable {
    /// Events replayed so far, over all runs.
    private let events = Atomic<Int>(0)
    private let runsDone = Atomic<Int>(0)
    private let finished = Atomic<Bool>(false)
    /// Events of all runs together, when known.
    private let total: Int?
    private let runs: Int
    let enabled: Bool

    init(totalEvents: Int?, runs: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        total = totalEvents
        self.runs = runs
        self.enabled = enabled
    }

    func add(_ n: Int) {
        events.add(n, ordering: .relaxed)
    }

    func runFinished() {
        runsDone.add(1, ordering: .relaxed)
    }

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
        let n = events.load(ordering: .relaxed)
        let width = 30
        let fraction = total.map { $0 > 0 ? min(1, Double(n) / Double($0)) : 1 }
        let filled = fraction.map { Int($0 * Double(width)) } ?? (n / (1 << 18)) % (width + 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = fraction.map { String(format: "%3.0f%% ", $0 * 100) } ?? ""
        let line = "\r\u{1B}[K[\(bar)] \(percent)\(String(format: "%.1f", Double(n) / 1e6)) M events, "
            + "\(runsDone.load(ordering: .relaxed))/\(runs) runs"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
