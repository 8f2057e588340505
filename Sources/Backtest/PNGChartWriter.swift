/// Draws a ``LineChart`` into a ``Raster`` and encodes it as PNG, laid out as the SVG
/// (``ChartLayout``), with the ``BitmapFont`` for its text.
public struct PNGChartWriter: Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int = 1200, height: Int = 675) {
        self.width = width
        self.height = height
    }

    /// The chart as a picture.
    public func raster(_ chart: LineChart) -> Raster {
        let l = ChartLayout(chart: chart, width: Double(width), height: Double(height))
        var r = Raster(width: width, height: height)
        let left = Int(l.plotLeft), right = Int(l.plotRight), top = Int(l.plotTop), bottom = Int(l.plotBottom)
        // Grid and ticks.
        for t in l.y.ticks {
            let y = Int(l.py(t).rounded())
            r.horizontal(y: y, from: left, to: right, color: .grid)
            r.text(l.y.label(t), x: left - 8, y: y + 7, scale: 2, color: .text, anchor: .end)
        }
        for t in l.x.ticks {
            let x = Int(l.px(t).rounded())
            r.vertical(x: x, from: top, to: bottom, color: .grid)
            r.text(l.x.label(t), x: x, y: bottom + 24, scale: 2, color: .text, anchor: .middle)
        }
        // Day markers.
        for m in chart.markers {
            r.vertical(x: Int(l.px(m.x).rounded()), from: top, to: bottom, color: .marker, dash: 5)
        }
        for m in SVGChartWriter().visibleMarkers(chart.markers, layout: l) where Raster.textWidth(m.label, scale: 1) > 0 {
            r.text(m.label, x: Int(l.px(m.x).rounded()) + 4, y: top + 16, scale: 1, color: .axis)
        }
        // Frame and zero.
        r.horizontal(y: top, from: left, to: right, color: .axis)
        r.horizontal(y: bottom, from: left, to: right, color: .axis)
        r.vertical(x: left, from: top, to: bottom, color: .axis)
        r.vertical(x: right, from: top, to: bottom, color: .axis)
        if l.y.lower < 0 && l.y.upper > 0 {
            r.horizontal(y: Int(l.py(0).rounded()), from: left, to: right, color: .axis)
        }
        // Series.
        for s in chart.series where !s.points.isEmpty {
            r.polyline(s.points.map { (l.px($0.x), l.py($0.y)) }, thickness: 2, color: s.color)
        }
        // Title, axis labels, legend.
        let titleScale = Raster.textWidth(chart.title, scale: 3) <= width - 40 ? 3 : 2
        r.text(chart.title, x: width / 2, y: Int(l.titleY), scale: titleScale, color: .text, anchor: .middle, bold: true)
        r.text(chart.xLabel, x: (left + right) / 2, y: Int(l.xLabelY), scale: 2, color: .text, anchor: .middle)
        r.text(chart.yLabel, x: Int(l.yLabelX) + 7, y: (top + bottom) / 2, scale: 2, color: .text, anchor: .middle, vertical: true)
        for (i, s) in chart.series.enumerated() {
            let y = l.legendY + Double(i) * l.legendRow + 10
            r.polyline([(l.legendX, y), (l.legendX + 28, y)], thickness: 3, color: s.color)
            r.text(s.name, x: Int(l.legendX) + 36, y: Int(y) + 7, scale: 2, color: .text)
        }
        return r
    }

    /// The chart as PNG bytes.
    public func png(_ chart: LineChart) throws -> [UInt8] {
        try PNGEncoder.encode(raster(chart))
    }
}
