/// A limit or IOC price within the instrument's ``RiskLimits/collar`` of the reference price
/// (``RiskReason/priceCollar``). Market orders pass: they are priced at the reference.
public struct PriceCollarPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard order.kind != .market else { return .pass }
        return context.limits.collar.allows(order.price, reference: context.reference) ? .pass : .deny(.priceCollar)
    }
}
