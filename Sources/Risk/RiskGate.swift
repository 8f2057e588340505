import Market
/// The pre-trade risk gate: every outgoing order and cancel/replace of the market maker passes
/// ``check(_:at:)`` before it is sent.
///
/// **State.** The gate owns the risk state and the engine keeps it current through methods:
/// reference prices and margin bars (``updatePrice(instrument:price:at:)``), equity
/// (``setEquity(_:)``), fills (``recordFill(instrument:side:quantity:orderDone:)``), orders that
/// end (``recordOrderEnded(instrument:side:leaves:)``, ``recordRejected(_:)``), and, to
/// reconcile, ``setPosition(instrument:position:)`` and ``setOpenOrders(instrument:side:count:quantity:)``.
/// An approved order counts as open from the moment it is approved. Per instrument it keeps an
/// ``InstrumentExposure``, a reference price, a ``MarginModel`` and a ``NetPositionStop``; for
/// the account, the equity, the ``MessageThrottle``, the ``KillSwitch`` and the ``TradingState``.
///
/// **Checks.** ``check(_:at:)`` builds a ``RiskContext`` for the order and runs the policies in
/// order; the first denial wins. Then, only when every policy passed, the gate uses a message of
/// the throttle and adds the order to the open orders. Fail closed: an unknown instrument, a
/// missing reference, equity unknown (the initial state) or not positive, NaN anywhere, or an
/// overflow deny the order. ``RiskPolicies/standard`` is the full set; a gate without account
/// data uses a ``RiskPolicies/custom(_:)`` list without ``ConcentrationPolicy`` and ``MarginPolicy``.
///
/// **Denials** are counted per reason (``denials(_:)``, an array indexed by the reason's code)
/// and the last few kept with the order for the engine to log (``recentDenials``).
///
/// The approve path allocates nothing; neither does the deny path (the log's ring is reserved
/// up front). One gate belongs to one event loop: it is a value, mutated in place, with no locks.
public struct RiskGate: Sendable {
    /// The account-wide settings.
    public struct Configuration: Sendable {
        /// Most open orders in the whole account (a new limit order needs room).
        public var maxOpenOrdersTotal: Int
        /// The venue's message rate limit.
        public var throttle: MessageThrottle
        /// Denials kept for the log.
        public var denialLogCapacity: Int
        /// The checks, in the order they run.
        public var policies: RiskPolicies
        /// The groups of instruments (``RiskInstrument/group`` indexes this list).
        public var groups: [RiskGroup]
        /// The shares of gross exposure (``RiskLimits/maxGrossShare``,
        /// ``RiskGroup/maxGrossShare``) are checked once the gross exposure after the order is at
        /// least this fraction of equity: below it, a first position would be all of the gross.
        public var grossShareFloor: Double

        /// Settings as given: by default no open-order or rate limit, 64 denials kept, the
        /// standard policies, no groups, shares of gross exposure from 10% of equity.
        public init(maxOpenOrdersTotal: Int = .max, throttle: MessageThrottle = .unlimited,
                    denialLogCapacity: Int = 64, policies: RiskPolicies = .standard, groups: [RiskGroup] = [],
                    grossShareFloor: Double = 0.1) {
            self.maxOpenOrdersTotal = maxOpenOrdersTotal
            self.throttle = throttle
            self.denialLogCapacity = denialLogCapacity
            self.policies = policies
            self.groups = groups
            self.grossShareFloor = grossShareFloor
        }
    }

    /// Every check, in the order the gate runs them: kill switch, trading state, validity of
    /// the order and its data, order quantity, order notional, price collar, open orders,
    /// net-position stop, throttle, firm limits, concentration, margin. ``RiskPolicies/standard`` runs
    /// these, statically dispatched; this list is for building a ``RiskPolicies/custom(_:)`` one.
    public static let standardPolicies: [any RiskPolicy] = [
        KillSwitchPolicy(),
        TradingStatePolicy(),
        OrderValidityPolicy(),
        MaxOrderQuantityPolicy(),
        MaxOrderNotionalPolicy(),
        PriceCollarPolicy(),
        MaxOpenOrdersPolicy(),
        NetPositionStopPolicy(),
        ThrottlePolicy(),
        FirmLimitPolicy(),
        ConcentrationPolicy(),
        MarginPolicy(),
    ]

