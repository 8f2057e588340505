import Market

/// Why a new order was refused. ``fixOrdRejReason`` gives FIX's OrdRejReason (103).
public enum OrderRejectReason: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// No such instrument.
    case unknownSymbol
    /// Quantity zero, negative or above the maximum.
    case invalidQuantity
    /// Price zero or negative.
    case invalidPrice
    /// Price outside the instrument's band.
    case priceOutsideBand
    /// A market order with nothing to trade against.
    case noLiquidity

    /// OrdRejReason (103): 1 unknown symbol, 13 incorrect quantity, 99 other.
    public var fixOrdRejReason: Int {
        switch self {
        case .unknownSymbol: 1
        case .invalidQuantity: 13
        case .invalidPrice, .priceOutsideBand, .noLiquidity: 99
        }
    }

    public var description: String {
        switch self {
        case .unknownSymbol: "Unknown symbol"
        case .invalidQuantity: "Incorrect quantity"
        case .invalidPrice: "Invalid price"
        case .priceOutsideBand: "Price outside the price band"
        case .noLiquidity: "No liquidity for a market order"
        }
    }
}

/// Why a cancel or a cancel/replace was refused. ``fixCxlRejReason`` gives FIX's CxlRejReason (102).
public enum CancelRejectReason: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// No working order with that id for that owner (never known, or already done).
    case unknownOrder
    /// The replacement's quantity is not above what has already been filled.
    case quantityNotAboveFilled
    /// The replacement's quantity is zero, negative or above the maximum.
    case invalidQuantity
    /// The replacement's price is invalid or outside the band.
    case invalidPrice

    /// CxlRejReason (102): 1 unknown order, 99 other.
    public var fixCxlRejReason: Int {
        switch self {
        case .unknownOrder: 1
        case .quantityNotAboveFilled, .invalidQuantity, .invalidPrice: 99
        }
    }

    public var description: String {
        switch self {
        case .unknownOrder: "Unknown order"
        case .quantityNotAboveFilled: "New quantity not above the filled quantity"
        case .invalidQuantity: "Incorrect quantity"
        case .invalidPrice: "Invalid price or outside the price band"
        }
    }
}

/// Why a working order ended without filling completely.
public enum CancelReason: UInt8, Hashable, Sendable {
    /// Its owner asked.
    case requested
    /// The rest of an immediate-or-cancel or market order.
    case immediateOrCancel
    /// A fill-or-kill order that could not fill in full.
    case fillOrKill
    /// A resting order an order of the same owner would have traded with.
    case selfTrade
}

/// One trade: a resting (maker) order and an incoming (taker) order.
public struct Fill: Hashable, Sendable {
    public var makerOrderID: OrderID
    public var makerOwner: OwnerID
    public var takerOrderID: OrderID
    public var takerOwner: OwnerID
    /// The taker's side (the aggressor).
    public var takerSide: Side
    /// Ticks; the maker's price.
    public var price: Int64
    /// Lots.
    public var quantity: Int64
    /// What each order has left after this fill.
    public var makerLeaves: Int64
    public var takerLeaves: Int64
}

/// What the matching engine reports. Every order it accepts ends in exactly one of: filled in
/// full (its last ``Fill`` leaves 0), ``canceled``.
public enum ExchangeEvent: Hashable, Sendable {
    /// A new order is accepted under `orderID` (before any fill of it).
    case accepted(orderID: OrderID, owner: OwnerID)
    /// A new order is refused; it has no id.
    case rejected(owner: OwnerID, reason: OrderRejectReason)
    /// A trade.
    case fill(Fill)
    /// A working order ends with `leaves` lots unfilled.
    case canceled(orderID: OrderID, owner: OwnerID, leaves: Int64, reason: CancelReason)
    /// A cancel/replace took effect: the order now has this price and total quantity, and
    /// `leaves` lots to fill (reported before any fill it causes).
    case replaced(orderID: OrderID, owner: OwnerID, price: Int64, quantity: Int64, leaves: Int64)
    /// A cancel or cancel/replace was refused; the order (if any) is unchanged.
    case cancelRejected(orderID: OrderID, owner: OwnerID, reason: CancelRejectReason)
}
