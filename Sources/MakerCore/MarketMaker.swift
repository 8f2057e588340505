import Market
import Quoting
import Risk

/// What the market maker asks its venue to do. Keys become ClOrdIDs on a FIX venue.
public enum VenueCommand: Hashable, Sendable {
    /// A new order: limit (with `price`) or market.
    case new(key: OrderKey, side: Side, kind: OrderKind, timeInForce: TimeInForce, price: Int64, quantity: Int64)
    /// Change a working order (`key`) to `price` and total `quantity`; the request is `newKey`.
    case replace(key: OrderKey, newKey: OrderKey, side: Side, price: Int64, quantity: Int64)
    /// Cancel a working order (`key`); the request is `newKey`.
    case cancel(key: OrderKey, newKey: OrderKey, side: Side)
}

/// What the venue reports about an order, in the market maker's terms.
public enum ExecutionUpdate: Hashable, Sendable {
    case accepted(OrderKey)
    /// A new order was refused; `code` is the reason as FIX's OrdRejReason (103) counts them
    /// (99: other, or none given). A plain value, like every case here: updates are copied on
    /// the hot path, and the venue's text stays in its own log.
    case rejected(OrderKey, code: Int)
    /// A fill of `quantity` at `price`; `leaves` is what is left of the order. The fee, when the
    /// venue reports one (else the configured schedule is used), and whether we were the maker,
    /// when known (else: a limit order that rested is the maker).
    case fill(OrderKey, price: Int64, quantity: Int64, leaves: Int64, fee: Money?)
    /// Canceled (on request, or by the venue on its own); `origKey` is the order a cancel
    /// request named.
    case canceled(OrderKey, origKey: OrderKey?, leaves: Int64)
    /// A replace took effect: the order is now `newKey`.
    case replaced(newKey: OrderKey, origKey: OrderKey?, price: Int64, quantity: Int64, leaves: Int64)
    case replaceRejected(OrderKey)
    case cancelRejected(OrderKey)
}

/// Settings of the market maker for one instrument.
public struct MarketMakerConfiguration: Sendable {
    public var instrument: Instrument
    public var quote: QuoteConfiguration
    public var limits: RiskLimits
    public var stop: NetPositionStop.Configuration
    public var margin: MarginModel.Configuration
    public var gate: RiskGate.Configuration
    /// Account net value the risk checks measure against (currency units).
    public var equity: Double
    /// Fees used for P&L when the venue does not report them.
    public var fees: FeeSchedule
    /// Flatten with market orders; else with IOC limit orders this many ticks through the
    /// market (for venues without market orders).
    public var flattenWithMarketOrders: Bool
    public var flattenSlippageTicks: Int64
    /// Margin rates from a margin service, in place of the gate's own model (nil: its own).
    public var marginSource: (any MarginRateSource)?
    /// This engine's share of the firm's limits (nil: none).
    public var firmAllowance: (any FirmAllowance)?
    /// The group the instrument belongs to, for the group's limits (nil: none).
    public var group: RiskGroup?

    public init(instrument: Instrument, quote: QuoteConfiguration = QuoteConfiguration(), limits: RiskLimits = .unlimited,
                stop: NetPositionStop.Configuration = .init(), margin: MarginModel.Configuration = .init(),
                gate: RiskGate.Configuration = .init(), equity: Double = 1_000_000, fees: FeeSchedule = .free,
                flattenWithMarketOrders: Bool = true, flattenSlippageTicks: Int64 = 10) {
        self.instrument = instrument
        self.quote = quote
        self.limits = limits
        self.stop = stop
        self.margin = margin
        self.gate = gate
        self.equity = equity
        self.fees = fees
        self.flattenWithMarketOrders = flattenWithMarketOrders
        self.flattenSlippageTicks = flattenSlippageTicks
    }
}