    /// The instruments; an order's ``RiskOrder/instrument`` is an index into this list.
    public let instruments: [RiskInstrument]
    /// The policies, in order.
    public let policies: RiskPolicies
    /// Most open orders in the account.
    public let maxOpenOrdersTotal: Int

    // Per-instrument configuration, flat for the hot path.
    private let limits: [RiskLimits]
    private let valuePerTickLot: [Double]
    /// Each instrument's group index (-1: none), and the groups.
    private let groupOf: [Int]
    public let groups: [RiskGroup]
    private let grossShareFloor: Double

    /// Position and open orders per instrument.
    public private(set) var exposures: [InstrumentExposure]
    /// Reference price per instrument, in ticks (0: none yet).
    public private(set) var references: [Int64]
    /// The margin model per instrument.
    public private(set) var margins: [MarginModel]
    /// Rates from a margin service, used instead of ``margins`` when set (the models still
    /// record prices, for their reports).
    public var marginSource: (any MarginRateSource)?
    /// This engine's share of the firm's limits, when it trades under them (nil: no firm limit).
    public var firmAllowance: (any FirmAllowance)?
    /// The net-position stop per instrument.
    public private(set) var stops: [NetPositionStop]
    /// Open orders in the account (all instruments, both sides).
    public private(set) var openOrdersTotal: Int = 0
    /// The account's net value in currency units; NaN until ``setEquity(_:)`` (which fails closed).
    public private(set) var equity: Double = .nan
    /// The message throttle.
    public private(set) var throttle: MessageThrottle
    /// The kill switch.
    public private(set) var killSwitch = KillSwitch()
    /// The trading state.
    public private(set) var tradingState: TradingState = .active
    /// Orders approved.
    public private(set) var approvals: UInt64 = 0
    private var denialCounts: [UInt64]
    private var denialLog: DenialLog

    /// A gate for `instruments` with `configuration`, in the active state, kill switch released,
    /// flat, no reference prices and no equity yet.
    public init(instruments: [RiskInstrument], configuration: Configuration = Configuration()) {
        self.instruments = instruments
        policies = configuration.policies
        maxOpenOrdersTotal = configuration.maxOpenOrdersTotal
        precondition(instruments.allSatisfy { $0.group.map { configuration.groups.indices.contains($0) } ?? true },
                     "an instrument's group must be one of the configuration's groups")
        groupOf = instruments.map { $0.group ?? -1 }
        groups = configuration.groups
        grossShareFloor = configuration.grossShareFloor
        limits = instruments.map(\.limits)
        valuePerTickLot = instruments.map(\.valuePerTickLot)
        exposures = Array(repeating: InstrumentExposure(), count: instruments.count)
        references = Array(repeating: 0, count: instruments.count)
        margins = instruments.map { MarginModel($0.margin) }
        stops = instruments.map { NetPositionStop($0.stop) }
        throttle = configuration.throttle
        denialCounts = Array(repeating: 0, count: RiskReason.maxCode + 1)
        denialLog = DenialLog(capacity: configuration.denialLogCapacity)
    }

    // MARK: - The check

    /// Checks `order` at `now` (nanoseconds since the epoch). When approved, the order counts as
    /// open and uses one message of the throttle; when denied, nothing changes but the denial
    /// counters and log (and a margin model found stale, which enters safe mode either way).
    public mutating func check(_ order: RiskOrder, at now: Int64) -> RiskDecision {
        guard order.instrument >= 0, order.instrument < exposures.count else {
            return deny(.unknownInstrument, order, at: now)
        }
        let context = context(for: order, at: now)
        if case .deny(let reason) = policies.evaluate(order, in: context) {
            return deny(reason, order, at: now)
        }
        guard open(order) else { return deny(.calculationFailed, order, at: now) }
        throttle.consume(at: now)
        approvals &+= 1
        return .approved
    }

