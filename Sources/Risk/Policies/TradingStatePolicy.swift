/// Applies the trading state: active passes; halted denies (``RiskReason/tradingHalted``);
/// reducing passes only orders that reduce the position, whether or not they are flagged
/// reduce-only (``RiskReason/reducingOnly``).
public struct TradingStatePolicy: RiskPolicy {
    /// The policy.
    public init() {}

    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        switch context.tradingState {
        case .active: .pass
        case .halted: .deny(.tradingHalted)
        case .reducing: context.reduces(order) ? .pass : .deny(.reducingOnly)
        }
    }
}
