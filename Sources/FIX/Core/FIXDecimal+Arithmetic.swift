/// Exact sums and products of FIX decimals (for fees and notionals); nil when a result does not
/// fit 18 digits after the point and a 64-bit mantissa.
extension FIXDecimal {
    /// `self + other`, exactly.
    public func adding(_ other: FIXDecimal) -> FIXDecimal? {
        let s = max(scale, other.scale)
        guard let a = rescaled(to: s), let b = other.rescaled(to: s) else { return nil }
        let (m, o) = a.mantissa.addingReportingOverflow(b.mantissa)
        return o ? nil : FIXDecimal(mantissa: m, scale: s).normalized
    }

    /// `self - other`, exactly.
    public func subtracting(_ other: FIXDecimal) -> FIXDecimal? {
        adding(FIXDecimal(mantissa: -other.mantissa, scale: other.scale))
    }

    /// `self x other`, exactly.
    public func multiplied(by other: FIXDecimal) -> FIXDecimal? {
        var m = Int128(mantissa) * Int128(other.mantissa)
        var s = Int(scale) + Int(other.scale)
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        guard s <= Int(FIXDecimal.maxScale), let fit = Int64(exactly: m) else { return nil }
        return FIXDecimal(mantissa: fit, scale: Int8(s))
    }

    /// The value with its trailing zeros dropped, as text (`1.500` -> `1.5`).
    public var plain: String { normalized.description }
}