    /// What the policies see for `order` at `now` (whose instrument must be one of the gate's).
    /// Mutating only because asking a margin model for its rate may put it in safe mode.
    public mutating func context(for order: RiskOrder, at now: Int64) -> RiskContext {
        let index = order.instrument
        let group = groupOf[index]
        var ownRate = Double.nan
        var otherMargin = 0.0, otherGross = 0.0, groupOther = 0.0
        // Every instrument's margin rate (asking may put a model in safe mode), and the others'
        // worst-case values: one pass over flat buffers, without bounds checks (all the arrays
        // have one element an instrument).
        let exposures = self.exposures, references = self.references, valuePerTickLot = self.valuePerTickLot
        let groupOf = self.groupOf, source = marginSource
        margins.withUnsafeMutableBufferPointer { models in
            exposures.withUnsafeBufferPointer { exposures in
                references.withUnsafeBufferPointer { references in
                    valuePerTickLot.withUnsafeBufferPointer { valuePerTickLot in
                        groupOf.withUnsafeBufferPointer { groupOf in
                            for j in 0..<models.count {
                                let r = source?.rate(instrument: j, at: now) ?? models[j].rate(at: now)
                                if j == index {
                                    ownRate = r
                                    continue
                                }
                                let lots = exposures[j].worstCaseLots
                                guard lots != 0 else { continue }
                                let reference = references[j]
                                // Exposure that cannot be valued makes the margin and the shares
                                // unknown: the checks fail closed.
                                let value = reference > 0 ? lots * Double(reference) * valuePerTickLot[j] : .nan
                                otherMargin += r * value
                                otherGross += value
                                if group >= 0 && groupOf[j] == group { groupOther += value }
                            }
                        }
                    }
                }
            }
        }
        return RiskContext(
            now: now,
            killSwitchEngaged: killSwitch.isEngaged,
            tradingState: tradingState,
            limits: limits[index],
            maxOpenOrdersTotal: maxOpenOrdersTotal,
            exposure: exposures[index],
            openOrdersTotal: openOrdersTotal,
            reference: references[index],
            valuePerTickLot: valuePerTickLot[index],
            stopSides: stops[index].quoteSides,
            throttleAllows: throttle.allows(at: now),
            equity: equity,
            marginRate: ownRate,
            otherMargin: otherMargin,
            otherGross: otherGross,
            grossShareFloor: grossShareFloor,
            group: group >= 0 ? groups[group] : nil,
            groupOther: groupOther,
            firmLots: firmAllowance.map { lots in
                let l = lots.lots(instrument: index)
                return l == .max ? .infinity : Double(l)
            } ?? .infinity,
            firmGroupValue: group >= 0 ? firmAllowance?.value(group: group) ?? .infinity : .infinity
        )
    }

    /// Adds an approved order to the open orders; false on overflow (nothing changed).
    private mutating func open(_ order: RiskOrder) -> Bool {
        var exposure = exposures[order.instrument]
        let current = exposure.openQuantity(order.side)
        let isNew = order.replacing == nil
        let (delta, o1) = order.quantity.subtractingReportingOverflow(order.replacing?.quantity ?? 0)
        let (quantity, o2) = current.addingReportingOverflow(delta)
        guard !o1, !o2 else { return false }
        let updated = Swift.max(0, quantity)
        switch order.side {
        case .buy:
            exposure.openBuyQuantity = updated
            if isNew { exposure.openBuyOrders += 1 }
        case .sell:
            exposure.openSellQuantity = updated
            if isNew { exposure.openSellOrders += 1 }
        }
        if isNew { openOrdersTotal += 1 }
        exposures[order.instrument] = exposure
        return true
    }

    private mutating func deny(_ reason: RiskReason, _ order: RiskOrder, at now: Int64) -> RiskDecision {
        denialCounts[Int(reason.rawValue)] &+= 1
        denialLog.append(RiskDenial(time: now, reason: reason, order: order))
        return .denied(reason)
    }

    // MARK: - Market and account data

