/// A what-if check of concentration: the worst-case position value of the order's side after
/// the order, as a fraction of the account's net value, must stay within the instrument's
/// ``RiskLimits/maxConcentration``.
///
/// The worst case of a side is the position if every open order of that side filled, this one
/// included (for a replace, with the old quantity taken out): `position + buys` for a buy,
/// `position - sells` for a sell, valued at the reference price. An order that does not make
/// that worst case larger passes even above the limit, so reducing orders always can. Equity
/// missing, not finite or not positive denies (``RiskReason/invalidEquity``); a figure that is
/// not finite denies (``RiskReason/calculationFailed``); otherwise ``RiskReason/concentrationLimit``.
public struct ConcentrationPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard context.equityIsValid else { return .deny(.invalidEquity) }
        let before = abs(context.exposure.worstPosition(order.side))
        let after = abs(context.exposure.worstPosition(order.side, extra: context.addedLots(order)))
        let ratio = after * context.lotValue / context.equity
        guard ratio.isFinite else { return .deny(.calculationFailed) }
        return ratio <= context.limits.maxConcentration || after <= before ? .pass : .deny(.concentrationLimit)
    }
}
