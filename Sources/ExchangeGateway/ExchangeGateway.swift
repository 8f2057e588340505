import Exchange
import ExchangeFIX
import FIX
import FIXSession
import FIXTransport

/// The simulated exchange's FIX 4.4 application: order entry (NewOrderSingle, OrderCancelRequest,
/// OrderCancelReplaceRequest -> ExecutionReport, OrderCancelReject) and market data
/// (MarketDataRequest -> snapshot W then incremental X, or MarketDataRequestReject Y) for every
/// session of an acceptor, over a ``Venue``.
///
/// Each session is one owner: it sees its own orders and the shared books and trades; orders of
/// one session never trade with each other (self-trade prevention cancels the resting one).
///
/// Everything runs on one event loop: the sessions of the acceptor must share it (a
/// single-threaded event loop group), so the gateway needs no locks.
public final class ExchangeGateway<V: Venue>: FIXApplication, @unchecked Sendable {
    /// The venue orders go to.
    public private(set) var venue: V
    /// The application messages the gateway handles; give them to the acceptor's sessions
    /// (others get a BusinessMessageReject from the session layer).
    public static var supportedMessageTypes: Set<String> { ["D", "F", "G", "V"] }

    public private(set) var statistics = GatewayStatistics()

    private var ownerOf: [SessionID: OwnerID] = [:]
    private var sessionOf: [OwnerID: FIXSession] = [:]
    private var nextOwner: OwnerID = 1
    /// Working orders by exchange order id.
    private var orders: [OrderID: GatewayOrder] = [:]
    /// Orders that are done (filled or canceled): a cancel or replace of one is too late.
    private var doneOrders: [OrderID: (owner: OwnerID, status: OrdStatus)] = [:]
    /// Every ClOrdID each owner has used, and the order it named (duplicates are refused).
    private var clOrdIDs: [OwnerID: [String: OrderID]] = [:]
    private var execSequence = 0
    private var events: [ExchangeEvent] = []
    private let publisher = MarketDataPublisher()
    private let clock: @Sendable () -> UTCTimestamp

    /// What the request being processed was, so its events can be reported in its terms.
    private struct Pending {
        enum Kind { case new, cancel, replace }
        var kind: Kind
        var owner: OwnerID
        var clOrdID: String
        var origClOrdID: String?
        var book: Int
        var side: FIX.Side
        var ordType: OrdType
        var timeInForce: FIX.TimeInForce?
        var price: Int64?
        var quantity: Int64
    }

    private var pending: Pending?

    /// Fees charged on fills, reported in each Trade execution report (Commission, CommType 3).
    public let fees: FeeSchedule

    /// What every OrderID (37) and ExecID (17) this gateway gives starts with: a name for this
    /// run of the venue, so that ids stay unique across restarts over the same stores.
    public let idPrefix: String

    /// A gateway in front of `venue`. `idPrefix` names this run in every OrderID and ExecID
    /// (default: ``runPrefix(at:)`` of the clock's reading now).
    public init(venue: V, fees: FeeSchedule = .free, idPrefix: String? = nil,
                clock: @escaping @Sendable () -> UTCTimestamp = systemNow) {
        self.venue = venue
        self.fees = fees
        self.clock = clock
        self.idPrefix = idPrefix ?? Self.runPrefix(at: clock())
    }

    /// The start time in milliseconds, in base 36 (8 characters until the year 2059): two runs
    /// started at least a millisecond apart never share it.
    public static func runPrefix(at time: UTCTimestamp) -> String {
        String(max(time.nanosecondsSinceEpoch / 1_000_000, 0), radix: 36)
    }

    /// The OrderID (37) of the venue's order `id`.
    func orderIDText(_ id: OrderID) -> String { "\(idPrefix)-\(id)" }

    /// The venue's order id an OrderID (37) names; nil when it is not one of this run's.
    func orderID(parsing text: String) -> OrderID? {
        guard text.hasPrefix(idPrefix), text.utf8.count > idPrefix.utf8.count + 1 else { return nil }
        let rest = text.utf8.dropFirst(idPrefix.utf8.count)
        guard rest.first == UInt8(ascii: "-") else { return nil }
        return OrderID(Substring(rest.dropFirst()))
    }

    /// Sessions logged on.
    public var loggedOnSessions: Int { sessionOf.values.filter { $0.isLoggedOn }.count }

