import MakerCore
import Market
import MarketFIX
import FIX
import FIXSessionCore
import FIXTransport
import NIOCore
import Quoting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The market maker on a FIX 4.4 session (the initiator side): it subscribes to market data
/// for its instrument once logged on, keeps the best prices from the snapshot and the
/// incremental refreshes, and turns each change into orders (NewOrderSingle,
/// OrderCancelReplaceRequest, OrderCancelRequest) after the risk gate; execution reports and
/// cancel rejects come back to it as execution updates.
///
/// ClOrdIDs are `Q<n>` for the ladder's orders and `F<n>` for flattening orders. Everything
/// runs on the session's event loop.
public final class FIXMarketMaker: FIXApplication, @unchecked Sendable {
    // Everything is touched on the session's event loop only, one call at a time, so the
    // run-time exclusivity checks of the hot path's stored properties are turned off.
    @exclusivity(unchecked) public internal(set) var maker: MarketMaker
    @exclusivity(unchecked) public private(set) var book = QuoteBook()
    /// Market data in -> orders out, nanoseconds, for each market-data message that led to orders.
    @exclusivity(unchecked) public private(set) var latency = LatencyHistogram()
    /// Market-data messages received.
    @exclusivity(unchecked) public private(set) var marketDataMessages = 0
    /// Execution reports and cancel rejects received.
    public private(set) var reports = 0
    /// Messages the market maker could not read (counted and skipped).
    public private(set) var unreadable = 0
    /// Orders the session could not store (and so did not send).
    public private(set) var storeFailures = 0
    /// Fill reports whose CumQty (14) the market maker had already booked (a report received
    /// again after a restart): ignored.
    public private(set) var duplicateFills = 0
    /// Fill reports whose CumQty shows fills the market maker never saw (a lost report): the
    /// missing lots were booked with them.
    public private(set) var catchUpFills = 0
    /// The reconciliation with the venue run after each logon, before quoting (nil: quote at
    /// once; see ``reconcile(fallback:timeout:)``).
    public internal(set) var reconciliation: Reconciliation?
    /// How long each step of a reconciliation waits for the venue's answers.
    public internal(set) var reconciliationTimeout: TimeAmount = .seconds(10)
    var reconciliationTimer: Scheduled<Void>?
    /// The venue's settlement price of the instrument from its last position report (ticks).
    var settlementPrice: Int64?
    /// Rounds started (ids of the requests).
    var reconciliationRound = 0
    /// This run's tag in the ids of the reconciliation's requests: the first order key of the
    /// run in base 36 (the key space starts at the start time, see
    /// ``MarketMaker/init(configuration:firstKey:)``, and goes on from a recovered journal's).
    let requestTag: String
    /// The cancels of unknown orders in flight: our ClOrdID -> the order's.
    var unknownCancels: [String: String] = [:]
    /// Position reports still to come in the current round.
    var positionReportsLeft = 0
    /// Differences a reconciliation found (each one logged as a warning).
    public internal(set) var reconciliationWarnings = 0
    /// Whether quoting was refused (a venue that cannot reconcile, with the fallback `refuse`).
    public internal(set) var quotingRefused = false
    /// Called with each difference a reconciliation finds (for the operator's log).
    public var onReconciliationWarning: (@Sendable (String) -> Void)?
    /// Where the market maker's state is kept, when it is (see ``attach(journal:)``).
    public private(set) var journal: MakerJournal?
    /// The journal's write that failed: from then on nothing is sent.
    public private(set) var journalFailure: StoreError?
    /// The depth of the market-data subscription.
    public let depth: Int
    /// The market's clock, when the venue stamps its market data (a replay does): the margin
    /// model's bars and the intraday figures follow it rather than the wall clock.
    @exclusivity(unchecked) public private(set) var marketTime: Int64?
    var session: FIXSession?
    @exclusivity(unchecked) var commands: [VenueCommand] = []
    let clock: @Sendable () -> UTCTimestamp
    /// The instrument's symbol as bytes, compared with Symbol (55) of market-data entries.
    private let symbolBytes: [UInt8]
    private let writer: FIXOrderWriter
    /// The instrument's tick and lot, kept apart so that reading them copies nothing.
    private let tickSize: DecimalStep
    private let lotSize: DecimalStep
    private let onMarketData: (@Sendable () -> Void)?

