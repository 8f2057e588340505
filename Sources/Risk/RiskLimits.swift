/// The per-instrument limits of the pre-trade checks. The defaults are no limit; a NaN limit
/// denies every order it is compared with (fail closed).
public struct RiskLimits: Hashable, Sendable {
    /// Largest quantity of one order, in lots.
    public var maxOrderQuantity: Int64
    /// Largest notional of one order (quantity x price, or x the reference for a market order),
    /// in currency units.
    public var maxOrderNotional: Double
    /// How far a limit price may be from the reference price.
    public var collar: PriceCollar
    /// Most open orders on this instrument, both sides together. Only a new limit order needs
    /// room under it; IOC and market orders count while they are open but are never refused by it.
    public var maxOpenOrders: Int
    /// Largest worst-case position value on this instrument, as a fraction of the account's net
    /// value (equity): 0.2 allows 20% of equity.
    public var maxConcentration: Double
    /// Largest worst-case position value on this instrument, as a fraction of the account's
    /// gross exposure (the worst-case position values of every instrument, summed): 0.4 allows
    /// 40%. It applies once the gross exposure is at least
    /// ``RiskGate/Configuration/grossShareFloor`` of equity (the first position of a flat account
    /// is all of its gross exposure).
    public var maxGrossShare: Double

    /// Limits as given; every one defaults to no limit.
    public init(maxOrderQuantity: Int64 = .max, maxOrderNotional: Double = .infinity,
                collar: PriceCollar = .unlimited, maxOpenOrders: Int = .max,
                maxConcentration: Double = .infinity, maxGrossShare: Double = .infinity) {
        self.maxOrderQuantity = maxOrderQuantity
        self.maxOrderNotional = maxOrderNotional
        self.collar = collar
        self.maxOpenOrders = maxOpenOrders
        self.maxConcentration = maxConcentration
        self.maxGrossShare = maxGrossShare
    }

    /// No limit at all.
    public static let unlimited = RiskLimits()
}
