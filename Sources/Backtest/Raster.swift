/// An RGB picture in memory, 8 bits a channel, with the few drawing operations the charts
/// need: rectangles, crisp and dashed 1-pixel lines, anti-aliased thick polylines, and text
/// in the ``BitmapFont``.
public struct Raster: Sendable {
    public let width: Int
    public let height: Int
    /// Rows top to bottom, 3 bytes a pixel.
    public private(set) var pixels: [UInt8]

    /// A picture filled with `background`.
    public init(width: Int, height: Int, background: ChartColor = .white) {
        precondition(width > 0 && height > 0, "a picture has pixels")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// The colour at (`x`, `y`).
    public func color(x: Int, y: Int) -> ChartColor {
        let i = (y * width + x) * 3
        return ChartColor(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Mixes `color` into the pixel (`x`, `y`) with opacity `alpha` in 0...1 (outside: nothing).
    public mutating func blend(x: Int, y: Int, color: ChartColor, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let a = min(1, alpha)
        let i = (y * width + x) * 3
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        pixels[i] = mix(pixels[i], color.red)
        pixels[i + 1] = mix(pixels[i + 1], color.green)
        pixels[i + 2] = mix(pixels[i + 2], color.blue)
    }

    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: ChartColor) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) {
                let i = (row * width + column) * 3
                pixels[i] = color.red
                pixels[i + 1] = color.green
                pixels[i + 2] = color.blue
            }
        }
    }

    /// A 1-pixel horizontal line from `x0` to `x1` at row `y`; `dash` pixels on, `dash` off
    /// when `dash` > 0.
    public mutating func horizontal(y: Int, from x0: Int, to x1: Int, color: ChartColor, dash: Int = 0) {
        for x in min(x0, x1)...max(x0, x1) where dash == 0 || (x - x0) / dash % 2 == 0 {
            blend(x: x, y: y, color: color, alpha: 1)
        }
    }

    /// A 1-pixel vertical line (see ``horizontal(y:from:to:color:dash:)``).
    public mutating func vertical(x: Int, from y0: Int, to y1: Int, color: ChartColor, dash: Int = 0) {
        for y in min(y0, y1)...max(y0, y1) where dash == 0 || (y - y0) / dash % 2 == 0 {
            blend(x: x, y: y, color: color, alpha: 1)
        }
    }

    /// An anti-aliased polyline `thickness` pixels wide through `points` (pixel coordinates,
    /// pixel centres at .5); where segments overlap a pixel is covered once.
    public mutating func polyline(_ points: [(x: Double, y: Double)], thickness: Double, color: ChartColor) {
        guard let first = points.first else { return }
        let half = thickness / 2
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
        for p in points {
            minX = min(minX, Int((p.x - half - 1).rounded(.down)))
            maxX = max(maxX, Int((p.x + half + 1).rounded(.up)))
            minY = min(minY, Int((p.y - half - 1).rounded(.down)))
            maxY = max(maxY, Int((p.y + half + 1).rounded(.up)))
        }
        minX = max(0, minX); minY = max(0, minY); maxX = min(width - 1, maxX); maxY = min(height - 1, maxY)
        guard minX <= maxX, minY <= maxY else { return }
        let boxWidth = maxX - minX + 1
        var coverage = [Double](repeating: 0, count: boxWidth * (maxY - minY + 1))
        var previous = first
        for p in points.count == 1 ? points : Array(points.dropFirst()) {
            let (ax, ay, bx, by) = (previous.x, previous.y, p.x, p.y)
            previous = p
            let x0 = max(minX, Int((min(ax, bx) - half - 1).rounded(.down)))
            let x1 = min(maxX, Int((max(ax, bx) + half + 1).rounded(.up)))
            let y0 = max(minY, Int((min(ay, by) - half - 1).rounded(.down)))
            let y1 = min(maxY, Int((max(ay, by) + half + 1).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            let dx = bx - ax, dy = by - ay
            let length2 = dx * dx + dy * dy
            for y in y0...y1 {
                for x in x0...x1 {
                    let cx = Double(x) + 0.5, cy = Double(y) + 0.5
                    let t = length2 > 0 ? max(0, min(1, ((cx - ax) * dx + (cy - ay) * dy) / length2)) : 0
                    let ex = cx - (ax + t * dx), ey = cy - (ay + t * dy)
                    let d = (ex * ex + ey * ey).squareRoot()
                    let c = max(0, min(1, half + 0.5 - d))
                    let k = (y - minY) * boxWidth + (x - minX)
                    if c > coverage[k] { coverage[k] = c }
                }
            }
        }
        for y in minY...maxY {
            for x in minX...maxX {
                let c = coverage[(y - minY) * boxWidth + (x - minX)]
                if c > 0 { blend(x: x, y: y, color: color, alpha: c) }
            }
        }
    }

    /// Where a text goes relative to its position.
    public enum Anchor: Sendable {
        case start, middle, end
    }

    /// The width in pixels of `text` at `scale` (font pixels to picture pixels).
    public static func textWidth(_ text: String, scale: Int) -> Int {
        max(0, text.count * BitmapFont.advance * scale - scale)
    }

    /// Draws `text` with its baseline at `y` (the bottom of capitals), `scale` picture pixels a
    /// font pixel, anchored at `x`; `bold` draws each glyph twice a pixel apart; `vertical`
    /// turns it a quarter to the left (reading upward, `x` the baseline, `y` the anchor).
    public mutating func text(_ text: String, x: Int, y: Int, scale: Int, color: ChartColor, anchor: Anchor = .start,
                              bold: Bool = false, vertical: Bool = false) {
        let length = Self.textWidth(text, scale: scale) + (bold ? 1 : 0)
        let shift = anchor == .start ? 0 : anchor == .middle ? length / 2 : length
        var pen = 0
        for character in text {
            let rows = BitmapFont.glyph(character)
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.width where bits & (1 << UInt8(BitmapFont.width - 1 - column)) != 0 {
                    for b in 0...(bold ? 1 : 0) {
                        // Along the text (u) and down from the top of the glyph (v), in picture pixels.
                        let u = pen + column * scale + b - shift
                        let v = (row - 7) * scale
                        for i in 0..<scale {
                            for j in 0..<scale {
                                if vertical {
                                    blend(x: x + v + j, y: y - u - i, color: color, alpha: 1)
                                } else {
                                    blend(x: x + u + i, y: y + v + j, color: color, alpha: 1)
                                }
                            }
                        }
                    }
                }
            }
            pen += BitmapFont.advance * scale
        }
    }
}