    /// `onMarketData` is called after each market-data message is handled (progress displays).
    public init(maker: MarketMaker, depth: Int = 5, clock: @escaping @Sendable () -> UTCTimestamp = systemNow,
                onMarketData: (@Sendable () -> Void)? = nil) {
        self.maker = maker
        self.depth = depth
        self.clock = clock
        self.onMarketData = onMarketData
        symbolBytes = Array(maker.configuration.instrument.symbol.utf8)
        writer = FIXOrderWriter(instrument: maker.configuration.instrument)
        tickSize = maker.configuration.instrument.tickSize
        lotSize = maker.configuration.instrument.lotSize
        requestTag = String(maker.state.nextKey.rawValue, radix: 36)
    }

    var instrument: Instrument { maker.configuration.instrument }

    /// The wall clock, read once for each message or call handled: the market's time when the
    /// market has none, and the TransactTime of the orders that follow.
    @exclusivity(unchecked) private var eventClock: UTCTimestamp?

    /// The wall clock as read for the event being handled (nil before the first): the
    /// TransactTime of the orders that answer it, and their SendingTime on the session.
    public var eventTime: UTCTimestamp? { eventClock }

    /// Reads the wall clock for the event being handled.
    func readClock() {
        eventClock = clock()
    }

    /// The market's time when it is known, else the wall clock read for this event.
    var now: Int64 { marketTime ?? (eventClock ?? clock()).nanosecondsSinceEpoch }

    // MARK: - FIXApplication

    /// Keeps the market maker's state in `journal` from now on: what each event changes is
    /// written, and handed to the system, before the orders that follow it are sent; under
    /// `FileStoreSync=always` the session also waits for it to be on disk. Call before the
    /// session starts.
    public func attach(journal: MakerJournal) {
        self.journal = journal
        maker.recordsChanges = true
    }

    /// Appends what the last events changed to the journal's buffer (no system call; the
    /// sends of ``cancelAll()``, ``execution(_:)`` and the session's market data do it, and hand
    /// the records to the system, themselves).
    public func recordChanges() {
        journal?.record(&maker)
    }

    /// Writes what is left to the journal, syncs it (unless its policy is `never`) and closes
    /// it: at the end of a run, once the session has logged out.
    public func closeJournal() {
        guard let journal else { return }
        if journalFailure == nil {
            journal.record(&maker)
            try? journal.flush()
        }
        journal.journal.close()
    }

    /// Writes what the last events changed to the journal and hands it to the system; false
    /// when that failed (nothing may be sent then).
    private func journalChanges() -> Bool {
        guard let journal else { return true }
        if journalFailure != nil { return false }
        journal.record(&maker)
        do {
            try journal.flush()
            if journal.journal.size > journal.compactionSize { try journal.compact(maker.state) }
            return true
        } catch {
            journalFailure = error
            session?.logEvent("The market maker's journal failed: \(error); quoting stopped, logging out")
            session?.logout(text: "Market maker state could not be saved")
            return false
        }
    }

    public func onEvent(_ event: SessionEvent, session: FIXSession) {
        self.session = session
        if let journal, event == .loggedOn { session.addSyncSource(journal.journal) }
        switch event {
        case .loggedOn:
            if reconciliation != nil {
                beginReconciliation(on: session)
            } else {
                subscribe(on: session)
            }
        case .loggedOut:
            reconciliationTimer?.cancel()
            reconciliationTimer = nil
        default:
            break
        }
    }

    /// Subscribes to the instrument's market data (quoting follows the first snapshot).
    func subscribe(on session: FIXSession) {
        _ = session.send(MarketDataRequest(mdReqID: "MD-\(instrument.symbol)", subscriptionRequestType: .snapshotPlusUpdates,
                                           marketDepth: depth, mdUpdateType: .incrementalRefresh,
                                           entryTypes: [.bid, .offer, .trade], symbols: [instrument.symbol]))
    }

