import Foundation

/// The report of a sweep in a folder: the study's charts (``StudyCharts``) as SVG and PNG,
/// `index.html` with the tables and the charts, and `summary.json` (``BacktestDocument``,
/// time series included).
public struct StudyReport: Sendable {
    public var document: BacktestDocument

    public init(document: BacktestDocument) {
        self.document = document
    }

    /// The charts of the report.
    public var charts: StudyCharts { StudyCharts(results: document.runs, symbol: document.settings.symbol) }

    /// Writes the report into `directory` (created when missing); returns the files written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let url = URL(fileURLWithPath: directory)
        var files: [String] = []
        func save(_ name: String, _ data: Data) throws {
            try data.write(to: url.appendingPathComponent(name))
            files.append(name)
        }
        let charts = self.charts.charts
        for c in charts {
            try save(c.name + ".svg", Data(SVGChartWriter().svg(c.chart).utf8))
            try save(c.name + ".png", Data(try PNGChartWriter().png(c.chart)))
        }
        try save("summary.json", try document.json(pretty: true))
        try save("index.html", Data(html(charts: charts).utf8))
        return files
    }

    /// The HTML page: the settings, the tables, and the charts (SVG, with links to the PNG).
    public func html(charts: [StudyCharts.Named]) -> String {
        let results = document.runs
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Backtest: \(escape(document.settings.symbol))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1240px; color: #212529; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; } h3 { font-size: 1.05em; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-variant-numeric: tabular-nums; }
            th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #dee2e6; text-align: right; }
            th { background: #f1f3f5; } td:first-child, th:first-child { text-align: left; }
            tr.mean td { font-weight: bold; background: #f8f9fa; }
            figure { margin: 1em 0 2em; } figure img { width: 100%; border: 1px solid #dee2e6; }
            figcaption { color: #6c757d; font-size: 0.9em; }
            .note { color: #495057; }
            </style>
            </head>
            <body>
            <h1>Backtest of the continuous limit-order market maker: \(escape(document.settings.symbol))</h1>
            <p>\(escape(document.description))</p>
            <p class="note">Trading profit p is realized plus the open position marked at the mid; fees f are what the fills cost
            (negative: rebates); net = p - (1 - k) f with rebate ratio k = \(StudyTables.number(document.settings.rebateRatio, decimals: 2));
            the break-even rebate is k<sub>c</sub> = 1 - p / f (n/a when no fees were paid). Days are UTC days of market time;
            a day's profit runs from the previous day's close to its own; a day of less than an hour of market time, or of a
            tenth of the longest day when that is less (short*), is listed but left out of the mean of the days.</p>
            <p class="note">\(escape(document.performance.text))</p>

            """
        let multiDay = results.contains { $0.days.count > 1 }
        for stop in StudyTables.stopSettings(results) {
            let runs = results.filter { $0.run.stopLimit == stop }
            out += "<h2>\(escape(StudyTables.title(stopLimit: stop)))</h2>\n"
            out += table(header: StudyTables.header, rows: runs.map { [StudyTables.rc($0.run.rankCoefficient)] + StudyTables.cells($0.figures) })
            if multiDay {
                out += "<h3>Per day, and the mean of the days</h3>\n"
                var rows: [[String]] = []
                var means: Set<Int> = []
                for r in runs {
                    for d in r.days { rows.append([StudyTables.rc(r.run.rankCoefficient), d.label] + StudyTables.cells(d.figures)) }
                    if let a = r.average {
                        means.insert(rows.count)
                        rows.append([StudyTables.rc(r.run.rankCoefficient), "mean of \(a.days) days"] + StudyTables.cells(a))
                    }
                }
                out += table(header: ["Rc", "day"] + StudyTables.header.dropFirst(), rows: rows, highlighted: means)
            }
        }
        for withStop in [false, true] where !StudyComparison.runs(results, withStop: withStop).isEmpty {
            let rows = StudyComparison.rows(results, withStop: withStop)
            guard rows.contains(where: { $0.here.contains { $0 != nil } }) else { continue }
            out += "<h2>Beside the study's Table \(withStop ? 2 : 1) (\(withStop ? "with the stop at \(StudyComparison.stopLimit) lots" : "without the stop"))</h2>\n"
            out += "<p class=\"note\">The study traded an iron-ore future (its figures in its currency); this run's figures are in the instrument's currency. The last column is the change from Rc 0.5 to Rc 0.9: the study's findings are its directions.</p>\n"
            var cells: [[String]] = []
            for row in rows {
                cells.append([row.measure, "study"] + row.study.map(StudyComparison.cell) + [StudyComparison.percent(StudyComparison.Row.change(row.study))])
                cells.append(["", "this run"] + row.here.map(StudyComparison.cell) + [StudyComparison.percent(StudyComparison.Row.change(row.here))])
            }
            out += table(header: ["measure", ""] + StudyComparison.rankCoefficients.map { "Rc \(StudyTables.rc($0))" } + ["change"], rows: cells)
            if withStop { out += "<p class=\"note\">The study's maximum intraday loss with the stop: about 37k to 53k over the four runs.</p>\n" }
        }
        out += "<h2>Fills: adverse selection</h2>\n"
        out += "<p class=\"note\">Markouts: the market's mid 1, 10 and 60 s of market time after each fill of the ladder, against the fill price, for our side, in ticks a lot (positive: the market moved our way; a passive fill starts at half the spread). Depleted: the share of fills whose price level was gone from the market at their event or the next. L1 to L5: the share of fills by the ladder level their order was placed at (1: the best price then).</p>\n"
        for stop in StudyTables.stopSettings(results) {
            out += "<h3>\(escape(stop.map { "With the stop at \($0) lots" } ?? "Without the stop"))</h3>\n"
            out += table(header: StudyTables.fillQualityHeader, rows: StudyTables.fillQualityRows(results.filter { $0.run.stopLimit == stop }))
        }
        out += "<h2>Charts</h2>\n"
        for c in charts {
            out += """
                <figure><img src="\(c.name).svg" alt="\(escape(c.chart.title))">
                <figcaption>\(escape(c.chart.title)): <a href="\(c.name).svg">SVG</a>, <a href="\(c.name).png">PNG</a></figcaption></figure>

                """
        }
        out += "<p class=\"note\">All figures as JSON: <a href=\"summary.json\">summary.json</a>.</p>\n</body>\n</html>\n"
        return out
    }

    private func table(header: [String], rows: [[String]], highlighted: Set<Int> = []) -> String {
        var out = "<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for (i, row) in rows.enumerated() {
            out += (highlighted.contains(i) ? "<tr class=\"mean\">" : "<tr>") + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
