/// How the ladder is shaped and how fast it may move.
///
/// Bids are quoted at `anchor - offset - k` and asks at `anchor + offset + k` for
/// `k = 0..<levels`, `quantity` lots each, where the anchor of each side is its best price (see
/// ``refreshTolerance``). Prices are integer ticks.
public struct QuoteConfiguration: Hashable, Sendable {
    /// The most levels a side has; 0 quotes nothing. At most ``maxLevels``.
    public var levels: Int
    /// Lots resting at each level.
    public var quantity: Int64
    /// Ticks between the best price and the nearest level of the ladder.
    public var offset: Int64
    /// How far (ticks) the best price must move toward the other side before the ladder follows
    /// it: a side's ladder stays aimed where it was while its best price has moved toward the
    /// other side by less than this. 0 and 1 mean any move. A move away from the other side (a
    /// bid falling below where the ladder was aimed, an ask rising above) re-aims at once,
    /// whatever the tolerance: the levels beyond it were traded through, or would now be better
    /// than the market, and the study refills the ladder at its far end.
    public var refreshTolerance: Int64
    /// The most requests per second and at once; nil for no limit. Intents beyond it are
    /// deferred, not queued: the next ``LadderQuoter/update(bestBid:bestAsk:now:)`` recomputes
    /// what is still needed.
    public var messageBudget: MessageBudget?

    /// The most levels a side may have.
    public static let maxLevels = 64

    /// A configuration; the defaults are the study's: 5 levels of 1 lot at the best prices.
    public init(levels: Int = 5, quantity: Int64 = 1, offset: Int64 = 0, refreshTolerance: Int64 = 0,
                messageBudget: MessageBudget? = nil) {
        precondition(levels >= 0 && levels <= Self.maxLevels, "levels must be in 0...\(Self.maxLevels)")
        precondition(quantity > 0, "quantity must be positive")
        precondition(offset >= 0, "offset must not be negative")
        precondition(refreshTolerance >= 0, "refreshTolerance must not be negative")
        self.levels = levels
        self.quantity = quantity
        self.offset = offset
        self.refreshTolerance = refreshTolerance
        self.messageBudget = messageBudget
    }
}