    /// A price of `instrument` (ticks) at `time` (ns): it becomes the reference price and goes
    /// into the margin model's bars. A price of zero or less is ignored (the reference stays).
    @discardableResult
    public mutating func updatePrice(instrument: Int, price: Int64, at time: Int64) -> MarginModel.Update {
        if price > 0 { references[instrument] = price }
        return margins[instrument].record(price: Double(price), at: time)
    }

    /// Sets the reference price of `instrument` (ticks) without touching its margin model; 0
    /// clears it (every order of the instrument is then denied).
    public mutating func setReference(instrument: Int, price: Int64) {
        references[instrument] = Swift.max(0, price)
    }

    /// Sets the account's net value (equity), in currency units.
    public mutating func setEquity(_ value: Double) {
        equity = value
    }

    // MARK: - Orders and fills

    /// A fill of `quantity` lots of an open order on `side`: the position moves, the open
    /// quantity shrinks, and when `orderDone` (nothing left) the order is no longer open.
    /// Returns what the instrument's net-position stop wants done.
    @discardableResult
    public mutating func recordFill(instrument: Int, side: Side, quantity: Int64, orderDone: Bool) -> StopAction {
        var exposure = exposures[instrument]
        let q = Swift.max(0, quantity)
        let (position, overflow) = side == .buy
            ? exposure.position.addingReportingOverflow(q)
            : exposure.position.subtractingReportingOverflow(q)
        exposure.position = overflow ? (side == .buy ? .max : .min) : position
        removeOpen(&exposure, side: side, quantity: q, order: orderDone)
        exposures[instrument] = exposure
        return stops[instrument].update(position: exposure.position)
    }

    /// An open order on `side` ended (canceled, expired, the rest of an IOC) with `leaves` lots unfilled.
    public mutating func recordOrderEnded(instrument: Int, side: Side, leaves: Int64) {
        var exposure = exposures[instrument]
        removeOpen(&exposure, side: side, quantity: Swift.max(0, leaves), order: true)
        exposures[instrument] = exposure
    }

    /// The venue refused an order the gate approved: a new order is no longer open; a refused
    /// replace (a cancel reject) puts the old open quantity back.
    public mutating func recordRejected(_ order: RiskOrder) {
        guard order.instrument >= 0, order.instrument < exposures.count else { return }
        var exposure = exposures[order.instrument]
        if let old = order.replacing {
            let current = exposure.openQuantity(order.side)
            let restored = current.subtractingReportingOverflow(order.quantity).partialValue
                .addingReportingOverflow(old.quantity).partialValue
            if order.side == .buy {
                exposure.openBuyQuantity = Swift.max(0, restored)
            } else {
                exposure.openSellQuantity = Swift.max(0, restored)
            }
        } else {
            removeOpen(&exposure, side: order.side, quantity: Swift.max(0, order.quantity), order: true)
        }
        exposures[order.instrument] = exposure
    }

    /// Takes `quantity` lots (at most what is open) off `side`, and one order when `order`.
    private mutating func removeOpen(_ exposure: inout InstrumentExposure, side: Side, quantity: Int64, order: Bool) {
        switch side {
        case .buy:
            exposure.openBuyQuantity -= Swift.min(quantity, exposure.openBuyQuantity)
            if order, exposure.openBuyOrders > 0 {
                exposure.openBuyOrders -= 1
                openOrdersTotal = Swift.max(0, openOrdersTotal - 1)
            }
        case .sell:
            exposure.openSellQuantity -= Swift.min(quantity, exposure.openSellQuantity)
            if order, exposure.openSellOrders > 0 {
                exposure.openSellOrders -= 1
                openOrdersTotal = Swift.max(0, openOrdersTotal - 1)
            }
        }
    }

    /// Sets the position of `instrument` (lots, to reconcile with the venue); returns what the
    /// net-position stop wants done.
    @discardableResult
    public mutating func setPosition(instrument: Int, position: Int64) -> StopAction {
        exposures[instrument].position = position
        return stops[instrument].update(position: position)
    }

    /// Takes back the net-position stop of `instrument` as saved before a restart (with its
    /// position).
    public mutating func restoreStop(instrument: Int, _ saved: NetPositionStop.Saved) {
        exposures[instrument].position = saved.position
        stops[instrument].restore(saved)
    }

