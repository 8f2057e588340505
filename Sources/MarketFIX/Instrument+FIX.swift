import Market
import FIX

/// FIX decimals <-> the exchange's integer ticks and lots, exactly.
extension Instrument {
    /// A price in ticks as a FIX decimal.
    @inlinable
    public func price(_ ticks: Int64) -> FIXDecimal {
        let (m, s) = tickSize.value(ofSteps: ticks)
        return FIXDecimal(mantissa: m, scale: s)
    }

    /// A quantity in lots as a FIX decimal.
    @inlinable
    public func quantity(_ lots: Int64) -> FIXDecimal {
        let (m, s) = lotSize.value(ofSteps: lots)
        return FIXDecimal(mantissa: m, scale: s)
    }

    /// A FIX price in ticks; nil when it is not on the tick.
    @inlinable
    public func ticks(_ price: FIXDecimal) -> Int64? {
        tickSize.steps(mantissa: price.mantissa, scale: price.scale)
    }

    /// A FIX quantity in lots; nil when it is not a whole number of lots.
    @inlinable
    public func lots(_ quantity: FIXDecimal) -> Int64? {
        lotSize.steps(mantissa: quantity.mantissa, scale: quantity.scale)
    }

    /// The average price of `lots` lots that cost `tickLots` (sum of ticks x lots), with four
    /// more decimals than the tick.
    /// Computed in 128 bits: any price and quantity the venue accepts gives a result (with fewer
    /// decimals when four more would not fit in 64 bits).
    public func averagePrice(tickLots: Int128, lots: Int64) -> FIXDecimal {
        guard lots > 0 else { return FIXDecimal(0) }
        let units = Int128(tickSize.units), n = Int128(lots)
        var extra: Int128 = 10_000
        var digits: Int8 = 4
        while true {
            let scaled = (tickLots * units * extra * 2 + n) / (2 * n)  // rounded half up
            if let mantissa = Int64(exactly: scaled) { return FIXDecimal(mantissa: mantissa, scale: tickSize.scale + digits) }
            if digits == 0 { return FIXDecimal(mantissa: scaled > 0 ? .max : .min, scale: tickSize.scale) }
            extra /= 10
            digits -= 1
        }
    }

    /// See ``averagePrice(tickLots:lots:)-(Int128,_)``.
    public func averagePrice(tickLots: Int64, lots: Int64) -> FIXDecimal {
        averagePrice(tickLots: Int128(tickLots), lots: lots)
    }
}