    public func fromApp(_ message: FIXMessage, session: FIXSession) {
        self.session = session
        let start = Self.monotonic()
        do {
            switch message.msgType {
            case "W", "X":
                // Market data moves no order while a reconciliation runs (its orders would race
                // the venue's answers, which tell a replace in flight from a lost one only by
                // when it was sent), nor when resent (PossDupFlag): a resent refresh belongs to
                // an earlier subscription. The subscription that follows the reconciliation
                // starts with a snapshot.
                if isReconciling || message.value(Tag.possDupFlag, equals: "Y") { return }
                if try handleMarketData(message) {
                    flushCommands()
                    latency.record(Self.monotonic() - start)
                } else {
                    logDenials(on: session)
                }
                onMarketData?()
            case "8":
                reports += 1
                let report = try ExecutionReport(message)
                if report.execType == .orderStatus {
                    statusReport(report)
                    return
                }
                if unknownCancelAnswered(report.clOrdID, report.origClOrdID) { return }
                guard var update = Self.update(report, instrument: instrument) else { return }
                if case let .fill(key, price, quantity, leaves, fee) = update, let cum = instrument.lots(report.cumQty), cum > 0,
                   let known = maker.filledQuantity(key) {
                    // CumQty tells a report seen before (after a restart) from a new one, and
                    // shows fills whose reports were lost.
                    if cum <= known {
                        duplicateFills += 1
                        return
                    }
                    if cum - known != quantity {
                        catchUpFills += 1
                        update = .fill(key, price: price, quantity: cum - known, leaves: leaves, fee: fee)
                    }
                }
                if case .rejected = update { logReject(report, on: session) }
                execution(update)
            case "9":
                reports += 1
                let reject = try OrderCancelReject(message)
                if unknownCancelAnswered(reject.clOrdID, reject.origClOrdID) { return }
                guard let key = Self.key(reject.clOrdID) else { return }
                execution(reject.cxlRejResponseTo == .orderCancelReplaceRequest ? .replaceRejected(key) : .cancelRejected(key))
            case "AO":
                positionsAck(try RequestForPositionsAck(message))
            case "AP":
                positionReport(try PositionReport(message))
            case "r":
                massCancelReport(try OrderMassCancelReport(message))
            case "j":
                businessReject(try BusinessMessageReject(message))
            default:
                return
            }
        } catch {
            unreadable += 1
        }
    }

    // MARK: - Market data

    /// Applies a market-data message (W or X) for the instrument to the book and lets the market
    /// maker react; true when it has orders to send (``writePendingMessages(_:)``).
    /// The session-free hot path, from market data in to orders out.
    @discardableResult
    public func handleMarketData(_ message: FIXMessage) throws -> Bool {
        guard journalFailure == nil, !quotingRefused else { return false }
        marketDataMessages += 1
        readClock()
        let isSnapshot = message.value(Tag.msgType, equals: "W")
        if isSnapshot {
            // A snapshot is checked in full (it replaces the book), then read like a refresh.
            let snapshot = try MarketDataSnapshotFullRefresh(message)
            guard snapshot.symbol == instrument.symbol else { return false }
            book.clear()
        }
        applyEntries(message, takingTime: !isSnapshot)
        commands.removeAll(keepingCapacity: true)
        maker.marketChanged(bestBid: book.bestBid, bestAsk: book.bestAsk, now: now, into: &commands)
        return !commands.isEmpty
    }

