/// Everything the policies look at for one order: the state of the order's instrument, of the
/// account and of the gate, as scalars (no arrays, so building and reading it costs nothing).
///
/// The ``RiskGate`` builds it from the state it keeps, for the order's instrument at `now`.
/// It is public so that a policy can be tested, or the checks run, on a state built by hand.
public struct RiskContext: Sendable {
    /// The time of the check, nanoseconds since the epoch.
    public var now: Int64
    /// Whether the kill switch is engaged.
    public var killSwitchEngaged: Bool
    /// The account's trading state.
    public var tradingState: TradingState
    /// The instrument's limits.
    public var limits: RiskLimits
    /// Most open orders in the whole account.
    public var maxOpenOrdersTotal: Int
    /// The instrument's position and open orders before the order.
    public var exposure: InstrumentExposure
    /// Open orders in the whole account before the order (every kind: an IOC or market order
    /// counts until it ends).
    public var openOrdersTotal: Int
    /// The instrument's reference price in ticks (0 or less: none yet).
    public var reference: Int64
    /// Currency value of one lot at one tick (see ``RiskInstrument/valuePerTickLot``).
    public var valuePerTickLot: Double
    /// The sides the net-position stop lets quote (both when it is not engaged).
    public var stopSides: QuoteSides
    /// Whether the message throttle has room for one more message now.
    public var throttleAllows: Bool
    /// The account's net value (equity) in currency units; NaN when unknown.
    public var equity: Double
    /// The instrument's initial-margin rate (a fraction of notional).
    public var marginRate: Double
    /// The initial margin of every other instrument (position plus open orders), currency units.
    public var otherMargin: Double
    /// The worst-case position values of every other instrument, summed (currency units): with
    /// the order's instrument's, the account's gross exposure.
    public var otherGross: Double
    /// The fraction of equity from which shares of gross exposure are checked.
    public var grossShareFloor: Double
    /// The instrument's group and the worst-case position values of its other instruments,
    /// summed (nil and 0: no group).
    public var group: RiskGroup?
    public var groupOther: Double
    /// This engine's share of the firm's limits (``FirmAllowance``): the instrument's worst-case
    /// lots, and its group's worst-case value; infinity: no firm limit.
    public var firmLots: Double
    public var firmGroupValue: Double

    /// A context with every field given; the defaults describe a flat account with no limit, no
    /// stop, room in the throttle, an active trading state and no margin.
    public init(now: Int64 = 0, killSwitchEngaged: Bool = false, tradingState: TradingState = .active,
                limits: RiskLimits = .unlimited, maxOpenOrdersTotal: Int = .max,
                exposure: InstrumentExposure = InstrumentExposure(), openOrdersTotal: Int = 0,
                reference: Int64, valuePerTickLot: Double = 1, stopSides: QuoteSides = .both,
                throttleAllows: Bool = true, equity: Double, marginRate: Double = 0, otherMargin: Double = 0,
                otherGross: Double = 0, grossShareFloor: Double = 0.1, group: RiskGroup? = nil, groupOther: Double = 0,
                firmLots: Double = .infinity, firmGroupValue: Double = .infinity) {
        self.now = now
        self.killSwitchEngaged = killSwitchEngaged
        self.tradingState = tradingState
        self.limits = limits
        self.maxOpenOrdersTotal = maxOpenOrdersTotal
        self.exposure = exposure
        self.openOrdersTotal = openOrdersTotal
        self.reference = reference
        self.valuePerTickLot = valuePerTickLot
        self.stopSides = stopSides
        self.throttleAllows = throttleAllows
        self.equity = equity
        self.marginRate = marginRate
        self.otherMargin = otherMargin
        self.otherGross = otherGross
        self.grossShareFloor = grossShareFloor
        self.group = group
        self.groupOther = groupOther
        self.firmLots = firmLots
        self.firmGroupValue = firmGroupValue
    }

    /// The price the checks use for `order`, in ticks: its limit price, or the reference price
    /// for a market order.
    @inlinable
    public func effectivePrice(of order: RiskOrder) -> Int64 {
        order.kind == .market ? reference : order.price
    }

    /// Currency value of one lot at the reference price.
    @inlinable
    public var lotValue: Double { Double(reference) * valuePerTickLot }

    /// Whether `order` only reduces the position (see ``InstrumentExposure/reduces(_:quantity:)``).
    @inlinable
    public func reduces(_ order: RiskOrder) -> Bool {
        exposure.reduces(order.side, quantity: order.quantity)
    }

    /// The lots the order adds to the open quantity of its side: its quantity, less the
    /// replaced order's open quantity for a replace.
    @inlinable
    public func addedLots(_ order: RiskOrder) -> Double {
        Double(order.quantity) - Double(order.replacing?.quantity ?? 0)
    }

    /// Whether the account's equity is usable: finite and positive.
    @inlinable
    public var equityIsValid: Bool { equity.isFinite && equity > 0 }
}
