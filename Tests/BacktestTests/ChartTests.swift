import MarketData
import CZlib
import Foundation
import Testing
@testable import Backtest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The chart writers: SVG that parses, with its title, axis labels and legend; PNG with a
/// valid layout that inflates back to a picture with something drawn; the report's files.
struct ChartTests {
    static let chart = LineChart(
        title: "Cumulative trading profit, with the stop at 50 lots", xLabel: "trading time, hours", yLabel: "trading profit (USDT)",
        series: [ChartSeries(name: "Rc 0.5", color: ChartColor.palette[0], points: (0...50).map { ChartPoint(x: Double($0) / 10, y: sin(Double($0) / 5) * 120) }),
                 ChartSeries(name: "Rc 0.9", color: ChartColor.palette[1], points: (0...50).map { ChartPoint(x: Double($0) / 10, y: Double($0) * 3 - 40) })],
        markers: [ChartMarker(x: 2.5, label: "2024-01-03")])

    /// The text of every element of an SVG document, by element name.
    final class Texts: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var texts: [String] = []
        private var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(name)
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" || name == "title" { texts.append(current) }
            current = ""
        }
    }

    /// Charts of thinned series (8 points a run) still reach the extremes the tables report:
    /// the largest |net position| and the largest intraday loss, and the lowest and highest
    /// profit of the run.
    @Test func chartsKeepTheTablesExtremes() throws {
        var settings = TestData.feeSettings(stop: nil, rcs: [0.5])
        settings.seriesCapacity = 8
        let market = TestData.synthetic(days: 2, eventsPerDay: 20_000)
        let results = try BacktestSweep(settings: settings, jobs: 1).run { SyntheticMarket(market) }
        let result = try #require(results.first)
        #expect(result.series.count <= 8)
        let charts = StudyCharts(results: results, symbol: "SYNTH").charts
        func highest(_ name: String) throws -> Double {
            try #require(charts.first { $0.name == name }).chart.series.flatMap(\.points).map(\.y).max()!
        }
        #expect(try highest("max-position-without-stop") == Double(result.figures.maxNetPosition))
        #expect(try highest("max-loss-without-stop") == result.figures.maxIntradayLoss)
        // The same run with room for a million points: the profit chart's lowest and highest
        // values are the same.
        var full = settings
        full.seriesCapacity = 1 << 20
        let fine = try #require(try BacktestSweep(settings: full, jobs: 1).run { SyntheticMarket(market) }.first)
        let profits = fine.series.flatMap { [$0.profitRange.low, $0.profitRange.high] }
        let chart = try #require(charts.first { $0.name == "profit-without-stop" }).chart.series.flatMap(\.points).map(\.y)
        #expect(chart.max() == profits.max() && chart.min() == profits.min())
    }

    @Test func svgIsWellFormedAndLabelled() throws {
        let svg = SVGChartWriter().svg(Self.chart)
        let parser = XMLParser(data: Data(svg.utf8))
        let texts = Texts()
        parser.delegate = texts
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(texts.elements.first == "svg")
        #expect(texts.elements.filter { $0 == "polyline" }.count == 2)
        for label in [Self.chart.title, "trading time, hours", "trading profit (USDT)", "Rc 0.5", "Rc 0.9", "2024-01-03"] {
            #expect(texts.texts.contains(label), "missing \(label)")
        }
        // Round tick labels on both axes.
        #expect(texts.texts.contains("0") && texts.texts.contains("5"))
    }

    @Test func axisTicksAreRound() {
        let a = AxisScale(lower: -123.4, upper: 987.6, ticks: 6)
        #expect(a.step == 200 && a.lower == -200 && a.upper == 1_000)
        #expect(a.ticks.map(a.label) == ["-200", "0", "200", "400", "600", "800", "1000"])
        let b = AxisScale(lower: 0, upper: 0.37, ticks: 6)
        #expect(b.step == 0.1 && b.label(0.3) == "0.3")
        let flat = AxisScale(lower: 0, upper: 0)
        #expect(flat.lower < 0 && flat.upper > 0)
    }

    /// PNG chunks: (type, data), each checked against its CRC.
    static func chunks(_ png: [UInt8]) throws -> [(type: String, data: [UInt8])] {
        var out: [(String, [UInt8])] = []
        var i = 8
        func u32(_ at: Int) -> Int { Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3]) }
        while i < png.count {
            let length = u32(i)
            let body = Array(png[(i + 4)..<(i + 8 + length)])
            let crc = UInt32(u32(i + 8 + length))
            let computed = body.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            #expect(crc == computed, "bad CRC")
            out.append((String(decoding: body.prefix(4), as: UTF8.self), Array(body.dropFirst(4))))
            i += 12 + length
        }
        return out
    }

    @Test func pngDecodes() throws {
        let png = try PNGChartWriter(width: 800, height: 450).png(Self.chart)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let chunks = try Self.chunks(png)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        let ihdr = chunks[0].data
        let width = Int(ihdr[0]) << 24 | Int(ihdr[1]) << 16 | Int(ihdr[2]) << 8 | Int(ihdr[3])
        let height = Int(ihdr[4]) << 24 | Int(ihdr[5]) << 16 | Int(ihdr[6]) << 8 | Int(ihdr[7])
        #expect(width == 800 && height == 450)
        #expect(Array(ihdr[8...12]) == [8, 2, 0, 0, 0])
        // Inflate the scanlines back.
        var raw = [UInt8](repeating: 0, count: (width * 3 + 1) * height)
        var length = uLongf(raw.count)
        let idat = chunks[1].data
        let status = raw.withUnsafeMutableBufferPointer { out in
            idat.withUnsafeBufferPointer { uncompress(out.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        #expect(status == Z_OK)
        #expect(Int(length) == raw.count)
        let stride = width * 3 + 1
        #expect((0..<height).allSatisfy { raw[$0 * stride] == 0 })
        func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let i = y * stride + 1 + x * 3
            return (raw[i], raw[i + 1], raw[i + 2])
        }
        // The corner is background; the title band has dark text; both series' colours are there.
        #expect(pixel(0, 0) == (255, 255, 255))
        var titleDark = 0
        for y in 20..<42 {
            for x in 0..<width {
                let p = pixel(x, y)
                if p.0 < 100 && p.1 < 100 && p.2 < 100 { titleDark += 1 }
            }
        }
        #expect(titleDark > 500)
        var colours = Set<String>()
        for y in 0..<height {
            for x in 0..<width {
                let p = pixel(x, y)
                for c in ChartColor.palette.prefix(2) where p == (c.red, c.green, c.blue) { colours.insert(c.hex) }
            }
        }
        #expect(colours.count == 2)
    }

    @Test func everyCharacterOfTheLabelsHasAGlyph() {
        let text = "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz .,:;-+()/%|_='[]<>!?#&*"
        #expect(text.allSatisfy(BitmapFont.has))
        #expect(BitmapFont.glyph("8") != BitmapFont.glyph("0"))
    }

    @Test func theReportHasEveryFile() throws {
        let settings = TestData.feeSettings(stop: 10, rcs: [0.5, 0.9])
        let market = TestData.synthetic(days: 2, eventsPerDay: 800)
        let results = try BacktestSweep(settings: settings, jobs: 2).run { SyntheticMarket(market) }
        let document = BacktestDocument(description: "test", settings: settings, results: results,
                                        performance: BacktestPerformance(results: results, seconds: 1, jobs: 2), withSeries: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try StudyReport(document: document).write(to: directory.path)
        for kind in ["profit", "fees", "max-position", "max-loss"] {
            for stop in ["with", "without"] {
                #expect(files.contains("\(kind)-\(stop)-stop.svg") && files.contains("\(kind)-\(stop)-stop.png"))
            }
        }
        #expect(files.contains("index.html") && files.contains("summary.json"))
        let html = try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<img src=\"profit-with-stop.svg\""))
        #expect(html.contains("mean of 2 days"))
        let json = try JSONDecoder().decode(BacktestDocument.self, from: Data(contentsOf: directory.appendingPathComponent("summary.json")))
        #expect(json == document)
    }
}
