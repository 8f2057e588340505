import Market
/// One of the quoter's orders and its state machine: the venue's reports move it from state to
/// state (see ``OrderState``), including when they cross the quoter's own requests.
///
/// Reports that cross a request in flight:
/// - a fill on the order's current key while a replace is pending counts against the order as
///   it is; if it fills the order, the order ends and the venue's later answer to the replace
///   (a reject, normally) finds no order and is ignored;
/// - a fill on the replacement's key means the venue applied the replace first: the order takes
///   the new key, price and quantity, then the fill;
/// - a refused replace (35=9) puts the order back to working at its old key and price;
/// - a cancel by the venue (self-trade prevention, IOC rest) ends the order whatever it waits for;
/// - a report that does not fit the order's state (a late acknowledgement) is stale and ignored.
public struct QuotedOrder: Hashable, Sendable {
    /// Bid or ask.
    public internal(set) var side: Side
    /// The key the venue knows the order by: the new order's key, or that of the last replace
    /// the venue applied.
    public internal(set) var key: OrderKey
    /// The price at the venue (ticks); for a pending new order, the price asked.
    public internal(set) var price: Int64
    /// Total order quantity (lots), filled part included.
    public internal(set) var quantity: Int64
    /// Lots filled so far.
    public internal(set) var cumQuantity: Int64
    /// Lots still open.
    public internal(set) var leaves: Int64
    /// Where the order stands.
    public internal(set) var state: OrderState
    /// Whether a cancel is owed: the side was pulled (or everything canceled) while a request for
    /// the order was in flight; the cancel goes out when the venue answers it.
    public internal(set) var cancelOwed: Bool

    /// A new order just sent.
    init(newKey key: OrderKey, side: Side, price: Int64, quantity: Int64) {
        self.side = side
        self.key = key
        self.price = price
        self.quantity = quantity
        self.cumQuantity = 0
        self.leaves = quantity
        self.state = .pendingNew
        self.cancelOwed = false
    }

    /// An order as it stood when saved (a market maker's journal): every field as given.
    public init(restoring key: OrderKey, side: Side, price: Int64, quantity: Int64, cumQuantity: Int64, leaves: Int64,
                state: OrderState, cancelOwed: Bool) {
        self.side = side
        self.key = key
        self.price = price
        self.quantity = quantity
        self.cumQuantity = cumQuantity
        self.leaves = leaves
        self.state = state
        self.cancelOwed = cancelOwed
    }

    /// The price the order has once its request in flight succeeds: the replace's price while a
    /// replace is pending, else ``price``.
    @inlinable
    public var targetPrice: Int64 {
        if case .pendingReplace(_, let p, _) = state { return p }
        return price
    }

    /// Whether the order is working and has been partly filled.
    @inlinable
    public var isPartiallyFilled: Bool { state == .working && cumQuantity > 0 }

    /// Which of an order's keys a report names.
    public enum KeyRole: UInt8, Hashable, Sendable {
        /// ``key``: the order as the venue knows it.
        case current
        /// The key of the pending replace.
        case replacement
        /// The key of the pending cancel request.
        case cancelRequest
    }

    /// Which of this order's keys `k` is, if any.
    @inlinable
    public func role(of k: OrderKey) -> KeyRole? {
        if k == key { return .current }
        switch state {
        case .pendingReplace(let newKey, _, _) where newKey == k: return .replacement
        case .pendingCancel(let cancelKey) where cancelKey == k: return .cancelRequest
        default: return nil
        }
    }

    /// What a report did to the order.
    public enum Transition: UInt8, Hashable, Sendable {
        /// Nothing: the report does not fit the order's state (a late or duplicate report).
        case stale
        /// The order changed and is still live.
        case updated
        /// The order reached a terminal state.
        case ended
    }

    /// Applies `update`, which names this order by the key in `role`.
    mutating func apply(_ update: OrderUpdate, role: KeyRole) -> Transition {
        switch update {
        case .accepted:
            guard role == .current, state == .pendingNew else { return .stale }
            state = .working
            return .updated

        case .rejected:
            guard role == .current, state == .pendingNew else { return .stale }
            state = .rejected
            return .ended

        case let .fill(_, _, fillQuantity, fillLeaves):
            if role == .replacement, case let .pendingReplace(newKey, p, q) = state {
                // The venue applied the replace before this fill; its report is still on its way.
                key = newKey
                price = p
                quantity = q
                state = .working
            } else if state == .pendingNew {
                // The fill implies the acceptance, whose report is late.
                state = .working
            }
            cumQuantity += fillQuantity
            leaves = max(0, fillLeaves)
            if leaves == 0 {
                state = .filled
                return .ended
            }
            return .updated

        case .canceled:
            state = .canceled
            return .ended

        case let .replaced(newKey, p, q, l):
            guard role == .replacement else { return .stale }
            key = newKey
            price = p
            quantity = q
            leaves = max(0, l)
            state = .working
            if leaves == 0 {
                // Replaced to a quantity already filled: nothing rests.
                state = .filled
                return .ended
            }
            return .updated

        case .replaceRejected:
            guard role == .replacement else { return .stale }
            state = .working
            return .updated

        case .cancelRejected:
            guard role == .cancelRequest else { return .stale }
            state = .working
            return .updated
        }
    }
}
