/// The state of a ``MarginModel`` for reports and alerts.
public struct MarginReport: Hashable, Sendable {
    /// The rate in force at the time of the report (safe-mode rate when warming up or stale).
    public var rate: Double
    /// The last rate the model published, nil during warm-up.
    public var modelRate: Double?
    /// The lowest published rate so far.
    public var minRate: Double?
    /// The highest published rate so far.
    public var maxRate: Double?
    /// Rates refused by the jump guard.
    public var refusals: Int
    /// The last refused rate, kept for the alert (nil after it is accepted by hand).
    public var lastRefusedRate: Double?
    /// Times the model entered safe mode after warm-up.
    public var safeModeEntries: Int
    /// Whether warm-up is still going on.
    public var isWarmingUp: Bool
    /// Whether the model is in safe mode (stale) after warm-up.
    public var isInSafeMode: Bool
    /// Log returns seen.
    public var returns: Int
    /// Prices or bars ignored as invalid.
    public var ignoredUpdates: Int
}
