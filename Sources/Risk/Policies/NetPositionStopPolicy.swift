/// While the instrument's net-position stop is engaged, orders on the side that adds to the
/// position are denied (``RiskReason/netPositionStop``); the reducing side (the flattening
/// order, the remaining quotes) passes.
public struct NetPositionStopPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        context.stopSides.allows(order.side) ? .pass : .deny(.netPositionStop)
    }
}
