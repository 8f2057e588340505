import Engine
import Exchange
import ExchangeFIX
import FIX

/// Rebuilds what happened in FIX sessions from their messages, fed in time order: per session
/// the logons and logouts, the sequence numbers of each direction with their gaps, resend
/// requests, sequence resets and resends, the rejects; per order its ClOrdID chain, requests,
/// execution reports and final state; the fills, and positions and profit per order sender and
/// symbol.
///
/// Notable events go to ``onEvent`` as they happen (consecutive market-data messages, and
/// consecutive resends, of one direction come as one event when the run ends).
public final class ReplayAnalyzer {
    /// Gets each timeline event as it happens.
    public var onEvent: ((TimelineEvent) -> Void)?
    /// Messages read.
    public private(set) var messages = 0
    /// Things in the messages that do not add up (a reused ClOrdID, an order message without
    /// ClOrdID, ...): where and what.
    public private(set) var notes: [LogDiagnostic] = []

    private var sessions: [SessionState] = []
    private var sessionIndex: [SessionKey: Int] = [:]
    private var chains: [OrderChain] = []
    private var fills: [ReplayFill] = []
    private var pendingRun: (key: String, event: TimelineEvent, first: Int, last: Int)?

    public init() {}

    /// Reads the next message or event-log line.
    public func add(_ item: LogMerger.Item) {
        switch item {
        case .record(let r): add(r)
        case .event(let e): add(e)
        }
    }

