import Market
import FIX

/// OrderMassCancelRequest (q), and the cancels of a session that goes away
/// (`CancelOnDisconnect=Y`).
extension ExchangeGateway {
    /// Cancels the participant's working orders (all of them, type 7, or those of one security,
    /// type 1; on the request's Side only, when it has one), each reported by an ExecutionReport
    /// Canceled with the order's own ClOrdID, then answers with an OrderMassCancelReport:
    /// MassCancelResponse 7 or 1 and TotalAffectedOrders. Other types, type 1 without a Symbol
    /// and an unknown Symbol get MassCancelResponse 0 with a MassCancelRejectReason and a Text.
    func massCancel(_ r: OrderMassCancelRequest, owner: OwnerID) {
        func answer(_ response: MassCancelResponse, affected: Int, reason: MassCancelRejectReason? = nil, text: String? = nil) {
            let report = OrderMassCancelReport(
                clOrdID: r.clOrdID, orderID: nextReportID("M"), massCancelRequestType: r.massCancelRequestType,
                massCancelResponse: response, massCancelRejectReason: reason, totalAffectedOrders: affected,
                symbol: r.symbol, side: r.side, transactTime: clock(), text: text)
            post(.massCancelReport(report), to: owner)
        }
        var book: Int?
        switch r.massCancelRequestType {
        case .allOrders:
            break
        case .security:
            guard let symbol = r.symbol else {
                return answer(.rejected, affected: 0, reason: .invalidOrUnknownSecurity,
                              text: "MassCancelRequestType 1 (orders of one security) needs a Symbol")
            }
            guard let b = venue.bookIndex(symbol: symbol) else {
                return answer(.rejected, affected: 0, reason: .invalidOrUnknownSecurity, text: "Unknown symbol")
            }
            book = b
        default:
            return answer(.rejected, affected: 0, reason: .notSupported,
                          text: "MassCancelRequestType \(r.massCancelRequestType.rawValue) is not supported: 1 (orders of one security) or 7 (all orders)")
        }
        let canceled = cancelAll(owner: owner, book: book, side: r.side, kind: .massCancel)
        answer(r.massCancelRequestType == .allOrders ? .allOrders : .security, affected: canceled)
        deliver()
        publishMarketData()
    }

    /// Cancels the working orders of `owner` (in `book` and on `side`, when given), oldest
    /// first, reported as `kind` says (see ``report()``); returns how many were canceled.
    @discardableResult
    func cancelAll(owner: OwnerID, book: Int? = nil, side: FIX.Side? = nil, kind: Pending.Kind) -> Int {
        let working = workingOrders(of: owner, book: book, side: side)
        guard !working.isEmpty else { return 0 }
        pending = Pending(kind: kind, owner: owner, clOrdID: "", book: -1, side: .buy, ordType: .limit, timeInForce: nil,
                          price: nil, quantity: 0)
        events.removeAll(keepingCapacity: true)
        for order in working {
            venue.cancel(order.id, owner: owner, book: order.book, events: &events)
        }
        let canceled = events.count { if case .canceled(_, owner, _, .requested) = $0 { true } else { false } }
        report()
        pending = nil
        return canceled
    }
}
