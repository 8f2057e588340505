import Foundation

/// The study's tables as text: for each stop setting, one row per Rc with the figures of the
/// whole run; when the data spans several days, the figures of each day and their mean.
public enum StudyTables {
    /// A figure with `decimals` decimals.
    public static func number(_ x: Double, decimals: Int = 2) -> String {
        let s = String(format: "%.\(decimals)f", x)
        return s == "-" + String(format: "%.\(decimals)f", 0.0) ? String(s.dropFirst()) : s
    }

    /// k_c, or `n/a` when no fees were paid.
    public static func breakEven(_ k: Double?) -> String {
        k.map { number($0, decimals: 4) } ?? "n/a"
    }

    /// Rc as written: `0.8`, `1`.
    public static func rc(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }

    /// "with the stop at 50 lots" or "without the stop".
    public static func title(stopLimit: Int64?) -> String {
        stopLimit.map { "With the net-position stop at \($0) lots" } ?? "Without the net-position stop"
    }

    static let header = ["Rc", "trading P&L", "(ticks)", "fees", "net", "k_c", "trades", "max |pos|", "max intraday loss", "stops"]

    static func cells(_ f: StudyFigures) -> [String] {
        [number(f.tradingProfit), String(f.tradingProfitTicks), number(f.fees), number(f.netProfitAfterRebate),
         breakEven(f.breakEvenRebate), String(f.trades), String(f.maxNetPosition), number(f.maxIntradayLoss), String(f.stopEvents)]
    }

    static func cells(_ a: AverageFigures) -> [String] {
        [number(a.tradingProfit), number(a.tradingProfitTicks, decimals: 1), number(a.fees), number(a.netProfitAfterRebate),
         breakEven(a.breakEvenRebate), number(a.trades, decimals: 1), number(a.maxNetPosition, decimals: 1),
         number(a.maxIntradayLoss), number(a.stopEvents, decimals: 1)]
    }

    /// The stop settings of `results`, in order: with the stop first.
    public static func stopSettings(_ results: [BacktestResult]) -> [Int64?] {
        var seen: [Int64?] = []
        for r in results where !seen.contains(r.run.stopLimit) { seen.append(r.run.stopLimit) }
        return seen
    }

    /// The ladder levels shown one by one in the fill-quality table (the rest are summed).
    static let shownLevels = 5

    /// The fill-quality table of `runs` (one stop setting): markouts, the depletion share and
    /// the share of fills by the ladder level their order was placed at.
    static func fillQualityLines(_ runs: [BacktestResult], stop: Int64?) -> [String] {
        let stopText = stop.map { "with the stop at \($0) lots" } ?? "without the stop"
        var out = ["Fills \(stopText): markouts in ticks a lot (the mid 1, 10 and 60 s after each fill against its price, "
                   + "for our side), the share that emptied their level, and the share by the level the order was placed at"]
        var table = TextTable(header: fillQualityHeader)
        for row in fillQualityRows(runs) { table.append(row) }
        out += table.lines()
        out.append("")
        return out
    }

    static let fillQualityHeader = ["Rc", "fills"] + FillQuality.horizons.map { "\($0) s" } + ["depleted"]
        + (1...shownLevels).map { "L\($0)" } + ["deeper"]

    /// One row a run: Rc, fills, the markouts, the depletion share, the shares by level.
    static func fillQualityRows(_ runs: [BacktestResult]) -> [[String]] {
        runs.map { r in
            let q = r.fillQuality
            let share = { (range: ClosedRange<Int>) -> String in
                let n = q.levels.filter { range.contains($0.level) }.reduce(0) { $0 + $1.fills }
                return q.fills > 0 ? percent(Double(n) / Double(q.fills)) : "n/a"
            }
            return [rc(r.run.rankCoefficient), String(q.fills)]
                + FillQuality.horizons.map { q.markout($0).map { number($0, decimals: 3) } ?? "n/a" }
                + [q.depletionShare.map(percent) ?? "n/a"]
                + (1...shownLevels).map { share($0...$0) } + [share((shownLevels + 1)...Int.max)]
        }
    }

    /// A share as a percentage with one decimal.
    static func percent(_ x: Double) -> String { number(x * 100, decimals: 1) + "%" }

    /// Every table, as lines. `net` is p - (1 - k) f.
    public static func lines(_ results: [BacktestResult]) -> [String] {
        var out: [String] = []
        let multiDay = results.contains { $0.days.count > 1 }
        for stop in stopSettings(results) {
            let runs = results.filter { $0.run.stopLimit == stop }
            out.append(title(stopLimit: stop) + (multiDay ? ", whole data" : ""))
            var table = TextTable(header: header)
            for r in runs { table.append([rc(r.run.rankCoefficient)] + cells(r.figures)) }
            out += table.lines()
            out.append("")
            out += fillQualityLines(runs, stop: stop)
            guard multiDay else { continue }
            out.append(title(stopLimit: stop) + ", per day and the mean of the days")
            var days = TextTable(header: ["Rc", "day"] + header.dropFirst())
            for r in runs {
                for d in r.days { days.append([rc(r.run.rankCoefficient), d.label] + cells(d.figures)) }
                if let a = r.average { days.append([rc(r.run.rankCoefficient), "mean of \(a.days)"] + cells(a)) }
            }
            out += days.lines()
            if runs.contains(where: { $0.days.contains(where: \.isShort) }) {
                out.append("* short (under an hour of market time, or a tenth of the longest day): left out of the mean of the days")
            }
            out.append("")
        }
        return out
    }
}