    /// Reads the next message.
    public func add(_ r: LogRecord) {
        messages += 1
        let s = session(for: r)
        let time = Self.text(r.time)
        if s.firstTime == nil { s.firstTime = time }
        s.lastTime = time
        let d = s.direction(r.senderCompID, r.targetCompID)
        d.messages += 1
        d.types[r.msgType, default: 0] += 1
        let m = r.message
        let place = GapPlace(time: time, file: r.file, line: r.line)
        let who = r.senderCompID
        func event(_ kind: TimelineEvent.Kind, _ text: String) {
            emit(TimelineEvent(time: time, session: s.name, kind: kind, text: text, file: r.file, line: r.line))
        }

        // Sequence numbers.
        let outcome: SequenceTracker.Outcome
        if r.msgType == "4" {
            let newSeqNo = m.int(Tag.newSeqNo) ?? r.msgSeqNum
            let gapFill = m.bool(Tag.gapFillFlag) == true
            outcome = d.tracker.sequenceReset(r.msgSeqNum, newSeqNo: newSeqNo, gapFill: gapFill, possDup: r.possDup, at: place)
            d.sequenceResets.append(SequenceResetReport(time: time, msgSeqNum: r.msgSeqNum, newSeqNo: newSeqNo, gapFill: gapFill))
            if gapFill {
                event(.gapFill, "\(who) gap fill: MsgSeqNum \(r.msgSeqNum)-\(newSeqNo - 1) skipped, next \(newSeqNo)")
            } else {
                event(.sequenceReset, "\(who) sequence reset: next MsgSeqNum \(newSeqNo)")
            }
        } else if r.possDup {
            d.possDupResends += 1
            outcome = d.tracker.resent(r.msgSeqNum)
            run(key: "resend \(s.name) \(who)", seq: r.msgSeqNum,
                TimelineEvent(time: time, session: s.name, kind: .resend, text: "", file: r.file, line: r.line)) { n, first, last in
                "\(who) resent \(n) message\(n == 1 ? "" : "s") with PossDupFlag (MsgSeqNum \(first)\(last != first ? "-\(last)" : ""))"
            }
        } else {
            let resetLogon = r.msgType == "A" && m.bool(Tag.resetSeqNumFlag) == true
            outcome = d.tracker.message(r.msgSeqNum, resetLogon: resetLogon, at: place)
        }
        switch outcome {
        case .gap(let range):
            event(.gap, "\(who) -> \(r.targetCompID): MsgSeqNum \(r.msgSeqNum) came, \(range.lowerBound)"
                  + (range.count > 1 ? "-\(range.upperBound)" : "") + " missing (gap of \(range.count))")
        case .tooLow(let expected):
            event(.sequenceTooLow, "\(who) -> \(r.targetCompID): MsgSeqNum \(r.msgSeqNum) lower than expected \(expected) (MsgType \(r.msgType))")
        case .inOrder, .resent:
            break
        }

        // The message itself.
        switch r.msgType {
        case "0":
            d.heartbeats += 1
        case "1":
            d.testRequests += 1
            event(.testRequest, "\(who) test request \(m.string(Tag.testReqID) ?? "")")
        case "A":
            let reset = m.bool(Tag.resetSeqNumFlag) == true
            s.logons.append(SessionEventReport(time: time, sender: who, msgSeqNum: r.msgSeqNum, text: reset ? "ResetSeqNumFlag=Y" : nil))
            event(.logon, "\(who) logon, MsgSeqNum \(r.msgSeqNum), HeartBtInt \(m.int(Tag.heartBtInt).map(String.init) ?? "?")"
                  + (reset ? ", ResetSeqNumFlag" : ""))
        case "5":
            let text = m.string(Tag.text)
            s.logouts.append(SessionEventReport(time: time, sender: who, msgSeqNum: r.msgSeqNum, text: text))
            event(.logout, "\(who) logout" + (text.map { ": \($0)" } ?? ""))
        case "2":
            let begin = m.int(Tag.beginSeqNo) ?? 0, end = m.int(Tag.endSeqNo) ?? 0
            d.resendRequests.append(ResendRequestReport(time: time, beginSeqNo: begin, endSeqNo: end))
            event(.resendRequest, "\(who) asks \(r.targetCompID) to resend MsgSeqNum \(begin)-" + (end == 0 ? "end" : "\(end)"))
        case "3":
            let reject = RejectReport(time: time, sender: who, msgType: "3", refSeqNum: m.int(Tag.refSeqNum),
                                      refMsgType: m.string(372), refTagID: m.int(371), reason: m.int(373), text: m.string(Tag.text))
            s.rejects.append(reject)
            sessionRejected(s, owner: r.targetCompID, reject, r, time)
            event(.reject, "\(who) rejects \(r.targetCompID)'s MsgSeqNum \(reject.refSeqNum.map(String.init) ?? "?")"
                  + (reject.refMsgType.map { " (MsgType \($0))" } ?? "") + ": SessionRejectReason \(reject.reason.map(String.init) ?? "?")"
                  + (reject.refTagID.map { ", tag \($0)" } ?? "") + (reject.text.map { ", \($0)" } ?? ""))
        case "j":
            let reject = RejectReport(time: time, sender: who, msgType: "j", refSeqNum: m.int(Tag.refSeqNum),
                                      refMsgType: m.string(372), refTagID: nil, reason: m.int(380), text: m.string(Tag.text))
            s.rejects.append(reject)
            sessionRejected(s, owner: r.targetCompID, reject, r, time)
            event(.businessReject, "\(who) business-rejects \(r.targetCompID)'s MsgSeqNum \(reject.refSeqNum.map(String.init) ?? "?")"
                  + (reject.refMsgType.map { " (MsgType \($0))" } ?? "") + ": BusinessRejectReason \(reject.reason.map(String.init) ?? "?")"
                  + (reject.text.map { ", \($0)" } ?? ""))
        case "4":
            break  // in the timeline above
        case "D", "G", "F":
            orderRequest(r, s, time, event)
        case "8":
            executionReport(r, s, time, event)
        case "9":
            cancelReject(r, s, time, event)
        case "W", "X":
            s.marketData += 1
            s.market.apply(m)
            run(key: "md \(s.name) \(who)", seq: r.msgSeqNum,
                TimelineEvent(time: time, session: s.name, kind: .marketData, text: "", file: r.file, line: r.line)) { n, _, _ in
                let last = s.market.lastTradeText.map { ", last trade \($0)" } ?? ""
                return "\(who) market data: \(n) message\(n == 1 ? "" : "s") (W/X)\(last)"
            }
        default:
            event(.message, "\(who) -> \(r.targetCompID): \(ReplayTextFormatter.typeName(r.msgType)), MsgSeqNum \(r.msgSeqNum)")
        }
    }