/// The strategy and its guard, independent of the venue: market changes and execution reports
/// in, venue commands out. The ladder (``LadderQuoter``) proposes; every new order and replace
/// passes the ``RiskGate`` before it becomes a command (a denied one is reported back to the
/// ladder as refused); cancels always go. Fills move the ``PositionBook`` and the gate; the
/// net-position stop pulls the adding side and flattens.
public struct MarketMaker: Sendable {
    public let configuration: MarketMakerConfiguration
    public private(set) var quoter: LadderQuoter
    public private(set) var gate: RiskGate
    public private(set) var positions: PositionBook
    /// The last market seen.
    public private(set) var bestBid: Int64?
    public private(set) var bestAsk: Int64?
    /// An order sent and not yet done: its side, whether it rests (a limit order), the risk view
    /// of it for a refusal, and the lots filled so far.
    private struct OpenOrder {
        var side: Side
        var rests: Bool
        var risk: RiskOrder
        var filled: Int64 = 0
    }
    /// Orders sent and not yet done, by key (a pending replace has its own entry).
    private var open = UInt64Map<OpenOrder>()
    /// Removes and returns the open order `key`.
    private mutating func takeOpen(_ key: OrderKey) -> OpenOrder? {
        open.removeValue(key.rawValue)
    }
    /// Flattening orders are keyed apart from the ladder's.
    private var nextFlattenKey: UInt64 = MarketMaker.flatteningKeyBase

    /// Whether changes are noted for a journal (``changedKeys``, ``positionsChanged``,
    /// ``riskChanged``); off by default, so that a run without a journal keeps nothing.
    public var recordsChanges = false
    /// Keys of orders changed since ``clearChanges()`` (repeats possible), when
    /// ``recordsChanges``.
    public private(set) var changedKeys: [OrderKey] = []
    /// Whether the position book changed since ``clearChanges()``.
    public private(set) var positionsChanged = false
    /// Whether the kill switch, the stop, the next keys or the intraday figures changed.
    public private(set) var riskChanged = false

    /// Forgets the changes noted so far (they have been journaled).
    public mutating func clearChanges() {
        if !changedKeys.isEmpty { changedKeys.removeAll(keepingCapacity: true) }
        positionsChanged = false
        riskChanged = false
    }

    /// Notes every live order of the ladder as changed (a pull of a side marks orders with a
    /// request in flight as owing a cancel without a request of their own).
    private mutating func touchAll() {
        guard recordsChanges else { return }
        for o in quoter.orders { changedKeys.append(o.key) }
    }

    /// Notes the orders a report names.
    private mutating func touch(_ update: ExecutionUpdate) {
        switch update {
        case .accepted(let k), .rejected(let k, _), .fill(let k, _, _, _, _), .replaceRejected(let k), .cancelRejected(let k):
            touch(k)
        case let .canceled(k, origKey, _):
            touch(k)
            if let origKey { touch(origKey) }
        case let .replaced(newKey, origKey, _, _, _):
            touch(newKey)
            if let origKey { touch(origKey) }
        }
    }

    /// Notes a change to the order `key` names, and to the order it belongs to (by its current
    /// key) when the ladder knows it.
    @inline(__always)
    private mutating func touch(_ key: OrderKey) {
        guard recordsChanges else { return }
        changedKeys.append(key)
        if let (i, role) = quoter.tracker.find(key), role != .current { changedKeys.append(quoter.tracker.orders[i].key) }
    }
    private var intents: [QuoteIntent] = []

    /// Counters for the summary.
    public struct Statistics: Sendable, Equatable {
        public var commands = 0
        public var news = 0
        public var replaces = 0
        public var cancels = 0
        public var flattenOrders = 0
        public var flattenLots: Int64 = 0
        public var venueRejects = 0
        /// Fills refused because they cannot be right: a quantity of 0 or more than the order's,
        /// a price of 0 or less or beyond ``MarketMaker/maxFillTicks`` (a venue's error, or a
        /// hostile one: such values would overflow the accounting).
        public var impossibleFills = 0
        /// Times the position was set to a venue's (``MarketMaker/takePosition(_:price:now:into:)``).
        public var positionAdjustments = 0
        /// Profit (ticks x lots) at its lowest within the current and earlier days, relative to
        /// the day's start: the worst intraday loss.
        public var maxIntradayLoss: Int64 = 0
        /// The same within the current day only (ticks x lots; the day is the UTC day of `now`).
        public var maxIntradayLossToday: Int64 = 0
        public var minMarginRate: Double = .infinity
        public var maxMarginRate: Double = 0
    }

