/// The text form of a ``LogReport``: the files, the timeline, a summary per session, the
/// positions, optionally every order, and the problems.
public enum LogReportTextFormatter {
    /// The files read and what was in them.
    public static func files(_ r: some LogFigures) -> String {
        var s = "Files\n"
        for f in r.files {
            s += "  \(f.file): \(f.layout)" + (f.loggedBy.map { " of \($0)" } ?? "")
                + ", \(f.lines) lines, \(f.messages) \(f.layout == "event log" ? "events" : "messages")"
                + (f.problems > 0 ? ", \(f.problems) bad" : "") + "\n"
        }
        s += "  \(r.messages) messages replayed"
        if r.duplicatesSkipped > 0 { s += ", \(r.duplicatesSkipped) found in two files (both sides' logs) counted once" }
        s += ", \(r.diagnostics.count) problem\(r.diagnostics.count == 1 ? "" : "s")\n"
        return s
    }

    /// The heading of the timeline.
    public static func timelineHeading(full: Bool) -> String {
        full ? "Timeline (every message but heartbeats; market data and resends in runs)\n"
            : "Timeline (session events, gaps, rejects and fills; --timeline for every message)\n"
    }

    /// One timeline line.
    public static func line(_ e: TimelineEvent) -> String {
        "  \(e.time)  \(e.session)  \(e.text)\n"
    }

    /// What follows the timeline when some of it was left out.
    public static func omitted(_ count: Int) -> String {
        count > 0 ? "  ... \(count) more event\(count == 1 ? "" : "s") (--timeline-limit N, 0 for no limit)\n" : ""
    }

    /// The summary of each session and the positions.
    public static func summary(_ r: some LogFigures) -> String {
        var s = ""
        if r.sessions.isEmpty { s += "No session: no message was read.\n" }
        for session in r.sessions {
            s += "\nSession \(session.name)  \(session.firstTime ?? "-") to \(session.lastTime ?? "-")\n"
            for d in session.directions {
                let seq = d.firstSeqNum.map { "MsgSeqNum \($0)-\(d.lastSeqNum!)" } ?? "no MsgSeqNum"
                let types = d.messageTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.value) \(typeName($0.key))" }.joined(separator: ", ")
                s += "  \(d.sender) -> \(d.target): \(d.messages) messages, \(seq) (\(types))\n"
                var seqNotes: [String] = []
                if d.resets > 0 { seqNotes.append("\(d.resets) reset\(d.resets == 1 ? "" : "s") to 1 by Logon") }
                if d.gaps.isEmpty {
                    seqNotes.append("no gaps")
                } else {
                    seqNotes.append("gaps " + d.gaps.map { "\($0.from)-\($0.to) (\($0.state))" }.joined(separator: ", "))
                }
                if !d.resendRequests.isEmpty {
                    seqNotes.append("\(d.resendRequests.count) resend request\(d.resendRequests.count == 1 ? "" : "s")")
                }
                if d.possDupResends > 0 { seqNotes.append("\(d.possDupResends) resent (PossDupFlag)") }
                let fills = d.sequenceResets.filter(\.gapFill).count, resets = d.sequenceResets.count - fills
                if fills > 0 { seqNotes.append("\(fills) gap fill\(fills == 1 ? "" : "s")") }
                if resets > 0 { seqNotes.append("\(resets) sequence reset\(resets == 1 ? "" : "s")") }
                if d.sequenceTooLow > 0 { seqNotes.append("\(d.sequenceTooLow) MsgSeqNum too low") }
                seqNotes.append("\(d.heartbeats) heartbeats, \(d.testRequests) test requests")
                s += "    " + seqNotes.joined(separator: "; ") + "\n"
            }
            s += "  logons \(session.logons.count), logouts \(session.logouts.count), session rejects "
                + "\(session.rejects.filter { $0.msgType == "3" }.count), business rejects \(session.rejects.filter { $0.msgType == "j" }.count)\n"
            let byStatus = session.orderStatuses.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            s += "  orders \(session.orders)" + (byStatus.isEmpty ? "" : " (\(byStatus))") + ", fills \(session.fills), order rejects "
                + "\(session.orderRejects), cancel rejects \(session.cancelRejects), market data \(session.marketDataMessages)\n"
        }
        if !r.positions.isEmpty {
            s += "\nPositions (of the side that sent the orders; P&L in price x quantity)\n"
            for p in r.positions {
                s += "  \(p.owner) \(p.symbol) in \(p.session): position \(p.position) (bought \(p.bought), sold \(p.sold), \(p.fills) fills)"
                if let a = p.averagePrice { s += ", average price \(a)" }
                if let m = p.markPrice { s += ", mark \(m) (\(p.markSource ?? ""))" }
                s += "\n    trading P&L \(p.tradingPnL) (realized \(p.realizedPnL), unrealized \(p.unrealizedPnL)), fees \(p.fees), net \(p.netPnL)\n"
            }
        }
        return s
    }

    /// Every order chain: its ClOrdIDs, what it asked for and where it ended.
    public static func orders(_ r: LogReport) -> String {
        ordersHeading + r.orders.map(orderLine).joined()
    }

    /// What comes before the order lines.
    public static let ordersHeading = "\nOrders\n"

    /// One order chain's line.
    public static func orderLine(_ c: OrderChain) -> String {
        var s = "  \(c.id) \(c.owner) \(c.side ?? "?") \(c.orderQty ?? "?") \(c.symbol ?? "?")" + (c.price.map { " @ \($0)" } ?? "")
        s += ": \(c.status), cum \(c.cumQty)" + (c.avgPx.map { " avg \($0)" } ?? "") + (c.leavesQty.map { ", leaves \($0)" } ?? "")
        s += ", \(c.fills) fill\(c.fills == 1 ? "" : "s")"
        if c.clOrdIDs.count > 1 { s += "; chain " + c.clOrdIDs.joined(separator: " > ") }
        if c.startedBeforeLog { s += "; began before the log" }
        return s + "\n"
    }

    /// The problems, one a line.
    public static func problems(_ r: some LogFigures) -> String {
        guard !r.diagnostics.isEmpty else { return "" }
        return "\nProblems\n" + r.diagnostics.map { "  \($0)\n" }.joined()
    }

    /// A MsgType with its name.
    static func typeName(_ t: String) -> String {
        let names = ["0": "Heartbeat", "1": "TestRequest", "2": "ResendRequest", "3": "Reject", "4": "SequenceReset",
                     "5": "Logout", "A": "Logon", "D": "NewOrderSingle", "F": "OrderCancelRequest",
                     "G": "OrderCancelReplaceRequest", "8": "ExecutionReport", "9": "OrderCancelReject", "V": "MarketDataRequest",
                     "W": "MarketDataSnapshot", "X": "MarketDataIncremental", "Y": "MarketDataRequestReject",
                     "j": "BusinessMessageReject"]
        return names[t].map { "\($0) (\(t))" } ?? "MsgType \(t)"
    }
}