    /// Reads a line of an event log: shown in the full timeline.
    public func add(_ e: LogEventLine) {
        var name = "?"
        if let b = e.beginString, let sender = e.senderCompID, let target = e.targetCompID {
            let key = SessionKey(beginString: b, sender, target)
            name = sessionIndex[key].map { sessions[$0].name } ?? "\(b):\(sender)-\(target)"
        }
        emit(TimelineEvent(time: Self.text(e.time), session: name, kind: .event,
                           text: "\(e.senderCompID ?? "?") event: \(e.text)", file: e.file, line: e.line))
    }

    /// Ends the input: flushes the last run of the timeline and returns what was found.
    public func finish() -> (sessions: [SessionReport], orders: [OrderChain], fills: [ReplayFill], positions: [PositionReport]) {
        flushRun()
        let reports = sessions.map { $0.report(chains: chains, fills: fills) }
        return (reports, chains, fills, positions())
    }

    // MARK: - Sessions

    private func session(for r: LogRecord) -> SessionState {
        let beginString = r.message.beginString ?? "?"
        let key = SessionKey(beginString: beginString, r.senderCompID, r.targetCompID)
        if let i = sessionIndex[key] { return sessions[i] }
        // The side that logged on first, else the side whose log this is, else the sender.
        let first: String
        if r.msgType == "A" {
            first = r.senderCompID
        } else if let owner = r.loggedBy, owner == r.senderCompID || owner == r.targetCompID {
            first = owner
        } else {
            first = r.senderCompID
        }
        let second = first == r.senderCompID ? r.targetCompID : r.senderCompID
        let s = SessionState(beginString: beginString, sides: [first, second])
        sessionIndex[key] = sessions.count
        sessions.append(s)
        return s
    }

    // MARK: - Orders

    private func chainIndex(_ s: SessionState, owner: String, _ ids: String?...) -> Int? {
        for case let id? in ids {
            if let i = s.orders[OrderKey(owner: owner, id: id)] { return i }
        }
        return nil
    }

    private func link(_ s: SessionState, _ index: Int, owner: String, _ id: String?) {
        guard let id, s.orders[OrderKey(owner: owner, id: id)] == nil else { return }
        s.orders[OrderKey(owner: owner, id: id)] = index
        chains[index].clOrdIDs.append(id)
    }

    private func newChain(_ s: SessionState, owner: String, id: String, beforeLog: Bool) -> Int {
        chains.append(OrderChain(id: id, session: s.name, owner: owner, clOrdIDs: [], orderID: nil, symbol: nil, side: nil,
                                 ordType: nil, orderQty: nil, price: nil, status: "unknown", cumQty: "0", leavesQty: nil,
                                 avgPx: nil, fills: 0, events: [], startedBeforeLog: beforeLog))
        s.chainIndexes.append(chains.count - 1)
        return chains.count - 1
    }

    private func note(_ r: LogRecord, _ text: String) {
        notes.append(LogDiagnostic(file: r.file, line: r.line, reason: text))
    }

