/// Where one of the quoter's orders stands, as far as the venue's reports tell.
///
/// The quoter sends at most one request per order at a time: an order with a request in flight
/// (``pendingNew``, ``pendingReplace(newKey:price:quantity:)``, ``pendingCancel(cancelKey:)``) is
/// left alone until the venue answers. A partially filled order is ``working`` with a positive
/// ``QuotedOrder/cumQuantity``. The three terminal states end the order: it leaves the ladder and
/// the tracker.
public enum OrderState: Hashable, Sendable {
    /// Sent as a new order; not yet accepted.
    case pendingNew
    /// Resting at the venue at the order's price.
    case working
    /// Resting at its old price, with a cancel/replace to `price` and total quantity `quantity`
    /// sent under `newKey`.
    case pendingReplace(newKey: OrderKey, price: Int64, quantity: Int64)
    /// Resting, with a cancel request sent under `cancelKey`.
    case pendingCancel(cancelKey: OrderKey)
    /// Filled in full. Terminal.
    case filled
    /// Ended unfilled: canceled on request or by the venue. Terminal.
    case canceled
    /// Refused as a new order. Terminal.
    case rejected

    /// Whether the order has ended.
    @inlinable
    public var isTerminal: Bool {
        switch self {
        case .filled, .canceled, .rejected: true
        case .pendingNew, .working, .pendingReplace, .pendingCancel: false
        }
    }

    /// Whether a request for the order is in flight.
    @inlinable
    public var isPending: Bool {
        switch self {
        case .pendingNew, .pendingReplace, .pendingCancel: true
        case .working, .filled, .canceled, .rejected: false
        }
    }
}
