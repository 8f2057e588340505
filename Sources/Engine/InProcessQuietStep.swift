import Exchange
import Risk

extension MarketMaker {
    /// Whether telling the market maker again the best prices it was last told, at `now`
    /// instead of `previous`, would change nothing at all, given that its last reaction sent no
    /// command and no report came since (``InProcessRun`` tracks those two).
    ///
    /// Then the ladder's target is the same and it has no request in flight, so it asks for
    /// nothing; what remains is what depends on the time alone: the UTC day (the intraday loss
    /// starts again each day), the margin model's bar (a new bar closes the last one) and its
    /// staleness (a model that goes stale enters safe mode), and a message budget's refill.
    /// Unchanged when `now` is in the same day and the same margin bar as `previous`, the
    /// margin model's safe mode is the same at both times, and the ladder has no budget.
    public func reactsTheSame(at now: Int64, as previous: Int64) -> Bool {
        guard quoter.configuration.messageBudget == nil else { return false }
        let day: Int64 = 86_400_000_000_000
        guard Self.floorDivide(now, day) == Self.floorDivide(previous, day) else { return false }
        let bar = configuration.margin.barInterval
        guard Self.floorDivide(now, bar) == Self.floorDivide(previous, bar) else { return false }
        let margin = gate.margins[0]
        return !margin.isWarm || margin.report(at: now).isInSafeMode == margin.report(at: previous).isInSafeMode
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
