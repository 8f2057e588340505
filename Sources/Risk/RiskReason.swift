/// Why the risk gate denied an order. The raw values are stable codes (for logs, metrics and
/// the gate's per-reason counters, which are indexed by them); new reasons get new codes.
public enum RiskReason: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The kill switch is engaged: no order passes until it is reset.
    case killSwitchEngaged = 1
    /// The trading state is halted: no order passes.
    case tradingHalted = 2
    /// The trading state is reducing and the order would not reduce the position.
    case reducingOnly = 3
    /// The order names no instrument of the gate.
    case unknownInstrument = 4
    /// Quantity zero or negative.
    case invalidQuantity = 5
    /// Limit price zero or negative.
    case invalidPrice = 6
    /// The instrument has no reference price yet (needed by the collar and every valuation).
    case noReferencePrice = 7
    /// A reduce-only order that would not reduce the position.
    case notReducing = 8
    /// A cancel/replace whose working order is not among the open orders the gate knows of (or a
    /// replace to a market order).
    case inconsistentReplace = 9
    /// Quantity above the instrument's maximum order quantity.
    case orderQuantityLimit = 10
    /// Notional above the instrument's maximum order notional.
    case orderNotionalLimit = 11
    /// Price too far from the reference price.
    case priceCollar = 12
    /// The instrument already has its maximum number of open orders.
    case openOrdersLimit = 13
    /// The account already has its maximum number of open orders.
    case totalOpenOrdersLimit = 14
    /// The net-position stop is engaged and the order would add to the position.
    case netPositionStop = 15
    /// The message rate limit is reached.
    case throttled = 16
    /// The position value after the order would exceed the instrument's share of the account value.
    case concentrationLimit = 17
    /// Equity would not cover the initial margin after the order.
    case insufficientMargin = 18
    /// The account value (equity) is missing, not finite, or not positive.
    case invalidEquity = 19
    /// The margin rate is missing or not a finite non-negative number.
    case marginUnavailable = 20
    /// A check could not compute its figure (NaN, infinity, overflow, a missing reference price
    /// of another instrument with exposure).
    case calculationFailed = 21
    /// A group's worst-case position value, after the order, above its limit (of equity or of
    /// gross exposure).
    case groupConcentrationLimit = 22
    /// The instrument's worst-case position after the order above this engine's share of the
    /// firm's limit (its lease; 0 when it holds none).
    case firmLimit = 23
    /// The group's worst-case value after the order above this engine's share of the firm's
    /// limit for the group.
    case firmGroupLimit = 24

    /// The largest code in use: the per-reason counters have `maxCode + 1` slots.
    public static let maxCode = Int(RiskReason.allCases.map(\.rawValue).max()!)

    /// A short static text for logs (no allocation).
    public var description: String {
        switch self {
        case .killSwitchEngaged: "Kill switch engaged"
        case .tradingHalted: "Trading halted"
        case .reducingOnly: "Only position-reducing orders allowed"
        case .unknownInstrument: "Unknown instrument"
        case .invalidQuantity: "Invalid quantity"
        case .invalidPrice: "Invalid price"
        case .noReferencePrice: "No reference price"
        case .notReducing: "Reduce-only order would not reduce the position"
        case .inconsistentReplace: "Replaced order not among the open orders"
        case .orderQuantityLimit: "Order quantity above the limit"
        case .orderNotionalLimit: "Order notional above the limit"
        case .priceCollar: "Price outside the collar"
        case .openOrdersLimit: "Too many open orders on the instrument"
        case .totalOpenOrdersLimit: "Too many open orders in total"
        case .netPositionStop: "Net-position stop engaged"
        case .throttled: "Message rate limit reached"
        case .concentrationLimit: "Concentration limit exceeded"
        case .insufficientMargin: "Insufficient margin"
        case .invalidEquity: "Account value missing or not positive"
        case .marginUnavailable: "Margin rate unavailable"
        case .calculationFailed: "Risk calculation failed"
        case .groupConcentrationLimit: "Group concentration limit exceeded"
        case .firmLimit: "Firm limit: above this engine's share"
        case .firmGroupLimit: "Firm group limit: above this engine's share"
        }
    }
}
