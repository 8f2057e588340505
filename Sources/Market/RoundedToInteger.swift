extension Double {
    /// `Int64(rounded())`: the nearest whole number, halves away from zero, without the call
    /// to the C library that `rounded()` makes on targets without a rounding instruction. The
    /// same result for every value, and the same trap for NaN, infinities and values out of
    /// `Int64`'s range.
    ///
    /// The conversion truncates toward zero; the part it drops is exact in a `Double` (below
    /// 2^52 the fraction of a value is representable, above it every value is whole), so one
    /// comparison with 0.5 says which way to round.
    @inlinable
    public var roundedToInt64: Int64 {
        let whole = Int64(self)
        let fraction = self - Double(whole)
        return fraction >= 0.5 ? whole + 1 : fraction <= -0.5 ? whole - 1 : whole
    }
}
