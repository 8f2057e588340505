/// What the exchange trades: a symbol with its tick size, lot size, contract multiplier and
/// price band. Inside the exchange a price is a whole number of ticks and a quantity a whole
/// number of lots.
public struct Instrument: Hashable, Sendable {
    public var symbol: String
    /// The price increment.
    public var tickSize: DecimalStep
    /// The quantity increment (one lot).
    public var lotSize: DecimalStep
    /// Currency value of one unit of price for one unit of quantity (1 for spot and linear
    /// perpetuals; 10 for a futures contract on 10 tonnes quoted per tonne).
    public var contractMultiplier: Int64
    /// Where limit prices may be, relative to the reference price.
    public var priceBand: PriceBand

    public init(symbol: String, tickSize: DecimalStep, lotSize: DecimalStep = DecimalStep(units: 1, scale: 0),
                contractMultiplier: Int64 = 1, priceBand: PriceBand = .none) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.contractMultiplier = contractMultiplier
        self.priceBand = priceBand
    }
}

/// The prices a limit order may have.
public enum PriceBand: Hashable, Sendable {
    /// Any positive price.
    case none
    /// Within this many basis points (1/100 of a percent) of the reference price (the last
    /// trade, or the instrument's opening reference before the first trade).
    case basisPoints(Int64)
    /// Between these prices, in ticks.
    case ticks(ClosedRange<Int64>)

    /// Whether `price` (ticks) is inside the band around `reference` (ticks; nil: no reference
    /// yet, only the absolute band applies).
    @inlinable
    public func allows(_ price: Int64, reference: Int64?) -> Bool {
        guard price > 0 else { return false }
        switch self {
        case .none:
            return true
        case .basisPoints(let bp):
            guard let reference else { return true }
            // In 128 bits: a reference price from the wire may be near 2^63.
            let r = Int128(reference), width = r * Int128(bp) / 10_000, p = Int128(price)
            return p >= r - width && p <= r + width
        case .ticks(let range):
            return range.contains(price)
        }
    }
}
