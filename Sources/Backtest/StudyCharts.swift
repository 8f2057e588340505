import Foundation
/// The study's charts of a sweep: cumulative trading profit, cumulative fees, the intraday
/// maximum |net position| and the intraday maximum loss over trading time, and the fills'
/// markouts over their horizons, one line per Rc, for the runs with the stop and for those
/// without.
public struct StudyCharts: Sendable {
    /// A chart and the file name (without extension) it is written under.
    public struct Named: Sendable {
        public var name: String
        public var chart: LineChart
    }

    public var charts: [Named]

    /// The charts of `results`; `symbol` names the quote currency when it can be told from it.
    public init(results: [BacktestResult], symbol: String) {
        let currency = Self.currency(symbol)
        let longest = results.flatMap(\.series).map(\.tradingTime).max() ?? 0
        let multiDay = results.contains { $0.days.count > 1 }
        let (unit, divisor): (String, Double) = longest >= 7_200_000_000_000 ? ("hours", 3.6e12)
            : longest >= 120_000_000_000 ? ("minutes", 6e10) : ("seconds", 1e9)
        let xLabel = multiDay ? "trading time, \(unit) (days joined, the gaps between them left out)"
            : "time since the first event, \(unit)"
        var markers: [ChartMarker] = []
        if multiDay, let first = results.first {
            let ends = first.series.filter(\.dayEnd)
            for (i, end) in ends.enumerated() where i + 1 < first.days.count {
                markers.append(ChartMarker(x: Double(end.tradingTime) / divisor, label: first.days[i + 1].date))
            }
        }
        var charts: [Named] = []
        // Each point stands for a bucket of events: its lowest and highest value are drawn, in
        // the order they came, so a thinned series keeps every extreme the tables report.
        let kinds: [(name: String, title: String, y: String, range: (SeriesPoint) -> SeriesRange)] = [
            ("profit", "Cumulative trading profit", "trading profit (\(currency))", \.profitRange),
            ("fees", "Cumulative fees", "fees paid (\(currency))", \.feesRange),
            ("max-position", "Intraday maximum net position", "largest |net position| today (lots)", \.dayMaxPositionRange),
            ("max-loss", "Intraday maximum loss", "worst drop of profit today (\(currency))", \.dayMaxLossRange),
        ]
        for stop in StudyTables.stopSettings(results) {
            let runs = results.filter { $0.run.stopLimit == stop }
            let suffix = stop.map { ", with the stop at \($0) lots" } ?? ", without the stop"
            for kind in kinds {
                let series = runs.enumerated().map { i, r in
                    ChartSeries(name: "Rc \(StudyTables.rc(r.run.rankCoefficient))", color: ChartColor.palette[i % ChartColor.palette.count],
                                points: r.series.flatMap { p in
                                    kind.range(p).inOrder.map { ChartPoint(x: Double(p.tradingTime) / divisor, y: $0) }
                                })
                }
                charts.append(Named(name: "\(kind.name)-\(stop == nil ? "without" : "with")-stop",
                                    chart: LineChart(title: kind.title + suffix, xLabel: xLabel, yLabel: kind.y,
                                                     series: series, markers: markers)))
            }
            // The markouts over their horizons (log scale of seconds), one line per Rc.
            let markouts = runs.enumerated().map { i, r in
                ChartSeries(name: "Rc \(StudyTables.rc(r.run.rankCoefficient))", color: ChartColor.palette[i % ChartColor.palette.count],
                            points: r.fillQuality.markouts.compactMap { m in
                                m.ticks.map { ChartPoint(x: log10(Double(m.seconds)), y: $0) }
                            })
            }
            charts.append(Named(name: "markouts-\(stop == nil ? "without" : "with")-stop",
                                chart: LineChart(title: "Markouts of the fills" + suffix,
                                                 xLabel: "horizon, log10 of seconds of market time (0: 1 s, 1: 10 s, 1.78: 60 s)",
                                                 yLabel: "mean markout (ticks a lot; negative: adverse selection)", series: markouts)))
        }
        self.charts = charts
    }

    /// The quote currency of a symbol such as BTCUSDT, else "quote currency".
    public static func currency(_ symbol: String) -> String {
        let s = symbol.uppercased()
        for c in ["USDT", "USDC", "BUSD", "USD", "EUR"] where s.hasSuffix(c) && s.count > c.count { return c }
        return "quote currency"
    }
}
