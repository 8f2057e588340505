import MakerCore
import Exchange
import Foundation

/// Everything a sweep gives, as one JSON document: the data and settings, every run with its
/// figures (whole run, per day, mean of the days) and summary, and the timing.
public struct BacktestDocument: Codable, Sendable, Equatable {
    /// The settings as the report shows them.
    public struct Settings: Codable, Sendable, Equatable {
        public var symbol: String
        public var tickSize: String
        public var lotSize: String
        public var levels: Int
        public var lotsPerLevel: Int64
        public var offsetTicks: Int64
        public var rankCoefficients: [Double]
        public var stopLimit: Int64?
        public var restartThreshold: Int64?
        public var queueModel: String
        /// Microseconds from a command leaving the market maker to its reaching the venue.
        public var latencyMicroseconds: Double
        public var rebateRatio: Double

        public init(_ s: BacktestSettings) {
            symbol = s.instrument.symbol
            tickSize = s.instrument.tickSize.description
            lotSize = s.instrument.lotSize.description
            levels = s.maker.quote.levels
            lotsPerLevel = s.maker.quote.quantity
            offsetTicks = s.maker.quote.offset
            rankCoefficients = s.rankCoefficients
            stopLimit = s.stopLimit
            restartThreshold = s.stopLimit.map { s.configuration(for: BacktestRunSpec(rankCoefficient: 1, stopLimit: $0)).stop.restartThreshold }
            switch s.queueModel {
            case let m as PowerProbabilityQueueModel: queueModel = "power:\(StudyTables.number(m.power, decimals: 2))"
            case is RiskAverseQueueModel: queueModel = "risk-averse"
            default: queueModel = String(describing: type(of: s.queueModel))
            }
            latencyMicroseconds = Double(s.latency) / 1_000
            rebateRatio = s.maker.fees.rebateRatio
        }
    }

    /// One line describing the data and the settings.
    public var description: String
    public var settings: Settings
    public var runs: [BacktestResult]
    public var performance: BacktestPerformance

    /// The document; without `withSeries` the runs' time series are left out.
    public init(description: String, settings: BacktestSettings, results: [BacktestResult], performance: BacktestPerformance,
                withSeries: Bool) {
        self.description = description
        self.settings = Settings(settings)
        runs = withSeries ? results : results.map {
            var r = $0
            r.series = []
            return r
        }
        self.performance = performance
    }

    /// The document as JSON, keys sorted.
    public func json(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}
