/// A new resting (limit) order must leave at most ``RiskLimits/maxOpenOrders`` open on its
/// instrument (``RiskReason/openOrdersLimit``) and ``RiskContext/maxOpenOrdersTotal`` in the
/// account (``RiskReason/totalOpenOrdersLimit``). A replace does not change the count and
/// passes; market and IOC orders never rest and pass.
public struct MaxOpenOrdersPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard order.kind.rests, order.replacing == nil else { return .pass }
        guard context.exposure.openOrders < context.limits.maxOpenOrders else { return .deny(.openOrdersLimit) }
        guard context.openOrdersTotal < context.maxOpenOrdersTotal else { return .deny(.totalOpenOrdersLimit) }
        return .pass
    }
}