    private func orderRequest(_ r: LogRecord, _ s: SessionState, _ time: String, _ event: (TimelineEvent.Kind, String) -> Void) {
        let m = r.message
        let owner = r.senderCompID
        guard let clOrdID = m.string(Tag.clOrdID) else {
            note(r, "MsgType \(r.msgType) without ClOrdID (11): not linked to an order")
            return
        }
        let orig = m.string(Tag.origClOrdID)
        var index = chainIndex(s, owner: owner, clOrdID)
        if index != nil, r.msgType == "D", !r.possDup, chains[index!].events.contains(where: { $0.msgType == "D" && $0.clOrdID == clOrdID }) {
            note(r, "ClOrdID \(clOrdID) used again by a new order")
        }
        if index == nil, r.msgType != "D" { index = chainIndex(s, owner: owner, orig) }
        let i = index ?? newChain(s, owner: owner, id: r.msgType == "D" ? clOrdID : (orig ?? clOrdID), beforeLog: r.msgType != "D")
        if r.msgType != "D" { link(s, i, owner: owner, orig) }
        link(s, i, owner: owner, clOrdID)
        let side = m.string(Tag.side).map(Self.sideName)
        let qty = m.decimal(Tag.orderQty)?.plain, price = m.decimal(Tag.price)?.plain
        if r.msgType != "F" {
            if let v = m.string(Tag.symbol) { chains[i].symbol = v }
            if let side { chains[i].side = side }
            if let t = m.string(Tag.ordType) { chains[i].ordType = Self.name(OrdType.self, t) }
            if let qty { chains[i].orderQty = qty }
            if let price { chains[i].price = price }
        } else if chains[i].symbol == nil {
            chains[i].symbol = m.string(Tag.symbol)
            chains[i].side = chains[i].side ?? side
        }
        s.ordersBySeqNum[OrderKey(owner: owner, id: String(r.msgSeqNum))] = i
        chains[i].events.append(OrderEvent(time: time, msgType: r.msgType, clOrdID: clOrdID, origClOrdID: orig, orderQty: qty,
                                           price: price, possDup: r.possDup ? true : nil, file: r.file, line: r.line))
        let what = ["D": "new order", "G": "replace", "F": "cancel"][r.msgType] ?? r.msgType
        var text = "\(owner) \(what) \(clOrdID)" + (orig.map { " (was \($0))" } ?? "")
        if r.msgType != "F" {
            text += ": \(side ?? "?") \(qty ?? "?") \(m.string(Tag.symbol) ?? "?")" + (price.map { " @ \($0)" } ?? "")
        }
        event(.order, text)
    }

    /// A Reject or BusinessMessageReject of an order message ends its request there.
    private func sessionRejected(_ s: SessionState, owner: String, _ reject: RejectReport, _ r: LogRecord, _ time: String) {
        guard let seq = reject.refSeqNum, let i = s.ordersBySeqNum[OrderKey(owner: owner, id: String(seq))] else { return }
        chains[i].events.append(OrderEvent(time: time, msgType: reject.msgType, rejectReason: reject.reason, text: reject.text,
                                           file: r.file, line: r.line))
        if chains[i].status == "unknown" { chains[i].status = reject.msgType == "3" ? "sessionRejected" : "businessRejected" }
    }

