import Market
/// What the net-position stop wants done: send a position-reducing order of `quantity` lots on
/// `side` at market (or as a marketable IOC where the venue has no market orders). See
/// ``RiskOrder/flatten(_:instrument:limitPrice:)``.
public struct FlattenIntent: Hashable, Sendable {
    /// The side of the flattening order: sell for a long position, buy for a short one.
    public var side: Side
    /// Lots to trade.
    public var quantity: Int64

    /// An intent to trade `quantity` lots on `side`.
    public init(side: Side, quantity: Int64) {
        self.side = side
        self.quantity = quantity
    }

    /// The side whose quotes add to the position and are pulled: the side opposite the flattening order.
    @inlinable
    public var pulledSide: Side { side.opposite }
}
