import MakerCore
import Market
import MarketFIX
import FIX
import FIXSessionCore
import FIXTransport
import NIOCore
import Quoting

/// The reconciliation after logon over FIX 4.4 (see ``Reconciliation`` for the steps):
/// OrderMassStatusRequest (AF) for the instrument, OrderStatusRequest (H) for each order the venue
/// did not list, OrderCancelRequest for the venue's orders the market maker does not know,
/// RequestForPositions (AN); then the market-data subscription and quoting. A BusinessMessageReject
/// (j) of AF or H, or no answer in time, calls the fallback: cancels, OrderMassCancelRequest (q),
/// or no quoting. Answers are told apart by the ids the requests carry: MassStatusReqID `MS-<n>`,
/// OrdStatusReqID `ST-<n>-<key>`, PosReqID `POS-<n>`, cancel ClOrdIDs `X<n>-<i>`, mass cancel
/// ClOrdID `MC-<n>`, where `<n>` counts the rounds.
extension FIXMarketMaker {
    /// Reconciles with the venue after each logon, before quoting; `fallback` for a venue that
    /// cannot; each step waits `timeout` for the answers. Call before the session starts.
    public func reconcile(fallback: Reconciliation.Fallback = .cancel, timeout: TimeAmount = .seconds(10)) {
        reconciliation = Reconciliation(fallback: fallback)
        reconciliationTimeout = timeout
    }

    /// Whether a reconciliation holds quoting back now.
    public var isReconciling: Bool { reconciliation?.isHolding ?? false }

    /// The current round in the ids of its requests: the run's tag and the round's number, so
    /// that a request id (a cancel's ClOrdID among them) is never used again by a later round
    /// or a later run, even one that lost the journal.
    var roundID: String { "\(requestTag)-\(reconciliationRound)" }

    func beginReconciliation(on session: FIXSession) {
        guard var r = reconciliation else { return }
        reconciliationRound += 1
        unknownCancels = [:]
        positionReportsLeft = 0
        quotingRefused = false
        let actions = r.begin()
        reconciliation = r
        session.logEvent("Reconciling with the venue before quoting: position \(maker.positions.position), \(maker.liveOrders.count) orders")
        run(actions)
    }

    // MARK: - Answers

    func statusReport(_ report: ExecutionReport) {
        guard var r = reconciliation else { return }
        let round = roundID
        var actions: [Reconciliation.Action] = []
        if let id = report.massStatusReqID {
            guard id == "MS-" + round else { return }
            let empty = report.totNumReports == 0 || report.orderID == "NONE"
            let venue = empty ? nil : venueOrder(report)
            let current = venue?.key.flatMap { maker.order($0) }
            actions = r.massStatus(venue, current: current, last: report.lastRptRequested ?? true, live: maker.liveOrders)
        } else if let id = report.ordStatusReqID {
            let prefix = "ST-" + round + "-"
            guard id.hasPrefix(prefix), let raw = UInt64(id.dropFirst(prefix.count)) else { return }
            let key = OrderKey(raw)
            let venue = venueOrder(report)
            actions = r.orderStatus(venue, for: key, current: maker.order(key) ?? venue.key.flatMap { maker.order($0) })
        } else {
            return
        }
        reconciliation = r
        run(actions)
    }

    /// Whether the report answers a cancel of an unknown order (and so is not the market maker's).
    func unknownCancelAnswered(_ clOrdID: String?, _ origClOrdID: String?) -> Bool {
        guard let clOrdID, let order = unknownCancels.removeValue(forKey: clOrdID) else { return false }
        _ = origClOrdID
        guard var r = reconciliation else { return true }
        let actions = r.unknownCancelAnswered(clOrdID: order)
        reconciliation = r
        run(actions)
        return true
    }

    func positionsAck(_ ack: RequestForPositionsAck) {
        guard var r = reconciliation, ack.posReqID == "POS-" + roundID else { return }
        var actions: [Reconciliation.Action] = []
        switch ack.posReqResult {
        case .validRequest:
            positionReportsLeft = ack.totalNumPosReports ?? 1
            if positionReportsLeft <= 0 { actions = r.positions(venue: nil, ours: maker.positions.position) }
        case .noPositionsFound:
            actions = r.positions(venue: nil, ours: maker.positions.position)
        default:
            actions = r.unsupported(.positions, reason: "RequestForPositionsAck: \(ack.posReqResult)\(ack.text.map { ", \($0)" } ?? "")")
        }
        reconciliation = r
        run(actions)
    }