    public private(set) var statistics = Statistics()

    /// The highest fill price taken from a venue, in ticks: 2^40 (about 10^12) ticks, so that a
    /// price times any position the risk limits allow stays far inside 64 bits.
    public static let maxFillTicks: Int64 = 1 << 40
    private var dayStartProfit: Int64 = 0
    private var day: Int64 = -1
    /// ``stopQuoting(now:into:)`` was called: the sides stay off.
    private var quotingStopped = false
    /// Times known to be in `day` (see ``trackIntradayLoss(mark:now:)``); empty at first.
    private var dayFirst: Int64 = .max
    private var dayLast: Int64 = .min

    public init(configuration: MarketMakerConfiguration) {
        self.configuration = configuration
        quoter = LadderQuoter(configuration: configuration.quote)
        var gateConfiguration = configuration.gate
        if let group = configuration.group { gateConfiguration.groups = [group] }
        gate = RiskGate(instruments: [RiskInstrument(configuration.instrument, limits: configuration.limits,
                                                     stop: configuration.stop, margin: configuration.margin,
                                                     group: configuration.group == nil ? nil : 0)],
                        configuration: gateConfiguration)
        gate.setEquity(configuration.equity)
        gate.marginSource = configuration.marginSource
        gate.firmAllowance = configuration.firmAllowance
        positions = PositionBook(instrument: configuration.instrument)
    }

    /// A market maker whose keys start at `firstKey` (the ladder's) and at 2^62 + `firstKey`
    /// (flattening orders'): give each run a range of its own, such as one taken from its start
    /// time, so that ClOrdIDs never repeat across runs.
    public init(configuration: MarketMakerConfiguration, firstKey: OrderKey) {
        self.init(configuration: configuration)
        quoter = LadderQuoter(configuration: configuration.quote, firstKey: firstKey)
        nextFlattenKey = Self.flatteningKeyBase + min(firstKey.rawValue, Self.flatteningKeyBase - 1)
    }

    /// A market maker that goes on from `state` (saved before a stop): its position, orders,
    /// keys (never below `firstKey`), kill switch, stop and intraday figures. Orders with a request
    /// in flight stay so until the venue's answer or a reconciliation settles them.
    public init(configuration: MarketMakerConfiguration, restoring state: MakerState, firstKey: OrderKey = OrderKey(1)) {
        self.init(configuration: configuration, firstKey: firstKey)
        restore(state)
    }

    private mutating func restore(_ state: MakerState) {
        positions = state.positions
        quoter.restore(state.ladder, nextKey: state.nextKey)
        nextFlattenKey = max(nextFlattenKey, state.nextFlattenKey.rawValue)
        for o in state.ladder where !o.state.isTerminal {
            open[o.key.rawValue] = OpenOrder(side: o.side, rests: true, risk: .limit(o.side, price: o.price, quantity: o.leaves),
                                             filled: o.cumQuantity)
            if case let .pendingReplace(newKey, price, quantity) = o.state {
                open[newKey.rawValue] = OpenOrder(
                    side: o.side, rests: true,
                    risk: .replace(o.side, price: price, quantity: quantity - o.cumQuantity,
                                   replacing: ReplacedOrder(price: o.price, quantity: o.leaves)),
                    filled: o.cumQuantity)
            }
        }
        for f in state.flattening {
            let intent = FlattenIntent(side: f.side, quantity: f.quantity)
            open[f.key.rawValue] = OpenOrder(side: f.side, rests: false, risk: .flatten(intent, limitPrice: f.limitPrice), filled: f.filled)
        }
        gate.restoreStop(instrument: 0, state.stop)
        _ = gate.setPosition(instrument: 0, position: positions.position)
        resetOpenOrders()
        if state.killSwitch { _ = gate.engageKillSwitch(at: 0) }
        day = state.risk.day
        dayStartProfit = state.risk.dayStartProfit
        statistics.maxIntradayLoss = state.risk.maxIntradayLoss
        statistics.maxIntradayLossToday = state.risk.maxIntradayLossToday
        (dayFirst, dayLast) = (.max, .min)
    }

