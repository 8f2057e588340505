/// This engine's share of the firm's limits, when several engines trade under one set of limits
/// (see FirmRisk's leases): the gate asks it at each check, so it must answer from memory,
/// without locks or waiting. When it holds no share (none granted, or its lease ended) it
/// answers 0, and only orders that do not add to the worst case pass (fail closed).
public protocol FirmAllowance: Sendable {
    /// The largest worst-case position of `instrument` (an index of the gate's instruments), in
    /// lots, that this engine may hold now (position plus its open orders, the worse side
    /// filling); `Int64.max` when the instrument has no firm limit.
    func lots(instrument: Int) -> Int64
    /// The largest worst-case value of group `group` (an index of the gate's groups), in
    /// currency units, that this engine may hold now; infinity when the group has no firm limit.
    func value(group: Int) -> Double
}
