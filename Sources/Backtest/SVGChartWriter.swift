/// Draws a ``LineChart`` as an SVG document: white background, grid, axes with round ticks,
/// the title, axis labels, dashed day markers, one polyline per series and a legend.
public struct SVGChartWriter: Sendable {
    public var width: Double
    public var height: Double

    public init(width: Double = 1200, height: Double = 675) {
        self.width = width
        self.height = height
    }

    /// The SVG text of `chart`.
    public func svg(_ chart: LineChart) -> String {
        let l = ChartLayout(chart: chart, width: width, height: height)
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <title>\(escape(chart.title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>

            """
        // Grid and ticks.
        out += "<g stroke=\"\(ChartColor.grid.hex)\" stroke-width=\"1\">\n"
        for t in l.y.ticks { out += "<line x1=\"\(n(l.plotLeft))\" y1=\"\(n(l.py(t)))\" x2=\"\(n(l.plotRight))\" y2=\"\(n(l.py(t)))\"/>\n" }
        for t in l.x.ticks { out += "<line x1=\"\(n(l.px(t)))\" y1=\"\(n(l.plotTop))\" x2=\"\(n(l.px(t)))\" y2=\"\(n(l.plotBottom))\"/>\n" }
        out += "</g>\n"
        out += "<g fill=\"\(ChartColor.text.hex)\" font-size=\"\(n(ChartLayout.tickSize))\">\n"
        for t in l.y.ticks {
            out += "<text x=\"\(n(l.plotLeft - 8))\" y=\"\(n(l.py(t) + 5))\" text-anchor=\"end\">\(l.y.label(t))</text>\n"
        }
        for t in l.x.ticks {
            out += "<text x=\"\(n(l.px(t)))\" y=\"\(n(l.plotBottom + 22))\" text-anchor=\"middle\">\(l.x.label(t))</text>\n"
        }
        out += "</g>\n"
        // Day markers.
        if !chart.markers.isEmpty {
            out += "<g stroke=\"\(ChartColor.marker.hex)\" stroke-width=\"1\" stroke-dasharray=\"5,4\">\n"
            for m in chart.markers { out += "<line x1=\"\(n(l.px(m.x)))\" y1=\"\(n(l.plotTop))\" x2=\"\(n(l.px(m.x)))\" y2=\"\(n(l.plotBottom))\"/>\n" }
            out += "</g>\n<g fill=\"\(ChartColor.axis.hex)\" font-size=\"12\">\n"
            for m in visibleMarkers(chart.markers, layout: l) {
                out += "<text x=\"\(n(l.px(m.x) + 4))\" y=\"\(n(l.plotTop + 14))\">\(escape(m.label))</text>\n"
            }
            out += "</g>\n"
        }
        // Axes: the frame, and zero when it is inside.
        out += "<rect x=\"\(n(l.plotLeft))\" y=\"\(n(l.plotTop))\" width=\"\(n(l.plotRight - l.plotLeft))\" "
            + "height=\"\(n(l.plotBottom - l.plotTop))\" fill=\"none\" stroke=\"\(ChartColor.axis.hex)\" stroke-width=\"1\"/>\n"
        if l.y.lower < 0 && l.y.upper > 0 {
            out += "<line x1=\"\(n(l.plotLeft))\" y1=\"\(n(l.py(0)))\" x2=\"\(n(l.plotRight))\" y2=\"\(n(l.py(0)))\" "
                + "stroke=\"\(ChartColor.axis.hex)\" stroke-width=\"1.2\"/>\n"
        }
        // Series.
        for s in chart.series where !s.points.isEmpty {
            let points = s.points.map { "\(n(l.px($0.x))),\(n(l.py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color.hex)\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"\(points)\"/>\n"
        }
        // Title and axis labels.
        out += "<text x=\"\(n(width / 2))\" y=\"\(n(l.titleY))\" text-anchor=\"middle\" font-size=\"\(n(ChartLayout.titleSize))\" "
            + "font-weight=\"bold\" fill=\"\(ChartColor.text.hex)\">\(escape(chart.title))</text>\n"
        out += "<text x=\"\(n((l.plotLeft + l.plotRight) / 2))\" y=\"\(n(l.xLabelY))\" text-anchor=\"middle\" "
            + "font-size=\"\(n(ChartLayout.labelSize))\" fill=\"\(ChartColor.text.hex)\">\(escape(chart.xLabel))</text>\n"
        let cy = (l.plotTop + l.plotBottom) / 2
        out += "<text x=\"\(n(l.yLabelX))\" y=\"\(n(cy))\" text-anchor=\"middle\" font-size=\"\(n(ChartLayout.labelSize))\" "
            + "fill=\"\(ChartColor.text.hex)\" transform=\"rotate(-90 \(n(l.yLabelX)) \(n(cy)))\" dominant-baseline=\"middle\">"
            + "\(escape(chart.yLabel))</text>\n"
        // Legend.
        out += "<g font-size=\"\(n(ChartLayout.labelSize))\" fill=\"\(ChartColor.text.hex)\">\n"
        for (i, s) in chart.series.enumerated() {
            let y = l.legendY + Double(i) * l.legendRow + 10
            out += "<line x1=\"\(n(l.legendX))\" y1=\"\(n(y))\" x2=\"\(n(l.legendX + 28))\" y2=\"\(n(y))\" stroke=\"\(s.color.hex)\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(n(l.legendX + 36))\" y=\"\(n(y + 5))\">\(escape(s.name))</text>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// The markers whose labels fit without overlapping the previous one.
    func visibleMarkers(_ markers: [ChartMarker], layout l: ChartLayout) -> [ChartMarker] {
        var shown: [ChartMarker] = []
        var free = -Double.infinity
        for m in markers {
            let x = l.px(m.x)
            guard x >= free, x + 4 + Double(m.label.count) * 7.5 <= l.plotRight else { continue }
            shown.append(m)
            free = x + 8 + Double(m.label.count) * 7.5
        }
        return shown
    }

    private func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    private func escape(_ text: String) -> String {
        var s = ""
        for c in text {
            switch c {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"": s += "&quot;"
            default: s.append(c)
            }
        }
        return s
    }
}
