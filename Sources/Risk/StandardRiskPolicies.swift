/// The standard checks as one policy, run in order with static dispatch (no existential per
/// check): kill switch, trading state, validity, order quantity, order notional, price collar,
/// open orders, net-position stop, throttle, firm limits, concentration, margin. The first denial wins. It
/// gives the same verdict as running ``RiskGate/standardPolicies`` one after the other.
public struct StandardRiskPolicies: RiskPolicy {
    /// The standard checks.
    public init() {}

    @inlinable
    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        var verdict = KillSwitchPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = TradingStatePolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = OrderValidityPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = MaxOrderQuantityPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = MaxOrderNotionalPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = PriceCollarPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = MaxOpenOrdersPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = NetPositionStopPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = ThrottlePolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = FirmLimitPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        verdict = ConcentrationPolicy().evaluate(order, in: context)
        guard verdict == .pass else { return verdict }
        return MarginPolicy().evaluate(order, in: context)
    }
}