    private func executionReport(_ r: LogRecord, _ s: SessionState, _ time: String, _ event: (TimelineEvent.Kind, String) -> Void) {
        let m = r.message
        let owner = r.targetCompID
        let clOrdID = m.string(Tag.clOrdID), orig = m.string(Tag.origClOrdID)
        var orderID = m.string(Tag.orderID)
        if orderID == "NONE" { orderID = nil }
        var index = chainIndex(s, owner: owner, clOrdID, orig)
        if index == nil, let orderID { index = s.orderIDs[OrderKey(owner: owner, id: orderID)] }
        let i = index ?? newChain(s, owner: owner, id: orig ?? clOrdID ?? "order \(orderID ?? "?")", beforeLog: true)
        link(s, i, owner: owner, orig)
        link(s, i, owner: owner, clOrdID)
        if let orderID {
            chains[i].orderID = orderID
            s.orderIDs[OrderKey(owner: owner, id: orderID)] = i
        }
        let side = m.string(Tag.side).map(Self.sideName)
        if let v = m.string(Tag.symbol) { chains[i].symbol = v }
        if let side { chains[i].side = side }
        if let t = m.string(Tag.ordType) { chains[i].ordType = Self.name(OrdType.self, t) }
        if let v = m.decimal(Tag.orderQty)?.plain { chains[i].orderQty = v }
        if let v = m.decimal(Tag.price)?.plain { chains[i].price = v }
        let execType = m.string(Tag.execType) ?? "?"
        let status = m.string(Tag.ordStatus).map { Self.name(OrdStatus.self, $0) }
        if let status { chains[i].status = status }
        if let v = m.decimal(Tag.cumQty)?.plain { chains[i].cumQty = v }
        if let v = m.decimal(Tag.leavesQty)?.plain { chains[i].leavesQty = v }
        if let v = m.decimal(Tag.avgPx)?.plain { chains[i].avgPx = v }
        let lastQty = m.decimal(Tag.lastQty), lastPx = m.decimal(Tag.lastPx)
        let execName = Self.name(ExecType.self, execType)
        let execID = m.string(Tag.execID)
        chains[i].events.append(OrderEvent(time: time, msgType: "8", clOrdID: clOrdID, origClOrdID: orig, execID: execID,
                                           execType: execName, ordStatus: status, orderQty: m.decimal(Tag.orderQty)?.plain,
                                           price: m.decimal(Tag.price)?.plain, lastQty: lastQty?.plain, lastPx: lastPx?.plain,
                                           cumQty: m.decimal(Tag.cumQty)?.plain, leavesQty: m.decimal(Tag.leavesQty)?.plain,
                                           avgPx: m.decimal(Tag.avgPx)?.plain, rejectReason: m.int(Tag.ordRejReason),
                                           text: m.string(Tag.text), possDup: r.possDup ? true : nil, file: r.file, line: r.line))
        let id = clOrdID ?? chains[i].id
        // ExecType F (FIX 4.2's 1 and 2: partial fill, fill) is a trade.
        if execType == "F" || (execType == "1" || execType == "2") && r.message.beginString.map({ $0 < "FIX.4.3" }) == true {
            guard let lastQty, let lastPx else {
                note(r, "trade report \(execID ?? "") without LastQty (32) and LastPx (31): not booked")
                return
            }
            if let execID, s.execIDs.contains(execID) {
                if !r.possDup { note(r, "ExecID \(execID) reported again: not booked twice") }
                return
            }
            if let execID { s.execIDs.insert(execID) }
            let symbol = m.string(Tag.symbol) ?? chains[i].symbol ?? "?"
            let fillSide = side ?? chains[i].side ?? "?"
            let commission = m.decimal(12)
            let commType = m.string(13)
            var fee: FIXDecimal?
            if let commission {
                switch commType {
                case nil, "3": fee = commission
                case "1": fee = commission.multiplied(by: lastQty)
                case "2": fee = commission.multiplied(by: lastQty)?.multiplied(by: lastPx)?.multiplied(by: FIXDecimal(mantissa: 1, scale: 2))
                default:
                    fee = commission
                    note(r, "CommType \(commType!) read as an absolute commission")
                }
            }
            chains[i].fills += 1
            s.fillIndexes[execID ?? "\(fills.count)"] = fills.count
            fills.append(ReplayFill(time: time, session: s.name, owner: owner, order: chains[i].id, clOrdID: clOrdID,
                                    orderID: orderID, execID: execID ?? "", symbol: symbol, side: fillSide, lastQty: lastQty.plain,
                                    lastPx: lastPx.plain, commission: commission?.plain, commType: commType, fee: fee?.plain,
                                    canceled: false))
            s.lastFillPx[PositionKey(owner: owner, symbol: symbol)] = lastPx
            let verb = fillSide == "buy" ? "bought" : (fillSide == "sell" ? "sold" : fillSide)
            event(.fill, "\(owner) \(verb) \(lastQty.plain) \(symbol) @ \(lastPx.plain) (\(id), \(status ?? "?"), cum "
                  + "\(m.decimal(Tag.cumQty)?.plain ?? "?"))" + (fee.map { ", fee \($0.plain)" } ?? ""))
        } else if execType == "H" {
            if let ref = m.string(19), let f = s.fillIndexes[ref] {
                fills[f].canceled = true
                event(.fill, "\(r.senderCompID) cancels trade \(ref) of \(id)")
            } else {
                note(r, "trade cancel of an unknown ExecRefID \(m.string(19) ?? "(none)")")
            }
        } else if execType == "8" {
            let reason = m.int(Tag.ordRejReason)
            event(.orderReject, "\(r.senderCompID) rejects \(id)" + (reason.map { ": OrdRejReason \($0)" } ?? "")
                  + (m.string(Tag.text).map { ", \($0)" } ?? ""))
        } else {
            event(.report, "\(r.senderCompID) report \(id): \(execName), \(status ?? "?"), cum \(m.decimal(Tag.cumQty)?.plain ?? "?")"
                  + ", leaves \(m.decimal(Tag.leavesQty)?.plain ?? "?")")
        }
    }

