import MakerCore
import Market
import MarketFIX
import FIX

/// Rebuilds what happened in FIX sessions from their messages, fed in time order: per session
/// the logons and logouts, the sequence numbers of each direction with their gaps, resend
/// requests, sequence resets and resends, the rejects; per order its ClOrdID chain, requests,
/// execution reports and final state; the fills, and positions and profit per order sender and
/// symbol.
///
/// Notable events go to ``onEvent`` as they happen (consecutive market-data messages, and
/// consecutive resends, of one direction come as one event when the run ends).
///
/// Memory: with ``finishedOrdersKept`` set, an order that is done (filled, canceled, rejected,
/// expired, done for the day) stays in memory until that many more orders are done, for the
/// messages that come late about it (a cancel refused as too late, a trade cancel, a resent
/// report); then it goes to ``onOrder`` and its ClOrdIDs, OrderID and ExecIDs are forgotten: a
/// message naming them later starts an order of its own, as one whose beginning is not in the
/// logs. Orders still working stay, whatever their number. Fills go to ``onFill`` as they are
/// booked, rather than being kept, when it is set. Without either, everything is kept (what
/// ``finish()`` returns holds every order and fill).
public final class LogAnalyzer {
    /// Gets each timeline event as it happens.
    public var onEvent: ((TimelineEvent) -> Void)?
    /// Gets each order chain, with its number (from 0, in the order the chains began), once it
    /// is let go (see ``finishedOrdersKept``), or at ``finish()`` for those still held.
    public var onOrder: ((Int, OrderChain) -> Void)?
    /// Gets each fill, with its number (from 0), as it is booked; the fills are then not kept.
    /// (A later trade cancel marks it in ``canceledFills``.)
    public var onFill: ((Int, LogFill) -> Void)?
    /// Finished orders held for late messages; nil: every order is held.
    public let finishedOrdersKept: Int?
    /// Whether the requests and reports of each order are kept (``OrderChain/events``).
    public let keepsOrderEvents: Bool
    /// Messages read.
    public private(set) var messages = 0
    /// Things in the messages that do not add up (a reused ClOrdID, an order message without
    /// ClOrdID, ...): where and what.
    public private(set) var notes: [LogDiagnostic] = []
    /// Fills undone by a trade cancel, by number.
    public private(set) var canceledFills = Set<Int>()
    /// Order chains and fills so far.
    public private(set) var orderCount = 0
    public private(set) var fillCount = 0
    /// Order chains held in memory now: those working, and finished ones not yet let go.
    public var heldOrders: Int { chains.count }

    private var sessions: [SessionState] = []
    private var sessionIndex: [SessionKey: Int] = [:]
    /// Order chains held, by number.
    private var chains: [Int: ChainState] = [:]
    /// Fills, when they are kept.
    private var fills: [LogFill] = []
    /// Orders that finished, in the order they did (with the chain's round of finishing then),
    /// from `finishedHead` on.
    private var finished: [(number: Int, round: Int)] = []
    private var finishedHead = 0
    private var pendingRun: (key: String, event: TimelineEvent, first: Int, last: Int)?

    /// An analyzer holding every order and fill (``finishedOrdersKept`` nil), or holding
    /// finished orders up to that many.
    public init(finishedOrdersKept: Int? = nil, keepsOrderEvents: Bool = true) {
        self.finishedOrdersKept = finishedOrdersKept.map { max($0, 0) }
        self.keepsOrderEvents = keepsOrderEvents
    }

