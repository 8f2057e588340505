import Market
/// One request the quoter wants sent to the venue. Send them in the order given: the quoter relies
/// on the venue handling one session's requests in order (see ``LadderQuoter``).
public enum QuoteIntent: Hashable, Sendable {
    /// A new limit order (35=D) with ClOrdID `key`.
    case new(OrderKey, side: Side, price: Int64, quantity: Int64)
    /// A cancel/replace (35=G) of the order known by `key` (OrigClOrdID) to `price` and total
    /// order quantity `quantity` (what is filled already plus what should rest), with ClOrdID
    /// `newKey`; `from` is the order as it stands when the request goes out (what a risk check
    /// of the replace weighs the new price and quantity against).
    case replace(OrderKey, newKey: OrderKey, side: Side, price: Int64, quantity: Int64, from: Prior)
    /// A cancel request (35=F) of the order known by `key` (OrigClOrdID), with ClOrdID `newKey`.
    case cancel(OrderKey, newKey: OrderKey, side: Side)

    /// An order as it stands before a replace changes it.
    public struct Prior: Hashable, Sendable {
        /// Its price at the venue (ticks).
        public var price: Int64
        /// Lots open.
        public var leaves: Int64
        /// Lots filled so far (they stay filled: the replace's quantity counts them).
        public var filled: Int64

        public init(price: Int64, leaves: Int64, filled: Int64 = 0) {
            self.price = price
            self.leaves = leaves
            self.filled = filled
        }
    }

    /// The kind of request.
    public enum Kind: UInt8, Hashable, Sendable {
        case new
        case replace
        case cancel
    }

    /// The kind of request.
    @inlinable
    public var kind: Kind {
        switch self {
        case .new: .new
        case .replace: .replace
        case .cancel: .cancel
        }
    }

    /// The side of the order concerned.
    @inlinable
    public var side: Side {
        switch self {
        case .new(_, let side, _, _), .replace(_, _, let side, _, _, _), .cancel(_, _, let side): side
        }
    }

    /// The ClOrdID of the request: the new order's key, or the replace's or cancel's new key.
    @inlinable
    public var requestKey: OrderKey {
        switch self {
        case .new(let key, _, _, _): key
        case .replace(_, let newKey, _, _, _, _), .cancel(_, let newKey, _): newKey
        }
    }

    /// The price the order will have once the request takes effect; nil for a cancel.
    @inlinable
    public var price: Int64? {
        switch self {
        case .new(_, _, let price, _), .replace(_, _, _, let price, _, _): price
        case .cancel: nil
        }
    }
}
