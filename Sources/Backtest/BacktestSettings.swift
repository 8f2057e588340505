import MakerCore
import Exchange
import Market
import Risk

/// What a backtest sweeps: the market maker's settings, the rank coefficients Rc and whether
/// the net-position stop is on, for one instrument (the study's terms: docs/STUDY.md).
///
/// Each Rc runs once without the stop and, when ``stopLimit`` is set, once more with it: the
/// study compares the two. "Without the stop" is the same market maker with
/// ``Risk/NetPositionStop/Configuration/disabled``; every other check of the risk gate stays
/// as ``maker`` configures it (its denials are counted in each run's summary).
public struct BacktestSettings: Sendable {
    /// The market maker: instrument, ladder, risk limits, margin, equity and fees. Its
    /// ``Engine/MarketMakerConfiguration/stop`` is replaced per run.
    public var maker: MarketMakerConfiguration
    /// The rank coefficients, in the order they are reported.
    public var rankCoefficients: [Double]
    /// The net-position stop's limit (lots) for the runs with the stop; nil: no run with it.
    public var stopLimit: Int64?
    /// Where quoting resumes after a stop (default half the limit).
    public var restartThreshold: Int64?
    /// How cancels seen in the recording move our queue position.
    public var queueModel: any QueueModel
    /// The most points of each run's time series.
    public var seriesCapacity: Int
    /// Whether events that can change nothing for the market maker skip it (see
    /// ``Engine/InProcessRun``); the figures are the same either way.
    public var skipsQuietSteps = true
    /// Nanoseconds from an order, replace or cancel leaving the market maker to its reaching the
    /// venue (``Engine/InProcessRun/latency``); 0, the default, is the study's model: at once.
    public var latency: Int64 = 0

    public init(maker: MarketMakerConfiguration, rankCoefficients: [Double] = [0.5, 0.7, 0.8, 0.9], stopLimit: Int64? = 50,
                restartThreshold: Int64? = nil, queueModel: any QueueModel = PowerProbabilityQueueModel(),
                seriesCapacity: Int = 1024) {
        self.maker = maker
        self.rankCoefficients = rankCoefficients
        self.stopLimit = stopLimit
        self.restartThreshold = restartThreshold
        self.queueModel = queueModel
        self.seriesCapacity = seriesCapacity
    }

    /// The instrument traded.
    public var instrument: Instrument { maker.instrument }

    /// Every run of the sweep: for each Rc, with the stop (when there is one), then without.
    public var runs: [BacktestRunSpec] {
        rankCoefficients.flatMap { rc in
            (stopLimit.map { [BacktestRunSpec(rankCoefficient: rc, stopLimit: $0)] } ?? [])
                + [BacktestRunSpec(rankCoefficient: rc, stopLimit: nil)]
        }
    }

    /// The market maker of `run`: ``maker`` with the run's stop.
    public func configuration(for run: BacktestRunSpec) -> MarketMakerConfiguration {
        var c = maker
        if let limit = run.stopLimit {
            c.stop = NetPositionStop.Configuration(limit: limit, restartThreshold: restartThreshold.map { min($0, limit - 1) })
            // A flattening order must pass the order-size check.
            c.limits.maxOrderQuantity = max(c.limits.maxOrderQuantity, limit + Int64(c.quote.levels) * c.quote.quantity)
        } else {
            c.stop = .disabled
        }
        return c
    }
}

/// One run of a sweep: a rank coefficient, with or without the net-position stop.
public struct BacktestRunSpec: Hashable, Sendable, Codable {
    /// Rc in [0, 1].
    public var rankCoefficient: Double
    /// The stop's limit in lots; nil: without the stop.
    public var stopLimit: Int64?

    public init(rankCoefficient: Double, stopLimit: Int64?) {
        precondition((0...1).contains(rankCoefficient), "the rank coefficient is in [0, 1]")
        self.rankCoefficient = rankCoefficient
        self.stopLimit = stopLimit
    }
}
