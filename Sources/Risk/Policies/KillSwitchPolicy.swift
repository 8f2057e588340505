/// Denies every order while the kill switch is engaged (``RiskReason/killSwitchEngaged``).
public struct KillSwitchPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        context.killSwitchEngaged ? .deny(.killSwitchEngaged) : .pass
    }
}
