import Market
import MakerCore
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
        guard Period.day(of: now) == Period.day(of: previous) else { return false }
        let bar = configuration.margin.barInterval
        guard Period.index(of: now, length: bar) == Period.index(of: previous, length: bar) else { return false }
        let margin = gate.margins[0]
        return !margin.isWarm || margin.report(at: now).isInSafeMode == margin.report(at: previous).isInSafeMode
    }

    /// Times around `previous` at which ``reactsTheSame(at:as:)`` with `previous` is surely
    /// true: the UTC day and the margin bar of `previous`, cut to the span in which the margin
    /// model's safe mode stays as it is (``Risk/MarginModel/safeModeSpan(around:)``). Nil when
    /// there is no such span (a message budget, or a safe mode this cannot bound): then ask
    /// ``reactsTheSame(at:as:)``, which a time outside the span may still satisfy.
    ///
    /// ``InProcessRun`` works it out once per reaction, so that a quiet event costs two
    /// comparisons instead of divisions.
    @inline(__always)
    public func quietSpan(around previous: Int64) -> ClosedRange<Int64>? {
        guard quoter.configuration.messageBudget == nil else { return nil }
        guard let day = Period.times(containing: previous, length: Period.day),
              let bar = Period.times(containing: previous, length: configuration.margin.barInterval) else { return nil }
        var span = day.clamped(to: bar)
        // The margin model is read where it is (a copy of it, or of the market maker, costs
        // more than the rest).
        if gate.margins[0].isWarm {
            guard let safeMode = gate.safeModeSpan(instrument: 0, around: previous), safeMode.overlaps(span) else { return nil }
            span = span.clamped(to: safeMode)
        }
        return span.contains(previous) ? span : nil
    }
}