    /// Applies the entries of a snapshot or an incremental refresh read straight from the
    /// message's fields (``FIXMessage/forEachMarketDataEntry(_:)``): no typed message, no string,
    /// no allocation. Entries of another symbol are skipped; with `takingTime`, the market's
    /// time is the last entry's MDEntryDate (272) and MDEntryTime (273).
    private func applyEntries(_ message: FIXMessage, takingTime: Bool) {
        var date: FIXField?
        var time: FIXField?
        message.forEachMarketDataEntry { e, raw in
            if let d = e.date { date = d }
            if let t = e.time { time = t }
            if let symbol = e.symbol, !Self.equal(UnsafeRawBufferPointer(rebasing: raw[symbol.valueRange]), symbolBytes) { return }
            apply(e)
        }
        if takingTime, let date, let time, date.valueLength == 8, time.valueLength <= 18 {
            message.withUnsafeFields { _, raw in
                // `YYYYMMDD` + `-` + `HH:MM:SS[.f...]`, joined on the stack.
                withUnsafeTemporaryAllocation(byteCount: 32, alignment: 1) { buffer in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[date.valueRange]))
                    buffer[8] = UInt8(ascii: "-")
                    UnsafeMutableRawBufferPointer(rebasing: buffer[9...]).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: raw[time.valueRange]))
                    if let t = UTCTimestamp(ascii: UnsafeRawBufferPointer(rebasing: buffer[..<(9 + Int(time.valueLength))])) {
                        marketTime = t.nanosecondsSinceEpoch
                    }
                }
            }
        }
    }

    /// Whether `value` holds exactly `bytes`.
    @inline(__always)
    private static func equal(_ value: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Bool {
        value.count == bytes.count && bytes.withUnsafeBytes { b in
            b.count == 0 || memcmp(b.baseAddress!, value.baseAddress!, b.count) == 0
        }
    }

    /// Applies one entry to the book.
    private func apply(_ e: MarketDataEntryFields) {
        guard let price = e.price, let ticks = tickSize.steps(mantissa: price.mantissa, scale: price.scale)
        else { return }
        let lots = e.size.flatMap { lotSize.steps(mantissa: $0.mantissa, scale: $0.scale) } ?? 0
        switch e.type {
        case UInt8(ascii: "0"), UInt8(ascii: "1"):
            let side: Market.Side = e.type == UInt8(ascii: "0") ? .buy : .sell
            if e.action == UInt8(ascii: "2") { book.remove(side, price: ticks) } else { book.set(side, price: ticks, size: lots) }
        case UInt8(ascii: "2"):
            book.trade(price: ticks, size: lots)
        default:
            break
        }
    }

    // MARK: - Orders

    /// Applies a report already in the market maker's terms (as the FIX reports are), and sends
    /// what follows; for tests and benchmarks that play the venue in process.
    public func execution(_ update: ExecutionUpdate) {
        readClock()
        commands.removeAll(keepingCapacity: true)
        maker.execution(update, now: now, into: &commands)
        flushCommands()
        if let r = reconciliation, r.phase == .fallback { fallbackProgress() }
    }

    /// Cancels every working order (before logging out).
    public func cancelAll() {
        readClock()
        commands.removeAll(keepingCapacity: true)
        maker.cancelAll(now: now, into: &commands)
        flushCommands()
    }

    /// Stops quoting for good: every working order is canceled and no new one goes out (the end
    /// of a run). ``workingOrders`` tells when the cancels have been answered.
    public func stopQuoting() {
        readClock()
        commands.removeAll(keepingCapacity: true)
        maker.stopQuoting(now: now, into: &commands)
        flushCommands()
    }

    /// Orders of the ladder not yet done (working or with a request in flight).
    public var workingOrders: Int { maker.quoter.orders.filter { !$0.state.isTerminal }.count }

    /// Engages the kill switch: everything is canceled and nothing new goes out until reset.
    public func engageKillSwitch() {
        readClock()
        commands.removeAll(keepingCapacity: true)
        maker.engageKillSwitch(now: now, into: &commands)
        flushCommands()
    }

    /// Risk denials already written to the event log.
    private var loggedDenials: UInt64 = 0

    /// Writes the gate's new denials to the session's event log, with their reasons (they are
    /// also counted by reason in the summary). Denials are rare, so this is off the hot path.
    private func logDenials(on session: FIXSession) {
        let total = maker.gate.totalDenials
        guard total != loggedDenials else { return }
        let recent = maker.gate.recentDenials
        let new = Int(min(total - loggedDenials, UInt64(recent.count)))
        if total - loggedDenials > UInt64(new) {
            session.logEvent("\(total - loggedDenials - UInt64(new)) risk denials not kept for the log (counted in the summary)")
        }
        for denial in recent.suffix(new) { session.logEvent("\(maker.configuration.instrument.symbol): \(denial)") }
        loggedDenials = total
    }

    /// Writes a venue's refusal of a new order to the session's event log, with its reason and
    /// text (rare, off the hot path).
    private func logReject(_ report: ExecutionReport, on session: FIXSession) {
        let reason = report.ordRejReason.map { " (OrdRejReason \($0.rawValue) \($0))" } ?? ""
        session.logEvent("\(instrument.symbol): order \(report.clOrdID ?? "?") rejected by the venue\(reason): \(report.text ?? "no text")")
    }

    /// Sends the pending orders on the session.
    func flushCommands() {
        guard journalChanges() else {
            commands.removeAll(keepingCapacity: true)
            return
        }
        guard let session else { return }
        logDenials(on: session)
        // The orders answering one event share one SendingTime: the clock reading taken when the
        // event arrived, which is also their TransactTime.
        session.batch(sendingTime: eventClock) {
            writePendingMessages { msgType, body in
                do {
                    try session.write(msgType: msgType, body: body)
                } catch {
                    // The store failed: the session reports it and disconnects; the order is not sent.
                    storeFailures += 1
                }
            }
        }
        commands.removeAll(keepingCapacity: true)
    }

    /// The pending orders as FIX message bodies, in order: `write` gets each message's MsgType
    /// and a function that writes its body into an encoder (the hot path: nothing is allocated).
    public func writePendingMessages(_ write: (_ msgType: String, _ body: (FIXEncoder) -> Void) -> Void) {
        let now = eventClock ?? clock()
        for command in commands {
            var cancelQuantity: Int64?
            if case let .cancel(key, _, _) = command { cancelQuantity = maker.quoter.tracker.order(key)?.quantity }
            write(FIXOrderWriter.msgType(command)) { e in
                writer.writeBody(command, transactTime: now, cancelQuantity: cancelQuantity, into: e)
            }
        }
    }

    /// The pending orders as FIX messages, in order.
    public func forEachPendingMessage(new: (NewOrderSingle) -> Void, replace: (OrderCancelReplaceRequest) -> Void,
                                      cancel: (OrderCancelRequest) -> Void) {
        let now = eventClock ?? clock()
        for command in commands {
            switch command {
            case let .new(key, side, kind, timeInForce, price, quantity):
                new(NewOrderSingle(
                    clOrdID: Self.clOrdID(key), handlInst: .automatedPrivate, symbol: instrument.symbol,
                    side: side == .buy ? .buy : .sell, transactTime: now, orderQty: instrument.quantity(quantity),
                    ordType: kind == .market ? .market : .limit, price: kind == .market ? nil : instrument.price(price),
                    timeInForce: timeInForce.fix))
            case let .replace(key, newKey, side, price, quantity):
                replace(OrderCancelReplaceRequest(
                    origClOrdID: Self.clOrdID(key), clOrdID: Self.clOrdID(newKey), symbol: instrument.symbol,
                    side: side == .buy ? .buy : .sell, transactTime: now, orderQty: instrument.quantity(quantity),
                    ordType: .limit, price: instrument.price(price)))
            case let .cancel(key, newKey, side):
                // OrderQtyData on a cancel: the order's total quantity (CumQty + LeavesQty).
                cancel(OrderCancelRequest(
                    origClOrdID: Self.clOrdID(key), clOrdID: Self.clOrdID(newKey), symbol: instrument.symbol,
                    side: side == .buy ? .buy : .sell, transactTime: now,
                    orderQty: maker.quoter.tracker.order(key).map { instrument.quantity($0.quantity) }))
            }
        }
    }

    // MARK: - Translation

    static func clOrdID(_ key: OrderKey) -> String { FIXOrderWriter.clOrdID(key) }

    static func key(_ clOrdID: String?) -> OrderKey? { FIXOrderWriter.key(clOrdID) }

    /// An execution report as an update; nil for one that is not about our orders.
    static func update(_ r: ExecutionReport, instrument: Instrument) -> ExecutionUpdate? {
        guard let key = key(r.clOrdID) else { return nil }
        let leaves = instrument.lots(r.leavesQty) ?? 0
        switch r.execType {
        case .new:
            return .accepted(key)
        case .rejected:
            return .rejected(key, code: r.ordRejReason?.rawValue ?? OrdRejReason.other.rawValue)
        case .trade:
            guard let px = r.lastPx.flatMap({ instrument.ticks($0) }), let qty = r.lastQty.flatMap({ instrument.lots($0) }) else {
                return nil
            }
            let fee = r.commission.flatMap { DecimalStep(units: 1, scale: 8).steps(mantissa: $0.mantissa, scale: $0.scale) }
            return .fill(key, price: px, quantity: qty, leaves: leaves, fee: fee)
        case .canceled:
            let total = r.orderQty.flatMap { instrument.lots($0) } ?? 0
            let done = instrument.lots(r.cumQty) ?? 0
            return .canceled(key, origKey: Self.key(r.origClOrdID), leaves: max(0, total - done))
        case .replaced:
            guard let px = r.price.flatMap({ instrument.ticks($0) }), let qty = r.orderQty.flatMap({ instrument.lots($0) }) else {
                return nil
            }
            return .replaced(newKey: key, origKey: Self.key(r.origClOrdID), price: px, quantity: qty, leaves: leaves)
        default:
            return nil
        }
    }

    /// Nanoseconds of the monotonic clock (NIO's, the event loops' own), for latencies.
    static func monotonic() -> Int64 {
        Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds)
    }
}
