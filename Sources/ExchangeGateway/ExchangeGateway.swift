import Exchange
import Market
import MarketFIX
import FIX
import FIXSessionCore
import FIXTransport

/// The simulated exchange's FIX 4.4 application for every session of an acceptor, over a
/// ``Venue``:
/// - order entry: NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest ->
///   ExecutionReport, OrderCancelReject;
/// - what a participant asks after a logon: OrderStatusRequest (H) and OrderMassStatusRequest
///   (AF) -> ExecutionReports with ExecType `I`; OrderMassCancelRequest (q) -> a Canceled
///   ExecutionReport an order, then an OrderMassCancelReport (r); RequestForPositions (AN) ->
///   RequestForPositionsAck (AO) and a PositionReport (AP) an instrument traded;
/// - market data: MarketDataRequest -> snapshot W then incremental X, or MarketDataRequestReject Y.
///
/// Each session is one participant: it sees its own orders and the shared books and trades;
/// orders of one session never trade with each other (self-trade prevention cancels the resting
/// one). A session listed in `cancelOnDisconnect` has its working orders canceled when it logs
/// out or its connection drops; those cancels, like the ones of a restart of the venue, are
/// reported when it next logs on, before anything else.
///
/// Memory: the working orders, and for each participant its most recent done orders (at most
/// `recentOrderLimit`): their ClOrdIDs are refused as duplicates and they answer an
/// OrderStatusRequest. A ClOrdID of an order that has left that window is forgotten: reused, it is
/// not seen as a duplicate, and a status request for it is answered as for an unknown order.
///
/// Restarts: with a ``VenueJournal`` (``attach(journal:)``) every change is written, and handed
/// to the operating system, before the reports that depend on it are sent. A gateway started
/// from the journal's state (`restoring`) knows the participants' positions, ClOrdIDs and done
/// orders; the orders that were working are not put back in the books (the market starts
/// afresh): each is canceled, and reported to its participant (Text "Canceled: the venue
/// restarted") when it next logs on, before anything else.
///
/// Everything runs on one event loop: the sessions of the acceptor must share it (a
/// single-threaded event loop group), so the gateway needs no locks.
public final class ExchangeGateway<V: Venue>: FIXApplication, @unchecked Sendable {
    /// The venue orders go to.
    public internal(set) var venue: V
    /// The application messages the gateway handles; give them to the acceptor's sessions
    /// (others get a BusinessMessageReject from the session layer).
    public static var supportedMessageTypes: Set<String> { ["D", "F", "G", "V", "H", "AF", "q", "AN"] }

    public internal(set) var statistics = GatewayStatistics()

    var ownerOf: [SessionID: OwnerID] = [:]
    var sessionOf: [OwnerID: FIXSession] = [:]
    /// The participants of this run, by owner (owner 1 first).
    var participants: [Participant] = []
    /// Participants known from before this run (the venue's journal) whose session has not been
    /// seen yet.
    var dormant: [SessionID: Participant] = [:]
    private var nextOwner: OwnerID = 1
    /// Working orders by exchange order id.
    var orders: [OrderID: GatewayOrder] = [:]
    /// The last trade price of each book (ticks), for the positions' settlement prices.
    var lastTradePrice: [Int64?]
    private var execSequence = 0
    /// Numbers the gateway's other ids: OrderMassCancelReport OrderIDs, PosMaintRptIDs.
    private var reportSequence = 0
    var events: [ExchangeEvent] = []
    private let publisher = MarketDataPublisher()
    let clock: @Sendable () -> UTCTimestamp

    /// What the request being processed was, so its events can be reported in its terms.
    struct Pending {
        enum Kind {
            case new, cancel, replace
            /// Orders canceled by an OrderMassCancelRequest.
            case massCancel
            /// Orders canceled because their session went away: reported at its next logon.
            case disconnect
        }
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

    var pending: Pending?

    /// Messages built while a request is handled, sent once it has been.
    private var outbox: [(owner: OwnerID, message: Outgoing)] = []

