/// How many of the quoter's orders are in each state: the live ones now, and the terminal ones
/// since the start (terminal orders leave the tracker, so those are running totals).
public struct OrderStateCounts: Hashable, Sendable {
    /// New orders not yet accepted.
    public var pendingNew = 0
    /// Working orders with nothing filled.
    public var working = 0
    /// Working orders partly filled.
    public var partiallyFilled = 0
    /// Orders with a cancel/replace in flight.
    public var pendingReplace = 0
    /// Orders with a cancel request in flight.
    public var pendingCancel = 0
    /// Orders filled in full, since the start.
    public var filled = 0
    /// Orders canceled (on request or by the venue), since the start.
    public var canceled = 0
    /// New orders refused, since the start.
    public var rejected = 0

    /// No orders.
    public init() {}

    /// Orders not yet terminal.
    @inlinable
    public var live: Int { pendingNew + working + partiallyFilled + pendingReplace + pendingCancel }
}
