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
        let day: Int64 = 86_400_000_000_000
        guard Self.floorDivide(now, day) == Self.floorDivide(previous, day) else { return false }
        let bar = configuration.margin.barInterval
        guard Self.floorDivide(now, bar) == Self.floorDivide(previous, bar) else { return false }
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
        guard let day = Self.period(containing: previous, length: 86_400_000_000_000),
              let bar = Self.period(containing: previous, length: configuration.margin.barInterval) else { return nil }
        var span = day.clamped(to: bar)
        // The margin model is read where it is (a copy of it, or of the market maker, costs
        // more than the rest).
        if gate.margins[0].isWarm {
            guard let safeMode = gate.safeModeSpan(instrument: 0, around: previous), safeMode.overlaps(span) else { return nil }
            span = span.clamped(to: safeMode)
        }
        return span.contains(previous) ? span : nil
    }

    /// The times `t` with `floorDivide(t, length) == floorDivide(time, length)`; nil when they
    /// do not fit in `Int64`.
    private static func period(containing time: Int64, length: Int64) -> ClosedRange<Int64>? {
        guard length > 0 else { return nil }
        let (start, o1) = floorDivide(time, length).multipliedReportingOverflow(by: length)
        let (last, o2) = start.addingReportingOverflow(length - 1)
        guard !o1, !o2 else { return nil }
        return start...last
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