    /// A message of the gateway's for a participant.
    enum Outgoing {
        case execution(ExecutionReport)
        case cancelReject(OrderCancelReject)
        case massCancelReport(OrderMassCancelReport)
        case positionsAck(RequestForPositionsAck)
        case position(PositionReport)
        case businessReject(BusinessMessageReject)
    }

    /// Fees charged on fills, reported in each Trade execution report (Commission, CommType 3).
    public let fees: FeeSchedule

    /// What every OrderID (37) and ExecID (17) this gateway gives starts with: a name for this
    /// run of the venue, so that ids stay unique across restarts over the same stores.
    public let idPrefix: String

    /// How many done orders the gateway remembers for each participant (see the type's
    /// discussion).
    public let recentOrderLimit: Int

    /// The sessions whose working orders are canceled when they log out or disconnect
    /// (`CancelOnDisconnect=Y`).
    public let cancelOnDisconnect: Set<SessionID>

    /// The default of ``recentOrderLimit``: 100,000 done orders a participant.
    public static var defaultRecentOrderLimit: Int { 100_000 }

    /// Where the venue's state goes, when it is kept across restarts.
    public internal(set) var journal: VenueJournal?
    /// The first failure to write the journal: from then on the gateway sends nothing but
    /// BusinessMessageRejects (see ``deliver()``).
    public private(set) var journalFailure: StoreError?
    /// Sessions whose waiting cancels went out in the last ``deliver()``: recorded as sent after
    /// they were (a crash in between sends them again rather than never).
    private var noticesDelivered: [SessionID] = []

    /// Orders canceled because the venue restarted while they were working.
    public internal(set) var restartCancels = 0

    /// The Text of the cancels of the orders a restart found working.
    public static var restartCancelText: String { "Canceled: the venue restarted" }

    /// A gateway in front of `venue`. `idPrefix` names this run in every OrderID and ExecID
    /// (default: ``runPrefix(at:after:)`` of the clock's reading now). `restoring`: the state
    /// of an earlier run (``VenueJournal/open(path:sync:recentOrderLimit:)``).
    public init(venue: V, fees: FeeSchedule = .free, idPrefix: String? = nil,
                recentOrderLimit: Int = ExchangeGateway.defaultRecentOrderLimit,
                cancelOnDisconnect: Set<SessionID> = [], restoring state: VenueState? = nil,
                clock: @escaping @Sendable () -> UTCTimestamp = systemNow) {
        self.venue = venue
        self.fees = fees
        self.clock = clock
        self.idPrefix = idPrefix ?? Self.runPrefix(at: clock(), after: state?.lastPrefix)
        self.recentOrderLimit = max(recentOrderLimit, 1)
        self.cancelOnDisconnect = cancelOnDisconnect
        lastTradePrice = Array(repeating: nil, count: venue.instruments.count)
        if let state { restore(state) }
    }

    /// The start time in milliseconds, in base 36 (8 characters until the year 2059): two runs
    /// started at least a millisecond apart never share it. After a run named `previous`, one
    /// more than it when the clock reads earlier (a clock set back): ids never repeat.
    public static func runPrefix(at time: UTCTimestamp, after previous: String? = nil) -> String {
        let now = max(time.nanosecondsSinceEpoch / 1_000_000, 0)
        guard let previous, let last = Int64(previous, radix: 36), last >= now, last < .max else { return String(now, radix: 36) }
        return String(last + 1, radix: 36)
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
        case .loggedOn:
            let owner = owner(of: session)
            if let journal { session.addSyncSource(journal.syncSource(for: session.id)) }
            deliverNotices(owner: owner)
        case .loggedOut:
            if cancelOnDisconnect.contains(session.id), let owner = ownerOf[session.id],
               cancelAll(owner: owner, kind: .disconnect) > 0 {
                deliver()
                publisher.publish(venue: venue)
            }
        case .heartbeat(let id): onHeartbeat?(session, id)
        default: break
        }
        deliver()
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
        if journalFailure != nil {
            businessReject(message, owner: owner, reason: .applicationNotAvailable, text: "The venue cannot save its state")
            return deliver()
        }
        let msgType = message.msgType
        if msgType == "D" || msgType == "F" || msgType == "G", isResentRequestAlreadyTaken(message, owner: owner) {
            session.logEvent("ClOrdID \(message.string(Tag.clOrdID) ?? "") came again with PossDupFlag=Y and was taken before: ignored")
            return deliver()
        }
        do {
            switch msgType {
            case "D": newOrder(try NewOrderSingle(message), owner: owner)
            case "F": cancel(try OrderCancelRequest(message), owner: owner)
            case "G": replace(try OrderCancelReplaceRequest(message), owner: owner)
            case "H": orderStatus(try OrderStatusRequest(message), owner: owner)
            case "AF": massStatus(try OrderMassStatusRequest(message), message: message, owner: owner)
            case "q": massCancel(try OrderMassCancelRequest(message), owner: owner)
            case "AN": positions(try RequestForPositions(message), owner: owner)
            case "V": marketData(try MarketDataRequest(message), session: session)
            default:
                businessReject(message, owner: owner, reason: .unsupportedMessageType, text: "Unsupported Message Type")
            }
        } catch {
            businessReject(message, owner: owner, reason: .other, text: "\(error)")
        }
        deliver()
    }