    /// The default of ``finishedOrdersKept`` for reading long logs: ten thousand finished orders.
    public static let defaultFinishedOrdersKept = 10_000

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
                                      refMsgType: m.string(Tag.refMsgType), refTagID: m.int(Tag.refTagID), reason: m.int(Tag.sessionRejectReason), text: m.string(Tag.text))
            s.rejects.append(reject)
            sessionRejected(s, owner: r.targetCompID, reject, r, time)
            event(.reject, "\(who) rejects \(r.targetCompID)'s MsgSeqNum \(reject.refSeqNum.map(String.init) ?? "?")"
                  + (reject.refMsgType.map { " (MsgType \($0))" } ?? "") + ": SessionRejectReason \(reject.reason.map(String.init) ?? "?")"
                  + (reject.refTagID.map { ", tag \($0)" } ?? "") + (reject.text.map { ", \($0)" } ?? ""))
        case "j":
            let reject = RejectReport(time: time, sender: who, msgType: "j", refSeqNum: m.int(Tag.refSeqNum),
                                      refMsgType: m.string(Tag.refMsgType), refTagID: nil, reason: m.int(Tag.businessRejectReason), text: m.string(Tag.text))
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
            event(.message, "\(who) -> \(r.targetCompID): \(LogReportTextFormatter.typeName(r.msgType)), MsgSeqNum \(r.msgSeqNum)")
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

    /// Ends the input: flushes the last run of the timeline and returns what was found: the
    /// sessions, the orders still held (all of them without ``finishedOrdersKept``; each also
    /// goes to ``onOrder``), the fills kept (none with ``onFill``) and, from them, the positions.
    public func finish() -> (sessions: [SessionReport], orders: [OrderChain], fills: [LogFill], positions: [PositionReport]) {
        flushTimeline()
        let held = chains.keys.sorted().map { chains[$0]! }
        var live: [String: [ChainState]] = [:]
        for c in held { live[c.chain.session, default: []].append(c) }
        let reports = sessions.map { $0.report(live: live[$0.name] ?? []) }
        for c in held { onOrder?(c.number, c.chain) }
        return (reports, held.map(\.chain), fills, onFill == nil ? positions(fills) : [])
    }

    /// The positions of the sessions from their fills (all of them, in order; canceled ones are
    /// left out), which `fills` gives twice.
    public func positions<S: Sequence<LogFill>>(_ fills: @autoclosure () -> S) -> [PositionReport] {
        var builder = PositionsBuilder()
        for f in fills() { builder.scan(f) }
        builder.fixInstruments { key in
            let s = sessions.first { $0.name == key.session }!
            if let m = s.market.mark(key.symbol) { return m }
            return s.lastFillPx[OwnerSymbol(owner: key.owner, symbol: key.symbol)].map { ($0, "last fill") }
        }
        for f in fills() { builder.book(f) }
        return builder.reports()
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

    private func chainIndex(_ s: SessionState, owner: String, _ ids: String?...) -> ChainState? {
        for case let id? in ids {
            if let i = s.orders[OrderKey(owner: owner, id: id)] { return chains[i] }
        }
        return nil
    }

    private func link(_ s: SessionState, _ c: ChainState, owner: String, _ id: String?) {
        guard let id, s.orders[OrderKey(owner: owner, id: id)] == nil else { return }
        s.orders[OrderKey(owner: owner, id: id)] = c.number
        c.keys.append((.clOrdID, OrderKey(owner: owner, id: id)))
        c.chain.clOrdIDs.append(id)
    }

    private func newChain(_ s: SessionState, owner: String, id: String, beforeLog: Bool) -> ChainState {
        let c = ChainState(number: orderCount, session: s, chain: OrderChain(
            id: id, session: s.name, owner: owner, clOrdIDs: [], orderID: nil, symbol: nil, side: nil,
            ordType: nil, orderQty: nil, price: nil, status: "unknown", cumQty: "0", leavesQty: nil,
            avgPx: nil, fills: 0, events: [], startedBeforeLog: beforeLog))
        orderCount += 1
        chains[c.number] = c
        return c
    }

    private func addEvent(_ c: ChainState, _ e: @autoclosure () -> OrderEvent) {
        if keepsOrderEvents { c.chain.events.append(e()) }
    }

    /// After a message about `c`: a chain that is done goes in line to be let go.
    private func touched(_ c: ChainState) {
        guard let kept = finishedOrdersKept, ChainState.doneStatuses.contains(c.chain.status) else { return }
        c.round += 1
        finished.append((c.number, c.round))
        while finished.count - finishedHead > kept {
            let (number, round) = finished[finishedHead]
            finishedHead += 1
            if let old = chains[number], old.round == round, ChainState.doneStatuses.contains(old.chain.status) {
                letGo(old)
            }
        }
        if finishedHead >= 4096 && finishedHead * 2 >= finished.count {
            finished.removeFirst(finishedHead)
            finishedHead = 0
        }
    }

    /// Forgets a finished chain: counted in its session's figures, handed to ``onOrder``.
    private func letGo(_ c: ChainState) {
        let s = c.session
        for (map, key) in c.keys {
            switch map {
            case .clOrdID: if s.orders[key] == c.number { s.orders[key] = nil }
            case .orderID: if s.orderIDs[key] == c.number { s.orderIDs[key] = nil }
            case .seqNum: if s.ordersBySeqNum[key] == c.number { s.ordersBySeqNum[key] = nil }
            }
        }
        for execID in c.execIDs {
            s.execIDs.remove(execID)
            s.fillIndexes[execID] = nil
        }
        s.count(c)
        chains[c.number] = nil
        onOrder?(c.number, c.chain)
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
        if let c = index, r.msgType == "D", !r.possDup, c.newOrderClOrdIDs.contains(clOrdID) {
            note(r, "ClOrdID \(clOrdID) used again by a new order")
        }
        if index == nil, r.msgType != "D" { index = chainIndex(s, owner: owner, orig) }
        let i = index ?? newChain(s, owner: owner, id: r.msgType == "D" ? clOrdID : (orig ?? clOrdID), beforeLog: r.msgType != "D")
        defer { touched(i) }
        if r.msgType != "D" { link(s, i, owner: owner, orig) }
        link(s, i, owner: owner, clOrdID)
        if r.msgType == "D" { i.newOrderClOrdIDs.insert(clOrdID) }
        let side = m.string(Tag.side).map(Self.sideName)
        let qty = m.decimal(Tag.orderQty)?.plain, price = m.decimal(Tag.price)?.plain
        if r.msgType != "F" {
            if let v = m.string(Tag.symbol) { i.chain.symbol = v }
            if let side { i.chain.side = side }
            if let t = m.string(Tag.ordType) { i.chain.ordType = Self.name(OrdType.self, t) }
            if let qty { i.chain.orderQty = qty }
            if let price { i.chain.price = price }
        } else if i.chain.symbol == nil {
            i.chain.symbol = m.string(Tag.symbol)
            i.chain.side = i.chain.side ?? side
        }
        let seqKey = OrderKey(owner: owner, id: String(r.msgSeqNum))
        s.ordersBySeqNum[seqKey] = i.number
        i.keys.append((.seqNum, seqKey))
        addEvent(i, OrderEvent(time: time, msgType: r.msgType, clOrdID: clOrdID, origClOrdID: orig, orderQty: qty,
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
        guard let seq = reject.refSeqNum, let n = s.ordersBySeqNum[OrderKey(owner: owner, id: String(seq))],
              let i = chains[n] else { return }
        defer { touched(i) }
        addEvent(i, OrderEvent(time: time, msgType: reject.msgType, rejectReason: reject.reason, text: reject.text,
                               file: r.file, line: r.line))
        if i.chain.status == "unknown" { i.chain.status = reject.msgType == "3" ? "sessionRejected" : "businessRejected" }
    }

    private func executionReport(_ r: LogRecord, _ s: SessionState, _ time: String, _ event: (TimelineEvent.Kind, String) -> Void) {
        let m = r.message
        let owner = r.targetCompID
        let clOrdID = m.string(Tag.clOrdID), orig = m.string(Tag.origClOrdID)
        var orderID = m.string(Tag.orderID)
        if orderID == "NONE" { orderID = nil }
        var index = chainIndex(s, owner: owner, clOrdID, orig)
        if index == nil, let orderID { index = s.orderIDs[OrderKey(owner: owner, id: orderID)].flatMap { chains[$0] } }
        let i = index ?? newChain(s, owner: owner, id: orig ?? clOrdID ?? "order \(orderID ?? "?")", beforeLog: true)
        defer { touched(i) }
        link(s, i, owner: owner, orig)
        link(s, i, owner: owner, clOrdID)
        if let orderID {
            i.chain.orderID = orderID
            let key = OrderKey(owner: owner, id: orderID)
            if s.orderIDs.updateValue(i.number, forKey: key) != i.number { i.keys.append((.orderID, key)) }
        }
        let side = m.string(Tag.side).map(Self.sideName)
        if let v = m.string(Tag.symbol) { i.chain.symbol = v }
        if let side { i.chain.side = side }
        if let t = m.string(Tag.ordType) { i.chain.ordType = Self.name(OrdType.self, t) }
        if let v = m.decimal(Tag.orderQty)?.plain { i.chain.orderQty = v }
        if let v = m.decimal(Tag.price)?.plain { i.chain.price = v }
        let execType = m.string(Tag.execType) ?? "?"
        let status = m.string(Tag.ordStatus).map { Self.name(OrdStatus.self, $0) }
        if let status { i.chain.status = status }
        if let v = m.decimal(Tag.cumQty)?.plain { i.chain.cumQty = v }
        if let v = m.decimal(Tag.leavesQty)?.plain { i.chain.leavesQty = v }
        if let v = m.decimal(Tag.avgPx)?.plain { i.chain.avgPx = v }
        let lastQty = m.decimal(Tag.lastQty), lastPx = m.decimal(Tag.lastPx)
        let execName = Self.name(ExecType.self, execType)
        let execID = m.string(Tag.execID)
        if execName == "rejected" { i.rejectReports += 1 }
        addEvent(i, OrderEvent(time: time, msgType: "8", clOrdID: clOrdID, origClOrdID: orig, execID: execID,
                               execType: execName, ordStatus: status, orderQty: m.decimal(Tag.orderQty)?.plain,
                               price: m.decimal(Tag.price)?.plain, lastQty: lastQty?.plain, lastPx: lastPx?.plain,
                               cumQty: m.decimal(Tag.cumQty)?.plain, leavesQty: m.decimal(Tag.leavesQty)?.plain,
                               avgPx: m.decimal(Tag.avgPx)?.plain, rejectReason: m.int(Tag.ordRejReason),
                               text: m.string(Tag.text), possDup: r.possDup ? true : nil, file: r.file, line: r.line))
        let id = clOrdID ?? i.chain.id
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
            if let execID {
                s.execIDs.insert(execID)
                i.execIDs.append(execID)
            }
            let symbol = m.string(Tag.symbol) ?? i.chain.symbol ?? "?"
            let fillSide = side ?? i.chain.side ?? "?"
            let commission = m.decimal(Tag.commission)
            let commType = m.string(Tag.commType)
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
            i.chain.fills += 1
            let number = fillCount
            fillCount += 1
            if execID == nil { i.execIDs.append("\(number)") }
            s.fillIndexes[execID ?? "\(number)"] = number
            s.fills += 1
            let fill = LogFill(time: time, session: s.name, owner: owner, order: i.chain.id, clOrdID: clOrdID,
                                  orderID: orderID, execID: execID ?? "", symbol: symbol, side: fillSide, lastQty: lastQty.plain,
                                  lastPx: lastPx.plain, commission: commission?.plain, commType: commType, fee: fee?.plain,
                                  canceled: false)
            if let onFill { onFill(number, fill) } else { fills.append(fill) }
            s.lastFillPx[OwnerSymbol(owner: owner, symbol: symbol)] = lastPx
            let verb = fillSide == "buy" ? "bought" : (fillSide == "sell" ? "sold" : fillSide)
            event(.fill, "\(owner) \(verb) \(lastQty.plain) \(symbol) @ \(lastPx.plain) (\(id), \(status ?? "?"), cum "
                  + "\(m.decimal(Tag.cumQty)?.plain ?? "?"))" + (fee.map { ", fee \($0.plain)" } ?? ""))
        } else if execType == "H" {
            if let ref = m.string(Tag.execRefID), let f = s.fillIndexes[ref] {
                if canceledFills.insert(f).inserted { s.fills -= 1 }
                if onFill == nil { fills[f].canceled = true }
                event(.fill, "\(r.senderCompID) cancels trade \(ref) of \(id)")
            } else {
                note(r, "trade cancel of an unknown ExecRefID \(m.string(Tag.execRefID) ?? "(none)")")
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
        defer { touched(i) }
        link(s, i, owner: owner, orig)
        link(s, i, owner: owner, clOrdID)
        s.cancelRejects += 1
        let status = m.string(Tag.ordStatus).map { Self.name(OrdStatus.self, $0) }
        if let status { i.chain.status = status }
        let reason = m.int(Tag.cxlRejReason)
        addEvent(i, OrderEvent(time: time, msgType: "9", clOrdID: clOrdID, origClOrdID: orig, ordStatus: status,
                               rejectReason: reason, text: m.string(Tag.text), possDup: r.possDup ? true : nil,
                               file: r.file, line: r.line))
        let to = m.string(Tag.cxlRejResponseTo) == "2" ? "replace" : "cancel"
        event(.cancelReject, "\(r.senderCompID) rejects \(to) \(clOrdID ?? "?") of \(orig ?? "?")"
              + (reason.map { ": CxlRejReason \($0)" } ?? "") + (m.string(Tag.text).map { ", \($0)" } ?? ""))
    }

    // MARK: - Timeline

    /// Sends the run of like messages still open (the input has ended).
    public func flushTimeline() { flushRun() }

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

/// An order sender and a symbol: the key of the last fill prices.
struct OwnerSymbol: Hashable {
    var owner: String
    var symbol: String
}

/// A position: session, order sender and symbol.
struct PositionKey: Hashable {
    var session: String
    var owner: String
    var symbol: String
}