    private func cancelReject(_ r: LogRecord, _ s: SessionState, _ time: String, _ event: (TimelineEvent.Kind, String) -> Void) {
        let m = r.message
        let owner = r.targetCompID
        let clOrdID = m.string(Tag.clOrdID), orig = m.string(Tag.origClOrdID)
        let i = chainIndex(s, owner: owner, clOrdID, orig)
            ?? newChain(s, owner: owner, id: orig ?? clOrdID ?? "?", beforeLog: true)
        link(s, i, owner: owner, orig)
        link(s, i, owner: owner, clOrdID)
        s.cancelRejects += 1
        let status = m.string(Tag.ordStatus).map { Self.name(OrdStatus.self, $0) }
        if let status { chains[i].status = status }
        let reason = m.int(Tag.cxlRejReason)
        chains[i].events.append(OrderEvent(time: time, msgType: "9", clOrdID: clOrdID, origClOrdID: orig, ordStatus: status,
                                           rejectReason: reason, text: m.string(Tag.text), possDup: r.possDup ? true : nil,
                                           file: r.file, line: r.line))
        let to = m.string(434) == "2" ? "replace" : "cancel"
        event(.cancelReject, "\(r.senderCompID) rejects \(to) \(clOrdID ?? "?") of \(orig ?? "?")"
              + (reason.map { ": CxlRejReason \($0)" } ?? "") + (m.string(Tag.text).map { ", \($0)" } ?? ""))
    }

    // MARK: - Positions

    private func positions() -> [PositionReport] {
        var groups: [PositionKey2: [ReplayFill]] = [:]
        var order: [PositionKey2] = []
        for f in fills where !f.canceled {
            let k = PositionKey2(session: f.session, owner: f.owner, symbol: f.symbol)
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(f)
        }
        return order.map { k in
            let group = groups[k]!
            let s = sessions.first { $0.name == k.session }!
            var mark: (FIXDecimal, String)?
            if let m = s.market.mark(k.symbol) {
                mark = m
            } else if let px = s.lastFillPx[PositionKey(owner: k.owner, symbol: k.symbol)] {
                mark = (px, "last fill")
            }
            return Self.position(k, group, mark: mark)
        }
    }

