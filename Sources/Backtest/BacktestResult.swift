import MakerCore
/// What one run of a backtest gives: the study's figures for the whole run, per trading day
/// and averaged over the days, the market maker's full summary, and the time series for the
/// charts.
public struct BacktestResult: Codable, Sendable, Equatable {
    /// Rc and the stop of the run.
    public var run: BacktestRunSpec
    /// Market events replayed, and bad records skipped.
    public var events: Int
    public var skippedRecords: Int
    /// The whole run.
    public var figures: StudyFigures
    /// Each UTC day of market time that had events, in order.
    public var days: [DayFigures]
    /// The means over ``days``.
    public var average: AverageFigures?
    /// The end-of-run summary, as `mm paper` reports it (``figures`` is taken from it).
    public var summary: TradingSummary
    /// Markouts, fills by ladder level and the depletion share of the ladder's fills.
    public var fillQuality: FillQuality
    /// Sampled values over trading time (see ``SeriesRecorder``).
    public var series: [SeriesPoint]
}
