import MakerCore
import Exchange
import Market
import MarketData
import Risk

/// One backtest run: the market maker trading, in process, inside a replayed market.
///
/// Every event of the source goes to a ``Exchange/ReplayVenue`` (our orders inside the recorded
/// market, queue position by Rc and the queue model) through ``Engine/InProcessRun``, with the
/// event's own time as `now`; so a run depends on its data and settings only, never on the
/// wall clock. At the end every working order is canceled and the position is marked at the
/// last mid. Days are UTC calendar days of market time; a day too short to compare with the
/// others is listed but left out of the mean of the days (``DayFigures/markShort(_:)``).
public struct BacktestRun: Sendable {
    public let spec: BacktestRunSpec
    public let configuration: MarketMakerConfiguration
    public let queueModel: any QueueModel
    public let seriesCapacity: Int
    public let skipsQuietSteps: Bool
    /// Nanoseconds from a command leaving the market maker to its reaching the venue.
    public let latency: Int64

    /// Events between two calls of the progress callback.
    public static let progressStride = 1 << 16

    /// What a run did since its last report.
    public struct RunProgress: Sendable, Equatable {
        /// Events replayed.
        public var events: Int
        /// Bytes of the data file read (0 for a source that reads no file).
        public var bytes: Int64
    }

    public init(spec: BacktestRunSpec, settings: BacktestSettings) {
        self.spec = spec
        configuration = settings.configuration(for: spec)
        queueModel = settings.queueModel
        seriesCapacity = settings.seriesCapacity
        skipsQuietSteps = settings.skipsQuietSteps
        latency = settings.latency
    }

    /// Replays `source` to its end. `progress` gets what was done since its last call (events
    /// replayed, bytes of the data file read), every ``progressStride`` events and at the end. A
    /// bad record throws the source's error.
    public func run<S: MarketDataSource>(_ source: inout S, progress: ((RunProgress) -> Void)? = nil) throws(MarketDataError) -> BacktestResult {
        var loop = start()
        var sinceProgress = 0
        var bytesReported: Int64 = 0
        func report() {
            guard let progress else { return }
            let bytes = source.bytesRead
            progress(RunProgress(events: sinceProgress, bytes: bytes - bytesReported))
            bytesReported = bytes
        }
        while let event = try source.next() {
            loop.apply(event)
            sinceProgress += 1
            if sinceProgress == Self.progressStride {
                report()
                sinceProgress = 0
            }
        }
        report()
        loop.finish()
        return loop.result(spec: spec, skipped: source.skipped)
    }

    /// A run's state before its first event.
    func start() -> Loop {
        let exchange = ReplayExchange(instrument: configuration.instrument, rankCoefficient: spec.rankCoefficient,
                                      queueModel: queueModel)
        let loop = Loop(run: InProcessRun(maker: MarketMaker(configuration: configuration),
                                          venue: InProcessVenue(venue: ReplayVenue(exchange)), skipsQuietSteps: skipsQuietSteps,
                                          latency: latency),
                        capacity: seriesCapacity)
        return loop
    }

    /// The state of a run between events.
    struct Loop {
        var run: InProcessRun<ReplayVenue>
        var series: SeriesRecorder
        var events = 0
        /// The current day (days since the epoch) and where it started.
        var day: Int64 = .min
        /// The times of `day` (empty before the first event).
        var dayStart: Int64 = .max
        var dayEnd: Int64 = .min
        var dayFirstTime: Int64 = 0
        var dayLastTime: Int64 = 0
        var dayEvents = 0
        /// Trading time of the days before the current one.
        var tradingTimeBefore: Int64 = 0
        /// Totals at the start of the current day.
        var startProfit: Int64 = 0
        var startFees: Money = 0
        var startFills = 0
        var startVolume: Int64 = 0
        var startStops = 0
        var days: [DayFigures] = []
        var fillQuality = FillQualityTracker()

        init(run: InProcessRun<ReplayVenue>, capacity: Int) {
            self.run = run
            series = SeriesRecorder(capacity: capacity)
        }

