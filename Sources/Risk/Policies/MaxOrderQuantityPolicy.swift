/// Quantity at most the instrument's ``RiskLimits/maxOrderQuantity`` (``RiskReason/orderQuantityLimit``).
public struct MaxOrderQuantityPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        order.quantity <= context.limits.maxOrderQuantity ? .pass : .deny(.orderQuantityLimit)
    }
}
