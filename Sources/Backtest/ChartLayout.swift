/// Where the parts of a ``LineChart`` go in a picture of a given size, in pixels from the top
/// left: the plot area, the scales, the title, the axis labels and the legend. Shared by the
/// SVG and the PNG writers so both look the same.
public struct ChartLayout: Sendable {
    public let width: Double
    public let height: Double
    public let plotLeft: Double
    public let plotTop: Double
    public let plotRight: Double
    public let plotBottom: Double
    public let x: AxisScale
    public let y: AxisScale
    /// Baselines of the title, the x-axis label, and the x centre of the y-axis label.
    public let titleY: Double
    public let xLabelY: Double
    public let yLabelX: Double
    /// The legend's top left corner and the height of one entry.
    public let legendX: Double
    public let legendY: Double
    public let legendRow: Double

    /// Text sizes (px): title, labels, ticks.
    public static let titleSize = 24.0
    public static let labelSize = 16.0
    public static let tickSize = 14.0

    public init(chart: LineChart, width: Double = 1200, height: Double = 675) {
        self.width = width
        self.height = height
        let xs = chart.series.flatMap { $0.points.map(\.x) }
        let ys = chart.series.flatMap { $0.points.map(\.y) }
        x = AxisScale(lower: xs.min() ?? 0, upper: xs.max() ?? 1, ticks: 8)
        let yScale = AxisScale(lower: min(0, ys.min() ?? 0), upper: max(0, ys.max() ?? 1), ticks: 6)
        y = yScale
        let longestTick = yScale.ticks.map { yScale.label($0).count }.max() ?? 1
        let longestName = chart.series.map(\.name.count).max() ?? 0
        // Room for the widest text in either writer (the PNG font is 12 px a character).
        plotLeft = 48 + Double(longestTick) * 12 + 12
        plotRight = width - max(40, 84 + Double(longestName) * 12)
        plotTop = 72
        plotBottom = height - 70
        titleY = 40
        xLabelY = height - 18
        yLabelX = 22
        legendX = plotRight + 16
        legendY = plotTop + 4
        legendRow = 24
    }

    /// The pixel column of `value` on the x axis.
    public func px(_ value: Double) -> Double { plotLeft + x.fraction(value) * (plotRight - plotLeft) }

    /// The pixel row of `value` on the y axis.
    public func py(_ value: Double) -> Double { plotBottom - y.fraction(value) * (plotBottom - plotTop) }
}