    static func position(_ k: PositionKey2, _ fills: [ReplayFill], mark: (FIXDecimal, String)?) -> PositionReport {
        let prices = fills.compactMap { FIXDecimal($0.lastPx) } + (mark.map { [$0.0] } ?? [])
        let quantities = fills.compactMap { FIXDecimal($0.lastQty) }
        let ps = prices.map { $0.normalized.scale }.max() ?? 0
        let qs = quantities.map { $0.normalized.scale }.max() ?? 0
        let instrument = Instrument(symbol: k.symbol, tickSize: DecimalStep(units: 1, scale: max(ps, 0)),
                                    lotSize: DecimalStep(units: 1, scale: max(qs, 0)))
        var book = PositionBook(instrument: instrument)
        var bought = FIXDecimal.zero, sold = FIXDecimal.zero, fees = FIXDecimal.zero
        for f in fills {
            guard let px = FIXDecimal(f.lastPx), let qty = FIXDecimal(f.lastQty), let ticks = instrument.ticks(px),
                  let lots = instrument.lots(qty) else { continue }
            let buy = f.side == "buy"
            book.fill(side: buy ? .buy : .sell, price: ticks, quantity: lots, fee: 0, maker: false)
            if buy { bought = bought.adding(qty) ?? bought } else { sold = sold.adding(qty) ?? sold }
            if let fee = f.fee.flatMap({ FIXDecimal($0) }) { fees = fees.adding(fee) ?? fees }
        }
        func money(_ tickLots: Int64) -> FIXDecimal { FIXDecimal(mantissa: tickLots, scale: ps + qs).normalized }
        let markTicks = mark.flatMap { instrument.ticks($0.0) }
        let unrealized = markTicks.map { book.unrealized(at: $0) } ?? 0
        let trading = money(book.realized + unrealized)
        return PositionReport(
            session: k.session, owner: k.owner, symbol: k.symbol,
            position: FIXDecimal(mantissa: book.position, scale: qs).plain, fills: fills.count, bought: bought.plain, sold: sold.plain,
            averagePrice: book.position == 0 ? nil : instrument.averagePrice(tickLots: book.openCost, lots: abs(book.position)).plain,
            markPrice: mark?.0.plain, markSource: mark?.1, realizedPnL: money(book.realized).plain,
            unrealizedPnL: money(unrealized).plain, tradingPnL: trading.plain, fees: fees.plain,
            netPnL: (trading.subtracting(fees) ?? trading).plain)
    }

    // MARK: - Timeline

    private func emit(_ e: TimelineEvent) {
        flushRun()
        onEvent?(e)
    }

    /// Adds a message to a run of like messages (market data, resends) of one direction.
    private func run(key: String, seq: Int, _ e: TimelineEvent, text: @escaping (Int, Int, Int) -> String) {
        if var p = pendingRun, p.key == key {
            p.event.count = (p.event.count ?? 1) + 1
            p.last = seq
            p.event.text = text(p.event.count!, p.first, p.last)
            pendingRun = p
            return
        }
        flushRun()
        var first = e
        first.count = 1
        first.text = text(1, seq, seq)
        pendingRun = (key, first, seq, seq)
    }

    private func flushRun() {
        if let p = pendingRun {
            pendingRun = nil
            onEvent?(p.event)
        }
    }

    // MARK: - Names

    /// A time as the logs write it.
    static func text(_ t: UTCTimestamp?) -> String {
        guard let t else { return "-" }
        var b: [UInt8] = []
        t.write(into: &b, fractionDigits: max(t.fractionDigits, 3))
        return String(decoding: b, as: UTF8.self)
    }

    static func sideName(_ code: String) -> String {
        name(Side.self, code)
    }

    /// A code's enum case name (`F` -> `trade`), or the code when it is not one.
    static func name<T: RawRepresentable>(_ type: T.Type, _ code: String) -> String where T.RawValue == Character {
        guard code.count == 1, let v = T(rawValue: Character(code)) else { return code }
        return "\(v)"
    }
}

/// A session: BeginString and the two CompIDs in either order.
struct SessionKey: Hashable {
    var beginString: String
    var a: String
    var b: String

    init(beginString: String, _ x: String, _ y: String) {
        self.beginString = beginString
        (a, b) = x < y ? (x, y) : (y, x)
    }
}

/// A ClOrdID or OrderID of one order sender.
struct OrderKey: Hashable {
    var owner: String
    var id: String
}

/// An order sender's symbol.
struct PositionKey: Hashable {
    var owner: String
    var symbol: String
}

/// A position: session, order sender and symbol.
struct PositionKey2: Hashable {
    var session: String
    var owner: String
    var symbol: String
}