    /// Whether `message`, an order request, was sent again (PossDupFlag=Y, as a resend after a
    /// restart brings it) whose ClOrdID the venue has already taken from this participant: it was
    /// handled, and answered, the first time. (A request without the flag that repeats a
    /// ClOrdID is refused as a duplicate.) The ClOrdID of a resent request can be known while
    /// the session asks for it again when the venue stopped after journaling the request and
    /// before its store counted the message.
    private func isResentRequestAlreadyTaken(_ message: FIXMessage, owner: OwnerID) -> Bool {
        guard message.value(Tag.possDupFlag, equals: "Y"), let id = message.string(Tag.clOrdID) else { return false }
        return participants[index(owner)].clOrdIDs[id] != nil
    }

    /// Lets the caller change the venue (a replay applying recorded events); what it reports is
    /// sent to the sessions concerned and the market data goes out.
    public func drive(publish: Bool = true, _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        events.removeAll(keepingCapacity: true)
        body(&venue, &events)
        report()
        deliver()
        if publish { publisher.publish(venue: venue) }
    }

    /// Sends the market data that changed since the last publication.
    public func publishMarketData() {
        publisher.publish(venue: venue)
    }

    func owner(of session: FIXSession) -> OwnerID {
        if let owner = ownerOf[session.id] { return owner }
        let owner = nextOwner
        nextOwner += 1
        ownerOf[session.id] = owner
        sessionOf[owner] = session
        participants.append(dormant.removeValue(forKey: session.id)
                            ?? Participant(session: session.id, recentLimit: recentOrderLimit))
        return owner
    }

    /// Where the participant of `owner` (an owner the gateway gave) is in ``participants``.
    @inline(__always)
    func index(_ owner: OwnerID) -> Int { Int(owner) - 1 }

    // MARK: - Orders

