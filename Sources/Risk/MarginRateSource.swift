/// Margin rates that come from outside the gate (a margin service), in place of the gate's own
/// margin models: the gate asks it for each instrument's rate at each check, so it must answer
/// without locks or waiting. It answers its conservative rate when it has no fresh one.
public protocol MarginRateSource: Sendable {
    /// The rate of `instrument` (an index of the gate's instruments) at `now` (ns since the
    /// epoch, the time the gate checks at).
    func rate(instrument: Int, at now: Int64) -> Double
}
