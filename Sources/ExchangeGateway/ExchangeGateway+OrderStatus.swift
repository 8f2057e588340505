import Market
import FIX

/// OrderStatusRequest (H) and OrderMassStatusRequest (AF): the state of a participant's orders,
/// as ExecutionReports with ExecType `I` (Order status).
extension ExchangeGateway {
    /// Answers with one ExecutionReport: the order's state now (a working order, or a recent
    /// done one), found by any ClOrdID that named it or by its OrderID; or, for an order the
    /// gateway does not know (or no longer remembers), OrdStatus 8 with OrdRejReason 5.
    func orderStatus(_ r: OrderStatusRequest, owner: OwnerID) {
        var ref = participants[index(owner)].clOrdIDs[r.clOrdID]
        if ref == nil, let orderID = r.orderID { ref = self.ref(orderID: orderID, owner: owner) }
        var report: ExecutionReport?
        switch ref {
        case .working(let id)?:
            report = orders[id].map { executionReport($0, execType: .orderStatus, status: $0.workingStatus) }
        case .done(let text)?:
            report = participants[index(owner)].recent[text].map { executionReport($0, execType: .orderStatus) }
        case nil:
            break
        }
        var answer = report ?? ExecutionReport(
            orderID: "NONE", clOrdID: r.clOrdID, execID: nextExecID(), execType: .orderStatus, ordStatus: .rejected,
            ordRejReason: .unknownOrder, symbol: r.symbol, side: r.side, leavesQty: FIXDecimal(0), cumQty: FIXDecimal(0),
            avgPx: FIXDecimal(0), transactTime: clock(), text: "Unknown order")
        answer.ordStatusReqID = r.ordStatusReqID
        post(.execution(answer), to: owner)
    }

    /// Answers with one ExecutionReport a working order of the participant (all of them, type 7,
    /// or those of one security, type 1; on the request's Side only, when it has one), oldest
    /// first, each with the MassStatusReqID, TotNumReports and LastRptRequested (Y on the last).
    /// Without any: one ExecutionReport with OrdStatus 8, OrderID NONE, TotNumReports 0 and
    /// LastRptRequested Y. Other MassStatusReqTypes, type 1 without a Symbol and an unknown
    /// Symbol get a BusinessMessageReject naming the MassStatusReqID: an answer that cannot be
    /// taken for "no working orders".
    func massStatus(_ r: OrderMassStatusRequest, message: FIXMessage, owner: OwnerID) {
        var book: Int?
        switch r.massStatusReqType {
        case .allOrders:
            break
        case .security:
            guard let symbol = r.symbol else {
                return businessReject(message, owner: owner, reason: .conditionallyRequiredFieldMissing, refID: r.massStatusReqID,
                                      text: "MassStatusReqType 1 (orders of one security) needs a Symbol")
            }
            guard let b = venue.bookIndex(symbol: symbol) else {
                return businessReject(message, owner: owner, reason: .unknownSecurity, refID: r.massStatusReqID, text: "Unknown symbol")
            }
            book = b
        default:
            return businessReject(message, owner: owner, reason: .other, refID: r.massStatusReqID,
                                  text: "MassStatusReqType \(r.massStatusReqType.rawValue) is not supported: 1 (orders of one security) or 7 (all orders)")
        }
        let working = workingOrders(of: owner, book: book, side: r.side)
        guard !working.isEmpty else {
            let answer = ExecutionReport(
                orderID: "NONE", massStatusReqID: r.massStatusReqID, totNumReports: 0, lastRptRequested: true,
                execID: nextExecID(), execType: .orderStatus, ordStatus: .rejected,
                symbol: r.symbol ?? venue.instruments.first?.symbol ?? "NONE", side: r.side ?? .buy,
                leavesQty: FIXDecimal(0), cumQty: FIXDecimal(0), avgPx: FIXDecimal(0), transactTime: clock(),
                text: "No working orders")
            return post(.execution(answer), to: owner)
        }
        for (i, order) in working.enumerated() {
            var report = executionReport(order, execType: .orderStatus, status: order.workingStatus)
            report.massStatusReqID = r.massStatusReqID
            report.totNumReports = working.count
            report.lastRptRequested = i == working.count - 1
            post(.execution(report), to: owner)
        }
    }

    /// The working orders of `owner` (in `book` and on `side`, when given), oldest first.
    func workingOrders(of owner: OwnerID, book: Int? = nil, side: FIX.Side? = nil) -> [GatewayOrder] {
        orders.values
            .filter { $0.owner == owner && (book == nil || $0.book == book) && (side == nil || $0.side == side) }
            .sorted { $0.id < $1.id }
    }
}
