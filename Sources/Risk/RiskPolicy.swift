/// The result of one policy: the order passes it, or it is denied with a reason.
public enum RiskVerdict: Hashable, Sendable {
    /// This check has nothing against the order.
    case pass
    /// This check denies the order.
    case deny(RiskReason)
}

/// One pre-trade check, in the manner of swift-certificates' `VerifierPolicy`: a small value
/// that looks at an order and the portfolio state and returns pass or a typed reason.
///
/// Policies are pure: they read the ``RiskContext`` the gate built for the order and change
/// nothing (the gate commits the throttle and the exposure once every policy has passed).
/// They must fail closed: any missing input, NaN or overflow gives `.deny`, never `.pass`. The
/// idiom is to pass only on a comparison that holds (`guard value <= limit`), which is false
/// for NaN.
public protocol RiskPolicy: Sendable {
    /// Checks `order` against `context`.
    func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict
}