    // MARK: - FIXApplication

    public func onEvent(_ event: SessionEvent, session: FIXSession) {
        switch event {
        case .loggedOn: _ = owner(of: session)
        case .heartbeat(let id): onHeartbeat?(session, id)
        default: break
        }
    }

    /// Called with each Heartbeat that answers a TestRequest (see ``ReplayDriver``'s lockstep).
    public var onHeartbeat: ((FIXSession, String) -> Void)?

    /// Application messages sent to the sessions so far: execution reports, rejects, market data.
    public var messagesSent: Int { ownMessagesSent + publisher.messagesSent }
    private var ownMessagesSent = 0

    /// Market-data subscriptions in force.
    public var marketDataSubscriptions: Int { publisher.subscriptionCount }

    /// The sessions logged on.
    public var sessions: [FIXSession] { sessionOf.values.filter { $0.isLoggedOn } }

    public func fromApp(_ message: FIXMessage, session: FIXSession) {
        let owner = owner(of: session)
        do {
            switch message.msgType {
            case "D": newOrder(try NewOrderSingle(message), owner: owner)
            case "F": cancel(try OrderCancelRequest(message), owner: owner)
            case "G": replace(try OrderCancelReplaceRequest(message), owner: owner)
            case "V": marketData(try MarketDataRequest(message), session: session)
            default:
                businessReject(message, session: session, reason: .unsupportedMessageType, text: "Unsupported Message Type")
            }
        } catch {
            businessReject(message, session: session, reason: .other, text: "\(error)")
        }
    }

    /// Lets the caller change the venue (a replay applying recorded events); what it reports is
    /// sent to the sessions concerned and the market data goes out.
    public func drive(publish: Bool = true, _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        events.removeAll(keepingCapacity: true)
        body(&venue, &events)
        report()
        if publish { publisher.publish(venue: venue) }
    }

    /// Sends the market data that changed since the last publication.
    public func publishMarketData() {
        publisher.publish(venue: venue)
    }

    private func owner(of session: FIXSession) -> OwnerID {
        if let owner = ownerOf[session.id] { return owner }
        let owner = nextOwner
        nextOwner += 1
        ownerOf[session.id] = owner
        sessionOf[owner] = session
        return owner
    }

    // MARK: - Orders

    private func newOrder(_ o: NewOrderSingle, owner: OwnerID) {
        statistics.orders += 1
        var p = Pending(kind: .new, owner: owner, clOrdID: o.clOrdID, book: -1, side: o.side, ordType: o.ordType,
                        timeInForce: o.timeInForce, price: nil, quantity: 0)
        if clOrdIDs[owner]?[o.clOrdID] != nil {
            return rejectOrder(p, symbol: o.symbol, .duplicateOrder, "Duplicate ClOrdID")
        }
        guard let book = venue.bookIndex(symbol: o.symbol) else {
            return rejectOrder(p, symbol: o.symbol, .unknownSymbol, "Unknown symbol")
        }
        p.book = book
        let instrument = venue.instruments[book]
        guard let side = Self.side(o.side) else {
            return rejectOrder(p, symbol: o.symbol, .unsupportedOrderCharacteristic, "Side must be buy (1) or sell (2)")
        }
        guard let kind = Self.kind(o.ordType) else {
            return rejectOrder(p, symbol: o.symbol, .unsupportedOrderCharacteristic, "OrdType must be market (1) or limit (2)")
        }
        guard let tif = Self.timeInForce(o.timeInForce) else {
            return rejectOrder(p, symbol: o.symbol, .unsupportedOrderCharacteristic, "TimeInForce must be day, GTC, IOC or FOK")
        }
        guard let lots = instrument.lots(o.orderQty), lots > 0 else {
            return rejectOrder(p, symbol: o.symbol, .incorrectQuantity,
                               "OrderQty must be a positive multiple of the lot size \(instrument.lotSize)")
        }
        p.quantity = lots
        var ticks: Int64 = 0
        if kind == .limit {
            guard let price = o.price else { return rejectOrder(p, symbol: o.symbol, .other, "A limit order needs a Price") }
            guard let t = instrument.ticks(price) else {
                return rejectOrder(p, symbol: o.symbol, .other, "Price is not a multiple of the tick size \(instrument.tickSize)")
            }
            ticks = t
            p.price = t
        }
        pending = p
        events.removeAll(keepingCapacity: true)
        venue.submit(OrderRequest(owner: owner, side: side, kind: kind, timeInForce: tif, price: ticks, quantity: lots),
                     book: book, events: &events)
        finish()
    }

