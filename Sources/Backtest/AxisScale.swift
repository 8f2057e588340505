import Foundation

/// A linear axis with round tick values: 1, 2, 2.5 or 5 times a power of ten between ticks,
/// and the range widened to whole ticks.
public struct AxisScale: Sendable, Equatable {
    public private(set) var lower: Double
    public private(set) var upper: Double
    public private(set) var step: Double
    /// Decimals the tick labels need.
    public private(set) var decimals: Int

    /// A scale covering `lower...upper` with about `ticks` intervals (a flat range is widened
    /// around its value).
    public init(lower: Double, upper: Double, ticks: Int = 6) {
        var lo = lower.isFinite ? lower : 0
        var hi = upper.isFinite ? upper : 1
        if hi < lo { swap(&lo, &hi) }
        if hi - lo < 1e-9 * max(1, abs(hi)) {
            let pad = max(1, abs(hi) * 0.1)
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(max(1, ticks))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        step = nice * magnitude
        self.lower = floor(lo / step + 1e-9) * step
        self.upper = ceil(hi / step - 1e-9) * step
        let digits = -Int(floor(log10(step) + 1e-9))
        decimals = max(0, digits + (nice == 2.5 ? 1 : 0))
    }

    /// The tick values, lower to upper.
    public var ticks: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...n).map { lower + Double($0) * step }
    }

    /// A tick's label: thousands separated by spaces' worth of nothing, just the needed decimals.
    public func label(_ value: Double) -> String {
        let s = String(format: "%.\(decimals)f", abs(value) < step * 1e-6 ? 0 : value)
        return s
    }

    /// `value`'s position in `0...1` of the range.
    public func fraction(_ value: Double) -> Double {
        (value - lower) / (upper - lower)
    }
}
