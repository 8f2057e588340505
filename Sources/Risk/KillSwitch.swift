/// The operator's emergency stop.
///
/// Engaged means: the engine cancels every working order (the gate does not send anything; it
/// reports that the switch is engaged, and ``engage(at:)`` returns true once so the engine knows
/// to start the cancels), and the gate denies every new order and every replace, reducing ones
/// included, until ``reset()``. Flattening after a kill is a deliberate act: reset the switch
/// with the trading state set to ``TradingState/reducing``.
public struct KillSwitch: Hashable, Sendable {
    /// Whether the switch is engaged.
    public private(set) var isEngaged: Bool = false
    /// When it was last engaged (nanoseconds since the epoch), nil if never.
    public private(set) var engagedAt: Int64?
    /// How many times it has been engaged.
    public private(set) var engagements: Int = 0

    /// A switch that is not engaged.
    public init() {}

    /// Engages the switch at `now`. Returns true when it was not engaged before (the engine
    /// then cancels every working order), false when it already was.
    @discardableResult
    public mutating func engage(at now: Int64) -> Bool {
        guard !isEngaged else { return false }
        isEngaged = true
        engagedAt = now
        engagements += 1
        return true
    }

    /// Releases the switch: orders are checked normally again.
    public mutating func reset() {
        isEngaged = false
    }
}
