/// How far a limit price may be from the reference price.
public enum PriceCollar: Hashable, Sendable {
    /// No collar.
    case unlimited
    /// |price - reference| <= this many ticks.
    case ticks(Int64)
    /// |price - reference| <= this fraction of the reference price (0.01 is 1%).
    case fraction(Double)

    /// Whether a limit price of `price` ticks is inside the collar around `reference` ticks.
    /// False for a NaN fraction (fail closed).
    @inlinable
    public func allows(_ price: Int64, reference: Int64) -> Bool {
        // In Double: exact below 2^53 ticks, and no overflow trap for absurd prices.
        let deviation = abs(Double(price) - Double(reference))
        switch self {
        case .unlimited:
            return true
        case .ticks(let ticks):
            return deviation <= Double(ticks)
        case .fraction(let fraction):
            return deviation <= fraction * Double(reference)
        }
    }
}
