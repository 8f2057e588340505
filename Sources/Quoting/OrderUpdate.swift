/// What the venue reported about one of the quoter's orders: an ExecutionReport (35=8) or an
/// OrderCancelReject (35=9), normalized by the engine.
///
/// The key is the ClOrdID (11) the report carries. For the report of a cancel/replace or of a
/// cancel that is the request's own (new) key; its OrigClOrdID (41) is the key the order had
/// before. A report whose keys the quoter does not know is ignored and counted.
public enum OrderUpdate: Hashable, Sendable {
    /// A new order was accepted (ExecType 0 New).
    case accepted(OrderKey)
    /// A new order was refused (ExecType 8 Rejected). The venue's reason does not change what
    /// the quoter does; the engine logs it.
    case rejected(OrderKey)
    /// A fill (ExecType F Trade) of `quantity` lots at `price`; `leaves` lots remain open (0: the
    /// order is filled). The key is the one the order had at the venue when it traded: its
    /// current key, or the key of a replace the venue has already applied.
    case fill(OrderKey, price: Int64, quantity: Int64, leaves: Int64)
    /// The order ended unfilled (ExecType 4 Canceled): after our cancel request (`key` is the
    /// request's key, `origKey` the order's), or on the venue's own initiative, such as
    /// self-trade prevention or the rest of an IOC (`key` is the order's key).
    case canceled(OrderKey, origKey: OrderKey? = nil)
    /// A cancel/replace took effect (ExecType 5 Replaced): the order is now known by `key` (the
    /// replace's key) and has this price, total quantity and open quantity.
    case replaced(OrderKey, price: Int64, quantity: Int64, leaves: Int64)
    /// A cancel/replace with key `key` was refused (35=9, CxlRejResponseTo 2); the order, if it
    /// still exists, is unchanged.
    case replaceRejected(OrderKey)
    /// A cancel request with key `key` was refused (35=9, CxlRejResponseTo 1); the order, if it
    /// still exists, is unchanged.
    case cancelRejected(OrderKey)

    /// The ClOrdID the report carries.
    @inlinable
    public var key: OrderKey {
        switch self {
        case .accepted(let k), .rejected(let k), .fill(let k, _, _, _), .canceled(let k, _),
             .replaced(let k, _, _, _), .replaceRejected(let k), .cancelRejected(let k):
            k
        }
    }
}
