/// Kupiec's proportion-of-failures test of a VaR or margin model: are `x` exceptions out of `T`
/// observations consistent with the model's failure probability `p`?
///
/// The likelihood ratio is
/// `LR = -2 ln[(1-p)^(T-x) p^x] + 2 ln[(1-x/T)^(T-x) (x/T)^x]`,
/// computed in logarithms with `0 x ln 0 = 0` (so x = 0 and x = T are defined); under the
/// null hypothesis it is chi-square with one degree of freedom. The model is rejected when LR
/// exceeds the critical value at the confidence level (3.841 at 95%), equivalently when the
/// p-value `erfc(sqrt(LR / 2))` is below 1 - confidence.
public struct KupiecTest: Hashable, Sendable {
    /// Exceptions (x).
    public let exceptions: Int
    /// Observations (T).
    public let observations: Int
    /// The model's failure probability (p).
    public let probability: Double
    /// The test's confidence level.
    public let confidence: Double
    /// The likelihood-ratio statistic LR.
    public let statistic: Double
    /// P(chi-square(1) > LR).
    public let pValue: Double
    /// The chi-square(1) critical value at ``confidence``.
    public let criticalValue: Double

    /// The test of `exceptions` out of `observations` against failure probability `probability`,
    /// at `confidence` (default 0.95). Nil for input that makes no sense (no observations,
    /// exceptions outside 0...observations, probability or confidence outside (0, 1)).
    public init?(exceptions: Int, observations: Int, probability: Double, confidence: Double = 0.95) {
        guard observations > 0, exceptions >= 0, exceptions <= observations,
              probability > 0, probability < 1, confidence > 0, confidence < 1
        else { return nil }
        self.exceptions = exceptions
        self.observations = observations
        self.probability = probability
        self.confidence = confidence
        let x = Double(exceptions)
        let t = Double(observations)
        let observed = x / t
        let nullLog = Self.xLogY(t - x, 1 - probability) + Self.xLogY(x, probability)
        let alternativeLog = Self.xLogY(t - x, 1 - observed) + Self.xLogY(x, observed)
        // The unrestricted likelihood is the larger; rounding must not make LR negative.
        statistic = Swift.max(0, -2 * (nullLog - alternativeLog))
        pValue = ChiSquareOneDegree.survival(statistic)
        criticalValue = ChiSquareOneDegree.criticalValue(confidence: confidence)
    }

    /// Whether the model is rejected: LR above the critical value.
    public var rejectsModel: Bool { !(statistic <= criticalValue) }

    /// Whether the model passes the test.
    public var acceptsModel: Bool { !rejectsModel }

    /// `x ln y`, with `0 ln 0 = 0`.
    static func xLogY(_ x: Double, _ y: Double) -> Double {
        x == 0 ? 0 : x * RiskMath.log(y)
    }
}
