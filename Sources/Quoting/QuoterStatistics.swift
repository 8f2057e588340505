/// Running totals of what a ``LadderQuoter`` did.
public struct QuoterStatistics: Hashable, Sendable {
    /// New orders sent.
    public var news = 0
    /// Cancel/replaces sent.
    public var replaces = 0
    /// Cancel requests sent.
    public var cancels = 0
    /// Intents held back by the message budget, counted once per update that held them back
    /// (the same level deferred twice counts twice).
    public var deferredByBudget = 0
    /// Intents held back because they would have met one of our own orders on the other side
    /// (whose move or cancel is still in flight), counted once per update.
    public var heldBackBySelfCross = 0
    /// Calls of ``LadderQuoter/update(bestBid:bestAsk:now:)``.
    public var updates = 0
    /// Reports for keys no live order had (see ``OrderTracker/unknownUpdates``).
    public var unknownUpdates = 0
    /// Reports that did not fit their order's state (see ``OrderTracker/staleUpdates``).
    public var staleUpdates = 0

    /// All zero.
    public init() {}

    /// Requests sent, all kinds.
    @inlinable
    public var intents: Int { news + replaces + cancels }
}
