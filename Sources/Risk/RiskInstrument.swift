import Market
/// An instrument as the risk gate sees it: how much one lot is worth per tick, its limits, its
/// net-position stop and its margin model.
///
/// Money inside Risk is `Double` in currency units (the quote currency): values of positions,
/// notionals, equity and margins are products of prices and rates that need no exact sums, and a
/// `Double` keeps the checks branch-light. Exact accounting stays with ``Money`` elsewhere.
public struct RiskInstrument: Sendable {
    /// The symbol, for logs.
    public var symbol: String
    /// Currency value of one lot at a price of one tick (tick size x lot size x contract
    /// multiplier): a position of `q` lots at `p` ticks is worth `q x p x valuePerTickLot`.
    public var valuePerTickLot: Double
    /// The pre-trade limits.
    public var limits: RiskLimits
    /// The net-position stop's limit and restart threshold.
    public var stop: NetPositionStop.Configuration
    /// The dynamic margin model's parameters.
    public var margin: MarginModel.Configuration
    /// The group it belongs to: an index into ``RiskGate/Configuration/groups`` (nil: none).
    public var group: Int?

    /// An instrument with its value per tick and lot given directly.
    public init(symbol: String, valuePerTickLot: Double, limits: RiskLimits = .unlimited,
                stop: NetPositionStop.Configuration = .init(), margin: MarginModel.Configuration = .init(),
                group: Int? = nil) {
        self.symbol = symbol
        self.valuePerTickLot = valuePerTickLot
        self.limits = limits
        self.stop = stop
        self.margin = margin
        self.group = group
    }

    /// The risk view of an exchange ``Instrument``: the value per tick and lot is its tick size
    /// x lot size x contract multiplier (BTCUSDT with tick 0.1 and lot 0.001: 0.0001 USDT).
    public init(_ instrument: Instrument, limits: RiskLimits = .unlimited,
                stop: NetPositionStop.Configuration = .init(), margin: MarginModel.Configuration = .init(),
                group: Int? = nil) {
        let value = Self.value(instrument.tickSize) * Self.value(instrument.lotSize)
            * Double(instrument.contractMultiplier)
        self.init(symbol: instrument.symbol, valuePerTickLot: value, limits: limits, stop: stop, margin: margin, group: group)
    }

    /// A decimal step as a `Double` (units / 10^scale, one rounding).
    static func value(_ step: DecimalStep) -> Double {
        var power = 1.0
        for _ in 0..<Int(step.scale) { power *= 10 }
        return Double(step.units) / power
    }
}
