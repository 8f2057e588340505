/// A backtest of a ``MarginModel`` over a series of bar closes, checked with Kupiec's test.
///
/// Bar `k` closes at `k x barInterval`. After each close, once warm-up is over, the rate in
/// force (``MarginModel/rate(at:)``, safe mode included) is compared with the loss over the
/// next `horizonBars` bars of a position worth 1: the relative price move
/// `close(k+h) / close(k) - 1`, lost by a long position when negative and by a short one when
/// positive. An exception is a loss above the rate. The exceptions out of the observations are
/// then tested against the failure probability the model is meant to have.
public struct MarginBacktest: Hashable, Sendable {
    /// Which position's losses are counted.
    public enum Exposure: Hashable, Sendable {
        /// A long position: a fall in price.
        case long
        /// A short position: a rise in price.
        case short
        /// Either: the absolute move (a market maker may hold both).
        case either
    }

    /// Bars at which the margin was compared with the loss that followed.
    public let observations: Int
    /// Bars at which the loss exceeded the margin.
    public let exceptions: Int
    /// Kupiec's test of the exceptions; nil when there were no observations.
    public let kupiec: KupiecTest?
    /// The model as it ended (its report has the refusals and safe-mode entries of the run).
    public let model: MarginModel

    /// Runs a model with `configuration` over `closes` (one per bar), counting losses over
    /// `horizonBars` bars (default the configuration's horizon, rounded up) of `exposure`,
    /// and tests them against failure probability `probability` at `confidence`.
    public init(closes: [Double], configuration: MarginModel.Configuration, horizonBars: Int? = nil,
                exposure: Exposure = .either, probability: Double, confidence: Double = 0.95) {
        let horizon = Swift.max(1, horizonBars ?? Int(configuration.horizonBars.rounded(.up)))
        var model = MarginModel(configuration)
        var observations = 0
        var exceptions = 0
        for k in closes.indices {
            let now = Int64(k) &* configuration.barInterval
            _ = model.closeBar(price: closes[k], at: now)
            guard model.isWarm, k + horizon < closes.count else { continue }
            let rate = model.rate(at: now)
            let move = closes[k + horizon] / closes[k] - 1
            let loss: Double
            switch exposure {
            case .long: loss = -move
            case .short: loss = move
            case .either: loss = abs(move)
            }
            observations += 1
            // Fail closed: a NaN rate or loss counts as an exception.
            if !(loss <= rate) { exceptions += 1 }
        }
        self.observations = observations
        self.exceptions = exceptions
        self.model = model
        kupiec = KupiecTest(exceptions: exceptions, observations: observations, probability: probability,
                            confidence: confidence)
    }
}