    private func newOrder(_ o: NewOrderSingle, owner: OwnerID) {
        statistics.orders += 1
        var p = Pending(kind: .new, owner: owner, clOrdID: o.clOrdID, book: -1, side: o.side, ordType: o.ordType,
                        timeInForce: o.timeInForce, price: nil, quantity: 0)
        if participants[index(owner)].clOrdIDs[o.clOrdID] != nil {
            return rejectOrder(p, symbol: o.symbol, .duplicateOrder, "Duplicate ClOrdID")
        }
        guard let book = venue.bookIndex(symbol: o.symbol) else {
            return rejectOrder(p, symbol: o.symbol, .unknownSymbol, "Unknown symbol")
        }
        p.book = book
        let instrument = venue.instruments[book]
        guard let side = Market.Side(o.side) else {
            return rejectOrder(p, symbol: o.symbol, .unsupportedOrderCharacteristic, "Side must be buy (1) or sell (2)")
        }
        guard let kind = OrderKind(o.ordType) else {
            return rejectOrder(p, symbol: o.symbol, .unsupportedOrderCharacteristic, "OrdType must be market (1) or limit (2)")
        }
        guard let tif = Market.TimeInForce(o.timeInForce) else {
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
            return rejectCancel(p, working: id, .other, "Side, OrdType and Symbol cannot change")
        }
        guard let lots = instrument.lots(r.orderQty), lots > 0 else {
            return rejectCancel(p, working: id, .other, "OrderQty must be a positive multiple of the lot size \(instrument.lotSize)")
        }
        var ticks = order.price
        if order.ordType == .limit {
            guard let price = r.price, let t = instrument.ticks(price) else {
                return rejectCancel(p, working: id, .other, "Price missing or not a multiple of the tick size \(instrument.tickSize)")
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
        let owner = p.owner
        if participants[index(owner)].clOrdIDs[p.clOrdID] != nil {
            rejectCancel(p, known: nil, .duplicateClOrdID, "Duplicate ClOrdID")
            return nil
        }
        var ref = p.origClOrdID.flatMap { participants[index(owner)].clOrdIDs[$0] }
        if ref == nil, let orderID { ref = self.ref(orderID: orderID, owner: owner) }
        switch ref {
        case .working(let id)? where orders[id]?.owner == owner:
            // The ClOrdID is taken even when the request fails later on.
            participants[index(owner)].clOrdIDs[p.clOrdID] = .working(id)
            orders[id]!.names.append(p.clOrdID)
            journal?.name(p.clOrdID, orderID: orderIDText(id), of: participants[index(owner)].session)
            return id
        case .done(let text)?:
            if let done = participants[index(owner)].recent[text] {
                participants[index(owner)].clOrdIDs[p.clOrdID] = .done(text)
                participants[index(owner)].recent.addName(p.clOrdID, to: text)
                journal?.name(p.clOrdID, orderID: text, of: participants[index(owner)].session)
                rejectCancel(p, known: (text, done.status), .tooLateToCancel,
                             done.status == .filled ? "Too late: the order is filled" : "Too late: the order is canceled")
                return nil
            }
        default:
            break
        }
        rejectCancel(p, known: nil, .unknownOrder, "Unknown order")
        return nil
    }

    /// The order of `owner` an OrderID (37) names: a working one of this run, or a recent done
    /// one.
    func ref(orderID text: String, owner: OwnerID) -> OrderRef? {
        if let id = orderID(parsing: text), orders[id]?.owner == owner { return .working(id) }
        if participants[index(owner)].recent[text] != nil { return .done(text) }
        return nil
    }

    private func finish() {
        report()
        pending = nil
        deliver()
        publisher.publish(venue: venue)
    }

    // MARK: - Reports

    /// Handles what the venue reported, in order: the gateway's state, and the messages for the
    /// participants (sent by ``deliver()``).
    func report() {
        for event in events {
            switch event {
            case let .accepted(id, owner):
                guard let p = pending, p.owner == owner else { continue }
                let order = GatewayOrder(id: id, owner: owner, book: p.book, clOrdID: p.clOrdID, side: p.side,
                                         ordType: p.ordType, timeInForce: p.timeInForce, price: p.price ?? 0, quantity: p.quantity)
                orders[id] = order
                participants[index(owner)].clOrdIDs[p.clOrdID] = .working(id)
                journal?.working(recorded(order, status: .new), of: participants[index(owner)].session)
                send(order, .new, owner: owner)
            case let .rejected(owner, reason):
                guard let p = pending, p.owner == owner else { continue }
                rejectOrder(p, symbol: venue.instruments[p.book].symbol, OrdRejReason(rawValue: reason.fixOrdRejReason),
                            reason.description)
            case .fill(let f):
                statistics.fills += 1
                let book = orders[f.takerOrderID]?.book ?? orders[f.makerOrderID]?.book ?? pending?.book ?? 0
                if book < lastTradePrice.count {
                    lastTradePrice[book] = f.price
                    if let journal {
                        let instrument = venue.instruments[book]
                        journal.lastPrice(instrument.symbol, instrument.price(f.price))
                    }
                }
                for (id, leaves, isMaker) in [(f.makerOrderID, f.makerLeaves, true), (f.takerOrderID, f.takerLeaves, false)] {
                    guard var order = orders[id] else { continue }
                    let fee = fees.fee(price: f.price, quantity: f.quantity, maker: isMaker, instrument: venue.instruments[order.book])
                    statistics.fees += fee
                    order.leaves = leaves
                    order.cumQty += f.quantity
                    order.tickLots += Int128(f.price) * Int128(f.quantity)
                    participants[index(order.owner)].addPosition(order.side == .buy ? f.quantity : -f.quantity, book: order.book)
                    let session = participants[index(order.owner)].session
                    if leaves == 0 {
                        orders[id] = nil
                        let done = recorded(order, status: .filled)
                        participants[index(order.owner)].remember(done)
                        journal?.done(done, of: session)
                    } else {
                        orders[id] = order
                        journal?.working(recorded(order, status: .partiallyFilled), of: session)
                    }
                    if let journal {
                        let instrument = venue.instruments[order.book]
                        let net = participants[index(order.owner)].positions[order.book] ?? 0
                        journal.position(instrument.symbol, instrument.quantity(net), of: session)
                    }
                    send(order, .trade, owner: order.owner, last: (f.price, f.quantity),
                         commission: fees == .free ? nil : fee)
                }
                publisher.trade(book: book, price: f.price, size: f.quantity)
            case let .canceled(id, owner, _, reason):
                guard var order = orders.removeValue(forKey: id) else { continue }
                order.leaves = 0
                var text: String
                switch reason {
                case .requested: text = "Canceled on request"
                case .immediateOrCancel: text = "Unfilled quantity canceled (immediate or cancel)"
                case .fillOrKill: text = "Canceled: could not fill in full (fill or kill)"
                case .selfTrade: text = "Canceled by self-trade prevention"
                }
                if let p = pending, p.owner == owner, reason == .requested {
                    switch p.kind {
                    case .cancel:
                        order.origClOrdID = order.clOrdID
                        order.clOrdID = p.clOrdID
                    case .massCancel:
                        // The order is named by its own ClOrdID: no cancel request names it.
                        order.origClOrdID = nil
                        text = "Canceled by mass cancel"
                    case .disconnect:
                        order.origClOrdID = nil
                        text = "Canceled on disconnect"
                    case .new, .replace:
                        break
                    }
                }
                let done = recorded(order, status: .canceled)
                participants[index(order.owner)].remember(done)
                let session = participants[index(order.owner)].session
                journal?.done(done, of: session)
                if pending?.kind == .disconnect && reason == .requested {
                    let notice = Notice(order: done, text: text, time: clock())
                    participants[index(owner)].notices.append(notice)
                    journal?.notice(notice, of: session)
                } else {
                    send(order, .canceled, owner: owner, text: text)
                }
            case let .replaced(id, owner, price, quantity, leaves):
                guard var order = orders[id], let p = pending else { continue }
                order.origClOrdID = order.clOrdID
                order.clOrdID = p.clOrdID
                order.price = price
                order.quantity = quantity
                order.leaves = leaves
                order.timeInForce = p.timeInForce ?? order.timeInForce
                orders[id] = order
                journal?.working(recorded(order, status: order.workingStatus), of: participants[index(owner)].session)
                send(order, .replaced, owner: owner)
            case let .cancelRejected(id, _, reason):
                guard let p = pending else { continue }
                rejectCancel(p, working: id, CxlRejReason(rawValue: reason.fixCxlRejReason), reason.description)
            }
        }
    }

    /// `order` as the wire shows it, with OrdStatus `status`.
    func recorded(_ order: GatewayOrder, status: OrdStatus) -> RecordedOrder {
        let instrument = venue.instruments[order.book]
        return RecordedOrder(orderID: orderIDText(order.id), clOrdID: order.clOrdID, origClOrdID: order.origClOrdID,
                             names: order.names, symbol: instrument.symbol, side: order.side, ordType: order.ordType,
                             timeInForce: order.timeInForce,
                             price: order.ordType == .limit ? instrument.price(order.price) : nil,
                             orderQty: instrument.quantity(order.quantity), cumQty: instrument.quantity(order.cumQty),
                             avgPx: instrument.averagePrice(tickLots: order.tickLots, lots: order.cumQty), status: status)
    }

    func nextExecID() -> String {
        execSequence += 1
        return "\(idPrefix)-E\(execSequence)"
    }

    /// An id of the gateway's for a report that is not about one order: `prefix-<letter><n>`.
    func nextReportID(_ letter: Character) -> String {
        reportSequence += 1
        return "\(idPrefix)-\(letter)\(reportSequence)"
    }

    /// An ExecutionReport for `order` as it now is.
    private func send(_ order: GatewayOrder, _ execType: ExecType, owner: OwnerID, last: (price: Int64, quantity: Int64)? = nil,
                      commission: Money? = nil, text: String? = nil) {
        let status: OrdStatus
        switch execType {
        case .canceled: status = .canceled
        default: status = order.leaves == 0 && order.cumQty > 0 ? .filled : order.workingStatus
        }
        var report = executionReport(order, execType: execType, status: status)
        if let last {
            let instrument = venue.instruments[order.book]
            report.lastQty = instrument.quantity(last.quantity)
            report.lastPx = instrument.price(last.price)
        }
        report.commission = commission.map { FIXDecimal(mantissa: $0, scale: 8) }
        report.commType = commission == nil ? nil : .absolute
        report.text = text
        post(.execution(report), to: owner)
    }

    /// An ExecutionReport with the state of the working order `order`.
    func executionReport(_ order: GatewayOrder, execType: ExecType, status: OrdStatus) -> ExecutionReport {
        let instrument = venue.instruments[order.book]
        return ExecutionReport(
            orderID: orderIDText(order.id), clOrdID: order.clOrdID, origClOrdID: order.origClOrdID, execID: nextExecID(),
            execType: execType, ordStatus: status, symbol: instrument.symbol, side: order.side,
            orderQty: instrument.quantity(order.quantity), ordType: order.ordType,
            price: order.ordType == .limit ? instrument.price(order.price) : nil, timeInForce: order.timeInForce,
            leavesQty: instrument.quantity(status == .canceled ? 0 : order.leaves), cumQty: instrument.quantity(order.cumQty),
            avgPx: instrument.averagePrice(tickLots: order.tickLots, lots: order.cumQty), transactTime: clock())
    }

    /// An ExecutionReport with the final state of the done order `order`.
    func executionReport(_ order: RecordedOrder, execType: ExecType, time: UTCTimestamp? = nil, text: String? = nil) -> ExecutionReport {
        ExecutionReport(
            orderID: order.orderID, clOrdID: order.clOrdID, origClOrdID: order.origClOrdID, execID: nextExecID(),
            execType: execType, ordStatus: order.status, symbol: order.symbol, side: order.side, orderQty: order.orderQty,
            ordType: order.ordType, price: order.price, timeInForce: order.timeInForce, leavesQty: FIXDecimal(0),
            cumQty: order.cumQty, avgPx: order.avgPx, transactTime: time ?? clock(), text: text)
    }

    private func rejectOrder(_ p: Pending, symbol: String, _ reason: OrdRejReason, _ text: String) {
        statistics.rejects += 1
        let report = ExecutionReport(
            orderID: "NONE", clOrdID: p.clOrdID, execID: nextExecID(), execType: .rejected, ordStatus: .rejected,
            ordRejReason: reason, symbol: symbol, side: p.side, ordType: p.ordType,
            leavesQty: FIXDecimal(0), cumQty: FIXDecimal(0), avgPx: FIXDecimal(0), transactTime: clock(), text: text)
        post(.execution(report), to: p.owner)
    }

    /// Refuses a cancel or replace of the working order `id`.
    private func rejectCancel(_ p: Pending, working id: OrderID, _ reason: CxlRejReason, _ text: String) {
        let known = orders[id].map { (orderIDText(id), $0.workingStatus) }
            ?? participants[index(p.owner)].recent[orderIDText(id)].map { ($0.orderID, $0.status) }
        rejectCancel(p, known: known, reason, text)
    }

    /// Refuses a cancel or replace; `known` is the order it names (OrderID and status), if any.
    private func rejectCancel(_ p: Pending, known: (orderID: String, status: OrdStatus)?, _ reason: CxlRejReason, _ text: String) {
        statistics.cancelRejects += 1
        let reject = OrderCancelReject(
            orderID: known?.orderID ?? "NONE", clOrdID: p.clOrdID, origClOrdID: p.origClOrdID ?? "NONE",
            ordStatus: known?.status ?? .rejected, transactTime: clock(),
            cxlRejResponseTo: p.kind == .replace ? .orderCancelReplaceRequest : .orderCancelRequest,
            cxlRejReason: reason, text: text)
        post(.cancelReject(reject), to: p.owner)
    }

    func businessReject(_ m: FIXMessage, owner: OwnerID, reason: BusinessRejectReason, refID: String? = nil, text: String) {
        post(.businessReject(BusinessMessageReject(refSeqNum: m.msgSeqNum, refMsgType: m.msgType ?? "", businessRejectRefID: refID,
                                                   reason: reason, text: text)), to: owner)
    }

    // MARK: - Sending

    /// Queues `message` for `owner`'s session.
    func post(_ message: Outgoing, to owner: OwnerID) {
        outbox.append((owner, message))
    }

    /// Sends the queued messages, in order, once the journal's records are with the operating
    /// system (and, under `FileStoreSync=always`, the messages wait for them to be on disk). A
    /// session that is not logged on stores them: its peer gets them back by ResendRequest after
    /// its next logon. When the journal cannot be written, nothing that depends on it is sent
    /// and every session is logged out.
    func deliver() {
        if let journal {
            // Records without a message to follow them (the cancels of a session that went away)
            // are written now as well.
            if journalFailure == nil && (!outbox.isEmpty || journal.journal.hasPending) {
                do {
                    try journal.flush(before: outbox.map { participants[index($0.owner)].session }, snapshot: snapshot)
                } catch {
                    journalFailed(error)
                }
            }
            if journalFailure != nil {
                outbox.removeAll { if case .businessReject = $0.message { false } else { true } }
                noticesDelivered.removeAll()
            }
        }
        guard !outbox.isEmpty else { return }
        for (owner, message) in outbox {
            guard let session = sessionOf[owner] else { continue }
            switch message {
            case .execution(let m): _ = session.send(m)
            case .cancelReject(let m): _ = session.send(m)
            case .massCancelReport(let m): _ = session.send(m)
            case .positionsAck(let m): _ = session.send(m)
            case .position(let m): _ = session.send(m)
            case .businessReject(let m): _ = session.send(m)
            }
            ownMessagesSent += 1
        }
        outbox.removeAll(keepingCapacity: true)
        if let journal, !noticesDelivered.isEmpty {
            for session in noticesDelivered { journal.noticesSent(of: session) }
            noticesDelivered.removeAll()
            do { try journal.flush(before: [SessionID](), snapshot: snapshot) } catch { journalFailed(error) }
        }
    }

    /// The journal cannot be written: the venue stops (its sessions are logged out, and every
    /// later request is refused) rather than report what it could not save.
    private func journalFailed(_ error: StoreError) {
        guard journalFailure == nil else { return }
        journalFailure = error
        for session in sessionOf.values {
            session.logEvent("The venue's journal failed: \(error); logging out")
            session.logout(text: "The venue cannot save its state")
        }
    }

    /// Sends `owner` the cancels that waited for its logon.
    private func deliverNotices(owner: OwnerID) {
        let notices = participants[index(owner)].notices
        guard !notices.isEmpty else { return }
        participants[index(owner)].notices.removeAll()
        for n in notices {
            statistics.unsolicitedCancels += 1
            post(.execution(executionReport(n.order, execType: .canceled, time: n.time, text: n.text)), to: owner)
        }
        noticesDelivered.append(participants[index(owner)].session)
    }

    // MARK: - Market data

    private func marketData(_ r: MarketDataRequest, session: FIXSession) {
        publisher.request(r, session: session, venue: venue)
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
    /// Cancels reported to a participant at its logon: its orders canceled while it was away.
    public var unsolicitedCancels = 0
    /// Fees charged to the sessions (gross; negative for rebates), in 10^-8 currency units.
    public var fees: Money = 0
}
