import Market
/// The position and open orders of one instrument, as the risk gate keeps them.
///
/// Quantities are lots. Open orders include every order the gate approved that has not ended
/// (filled, canceled, expired or rejected), resting or not: exposure counts from the moment an
/// order is approved, not from its acknowledgement, so a burst of orders sees the earlier ones.
public struct InstrumentExposure: Hashable, Sendable {
    /// Net position in lots: positive long, negative short.
    public var position: Int64
    /// Open buy orders.
    public var openBuyOrders: Int
    /// Open sell orders.
    public var openSellOrders: Int
    /// Open (leaves) quantity of the buy orders, in lots.
    public var openBuyQuantity: Int64
    /// Open (leaves) quantity of the sell orders, in lots.
    public var openSellQuantity: Int64

    /// The given position and open orders (default: flat, nothing open).
    public init(position: Int64 = 0, openBuyOrders: Int = 0, openSellOrders: Int = 0,
                openBuyQuantity: Int64 = 0, openSellQuantity: Int64 = 0) {
        self.position = position
        self.openBuyOrders = openBuyOrders
        self.openSellOrders = openSellOrders
        self.openBuyQuantity = openBuyQuantity
        self.openSellQuantity = openSellQuantity
    }

    /// Open orders on both sides.
    @inlinable
    public var openOrders: Int { openBuyOrders &+ openSellOrders }

    /// Open orders on `side`.
    @inlinable
    public func openOrders(_ side: Side) -> Int { side == .buy ? openBuyOrders : openSellOrders }

    /// Open quantity on `side`, in lots.
    @inlinable
    public func openQuantity(_ side: Side) -> Int64 { side == .buy ? openBuyQuantity : openSellQuantity }

    /// The position, in lots, if every open order on `side` filled, plus `extra` lots more on
    /// that side (may be negative): `position + buys` or `position - sells`. In `Double`, so an
    /// absurd quantity cannot trap.
    @inlinable
    public func worstPosition(_ side: Side, extra: Double = 0) -> Double {
        side == .buy
            ? Double(position) + Double(openBuyQuantity) + extra
            : Double(position) - Double(openSellQuantity) - extra
    }

    /// The larger of the absolute worst-case positions of the two sides, in lots: what the
    /// margin is charged on (position plus open orders, the worse side filling).
    @inlinable
    public var worstCaseLots: Double {
        max(abs(worstPosition(.buy)), abs(worstPosition(.sell)))
    }

    /// Whether an order of `quantity` lots on `side` only reduces the position: it is on the
    /// side opposite the position and no larger than it, so it cannot flip it.
    @inlinable
    public func reduces(_ side: Side, quantity: Int64) -> Bool {
        guard quantity > 0 else { return false }
        switch side {
        case .sell: return position > 0 && quantity <= position
        case .buy: return position < 0 && quantity.magnitude <= position.magnitude
        }
    }
}
