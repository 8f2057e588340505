/// The quoter's identifier of one order request: a counter the quoter hands out, which the engine
/// writes as the request's ClOrdID (11).
///
/// Every request gets a key of its own: a new order, each cancel/replace (the replacement's
/// ClOrdID) and each cancel request. An order is therefore known by a chain of keys; the
/// ``OrderTracker`` links them (an order's current key, and the key of its request in flight).
public struct OrderKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The counter value.
    public var rawValue: UInt64

    /// The key with this counter value.
    @inlinable
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    @inlinable
    public static func < (a: OrderKey, b: OrderKey) -> Bool { a.rawValue < b.rawValue }

    /// The counter in decimal, as a ClOrdID would carry it.
    public var description: String { String(rawValue) }
}
