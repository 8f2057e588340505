import Market
import FIX
import FIXSessionCore

/// One participant of the venue: a session, known by its CompIDs (the same across restarts of
/// the venue, unlike the run's ``OwnerID``). Holds what the venue answers about it: its net
/// position by instrument, the ClOrdIDs of its working and recent done orders, and the reports
/// waiting for its next logon.
struct Participant: Sendable {
    /// The session, seen from the venue.
    let session: SessionID
    /// Net position by book, lots (long positive). A book appears once the participant has
    /// traded in it, and stays (a flat position is reported as such).
    var positions: [Int: Int64] = [:]
    /// Positions in instruments this run of the venue does not list (from an earlier run), as
    /// quantities.
    var otherPositions: [String: FIXDecimal] = [:]
    /// What each ClOrdID of a working or recent done order names.
    var clOrdIDs: [String: OrderRef] = [:]
    /// The most recent done orders.
    var recent: RecentOrders
    /// Unsolicited cancels waiting for the participant's next logon (its orders canceled while it
    /// was away: on its disconnect, or by a restart of the venue), oldest first.
    var notices: [Notice] = []

    init(session: SessionID, recentLimit: Int) {
        self.session = session
        recent = RecentOrders(limit: recentLimit)
    }

    /// Remembers a done order; forgets the ClOrdIDs of the one that leaves to make room.
    mutating func remember(_ done: RecordedOrder) {
        for name in done.names { clOrdIDs[name] = .done(done.orderID) }
        if let evicted = recent.insert(done) {
            for name in evicted.names where clOrdIDs[name] == .done(evicted.orderID) {
                clOrdIDs[name] = nil
            }
        }
    }

    /// Adds `lots` (negative for a sale) to the position in `book`, saturating at the ends of
    /// Int64 instead of trapping.
    mutating func addPosition(_ lots: Int64, book: Int) {
        let (sum, overflow) = positions[book, default: 0].addingReportingOverflow(lots)
        positions[book] = overflow ? (lots > 0 ? .max : .min) : sum
    }
}

/// What a ClOrdID names: a working order of this run (by the venue's id), or a recent done order
/// (by its OrderID text).
enum OrderRef: Hashable, Sendable {
    case working(OrderID)
    case done(String)
}

/// An unsolicited cancel waiting to be sent: the order as it ended, why, and when.
struct Notice: Sendable, Equatable {
    var order: RecordedOrder
    /// Text (58) of the report.
    var text: String
    /// TransactTime (60): when the order was canceled.
    var time: UTCTimestamp
}
