/// Notional (quantity x limit price, or x the reference for a market order, x the value per
/// tick and lot) at most the instrument's ``RiskLimits/maxOrderNotional``
/// (``RiskReason/orderNotionalLimit``; also for a NaN figure).
public struct MaxOrderNotionalPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        let notional = Double(order.quantity) * Double(context.effectivePrice(of: order)) * context.valuePerTickLot
        return notional <= context.limits.maxOrderNotional ? .pass : .deny(.orderNotionalLimit)
    }
}
