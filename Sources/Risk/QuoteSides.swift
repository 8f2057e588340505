import Market
/// Which sides of the ladder may quote.
public struct QuoteSides: Hashable, Sendable, CustomStringConvertible {
    /// Bids (buy orders) may quote.
    public var bid: Bool
    /// Asks (sell orders) may quote.
    public var ask: Bool

    /// The given sides.
    public init(bid: Bool, ask: Bool) {
        self.bid = bid
        self.ask = ask
    }

    /// Both sides.
    public static let both = QuoteSides(bid: true, ask: true)
    /// Neither side.
    public static let none = QuoteSides(bid: false, ask: false)
    /// Bids only.
    public static let bidOnly = QuoteSides(bid: true, ask: false)
    /// Asks only.
    public static let askOnly = QuoteSides(bid: false, ask: true)

    /// Whether orders on `side` may quote.
    @inlinable
    public func allows(_ side: Side) -> Bool { side == .buy ? bid : ask }

    /// Only the side that reduces a position of `position` lots (none when flat).
    @inlinable
    public static func reducing(_ position: Int64) -> QuoteSides {
        position > 0 ? .askOnly : position < 0 ? .bidOnly : .none
    }

    /// Both conditions: a side quotes when both allow it.
    @inlinable
    public func intersection(_ other: QuoteSides) -> QuoteSides {
        QuoteSides(bid: bid && other.bid, ask: ask && other.ask)
    }

    public var description: String {
        switch (bid, ask) {
        case (true, true): "both"
        case (true, false): "bid only"
        case (false, true): "ask only"
        case (false, false): "none"
        }
    }
}
