/// The checks a ``RiskGate`` runs, in order.
public enum RiskPolicies: Sendable {
    /// ``StandardRiskPolicies``: every check, statically dispatched (the fast path).
    case standard
    /// These policies, in this order (each called through its existential: slower).
    case custom([any RiskPolicy])

    /// Runs the checks on `order`: the first denial, or pass.
    @inlinable
    public func evaluate(_ order: RiskOrder, in context: RiskContext) -> RiskVerdict {
        switch self {
        case .standard:
            return StandardRiskPolicies().evaluate(order, in: context)
        case .custom(let policies):
            for policy in policies {
                let verdict = policy.evaluate(order, in: context)
                if verdict != .pass { return verdict }
            }
            return .pass
        }
    }
}