    func positionReport(_ report: PositionReport) {
        guard var r = reconciliation, report.posReqID == "POS-" + roundID else { return }
        positionReportsLeft -= 1
        var actions: [Reconciliation.Action] = []
        if report.symbol == instrument.symbol {
            let quantities = report.positions.first { $0.type == .totalTransactionQuantity } ?? report.positions.first
            let long = quantities?.longQty.flatMap { instrument.lots($0) } ?? 0
            let short = quantities?.shortQty.flatMap { instrument.lots($0) } ?? 0
            settlementPrice = instrument.ticks(report.settlPrice)
            actions = r.positions(venue: long - short, ours: maker.positions.position)
        } else if positionReportsLeft <= 0 {
            actions = r.positions(venue: nil, ours: maker.positions.position)
        }
        reconciliation = r
        run(actions)
    }

    func massCancelReport(_ report: OrderMassCancelReport) {
        guard var r = reconciliation, report.clOrdID == "MC-" + roundID else { return }
        if report.massCancelResponse == .rejected {
            warn("the venue refused the mass cancel (\(report.text ?? "no reason given")): orders may still be working")
        }
        // Whatever the venue did not report canceled one by one is gone with the mass cancel.
        for (key, _) in maker.liveOrders {
            execution(.canceled(key, origKey: nil, leaves: maker.order(key).map(Self.leaves) ?? 0))
        }
        let actions = r.fallbackDone()
        reconciliation = r
        run(actions)
    }

    func businessReject(_ reject: BusinessMessageReject) {
        guard var r = reconciliation, r.isHolding else { return }
        let reason = "BusinessMessageReject of \(reject.refMsgType): \(reject.text ?? "no text")"
        var actions: [Reconciliation.Action] = []
        switch reject.refMsgType {
        case OrderMassStatusRequest.msgType: actions = r.unsupported(.massStatus, reason: reason)
        case OrderStatusRequest.msgType: actions = r.unsupported(.orderStatus, reason: reason)
        case RequestForPositions.msgType: actions = r.unsupported(.positions, reason: reason)
        case OrderMassCancelRequest.msgType:
            warn("the venue cannot mass cancel (\(reason)): orders may still be working")
            actions = r.fallbackDone()
        default: return
        }
        reconciliation = r
        run(actions)
    }

    /// After a report in the fallback's cancels: once no order is left, quoting starts.
    func fallbackProgress() {
        guard var r = reconciliation, r.phase == .fallback, r.fallback == .cancel, maker.liveOrders.isEmpty else { return }
        let actions = r.fallbackDone()
        reconciliation = r
        run(actions)
    }

    // MARK: - Actions

