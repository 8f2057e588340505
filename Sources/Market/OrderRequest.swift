/// Who an order belongs to: one participant (a FIX session, or the strategy of a backtest).
/// Orders of the same owner never trade with each other (self-trade prevention).
public typealias OwnerID = UInt32

/// The exchange's identifier of an order, unique in one exchange.
public typealias OrderID = UInt64

/// How an order is priced.
public enum OrderKind: UInt8, Hashable, Sendable {
    /// At the limit price or better; what is left rests in the book (unless IOC or FOK).
    case limit
    /// At any price; what does not fill at once is canceled.
    case market
}

/// How long an order lives.
public enum TimeInForce: UInt8, Hashable, Sendable {
    /// Rests in the book until filled or canceled.
    case day
    /// Immediate or cancel: fills what it can at once, the rest is canceled.
    case immediateOrCancel
    /// Fill or kill: fills in full at once, or not at all.
    case fillOrKill
}

/// A new order for the matching engine. Price in ticks (ignored for market orders), quantity
/// in lots.
public struct OrderRequest: Hashable, Sendable {
    public var owner: OwnerID
    public var side: Side
    public var kind: OrderKind
    public var timeInForce: TimeInForce
    public var price: Int64
    public var quantity: Int64

    public init(owner: OwnerID, side: Side, kind: OrderKind = .limit, timeInForce: TimeInForce = .day,
                price: Int64, quantity: Int64) {
        self.owner = owner
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
    }

    /// A limit order resting until canceled.
    public static func limit(_ side: Side, price: Int64, quantity: Int64, owner: OwnerID,
                             timeInForce: TimeInForce = .day) -> OrderRequest {
        OrderRequest(owner: owner, side: side, kind: .limit, timeInForce: timeInForce, price: price, quantity: quantity)
    }

    /// A market order.
    public static func market(_ side: Side, quantity: Int64, owner: OwnerID) -> OrderRequest {
        OrderRequest(owner: owner, side: side, kind: .market, timeInForce: .immediateOrCancel, price: 0, quantity: quantity)
    }
}