    /// Turns the ladder's sides on or off as the risk gate allows now (a stop taken back from
    /// a journal allows only the reducing side): a side turned off has its orders canceled.
    /// Call once the orders are reconciled with the venue, before quoting.
    public mutating func applyRiskSides(now: Int64, into commands: inout [VenueCommand]) {
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        let sides = gate.quoteSides(instrument: 0)
        quoter.setSides(buy: sides.bid, sell: sides.ask, into: &intents)
        touchAll()
        send(now: now, into: &commands)
    }

    /// Sets the risk gate's open orders from the orders the market maker has.
    private mutating func resetOpenOrders() {
        var count = (buy: 0, sell: 0), quantity = (buy: Int64(0), sell: Int64(0))
        for o in quoter.orders where !o.state.isTerminal {
            let q = o.state.isPending ? max(o.leaves, o.quantity - o.cumQuantity) : o.leaves
            if o.side == .buy { count.buy += 1; quantity.buy += q } else { count.sell += 1; quantity.sell += q }
        }
        gate.setOpenOrders(instrument: 0, side: .buy, count: count.buy, quantity: quantity.buy)
        gate.setOpenOrders(instrument: 0, side: .sell, count: count.sell, quantity: quantity.sell)
    }

    /// What a restart needs to go on (see ``MakerState``).
    public var state: MakerState {
        var flattening: [FlatteningOrder] = []
        open.forEach { key, o in
            guard Self.isFlattening(OrderKey(key)) else { return }
            flattening.append(FlatteningOrder(key: OrderKey(key), side: o.side, quantity: o.risk.quantity, filled: o.filled,
                                              limitPrice: o.risk.kind == RiskOrderKind.market ? nil : o.risk.price))
        }
        flattening.sort { $0.key < $1.key }
        return MakerState(positions: positions, ladder: quoter.orders, flattening: flattening, nextKey: quoter.nextRequestKey,
                          nextFlattenKey: OrderKey(nextFlattenKey), killSwitch: gate.killSwitch.isEngaged,
                          stop: gate.stops[0].saved, risk: intradayRisk)
    }

    /// The day's baseline and the worst intraday losses.
    public var intradayRisk: IntradayRisk {
        IntradayRisk(day: day, dayStartProfit: dayStartProfit, maxIntradayLoss: statistics.maxIntradayLoss,
                     maxIntradayLossToday: statistics.maxIntradayLossToday)
    }

    /// The order `key` names (by its current key, or a request's), as a journal keeps it; nil
    /// when no live order has it.
    public func order(_ key: OrderKey) -> MakerOrder? {
        if let (i, _) = quoter.tracker.find(key) { return .ladder(quoter.tracker.orders[i]) }
        guard Self.isFlattening(key), let o = open[key.rawValue] else { return nil }
        return .flattening(FlatteningOrder(key: key, side: o.side, quantity: o.risk.quantity, filled: o.filled,
                                           limitPrice: o.risk.kind == RiskOrderKind.market ? nil : o.risk.price))
    }

    /// Every order not done (the ladder's, by their current keys, and flattening orders), oldest
    /// ladder orders first.
    public var liveOrders: [(key: OrderKey, side: Side)] {
        var out = quoter.orders.filter { !$0.state.isTerminal }.map { (key: $0.key, side: $0.side) }
        var flattening: [(key: OrderKey, side: Side)] = []
        open.forEach { key, o in if Self.isFlattening(OrderKey(key)) { flattening.append((OrderKey(key), o.side)) } }
        out += flattening.sorted { $0.key < $1.key }
        return out
    }

