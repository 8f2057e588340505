import Exchange
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
    public func averagePrice(tickLots: Int64, lots: Int64) -> FIXDecimal {
        guard lots > 0 else { return FIXDecimal(0) }
        let extra: Int64 = 10_000
        let scaled = (tickLots * tickSize.units * extra * 2 + lots) / (2 * lots)  // rounded half up
        return FIXDecimal(mantissa: scaled, scale: tickSize.scale + 4)
    }
}
