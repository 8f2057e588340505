/// The side of an order or of a trade's aggressor.
public enum Side: UInt8, Hashable, Sendable {
    case buy
    case sell

    /// The other side.
    @inlinable
    public var opposite: Side { self == .buy ? .sell : .buy }
}