    func run(_ actions: [Reconciliation.Action]) {
        guard let session else { return }
        let round = roundID
        for action in actions {
            switch action {
            case .requestMassStatus:
                _ = session.send(OrderMassStatusRequest(massStatusReqID: "MS-\(round)", massStatusReqType: .security,
                                                        symbol: instrument.symbol))
            case let .requestStatus(key, side):
                _ = session.send(OrderStatusRequest(clOrdID: Self.clOrdID(key), ordStatusReqID: "ST-\(round)-\(key.rawValue)",
                                                    symbol: instrument.symbol, side: side == .buy ? .buy : .sell))
            case let .cancelUnknown(clOrdID, side, quantity):
                let id = "X\(round)-\(unknownCancels.count + 1)"
                unknownCancels[id] = clOrdID
                _ = session.send(OrderCancelRequest(origClOrdID: clOrdID, clOrdID: id, symbol: instrument.symbol,
                                                    side: side == .buy ? .buy : .sell, transactTime: clock(),
                                                    orderQty: instrument.quantity(quantity)))
            case .requestPositions:
                let account = session.id.senderCompID
                let now = clock()
                _ = session.send(RequestForPositions(
                    posReqID: "POS-\(round)", posReqType: .positions,
                    parties: [Party(id: account, source: .proprietary, role: .clientID)], account: account,
                    accountType: .customerSide, symbol: instrument.symbol,
                    clearingBusinessDate: Self.businessDate(now), transactTime: now))
            case .apply(let update):
                execution(update)
            case .takePosition(let position):
                let price = settlementPrice.flatMap { $0 > 0 ? $0 : nil } ?? maker.mark ?? averageEntry() ?? 0
                readClock()
                commands.removeAll(keepingCapacity: true)
                maker.takePosition(position, price: price, now: now, into: &commands)
                flushCommands()
            case .warn(let text):
                warn(text)
            case .cancelAll:
                cancelAll()
                fallbackProgress()
            case .massCancel:
                _ = session.send(OrderMassCancelRequest(clOrdID: "MC-\(round)", massCancelRequestType: .security,
                                                        symbol: instrument.symbol, transactTime: clock()))
            case .refuse(let text):
                quotingRefused = true
                reconciliationWarnings += 1
                session.logEvent("Reconciliation: \(text)")
                onReconciliationWarning?(text)
            case .quote:
                session.logEvent("Reconciled with the venue (\(reconciliationWarnings) difference(s) so far): position \(maker.positions.position), "
                                 + "\(maker.liveOrders.count) orders; quoting")
                readClock()
                commands.removeAll(keepingCapacity: true)
                maker.applyRiskSides(now: now, into: &commands)
                flushCommands()
                subscribe(on: session)
            }
        }
        armReconciliationTimer()
    }

    private func warn(_ text: String) {
        reconciliationWarnings += 1
        session?.logEvent("Reconciliation: \(text)")
        onReconciliationWarning?(text)
    }

    /// (Re)starts the step's timeout while a round holds quoting.
    private func armReconciliationTimer() {
        reconciliationTimer?.cancel()
        reconciliationTimer = nil
        guard let session, let r = reconciliation, r.isHolding, r.phase != .refused else { return }
        let round = reconciliationRound
        reconciliationTimer = session.eventLoop.scheduleTask(in: reconciliationTimeout) { [weak self] in
            guard let self, self.reconciliationRound == round, var r = self.reconciliation else { return }
            let actions = r.timedOut()
            self.reconciliation = r
            self.run(actions)
        }
    }

    // MARK: - Translation

    /// A status report in the reconciliation's terms.
    func venueOrder(_ r: ExecutionReport) -> Reconciliation.VenueOrder {
        let status: Reconciliation.VenueOrder.Status
        switch r.ordStatus {
        case .filled: status = .filled
        case .canceled, .doneForDay, .expired: status = .canceled
        case .rejected: status = r.ordRejReason == .unknownOrder || r.orderID == "NONE" ? .unknown : .rejected
        default: status = .working
        }
        return Reconciliation.VenueOrder(
            clOrdID: r.clOrdID ?? "", key: Self.key(r.clOrdID), status: status, side: r.side == .sell ? .sell : .buy,
            price: r.price.flatMap { instrument.ticks($0) }, quantity: r.orderQty.flatMap { instrument.lots($0) } ?? 0,
            filled: instrument.lots(r.cumQty) ?? 0, leaves: instrument.lots(r.leavesQty) ?? 0,
            averagePrice: instrument.ticks(r.avgPx))
    }

    static func leaves(_ order: MakerOrder) -> Int64 {
        switch order {
        case .ladder(let o): o.leaves
        case .flattening(let f): f.quantity - f.filled
        }
    }

    /// The average entry price of the open position, in ticks; nil when flat.
    func averageEntry() -> Int64? {
        let p = maker.positions
        guard p.position != 0 else { return nil }
        return p.openCost / abs(p.position)
    }

    /// `YYYYMMDD` of `time` (UTC).
    static func businessDate(_ time: UTCTimestamp) -> String {
        let date = CivilDate(daysSinceEpoch: Period.day(of: time.nanosecondsSinceEpoch))
        func digits(_ v: Int, _ n: Int) -> String {
            let text = String(v)
            return String(repeating: "0", count: max(0, n - text.count)) + text
        }
        return digits(date.year, 4) + digits(date.month, 2) + digits(date.day, 2)
    }
}
