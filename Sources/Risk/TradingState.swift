/// What the account may do, as set by the operator or the engine.
public enum TradingState: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Every order the other checks allow.
    case active
    /// Only orders that reduce the position (on the side opposite it and no larger than it).
    case reducing
    /// No order at all. Cancels are not orders and are never blocked.
    case halted

    public var description: String {
        switch self {
        case .active: "active"
        case .reducing: "reducing"
        case .halted: "halted"
        }
    }
}
