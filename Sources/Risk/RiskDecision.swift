/// The risk gate's answer for one order.
public enum RiskDecision: Hashable, Sendable {
    /// Every check passed; the order may be sent (the gate has counted it as open).
    case approved
    /// A check denied the order; it must not be sent.
    case denied(RiskReason)

    /// Whether the order was approved.
    @inlinable
    public var isApproved: Bool { self == .approved }

    /// The reason of a denial, nil when approved.
    @inlinable
    public var reason: RiskReason? {
        if case .denied(let reason) = self { return reason }
        return nil
    }
}
