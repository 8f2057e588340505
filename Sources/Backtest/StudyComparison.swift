/// The study's published figures (its Tables 1 and 2: an iron-ore future, 5 levels of 1 lot,
/// fees charged) beside a sweep's own, measure by measure, with the change of each from the
/// lowest to the highest Rc of the four, so that each finding can be read off: does it rise or
/// fall with Rc here as it did there?
public struct StudyComparison: Sendable {
    /// The study's rank coefficients.
    public static let rankCoefficients = [0.5, 0.7, 0.8, 0.9]

    /// One measure: the study's values at its four Rc and this sweep's at the same Rc (nil
    /// where it did not run one).
    public struct Row: Sendable, Equatable {
        public var measure: String
        public var study: [Double?]
        public var here: [Double?]

        /// The change from the first to the last value present, as a percentage of the first
        /// (nil when either is missing or the first is 0).
        public static func change(_ values: [Double?]) -> Double? {
            let present = values.compactMap { $0 }
            guard present.count >= 2, let first = present.first, let last = present.last, first != 0 else { return nil }
            return (last - first) / abs(first) * 100
        }
    }

    /// The study's stop, lots.
    public static let stopLimit: Int64 = 50

    /// The runs with the study's stop (`withStop`) or without a stop.
    static func runs(_ results: [BacktestResult], withStop: Bool) -> [BacktestResult] {
        results.filter { $0.run.stopLimit == (withStop ? stopLimit : nil) }
    }

    /// The rows for the runs with the stop at 50 lots (`withStop`) or without it.
    public static func rows(_ results: [BacktestResult], withStop: Bool) -> [Row] {
        let runs = runs(results, withStop: withStop)
        func here(_ value: (BacktestResult) -> Double?) -> [Double?] {
            rankCoefficients.map { rc in runs.first { $0.run.rankCoefficient == rc }.flatMap(value) }
        }
        let published: [(String, [Double?], (BacktestResult) -> Double?)] = withStop ? [
            ("trading profit p", [588, 5_575, 9_790, 21_030], { $0.figures.tradingProfit }),
            ("fees f", [13_445, 17_525, 21_780, 30_851], { $0.figures.fees }),
            ("k_c", [0.96, 0.68, 0.55, 0.32], { $0.figures.breakEvenRebate }),
            // "About -37k to -53k" over the four runs: no value a run.
            ("max intraday loss", [nil, nil, nil, nil], { $0.figures.maxIntradayLoss }),
        ] : [
            ("trading profit p", [-59, 2_656, 7_079, 17_888], { $0.figures.tradingProfit }),
            ("fees f", [13_143, 16_877, 20_712, 29_064], { $0.figures.fees }),
            ("k_c", [1.00, 0.84, 0.66, 0.38], { $0.figures.breakEvenRebate }),
            ("trades", [1_128, 1_448, 1_776, 2_490], { Double($0.figures.trades) }),
            ("max |position| (lots)", [253, 315, 380, 493], { Double($0.figures.maxNetPosition) }),
            ("max intraday loss", [211_000, 249_000, 276_000, 324_000], { $0.figures.maxIntradayLoss }),
        ]
        return published.map { Row(measure: $0.0, study: $0.1, here: here($0.2)) }
    }

    /// The comparison as text lines (nothing when the sweep ran none of the study's Rc).
    public static func lines(_ results: [BacktestResult]) -> [String] {
        guard results.contains(where: { rankCoefficients.contains($0.run.rankCoefficient) }) else { return [] }
        var out: [String] = []
        for withStop in [false, true] where !runs(results, withStop: withStop).isEmpty {
            out.append("Beside the study's Table \(withStop ? 2 : 1) (\(withStop ? "with the stop" : "without the stop"); "
                       + "the study in its currency, this run in the instrument's; change from Rc 0.5 to 0.9)")
            var table = TextTable(header: ["measure", ""] + rankCoefficients.map { "Rc \(StudyTables.rc($0))" } + ["change"])
            for row in rows(results, withStop: withStop) {
                table.append([row.measure, "study"] + row.study.map(cell) + [percent(Row.change(row.study))])
                table.append(["", "here"] + row.here.map(cell) + [percent(Row.change(row.here))])
            }
            out += table.lines()
            if withStop { out.append("  the study's maximum intraday loss with the stop: about 37k to 53k over the four runs") }
            out.append("")
        }
        return out
    }

    static func cell(_ x: Double?) -> String {
        guard let x else { return "" }
        return abs(x) < 10 ? StudyTables.number(x, decimals: 2) : StudyTables.number(x, decimals: 0)
    }

    static func percent(_ x: Double?) -> String {
        x.map { ($0 > 0 ? "+" : "") + StudyTables.number($0, decimals: 0) + "%" } ?? ""
    }
}
