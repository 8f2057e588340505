import Exchange
import Quoting

/// The market maker's venue when it is the in-process exchange (a backtest): commands go
/// straight to a ``Venue`` (a replayed market or the exchange's own books) and its events come
/// back as execution updates, with no FIX in between.
public struct InProcessVenue<V: Venue>: Sendable where V: Sendable {
    public private(set) var venue: V
    /// Which book of the venue the market maker trades.
    public let book: Int
    /// The owner our orders carry at the venue.
    public let owner: OwnerID
    private var keyOf: [OrderID: OrderKey] = [:]
    private var idOf: [OrderKey: OrderID] = [:]
    private var events: [ExchangeEvent] = []

    public init(venue: V, book: Int = 0, owner: OwnerID = 1) {
        self.venue = venue
        self.book = book
        self.owner = owner
    }

    /// Lets the caller change the venue (apply a recorded event); what concerns our orders is
    /// appended to `updates`.
    public mutating func drive(into updates: inout [ExecutionUpdate], _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        events.removeAll(keepingCapacity: true)
        body(&venue, &events)
        translate(request: nil, into: &updates)
    }

    /// Sends one command; the venue's answers are appended to `updates`.
    public mutating func send(_ command: VenueCommand, into updates: inout [ExecutionUpdate]) {
        events.removeAll(keepingCapacity: true)
        switch command {
        case let .new(key, side, kind, timeInForce, price, quantity):
            venue.submit(OrderRequest(owner: owner, side: side, kind: kind, timeInForce: timeInForce, price: price, quantity: quantity),
                         book: book, events: &events)
            translate(request: (command, key), into: &updates)
        case let .replace(key, newKey, _, price, quantity):
            guard let id = idOf[key] else {
                updates.append(.replaceRejected(newKey))
                return
            }
            venue.replace(id, owner: owner, price: price, quantity: quantity, book: book, events: &events)
            translate(request: (command, newKey), into: &updates)
        case let .cancel(key, newKey, _):
            guard let id = idOf[key] else {
                updates.append(.cancelRejected(newKey))
                return
            }
            venue.cancel(id, owner: owner, book: book, events: &events)
            translate(request: (command, newKey), into: &updates)
        }
    }

    /// The venue's events in our terms; `request` is the command that caused them, if any.
    private mutating func translate(request: (command: VenueCommand, key: OrderKey)?, into updates: inout [ExecutionUpdate]) {
        for event in events {
            switch event {
            case let .accepted(id, owner) where owner == self.owner:
                guard let key = request?.key else { continue }
                keyOf[id] = key
                idOf[key] = id
                updates.append(.accepted(key))
            case let .rejected(owner, reason) where owner == self.owner:
                guard let key = request?.key else { continue }
                updates.append(.rejected(key, reason: reason.description))
            case .fill(let f):
                for (id, owner, leaves) in [(f.makerOrderID, f.makerOwner, f.makerLeaves), (f.takerOrderID, f.takerOwner, f.takerLeaves)]
                where owner == self.owner {
                    guard let key = keyOf[id] else { continue }
                    updates.append(.fill(key, price: f.price, quantity: f.quantity, leaves: leaves, fee: nil))
                    if leaves == 0 { forget(id) }
                }
            case let .canceled(id, owner, leaves, reason) where owner == self.owner:
                guard let key = keyOf[id] else { continue }
                if reason == .requested, let request, case .cancel = request.command {
                    updates.append(.canceled(request.key, origKey: key, leaves: leaves))
                } else {
                    updates.append(.canceled(key, origKey: nil, leaves: leaves))
                }
                forget(id)
            case let .replaced(id, owner, price, quantity, leaves) where owner == self.owner:
                guard let old = keyOf[id], let request else { continue }
                keyOf[id] = request.key
                idOf[old] = nil
                idOf[request.key] = id
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

    private mutating func forget(_ id: OrderID) {
        if let key = keyOf.removeValue(forKey: id) { idOf[key] = nil }
    }
}
