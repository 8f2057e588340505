import Market
/// The quoter's live orders, found by any of their keys, and the state machine of each (see
/// ``QuotedOrder``). Terminal orders are dropped at once; reports that arrive for them later, like
/// reports for keys never seen, are ignored and counted.
///
/// Lookups are linear: a ladder holds a handful of orders a side, and a scan of them is faster
/// than hashing and allocates nothing.
public struct OrderTracker: Sendable {
    /// The live orders, oldest first.
    public private(set) var orders: [QuotedOrder]
    /// Reports naming a key no live order has (never ours, or for an order already ended).
    public private(set) var unknownUpdates = 0
    /// Reports naming a live order but not fitting its state (late or duplicate).
    public private(set) var staleUpdates = 0
    /// Orders that ended filled in full.
    public private(set) var filledOrders = 0
    /// Orders that ended canceled (on request or by the venue).
    public private(set) var canceledOrders = 0
    /// New orders the venue refused.
    public private(set) var rejectedOrders = 0
    /// Changes to the bids and to the asks so far: every new order, request and report that
    /// names a live order counts on the order's side, so a side whose count is unchanged has
    /// the same orders in the same states.
    private(set) var buyChanges: UInt64 = 0
    private(set) var sellChanges: UInt64 = 0

    /// The change count of `side` (see ``buyChanges``).
    @inline(__always)
    func changes(_ side: Side) -> UInt64 { side == .buy ? buyChanges : sellChanges }

    @inline(__always)
    private mutating func changed(_ side: Side) {
        if side == .buy { buyChanges &+= 1 } else { sellChanges &+= 1 }
    }

    /// An empty tracker with room for `capacity` orders.
    public init(capacity: Int = 16) {
        orders = []
        orders.reserveCapacity(capacity)
    }

    /// The live order `key` names (by its current key or the key of its request in flight), and
    /// which key it is.
    @inlinable
    public func find(_ key: OrderKey) -> (index: Int, role: QuotedOrder.KeyRole)? {
        for i in orders.indices {
            if let role = orders[i].role(of: key) { return (i, role) }
        }
        return nil
    }

    /// The live order `key` names, if any.
    public func order(_ key: OrderKey) -> QuotedOrder? {
        find(key).map { orders[$0.index] }
    }

    /// Live orders of `side`.
    @inlinable
    public func liveCount(_ side: Side) -> Int {
        var n = 0
        for o in orders where o.side == side { n += 1 }
        return n
    }

    /// How many orders are in each state.
    public var counts: OrderStateCounts {
        var c = OrderStateCounts()
        for o in orders {
            switch o.state {
            case .pendingNew: c.pendingNew += 1
            case .working: if o.cumQuantity > 0 { c.partiallyFilled += 1 } else { c.working += 1 }
            case .pendingReplace: c.pendingReplace += 1
            case .pendingCancel: c.pendingCancel += 1
            case .filled, .canceled, .rejected: break
            }
        }
        c.filled = filledOrders
        c.canceled = canceledOrders
        c.rejected = rejectedOrders
        return c
    }

    /// What ``apply(_:)`` did.
    public enum Outcome: Hashable, Sendable {
        /// No live order has the report's key.
        case unknown
        /// The report did not fit the order's state and changed nothing.
        case stale
        /// The order at this index changed and is still live.
        case updated(index: Int)
        /// The order ended and left the tracker; this is its last state.
        case ended(QuotedOrder)
    }

    /// Applies one report from the venue.
    public mutating func apply(_ update: OrderUpdate) -> Outcome {
        var found = find(update.key)
        if found == nil, case .canceled(_, let origKey?) = update {
            // A cancel ends the order whichever of its keys the venue names.
            found = find(origKey)
        }
        guard let (i, role) = found else {
            unknownUpdates += 1
            return .unknown
        }
        changed(orders[i].side)
        switch orders[i].apply(update, role: role) {
        case .stale:
            staleUpdates += 1
            return .stale
        case .updated:
            return .updated(index: i)
        case .ended:
            let order = orders.remove(at: i)
            switch order.state {
            case .filled: filledOrders += 1
            case .canceled: canceledOrders += 1
            default: rejectedOrders += 1
            }
            return .ended(order)
        }
    }

    /// Puts back orders saved earlier (a restart): live ones only, replacing none (keys must
    /// be new to the tracker).
    mutating func restore(_ restored: [QuotedOrder]) {
        for order in restored where !order.state.isTerminal && find(order.key) == nil {
            changed(order.side)
            orders.append(order)
        }
    }

    // MARK: Requests (the quoter's)

    /// Records a new order just sent.
    mutating func insertNew(key: OrderKey, side: Side, price: Int64, quantity: Int64) {
        changed(side)
        orders.append(QuotedOrder(newKey: key, side: side, price: price, quantity: quantity))
    }

    /// Records a cancel/replace just sent for the working order at `index`.
    mutating func beginReplace(at index: Int, newKey: OrderKey, price: Int64, quantity: Int64) {
        precondition(orders[index].state == .working, "a request is already in flight")
        changed(orders[index].side)
        orders[index].state = .pendingReplace(newKey: newKey, price: price, quantity: quantity)
    }

    /// Records a cancel request just sent for the working order at `index`.
    mutating func beginCancel(at index: Int, cancelKey: OrderKey) {
        precondition(orders[index].state == .working, "a request is already in flight")
        changed(orders[index].side)
        orders[index].state = .pendingCancel(cancelKey: cancelKey)
        orders[index].cancelOwed = false
    }

    /// Notes that the order at `index` must be canceled once its request in flight is answered.
    mutating func owesCancel(at index: Int) {
        changed(orders[index].side)
        orders[index].cancelOwed = true
    }
}
