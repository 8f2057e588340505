/// The message throttle has room for the order now (``RiskReason/throttled``). The gate uses
/// the room only when the order is approved.
public struct ThrottlePolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        context.throttleAllows ? .pass : .deny(.throttled)
    }
}
