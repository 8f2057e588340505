/// One denied order, as the gate keeps it for the engine to log.
public struct RiskDenial: Hashable, Sendable, CustomStringConvertible {
    /// When the check ran, nanoseconds since the epoch.
    public var time: Int64
    /// Why it was denied.
    public var reason: RiskReason
    /// The order.
    public var order: RiskOrder

    /// A denial of `order` for `reason` at `time`.
    public init(time: Int64, reason: RiskReason, order: RiskOrder) {
        self.time = time
        self.reason = reason
        self.order = order
    }

    /// One line for the log: the reason's code and text, then the order (instrument index, side,
    /// kind, quantity in lots and price in ticks).
    public var description: String {
        let side = order.side == .buy ? "buy" : "sell"
        let kind: String
        switch order.kind {
        case .limit: kind = "limit"
        case .market: kind = "market"
        case .immediateOrCancel: kind = "IOC"
        }
        var text = "risk denial \(reason.rawValue) (\(reason)): instrument \(order.instrument) \(side) \(kind) "
            + "\(order.quantity)"
        if order.kind != .market { text += " @ \(order.price)" }
        if let old = order.replacing { text += " replacing \(old.quantity) @ \(old.price)" }
        if order.reduceOnly { text += " reduce-only" }
        return text + " at \(time)"
    }
}
