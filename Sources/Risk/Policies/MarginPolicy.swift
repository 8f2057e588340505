/// Dynamic margin: equity must cover the initial margin of the whole account after the order.
///
/// The initial margin of an instrument is its margin rate x the value, at the reference price,
/// of its worst-case position (``InstrumentExposure/worstCaseLots``: the position with every
/// open order of the worse side filled). After the order it is ``RiskContext/otherMargin`` plus
/// the order's instrument with the order added to its side. An order that does not raise the
/// instrument's worst case passes even when margin is short, so reducing orders always can.
/// Denials: ``RiskReason/invalidEquity``, ``RiskReason/marginUnavailable`` (rate NaN, infinite
/// or negative), ``RiskReason/calculationFailed`` (a figure not finite), and
/// ``RiskReason/insufficientMargin``.
public struct MarginPolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        guard context.equityIsValid else { return .deny(.invalidEquity) }
        let rate = context.marginRate
        guard rate.isFinite, rate >= 0 else { return .deny(.marginUnavailable) }
        let exposure = context.exposure
        let added = context.addedLots(order)
        let before = exposure.worstCaseLots
        let buy = exposure.worstPosition(.buy, extra: order.side == .buy ? added : 0)
        let sell = exposure.worstPosition(.sell, extra: order.side == .sell ? added : 0)
        let lots = max(abs(buy), abs(sell))
        let margin = context.otherMargin + rate * lots * context.lotValue
        guard margin.isFinite else { return .deny(.calculationFailed) }
        return margin <= context.equity || lots <= before ? .pass : .deny(.insufficientMargin)
    }
}