    /// Takes `position` (lots) as the net position, as a venue reports it (a reconciliation):
    /// the difference is booked as a fill at `price` (ticks) with no fee, counted in
    /// ``Statistics/positionAdjustments``; the net-position stop sees the new position.
    public mutating func takePosition(_ position: Int64, price: Int64, now: Int64, into commands: inout [VenueCommand]) {
        let difference = position.subtractingReportingOverflow(positions.position)
        guard !difference.overflow, difference.partialValue != 0, price > 0, price <= Self.maxFillTicks,
              abs(position) <= Self.maxFillTicks else { return }
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        let d = difference.partialValue
        positions.fill(side: d > 0 ? .buy : .sell, price: price, quantity: abs(d), fee: 0, maker: false)
        statistics.positionAdjustments += 1
        if recordsChanges { positionsChanged = true }
        let action = gate.setPosition(instrument: 0, position: positions.position)
        stopAction(action, now: now, into: &commands)
        send(now: now, into: &commands)
    }

    /// Lots filled so far of the order `key` names (any of its keys); nil when unknown.
    public func filledQuantity(_ key: OrderKey) -> Int64? {
        if let (i, _) = quoter.tracker.find(key) { return quoter.tracker.orders[i].cumQuantity }
        return open[key.rawValue]?.filled
    }

    /// Flattening orders have keys of their own, apart from the ladder's: from
    /// ``flatteningKeyBase`` up, the ladder's below it.
    public static func isFlattening(_ key: OrderKey) -> Bool { key.rawValue >= flatteningKeyBase }

    /// The first key of flattening orders.
    public static let flatteningKeyBase: UInt64 = 1 << 62

    // MARK: - Events

    /// The market moved (or a trade printed): the ladder is re-aimed; new orders and replaces
    /// are checked by the risk gate.
    public mutating func marketChanged(bestBid: Int64?, bestAsk: Int64?, now: Int64, into commands: inout [VenueCommand]) {
        self.bestBid = bestBid
        self.bestAsk = bestAsk
        if let mark = mark {
            gate.setReference(instrument: 0, price: mark)
            _ = gate.updatePrice(instrument: 0, price: mark, at: now)
            let rate = gate.marginRate(instrument: 0, at: now)
            if rate.isFinite {
                statistics.minMarginRate = min(statistics.minMarginRate, rate)
                statistics.maxMarginRate = max(statistics.maxMarginRate, rate)
            }
            trackIntradayLoss(mark: mark, now: now)
        }
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        if gate.firmAllowance != nil { followFirmAllowance() }
        quoter.update(bestBid: bestBid, bestAsk: bestAsk, now: now, into: &intents)
        send(now: now, into: &commands)
    }

    /// With firm limits, the share held changes without an event of its own (a lease that ends,
    /// or grows): at each market change the ladder's sides follow what the gate allows, so a
    /// side with no share left has its orders canceled, and quotes again once a share is back.
    private mutating func followFirmAllowance() {
        guard !quotingStopped, let firm = gate.firmAllowance else { return }
        let sides = gate.quoteSides(instrument: 0)
        if sides.bid != quoter.buyEnabled || sides.ask != quoter.sellEnabled {
            quoter.setSides(buy: sides.bid, sell: sides.ask, into: &intents)
            touchAll()
        }
        // Each side quotes no more than the share leaves it: buys up to share - position, sells
        // up to share + position (in orders of the ladder's size), so the ladder does not
        // propose orders the gate would deny, and cancels those a smaller share no longer covers.
        let share = firm.lots(instrument: 0)
        if share == .max {
            quoter.setMaxOrders(buy: .max, sell: .max)
        } else {
            let position = positions.position, lots = max(1, configuration.quote.quantity)
            let buy = share.subtractingReportingOverflow(position), sell = share.addingReportingOverflow(position)
            quoter.setMaxOrders(buy: buy.overflow ? 0 : Int(max(0, buy.partialValue) / lots),
                                sell: sell.overflow ? 0 : Int(max(0, sell.partialValue) / lots))
        }
    }