    /// Sets the open orders of one side of `instrument` (to reconcile with the venue).
    public mutating func setOpenOrders(instrument: Int, side: Side, count: Int, quantity: Int64) {
        var exposure = exposures[instrument]
        let count = Swift.max(0, count)
        let previous = exposure.openOrders(side)
        switch side {
        case .buy:
            exposure.openBuyOrders = count
            exposure.openBuyQuantity = Swift.max(0, quantity)
        case .sell:
            exposure.openSellOrders = count
            exposure.openSellQuantity = Swift.max(0, quantity)
        }
        openOrdersTotal = Swift.max(0, openOrdersTotal - previous + count)
        exposures[instrument] = exposure
    }

    /// Counts a message that went out without a check (a cancel) against the throttle.
    public mutating func recordMessage(at now: Int64) {
        throttle.consume(at: now)
    }

    // MARK: - Controls

    /// Engages the kill switch at `now`: every order is denied until ``resetKillSwitch()``.
    /// Returns true when it was not engaged before: the engine then cancels every working order.
    @discardableResult
    public mutating func engageKillSwitch(at now: Int64) -> Bool {
        killSwitch.engage(at: now)
    }

    /// Releases the kill switch.
    public mutating func resetKillSwitch() {
        killSwitch.reset()
    }

    /// Sets the trading state.
    public mutating func setTradingState(_ state: TradingState) {
        tradingState = state
    }

    /// The sides of `instrument` the ladder may quote: none while the kill switch is engaged or
    /// trading is halted; otherwise what the net-position stop allows, and in the reducing
    /// state, or with no share of the firm's limit beyond the position (``firmAllowance``), only
    /// the side that reduces the position.
    public func quoteSides(instrument: Int) -> QuoteSides {
        if killSwitch.isEngaged || tradingState == .halted { return .none }
        let sides = stops[instrument].quoteSides
        let position = exposures[instrument].position
        // No share of the firm's limit beyond the position held (a lease that ended, or none
        // granted): only the reducing side.
        if tradingState == .reducing || (firmAllowance.map { $0.lots(instrument: instrument) <= position.magnitude } ?? false) {
            return sides.intersection(.reducing(position))
        }
        return sides
    }

    /// The margin rate of `instrument` in force at `now`.
    public mutating func marginRate(instrument: Int, at now: Int64) -> Double {
        marginSource?.rate(instrument: instrument, at: now) ?? margins[instrument].rate(at: now)
    }

    /// ``MarginModel/safeModeSpan(around:)`` of the margin model of `instrument`, read in place.
    public func safeModeSpan(instrument: Int, around time: Int64) -> ClosedRange<Int64>? {
        margins[instrument].safeModeSpan(around: time)
    }

    /// The account's initial margin at `now` (currency units): the sum over instruments of the
    /// rate x the worst-case position valued at the reference price; NaN when an instrument with
    /// exposure has no reference price.
    public mutating func initialMargin(at now: Int64) -> Double {
        var total = 0.0
        for j in margins.indices {
            let rate = marginSource?.rate(instrument: j, at: now) ?? margins[j].rate(at: now)
            let lots = exposures[j].worstCaseLots
            guard lots != 0 else { continue }
            total += references[j] > 0 ? rate * lots * Double(references[j]) * valuePerTickLot[j] : .nan
        }
        return total
    }

    // MARK: - Denials

    /// Orders denied for `reason` so far.
    public func denials(_ reason: RiskReason) -> UInt64 {
        denialCounts[Int(reason.rawValue)]
    }

    /// Orders denied so far, every reason.
    public var totalDenials: UInt64 { denialLog.appended }

    /// The last denials kept (up to the configured capacity), oldest first, for the engine to log.
    public var recentDenials: [RiskDenial] { denialLog.elements }

    /// Sets every denial counter to zero and empties the log.
    public mutating func resetDenials() {
        for i in denialCounts.indices { denialCounts[i] = 0 }
        denialLog.removeAll()
    }
}
