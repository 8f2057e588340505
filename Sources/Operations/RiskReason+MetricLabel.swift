import Risk

extension RiskReason {
    /// The reason as a metric label and log metadata value: a fixed snake_case name.
    public var metricLabel: String {
        switch self {
        case .killSwitchEngaged: "kill_switch_engaged"
        case .tradingHalted: "trading_halted"
        case .reducingOnly: "reducing_only"
        case .unknownInstrument: "unknown_instrument"
        case .invalidQuantity: "invalid_quantity"
        case .invalidPrice: "invalid_price"
        case .noReferencePrice: "no_reference_price"
        case .notReducing: "not_reducing"
        case .inconsistentReplace: "inconsistent_replace"
        case .orderQuantityLimit: "order_quantity_limit"
        case .orderNotionalLimit: "order_notional_limit"
        case .priceCollar: "price_collar"
        case .openOrdersLimit: "open_orders_limit"
        case .totalOpenOrdersLimit: "total_open_orders_limit"
        case .netPositionStop: "net_position_stop"
        case .throttled: "throttled"
        case .concentrationLimit: "concentration_limit"
        case .insufficientMargin: "insufficient_margin"
        case .invalidEquity: "invalid_equity"
        case .marginUnavailable: "margin_unavailable"
        case .calculationFailed: "calculation_failed"
        case .groupConcentrationLimit: "group_concentration_limit"
        case .firmLimit: "firm_limit"
        case .firmGroupLimit: "firm_group_limit"
        }
    }
}
