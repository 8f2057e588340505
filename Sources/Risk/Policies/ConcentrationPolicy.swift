/// A what-if check of concentration, for the instrument and for its group: how much of the
/// account one instrument, and one group of instruments, would hold if the order and every open
/// order of its side filled.
///
/// - The instrument: the worst-case position value of the order's side after the order
///   (`position + buys` for a buy, `position - sells` for a sell, this order included; for a
///   replace, with the old quantity taken out), valued at the reference price, as a fraction of
///   the account's net value, within ``RiskLimits/maxConcentration``; and the instrument's
///   worst-case value (the larger side's) as a fraction of the account's gross exposure (every
///   instrument's worst-case value, summed), within ``RiskLimits/maxGrossShare``.
/// - The group (``RiskContext/group``): the worst-case values of its instruments, summed, the
///   order's instrument's after the order, as a fraction of net value within
///   ``RiskGroup/maxConcentration`` and of gross exposure within ``RiskGroup/maxGrossShare``.
///
/// Shares of gross exposure are checked only once the gross exposure after the order is at least
/// ``RiskContext/grossShareFloor`` of equity. An order that does not make its side's worst case
/// larger passes even above every limit, so reducing orders always can. Equity missing, not
/// finite or not positive denies (``RiskReason/invalidEquity``); a figure that is not finite
/// denies (``RiskReason/calculationFailed``); otherwise ``RiskReason/concentrationLimit`` for
/// the instrument and ``RiskReason/groupConcentrationLimit`` for the group.
public struct ConcentrationPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard context.equityIsValid else { return .deny(.invalidEquity) }
        let exposure = context.exposure
        let added = context.addedLots(order)
        let before = abs(exposure.worstPosition(order.side))
        let after = abs(exposure.worstPosition(order.side, extra: added))
        let lotValue = context.lotValue
        let equity = context.equity
        let ratio = after * lotValue / equity
        // The instrument's worst case over both sides after the order, and the account's gross.
        let other = abs(exposure.worstPosition(order.side == .buy ? .sell : .buy))
        let value = max(after, other) * lotValue
        let gross = context.otherGross + value
        let groupValue = context.groupOther + value
        guard ratio.isFinite, gross.isFinite, groupValue.isFinite else { return .deny(.calculationFailed) }
        if after <= before { return .pass }
        let limits = context.limits
        guard ratio <= limits.maxConcentration else { return .deny(.concentrationLimit) }
        let sharesApply = gross > 0 && gross >= context.grossShareFloor * equity
        if sharesApply && !(value / gross <= limits.maxGrossShare) { return .deny(.concentrationLimit) }
        if let group = context.group {
            guard groupValue / equity <= group.maxConcentration else { return .deny(.groupConcentrationLimit) }
            if sharesApply && !(groupValue / gross <= group.maxGrossShare) { return .deny(.groupConcentrationLimit) }
        }
        return .pass
    }
}
