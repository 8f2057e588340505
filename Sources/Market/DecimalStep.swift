/// An exact decimal increment, `units x 10^-scale`: a tick size (0.1 is units 1, scale 1) or a
/// lot size. Prices and quantities inside the exchange are whole numbers of these steps; decimal
/// text and FIX decimals are converted at the edges, exactly, never through `Double`.
public struct DecimalStep: Hashable, Sendable, CustomStringConvertible {
    /// The digits of the step.
    public var units: Int64
    /// How many of them are after the decimal point (0...18).
    public var scale: Int8

    public init(units: Int64, scale: Int8) {
        precondition(units > 0, "a step is positive")
        precondition(scale >= 0 && scale <= 18, "scale out of range")
        self.units = units
        self.scale = scale
    }

    /// The step written as decimal text, such as `0.01` or `5`.
    public init?(_ text: String) {
        guard let (mantissa, scale) = DecimalText.read(text), mantissa > 0 else { return nil }
        self.init(units: mantissa, scale: scale)
    }

    /// The whole number of steps in `mantissa x 10^-scale`; nil when the value is not a
    /// multiple of the step or does not fit.
    @inlinable
    public func steps(mantissa: Int64, scale valueScale: Int8) -> Int64? {
        // The usual case on a feed: the value written at the step's own scale, in whole units
        // of one (a tick of 0.1 and a price of 61800.1): the mantissa is the count, no division.
        if units == 1 && valueScale == scale { return mantissa }
        // A step of one unit and a value written with fewer decimals (a CSV price of 61800 on a
        // tick of 0.1): the mantissa scaled up is the count, no division either.
        if units == 1 && valueScale < scale {
            var m = mantissa
            for _ in 0..<(scale - valueScale) {
                let (r, o) = m.multipliedReportingOverflow(by: 10)
                if o { return nil }
                m = r
            }
            return m
        }
        // Bring both to the larger scale, then divide.
        var m = mantissa
        var u = units
        if valueScale < scale {
            for _ in 0..<(scale - valueScale) {
                let (r, o) = m.multipliedReportingOverflow(by: 10)
                if o { return nil }
                m = r
            }
        } else if valueScale > scale {
            for _ in 0..<(valueScale - scale) {
                let (r, o) = u.multipliedReportingOverflow(by: 10)
                if o { return nil }
                u = r
            }
        }
        let (q, r) = m.quotientAndRemainder(dividingBy: u)
        return r == 0 ? q : nil
    }

    /// The whole number of steps in decimal text (``DecimalText``); nil when the text is not a
    /// decimal or not a multiple of the step.
    public func steps(_ text: some StringProtocol) -> Int64? {
        guard let (m, s) = DecimalText.read(text) else { return nil }
        return steps(mantissa: m, scale: s)
    }

    /// `count` steps as (mantissa, scale) at this step's scale.
    @inlinable
    public func value(ofSteps count: Int64) -> (mantissa: Int64, scale: Int8) {
        (count &* units, scale)
    }

    /// `count` steps as decimal text at this step's scale (`618003` ticks of 0.1: `61800.3`).
    public func text(ofSteps count: Int64) -> String {
        let (m, s) = value(ofSteps: count)
        guard s > 0 else { return String(m) }
        let digits = String(m.magnitude)
        let padded = String(repeating: "0", count: max(0, Int(s) + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -Int(s))
        return (m < 0 ? "-" : "") + padded[..<cut] + "." + padded[cut...]
    }

    public var description: String { text(ofSteps: 1) }
}