        @inline(__always)
        mutating func apply(_ event: MarketEvent) {
            let now = event.time
            if now < dayStart || now > dayEnd {
                let today = Period.day(of: now)
                if today != day { newDay(today, at: now) }
                // The day's times, so that the next events of the day need no division.
                let times = Period.times(of: today, length: Period.day)
                (dayStart, dayEnd) = times.map { ($0.lowerBound, $0.upperBound) } ?? (.max, .min)
            }
            if fillQuality.hasMarkoutsDue(before: now) { fillQuality.markOut(before: now, market: run.marketBest) }
            run.apply(event)
            if !run.ladderFills.isEmpty || fillQuality.hasUnchecked {
                fillQuality.record(run.ladderFills, market: run.marketBest, hasBook: run.marketHasBook)
                run.clearLadderFills()
            }
            events += 1
            dayEvents += 1
            dayLastTime = now
            series.observe(profitTicks: profit, fees: run.maker.positions.fees)
            let tradingTime = tradingTimeBefore + (now - dayFirstTime)
            if series.wants(tradingTime) { series.record(point(tradingTime, at: now, dayEnd: false)) }
        }

        var profit: Int64 { run.maker.positions.tradingProfit(at: run.maker.mark ?? 0) }
        var stops: Int { run.maker.gate.stops.first?.events ?? 0 }

        func point(_ tradingTime: Int64, at time: Int64, dayEnd: Bool) -> SeriesPoint {
            let p = run.maker.positions
            let profit = self.profit, loss = dayLoss
            let money = { StudyFigures.currency(p.money($0)) }
            return SeriesPoint(tradingTime: tradingTime, time: time, profitTicks: profit,
                               profit: money(profit), fees: p.fees,
                               dayMaxPosition: run.peakPosition, dayMaxLossTicks: loss,
                               dayMaxLoss: money(loss), dayEnd: dayEnd,
                               profitRange: series.pendingProfit.range(money, current: profit),
                               feesRange: series.pendingFees.range(StudyFigures.currency, current: p.fees),
                               // Both are running maxima within the day: a bucket's highest is its last.
                               dayMaxPositionRange: SeriesRange(Double(run.peakPosition)),
                               dayMaxLossRange: SeriesRange(money(loss)))
        }

        /// The market maker's worst loss today, once it has marked a price today.
        var dayLoss: Int64 { run.maker.mark == nil ? 0 : run.maker.statistics.maxIntradayLossToday }

        mutating func newDay(_ today: Int64, at now: Int64) {
            if day != .min {
                closeDay()
                tradingTimeBefore += dayLastTime - dayFirstTime
            }
            day = today
            dayFirstTime = now
            dayLastTime = now
            dayEvents = 0
            let p = run.maker.positions
            startProfit = profit
            startFees = p.fees
            startFills = p.fills
            startVolume = p.volume
            startStops = stops
            run.resetPeakPosition()
        }

        mutating func closeDay() {
            let p = run.maker.positions
            let figures = StudyFigures(profitTicks: profit - startProfit, fees: p.fees - startFees, trades: p.fills - startFills,
                                       volumeLots: p.volume - startVolume, maxNetPosition: run.peakPosition,
                                       maxIntradayLossTicks: dayLoss, stopEvents: stops - startStops,
                                       rebateRatio: run.maker.configuration.fees.rebateRatio, money: p.money)
            days.append(DayFigures(date: CivilDate(daysSinceEpoch: day).description, events: dayEvents,
                                   marketTime: dayLastTime - dayFirstTime, figures: figures))
            series.record(point(tradingTimeBefore + (dayLastTime - dayFirstTime), at: dayLastTime, dayEnd: true), force: true)
        }

        mutating func finish() {
            // The fills whose horizons the data reached, at the last mid.
            fillQuality.markOut(before: dayLastTime &+ 1, market: run.marketBest)
            run.finish(now: dayLastTime)
            if day != .min { closeDay() }
        }

        func result(spec: BacktestRunSpec, skipped: Int) -> BacktestResult {
            let summary = TradingSummary(maker: run.maker, latency: LatencyHistogram())
            let p = run.maker.positions
            let figures = StudyFigures(profitTicks: summary.tradingProfitTicks, fees: p.fees, trades: summary.fills,
                                       volumeLots: summary.volumeLots, maxNetPosition: summary.maxNetPosition,
                                       maxIntradayLossTicks: run.maker.statistics.maxIntradayLoss, stopEvents: summary.stopEvents,
                                       rebateRatio: summary.rebateRatio, money: p.money)
            var days = self.days
            DayFigures.markShort(&days)
            let marketTime = days.reduce(Int64(0)) { $0 + $1.marketTime }
            return BacktestResult(run: spec, events: events, skippedRecords: skipped, figures: figures, days: days,
                                  average: AverageFigures(days), summary: summary, fillQuality: fillQuality.quality(marketTime: marketTime),
                                  series: series.points)
        }
    }
}
