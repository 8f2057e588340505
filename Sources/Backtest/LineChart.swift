/// A line chart, independent of how it is drawn: title, axis labels, series and vertical
/// markers. ``SVGChartWriter`` and ``PNGChartWriter`` draw it with the same ``ChartLayout``.
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [ChartSeries]
    /// Vertical dashed lines with a label at the top (the start of each trading day).
    public var markers: [ChartMarker]

    public init(title: String, xLabel: String, yLabel: String, series: [ChartSeries], markers: [ChartMarker] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.markers = markers
    }
}

/// One line of a chart.
public struct ChartSeries: Sendable, Equatable {
    /// The legend's text.
    public var name: String
    public var color: ChartColor
    public var points: [ChartPoint]

    public init(name: String, color: ChartColor, points: [ChartPoint]) {
        self.name = name
        self.color = color
        self.points = points
    }
}

/// A point of a series.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A vertical marker at `x`.
public struct ChartMarker: Sendable, Equatable {
    public var x: Double
    public var label: String

    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}

/// An opaque colour, 8 bits a channel.
public struct ChartColor: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`.
    public var hex: String {
        "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Ten colours that tell each other apart, for series in order.
    public static let palette: [ChartColor] = [
        ChartColor(31, 119, 180), ChartColor(255, 127, 14), ChartColor(44, 160, 44), ChartColor(214, 39, 40),
        ChartColor(148, 103, 189), ChartColor(140, 86, 75), ChartColor(227, 119, 194), ChartColor(127, 127, 127),
        ChartColor(188, 189, 34), ChartColor(23, 190, 207),
    ]

    public static let white = ChartColor(255, 255, 255)
    public static let black = ChartColor(0, 0, 0)
    public static let text = ChartColor(33, 37, 41)
    public static let grid = ChartColor(222, 226, 230)
    public static let axis = ChartColor(108, 117, 125)
    public static let marker = ChartColor(173, 181, 189)
}
