/// The order and the data it needs are sound: quantity positive (``RiskReason/invalidQuantity``),
/// limit price positive (``RiskReason/invalidPrice``), a reference price present
/// (``RiskReason/noReferencePrice``), a replace whose working order is among the open orders of
/// its side and is not a market order (``RiskReason/inconsistentReplace``), and a reduce-only
/// order that really reduces the position (``RiskReason/notReducing``).
public struct OrderValidityPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard order.quantity > 0 else { return .deny(.invalidQuantity) }
        guard order.kind == .market || order.price > 0 else { return .deny(.invalidPrice) }
        guard context.reference > 0 else { return .deny(.noReferencePrice) }
        if let old = order.replacing {
            guard order.kind != .market, old.quantity > 0, context.exposure.openOrders(order.side) > 0,
                  old.quantity <= context.exposure.openQuantity(order.side)
            else { return .deny(.inconsistentReplace) }
        }
        guard !order.reduceOnly || context.reduces(order) else { return .deny(.notReducing) }
        return .pass
    }
}