    private func cancel(_ c: OrderCancelRequest, owner: OwnerID) {
        let p = Pending(kind: .cancel, owner: owner, clOrdID: c.clOrdID, origClOrdID: c.origClOrdID, book: -1,
                        side: c.side, ordType: .limit, timeInForce: nil, price: nil, quantity: 0)
        guard let id = target(of: p, orderID: c.orderID) else { return }
        pending = p
        events.removeAll(keepingCapacity: true)
        venue.cancel(id, owner: owner, book: orders[id]!.book, events: &events)
        finish()
    }

    private func replace(_ r: OrderCancelReplaceRequest, owner: OwnerID) {
        var p = Pending(kind: .replace, owner: owner, clOrdID: r.clOrdID, origClOrdID: r.origClOrdID, book: -1,
                        side: r.side, ordType: r.ordType, timeInForce: r.timeInForce, price: nil, quantity: 0)
        guard let id = target(of: p, orderID: r.orderID) else { return }
        let order = orders[id]!
        let instrument = venue.instruments[order.book]
        guard r.side == order.side, r.ordType == order.ordType, r.symbol == instrument.symbol else {
            return rejectCancel(p, id, .other, "Side, OrdType and Symbol cannot change")
        }
        guard let lots = instrument.lots(r.orderQty), lots > 0 else {
            return rejectCancel(p, id, .other, "OrderQty must be a positive multiple of the lot size \(instrument.lotSize)")
        }
        var ticks = order.price
        if order.ordType == .limit {
            guard let price = r.price, let t = instrument.ticks(price) else {
                return rejectCancel(p, id, .other, "Price missing or not a multiple of the tick size \(instrument.tickSize)")
            }
            ticks = t
        }
        p.price = ticks
        p.quantity = lots
        pending = p
        events.removeAll(keepingCapacity: true)
        venue.replace(id, owner: owner, price: ticks, quantity: lots, book: order.book, events: &events)
        finish()
    }

    /// The working order a cancel or replace names (by OrigClOrdID, or OrderID), after the
    /// duplicate check of its own ClOrdID; nil when it was refused (the reject has been sent).
    private func target(of p: Pending, orderID: String?) -> OrderID? {
        if clOrdIDs[p.owner]?[p.clOrdID] != nil {
            rejectCancel(p, nil, .duplicateClOrdID, "Duplicate ClOrdID")
            return nil
        }
        var id = p.origClOrdID.flatMap { clOrdIDs[p.owner]?[$0] }
        if id == nil, let orderID, let n = self.orderID(parsing: orderID) { id = n }
        if let id, let done = doneOrders[id], done.owner == p.owner {
            clOrdIDs[p.owner, default: [:]][p.clOrdID] = id
            rejectCancel(p, id, .tooLateToCancel, done.status == .filled ? "Too late: the order is filled" : "Too late: the order is canceled")
            return nil
        }
        guard let id, orders[id]?.owner == p.owner else {
            rejectCancel(p, nil, .unknownOrder, "Unknown order")
            return nil
        }
        // The ClOrdID is taken even when the request fails later on.
        clOrdIDs[p.owner, default: [:]][p.clOrdID] = id
        return id
    }

    private func finish() {
        report()
        pending = nil
        publisher.publish(venue: venue)
    }

    // MARK: - Reports

