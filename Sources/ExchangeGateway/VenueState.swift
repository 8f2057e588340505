import FIX
import FIXSessionCore

/// What the venue keeps across a restart, in the values of the wire (symbols, decimals, OrderID
/// text), so that it reads back whatever the instruments of the next run: the id prefix of the
/// last run, each participant (by its CompIDs) with its positions, working orders, recent done
/// orders and the cancels waiting for its next logon, and each book's last trade price.
///
/// ``VenueJournal`` reads it from its records and writes it as a snapshot; an
/// ``ExchangeGateway`` starts from it (``ExchangeGateway/init(venue:fees:idPrefix:recentOrderLimit:cancelOnDisconnect:restoring:clock:)``).
public struct VenueState: Sendable {
    /// The OrderID and ExecID prefix of the last run (the next run's must come after it).
    var lastPrefix: String?
    /// The participants, in the order they were first seen.
    var participants: [RestoredParticipant] = []
    /// The last trade price of each symbol.
    var lastPrices: [String: FIXDecimal] = [:]

    init(lastPrefix: String? = nil) {
        self.lastPrefix = lastPrefix
    }

    /// Participants known.
    public var participantCount: Int { participants.count }

    /// Orders that were working: at a restart, the venue cancels them.
    public var workingOrderCount: Int { participants.reduce(0) { $0 + $1.working.count } }
}

/// One participant as the journal holds it.
struct RestoredParticipant: Sendable {
    /// Its done orders, their ClOrdIDs, the cancels waiting for it; its positions in instruments
    /// the venue no longer lists.
    var participant: Participant
    /// Net positions by symbol (negative: short).
    var positions: [String: FIXDecimal] = [:]
    /// Working orders by OrderID, with the order they were first recorded in.
    var working: [String: (sequence: Int, order: RecordedOrder)] = [:]

    init(participant: Participant) {
        self.participant = participant
    }

    /// The working orders, oldest first.
    var workingOrders: [RecordedOrder] { working.values.sorted { $0.sequence < $1.sequence }.map(\.order) }
}