    /// A report from the venue.
    public mutating func execution(_ update: ExecutionUpdate, now: Int64, into commands: inout [VenueCommand]) {
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        if recordsChanges { touch(update) }
        switch update {
        case .accepted(let key):
            quoter.apply(.accepted(key), into: &intents)
        case .rejected(let key, _):
            statistics.venueRejects += 1
            if let o = takeOpen(key) { gate.recordRejected(o.risk) }
            if !Self.isFlattening(key) { quoter.apply(.rejected(key), into: &intents) }
        case let .fill(key, price, quantity, leaves, fee):
            guard let known = open[key.rawValue] else { break }
            guard quantity > 0, quantity <= known.risk.quantity, price > 0, price <= Self.maxFillTicks,
                  leaves >= 0, leaves <= known.risk.quantity else {
                statistics.impossibleFills += 1
                break
            }
            guard var o = leaves == 0 ? takeOpen(key) : open[key.rawValue] else { break }
            o.filled += quantity
            if leaves > 0 { open[key.rawValue] = o }
            if recordsChanges { positionsChanged = true }
            let maker = o.rests
            let charged = fee ?? configuration.fees.fee(price: price, quantity: quantity, maker: maker,
                                                        instrument: configuration.instrument)
            positions.fill(side: o.side, price: price, quantity: quantity, fee: charged, maker: maker)
            gate.setEquity(configuration.equity + Double(positions.money(positions.tradingProfit(at: mark ?? price)) - positions.fees)
                           / Double(moneyPerUnit))
            let action = gate.recordFill(instrument: 0, side: o.side, quantity: quantity, orderDone: leaves == 0)
            if !Self.isFlattening(key) {
                quoter.apply(.fill(key, price: price, quantity: quantity, leaves: leaves), into: &intents)
            }
            stopAction(action, now: now, into: &commands)
        case let .canceled(key, origKey, leaves):
            if let o = takeOpen(key) { gate.recordOrderEnded(instrument: 0, side: o.side, leaves: leaves) }
            if let origKey, let o = takeOpen(origKey) { gate.recordOrderEnded(instrument: 0, side: o.side, leaves: leaves) }
            if !Self.isFlattening(key) { quoter.apply(.canceled(key, origKey: origKey), into: &intents) }
        case let .replaced(newKey, origKey, price, quantity, leaves):
            if let origKey, let o = takeOpen(origKey) {
                open[newKey.rawValue] = OpenOrder(side: o.side, rests: true, risk: .limit(o.side, price: price, quantity: leaves),
                                                  filled: o.filled)
            }
            quoter.apply(.replaced(newKey, price: price, quantity: quantity, leaves: leaves), into: &intents)
        case .replaceRejected(let key):
            if let o = takeOpen(key) { gate.recordRejected(o.risk) }
            quoter.apply(.replaceRejected(key), into: &intents)
        case .cancelRejected(let key):
            quoter.apply(.cancelRejected(key), into: &intents)
        }
        send(now: now, into: &commands)
    }

    /// Engages the kill switch: every working order is canceled and no new one goes out until
    /// ``resetKillSwitch()``.
    public mutating func engageKillSwitch(now: Int64, into commands: inout [VenueCommand]) {
        _ = gate.engageKillSwitch(at: now)
        if recordsChanges { riskChanged = true }
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        quoter.cancelAll(into: &intents)
        touchAll()
        send(now: now, into: &commands)
    }

    public mutating func resetKillSwitch() {
        gate.resetKillSwitch()
        if recordsChanges { riskChanged = true }
    }

    /// Stops quoting: both sides off (their orders are canceled) until the end of the run.
    public mutating func stopQuoting(now: Int64, into commands: inout [VenueCommand]) {
        quotingStopped = true
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        quoter.setSides(buy: false, sell: false, into: &intents)
        touchAll()
        send(now: now, into: &commands)
    }

    /// Cancels every working order (at the end of a run).
    public mutating func cancelAll(now: Int64, into commands: inout [VenueCommand]) {
        if !intents.isEmpty { intents.removeAll(keepingCapacity: true) }
        quoter.cancelAll(into: &intents)
        touchAll()
        send(now: now, into: &commands)
    }

    // MARK: - Internals

    /// The price the position is marked at: the mid, else the one side.
    public var mark: Int64? {
        if let b = bestBid, let a = bestAsk { return (a + b) / 2 }
        return bestBid ?? bestAsk
    }