    /// Sends what the venue reported, in order.
    private func report() {
        for event in events {
            switch event {
            case let .accepted(id, owner):
                guard let p = pending, p.owner == owner else { continue }
                let order = GatewayOrder(id: id, owner: owner, book: p.book, clOrdID: p.clOrdID, side: p.side,
                                         ordType: p.ordType, timeInForce: p.timeInForce, price: p.price ?? 0, quantity: p.quantity)
                orders[id] = order
                clOrdIDs[owner, default: [:]][p.clOrdID] = id
                send(order, .new, owner: owner)
            case let .rejected(owner, reason):
                guard let p = pending, p.owner == owner else { continue }
                rejectOrder(p, symbol: venue.instruments[p.book].symbol, OrdRejReason(rawValue: reason.fixOrdRejReason),
                            reason.description)
            case .fill(let f):
                statistics.fills += 1
                let book = orders[f.takerOrderID]?.book ?? orders[f.makerOrderID]?.book ?? pending?.book ?? 0
                for (id, leaves, isMaker) in [(f.makerOrderID, f.makerLeaves, true), (f.takerOrderID, f.takerLeaves, false)] {
                    guard var order = orders[id] else { continue }
                    let fee = fees.fee(price: f.price, quantity: f.quantity, maker: isMaker, instrument: venue.instruments[order.book])
                    statistics.fees += fee
                    order.leaves = leaves
                    order.cumQty += f.quantity
                    order.tickLots += Int128(f.price) * Int128(f.quantity)
                    if leaves == 0 {
                        orders[id] = nil
                        doneOrders[id] = (order.owner, .filled)
                    } else {
                        orders[id] = order
                    }
                    send(order, .trade, owner: order.owner, last: (f.price, f.quantity),
                         commission: fees == .free ? nil : fee)
                }
                publisher.trade(book: book, price: f.price, size: f.quantity)
            case let .canceled(id, owner, _, reason):
                guard var order = orders.removeValue(forKey: id) else { continue }
                doneOrders[id] = (order.owner, .canceled)
                order.leaves = 0
                var text: String
                switch reason {
                case .requested: text = "Canceled on request"
                case .immediateOrCancel: text = "Unfilled quantity canceled (immediate or cancel)"
                case .fillOrKill: text = "Canceled: could not fill in full (fill or kill)"
                case .selfTrade: text = "Canceled by self-trade prevention"
                }
                if let p = pending, p.kind == .cancel, p.owner == owner, reason == .requested {
                    order.origClOrdID = order.clOrdID
                    order.clOrdID = p.clOrdID
                }
                send(order, .canceled, owner: owner, text: text)
            case let .replaced(id, owner, price, quantity, leaves):
                guard var order = orders[id], let p = pending else { continue }
                order.origClOrdID = order.clOrdID
                order.clOrdID = p.clOrdID
                order.price = price
                order.quantity = quantity
                order.leaves = leaves
                order.timeInForce = p.timeInForce ?? order.timeInForce
                orders[id] = order
                send(order, .replaced, owner: owner)
            case let .cancelRejected(id, _, reason):
                guard let p = pending else { continue }
                rejectCancel(p, id, CxlRejReason(rawValue: reason.fixCxlRejReason), reason.description)
            }
        }
    }

    private func nextExecID() -> String {
        execSequence += 1
        return "\(idPrefix)-E\(execSequence)"
    }

    /// An ExecutionReport for `order` as it now is.
    private func send(_ order: GatewayOrder, _ execType: ExecType, owner: OwnerID, last: (price: Int64, quantity: Int64)? = nil,
                      commission: Money? = nil, text: String? = nil) {
        guard let session = sessionOf[owner] else { return }
        let instrument = venue.instruments[order.book]
        let status: OrdStatus
        switch execType {
        case .canceled: status = .canceled
        default: status = order.leaves == 0 && order.cumQty > 0 ? .filled : order.cumQty > 0 ? .partiallyFilled : .new
        }
        let report = ExecutionReport(
            orderID: orderIDText(order.id), clOrdID: order.clOrdID, origClOrdID: order.origClOrdID, execID: nextExecID(),
            execType: execType, ordStatus: status, symbol: instrument.symbol, side: order.side,
            orderQty: instrument.quantity(order.quantity), ordType: order.ordType,
            price: order.ordType == .limit ? instrument.price(order.price) : nil, timeInForce: order.timeInForce,
            lastQty: last.map { instrument.quantity($0.quantity) }, lastPx: last.map { instrument.price($0.price) },
            leavesQty: instrument.quantity(execType == .canceled ? 0 : order.leaves), cumQty: instrument.quantity(order.cumQty),
            avgPx: instrument.averagePrice(tickLots: order.tickLots, lots: order.cumQty),
            commission: commission.map { FIXDecimal(mantissa: $0, scale: 8) }, commType: commission == nil ? nil : .absolute,
            transactTime: clock(), text: text)
        _ = session.send(report)
        ownMessagesSent += 1
    }

