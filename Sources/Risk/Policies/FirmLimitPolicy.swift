import Market
/// A what-if check against this engine's share of the firm's limits (``RiskContext/firmLots``,
/// ``RiskContext/firmGroupValue``): the instrument's worst-case position after the order (the
/// larger side's, this order included; for a replace, with the old quantity taken out) within
/// the lots it may hold, and its group's worst-case value within the group's share.
///
/// An order that does not make its side's worst case larger passes, so reducing orders always
/// can, even when the share has shrunk below what is held (a lease that ended: 0). A figure that
/// is not finite denies (``RiskReason/calculationFailed``); otherwise ``RiskReason/firmLimit``
/// for the instrument and ``RiskReason/firmGroupLimit`` for the group.
public struct FirmLimitPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    @inlinable
    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        if context.firmLots == .infinity && context.firmGroupValue == .infinity { return .pass }
        let exposure = context.exposure
        let before = abs(exposure.worstPosition(order.side))
        let after = abs(exposure.worstPosition(order.side, extra: context.addedLots(order)))
        if after <= before { return .pass }
        let lots = max(after, abs(exposure.worstPosition(order.side == .buy ? .sell : .buy)))
        guard lots <= context.firmLots else { return .deny(lots.isFinite ? .firmLimit : .calculationFailed) }
        if context.firmGroupValue != .infinity {
            let value = context.groupOther + lots * context.lotValue
            guard value.isFinite else { return .deny(.calculationFailed) }
            guard value <= context.firmGroupValue else { return .deny(.firmGroupLimit) }
        }
        return .pass
    }
}