    private mutating func send(now: Int64, into commands: inout [VenueCommand]) {
        var i = 0
        while i < intents.count {
            let intent = intents[i]
            i += 1
            switch intent {
            case let .new(key, side, price, quantity):
                let risk = RiskOrder.limit(side, price: price, quantity: quantity)
                if case .denied = gate.check(risk, at: now) {
                    quoter.apply(.rejected(key), into: &intents)
                    continue
                }
                open[key.rawValue] = OpenOrder(side: side, rests: true, risk: risk)
                touch(key)
                statistics.news += 1
                commands.append(.new(key: key, side: side, kind: .limit, timeInForce: .day, price: price, quantity: quantity))
            case let .replace(key, newKey, side, price, quantity, prior):
                // Open after the replace: the new total less what the order has filled.
                let risk = RiskOrder.replace(side, price: price, quantity: quantity - prior.filled,
                                             replacing: ReplacedOrder(price: prior.price, quantity: prior.leaves))
                if case .denied = gate.check(risk, at: now) {
                    quoter.apply(.replaceRejected(newKey), into: &intents)
                    continue
                }
                open[newKey.rawValue] = OpenOrder(side: side, rests: true, risk: risk, filled: open[key.rawValue]?.filled ?? 0)
                touch(key)
                statistics.replaces += 1
                commands.append(.replace(key: key, newKey: newKey, side: side, price: price, quantity: quantity))
            case let .cancel(key, newKey, side):
                gate.recordMessage(at: now)
                touch(key)
                statistics.cancels += 1
                commands.append(.cancel(key: key, newKey: newKey, side: side))
            }
            statistics.commands += 1
        }
    }

    private mutating func stopAction(_ action: StopAction, now: Int64, into commands: inout [VenueCommand]) {
        switch action {
        case .none:
            return
        case .stop(let flatten), .flattenMore(let flatten):
            let sides = gate.quoteSides(instrument: 0)
            quoter.setSides(buy: sides.bid, sell: sides.ask, into: &intents)
            touchAll()
            flattenOrder(flatten, now: now, into: &commands)
        case .resume:
            let sides = gate.quoteSides(instrument: 0)
            quoter.setSides(buy: sides.bid, sell: sides.ask, into: &intents)
            touchAll()
        }
    }

    private mutating func flattenOrder(_ flatten: FlattenIntent, now: Int64, into commands: inout [VenueCommand]) {
        let market = configuration.flattenWithMarketOrders
        let far = flatten.side == .buy ? (bestAsk ?? mark ?? 0) + configuration.flattenSlippageTicks
                                       : (bestBid ?? mark ?? 0) - configuration.flattenSlippageTicks
        let risk = market ? RiskOrder.flatten(flatten) : RiskOrder.flatten(flatten, limitPrice: far)
        if case .denied = gate.check(risk, at: now) { return }
        let key = OrderKey(nextFlattenKey)
        nextFlattenKey += 1
        open[key.rawValue] = OpenOrder(side: flatten.side, rests: false, risk: risk)
        touch(key)
        if recordsChanges { riskChanged = true }
        statistics.flattenOrders += 1
        statistics.flattenLots += flatten.quantity
        statistics.commands += 1
        commands.append(.new(key: key, side: flatten.side, kind: market ? .market : .limit,
                             timeInForce: .immediateOrCancel, price: market ? 0 : far, quantity: flatten.quantity))
    }

    private mutating func trackIntradayLoss(mark: Int64, now: Int64) {
        let profit = positions.tradingProfit(at: mark)
        if now < dayFirst || now > dayLast {
            let today = Period.day(of: now)
            if today != day {
                day = today
                if recordsChanges { riskChanged = true }
                dayStartProfit = profit
                statistics.maxIntradayLossToday = 0
            }
            // The day's times, so that the next events of the day need no division.
            let times = Period.times(of: today, length: Period.day) ?? now...now
            (dayFirst, dayLast) = (times.lowerBound, times.upperBound)
        }
        if recordsChanges, dayStartProfit - profit > statistics.maxIntradayLossToday { riskChanged = true }
        statistics.maxIntradayLoss = max(statistics.maxIntradayLoss, dayStartProfit - profit)
        statistics.maxIntradayLossToday = max(statistics.maxIntradayLossToday, dayStartProfit - profit)
    }
}