    private func rejectOrder(_ p: Pending, symbol: String, _ reason: OrdRejReason, _ text: String) {
        statistics.rejects += 1
        guard let session = sessionOf[p.owner] else { return }
        let report = ExecutionReport(
            orderID: "NONE", clOrdID: p.clOrdID, execID: nextExecID(), execType: .rejected, ordStatus: .rejected,
            ordRejReason: reason, symbol: symbol, side: p.side, ordType: p.ordType,
            leavesQty: FIXDecimal(0), cumQty: FIXDecimal(0), avgPx: FIXDecimal(0), transactTime: clock(), text: text)
        _ = session.send(report)
        ownMessagesSent += 1
    }

    private func rejectCancel(_ p: Pending, _ id: OrderID?, _ reason: CxlRejReason, _ text: String) {
        statistics.cancelRejects += 1
        guard let session = sessionOf[p.owner] else { return }
        let order = id.flatMap { orders[$0] }
        let done = id.flatMap { doneOrders[$0] }
        let status: OrdStatus = order.map { $0.cumQty > 0 ? .partiallyFilled : .new } ?? done?.status ?? .rejected
        let known = order != nil || done != nil
        let reject = OrderCancelReject(
            orderID: known ? orderIDText(id!) : "NONE", clOrdID: p.clOrdID, origClOrdID: p.origClOrdID ?? "NONE",
            ordStatus: status, transactTime: clock(),
            cxlRejResponseTo: p.kind == .replace ? .orderCancelReplaceRequest : .orderCancelRequest,
            cxlRejReason: reason, text: text)
        _ = session.send(reject)
        ownMessagesSent += 1
    }

    private func businessReject(_ m: FIXMessage, session: FIXSession, reason: BusinessRejectReason, text: String) {
        _ = session.send(BusinessMessageReject(refSeqNum: m.msgSeqNum, refMsgType: m.msgType ?? "", reason: reason, text: text))
        ownMessagesSent += 1
    }

    // MARK: - Market data

    private func marketData(_ r: MarketDataRequest, session: FIXSession) {
        publisher.request(r, session: session, venue: venue)
    }

    // MARK: - FIX <-> exchange values

    static func side(_ side: FIX.Side) -> Exchange.Side? {
        switch side {
        case .buy: .buy
        case .sell: .sell
        default: nil
        }
    }

    static func kind(_ type: OrdType) -> OrderKind? {
        switch type {
        case .limit: .limit
        case .market: .market
        default: nil
        }
    }

    static func timeInForce(_ tif: FIX.TimeInForce?) -> Exchange.TimeInForce? {
        switch tif {
        case nil, .day?, .goodTillCancel?: .day
        case .immediateOrCancel?: .immediateOrCancel
        case .fillOrKill?: .fillOrKill
        default: nil
        }
    }
}

/// What a gateway has handled, for the status line.
public struct GatewayStatistics: Sendable, Equatable {
    /// NewOrderSingle messages received.
    public var orders = 0
    /// Trades (one per fill, whoever the parties).
    public var fills = 0
    /// Orders rejected.
    public var rejects = 0
    /// Cancels and replaces rejected.
    public var cancelRejects = 0
    /// Fees charged to the sessions (gross; negative for rebates), in 10^-8 currency units.
    public var fees: Money = 0
}

/// What the gateway knows of a working order, for its reports.
struct GatewayOrder: Sendable {
    var id: OrderID
    var owner: OwnerID
    var book: Int
    var clOrdID: String
    var origClOrdID: String?
    var side: FIX.Side
    var ordType: OrdType
    var timeInForce: FIX.TimeInForce?
    /// Ticks (limit orders).
    var price: Int64
    /// Total quantity, lots.
    var quantity: Int64
    var leaves: Int64
    var cumQty: Int64 = 0
    /// Sum of price x quantity over the fills (ticks x lots), for the average price.
    var tickLots: Int128 = 0

    init(id: OrderID, owner: OwnerID, book: Int, clOrdID: String, side: FIX.Side, ordType: OrdType,
         timeInForce: FIX.TimeInForce?, price: Int64, quantity: Int64) {
        self.id = id
        self.owner = owner
        self.book = book
        self.clOrdID = clOrdID
        self.side = side
        self.ordType = ordType
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        leaves = quantity
    }
}
