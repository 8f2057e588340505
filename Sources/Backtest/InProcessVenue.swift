import MakerCore
import Exchange
import Market
import Quoting

/// The market maker's venue when it is the in-process exchange (a backtest): commands go
/// straight to a ``Venue`` (a replayed market or the exchange's own books) and its events come
/// back as execution updates, with no FIX in between.
///
/// The venue's order ids and the market maker's keys are linked by two integer maps (a lookup
/// is a multiplication and a probe or two), and the venue's events are translated in place:
/// nothing is allocated per event once the buffers have grown to the run's needs.
public struct InProcessVenue<V: Venue>: Sendable where V: Sendable {
    public private(set) var venue: V
    /// Which book of the venue the market maker trades.
    public let book: Int
    /// The owner our orders carry at the venue.
    public let owner: OwnerID
    /// Our working orders: venue order id -> the key the market maker knows it by, and back.
    private var keyOf = UInt64Map<OrderKey>(capacity: 64)
    private var idOf = UInt64Map<OrderID>(capacity: 64)
    private var events: [ExchangeEvent] = []

    public init(venue: V, book: Int = 0, owner: OwnerID = 1) {
        self.venue = venue
        self.book = book
        self.owner = owner
        events.reserveCapacity(64)
    }

    /// Lets the caller change the venue (apply a recorded event); what concerns our orders is
    /// appended to `updates`.
    public mutating func drive(into updates: inout [ExecutionUpdate], _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        if !events.isEmpty { events.removeAll(keepingCapacity: true) }
        body(&venue, &events)
        if !events.isEmpty { translate(request: nil, into: &updates) }
    }

    /// Sends one command; the venue's answers are appended to `updates`.
    public mutating func send(_ command: VenueCommand, into updates: inout [ExecutionUpdate]) {
        if !events.isEmpty { events.removeAll(keepingCapacity: true) }
        switch command {
        case let .new(key, side, kind, timeInForce, price, quantity):
            venue.submit(OrderRequest(owner: owner, side: side, kind: kind, timeInForce: timeInForce, price: price, quantity: quantity),
                         book: book, events: &events)
            translate(request: (command, key), into: &updates)
        case let .replace(key, newKey, _, price, quantity):
            guard let id = idOf[key.rawValue] else {
                updates.append(.replaceRejected(newKey))
                return
            }
            venue.replace(id, owner: owner, price: price, quantity: quantity, book: book, events: &events)
            translate(request: (command, newKey), into: &updates)
        case let .cancel(key, newKey, _):
            guard let id = idOf[key.rawValue] else {
                updates.append(.cancelRejected(newKey))
                return
            }
            venue.cancel(id, owner: owner, book: book, events: &events)
            translate(request: (command, newKey), into: &updates)
        }
    }

    /// The venue's events in our terms; `request` is the command that caused them, if any.
    private mutating func translate(request: (command: VenueCommand, key: OrderKey)?, into updates: inout [ExecutionUpdate]) {
        var i = 0
        while i < events.count {
            let event = events[i]
            i += 1
            switch event {
            case let .accepted(id, owner) where owner == self.owner:
                guard let key = request?.key else { continue }
                keyOf[id] = key
                idOf[key.rawValue] = id
                updates.append(.accepted(key))
            case let .rejected(owner, reason) where owner == self.owner:
                guard let key = request?.key else { continue }
                updates.append(.rejected(key, code: reason.fixOrdRejReason))
            case .fill(let f):
                // Ours as the resting order first, then as the incoming one.
                if f.makerOwner == owner { fill(f, id: f.makerOrderID, leaves: f.makerLeaves, into: &updates) }
                if f.takerOwner == owner { fill(f, id: f.takerOrderID, leaves: f.takerLeaves, into: &updates) }
            case let .canceled(id, owner, leaves, reason) where owner == self.owner:
                guard let key = forget(id) else { continue }
                if reason == .requested, let request, case .cancel = request.command {
                    updates.append(.canceled(request.key, origKey: key, leaves: leaves))
                } else {
                    updates.append(.canceled(key, origKey: nil, leaves: leaves))
                }
            case let .replaced(id, owner, price, quantity, leaves) where owner == self.owner:
                guard let old = keyOf[id], let request else { continue }
                keyOf[id] = request.key
                idOf.remove(old.rawValue)
                idOf[request.key.rawValue] = id
                updates.append(.replaced(newKey: request.key, origKey: old, price: price, quantity: quantity, leaves: leaves))
            case let .cancelRejected(_, owner, _) where owner == self.owner:
                guard let request else { continue }
                if case .replace = request.command {
                    updates.append(.replaceRejected(request.key))
                } else {
                    updates.append(.cancelRejected(request.key))
                }
            default:
                continue
            }
        }
    }

    /// A fill of our order `id` (one side of `f`).
    private mutating func fill(_ f: Fill, id: OrderID, leaves: Int64, into updates: inout [ExecutionUpdate]) {
        guard let key = leaves == 0 ? forget(id) : keyOf[id] else { return }
        updates.append(.fill(key, price: f.price, quantity: f.quantity, leaves: leaves, fee: nil))
    }

    /// Drops our order `id` from both maps; returns its key (nil: not ours).
    private mutating func forget(_ id: OrderID) -> OrderKey? {
        guard let key = keyOf.removeValue(id) else { return nil }
        idOf.remove(key.rawValue)
        return key
    }
}
