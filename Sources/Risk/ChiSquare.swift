/// The chi-square distribution with one degree of freedom (the square of a standard normal),
/// as Kupiec's test uses it.
public enum ChiSquareOneDegree {
    /// P(X > x): `erfc(sqrt(x / 2))` (1 for x <= 0; NaN for NaN).
    public static func survival(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        guard x > 0 else { return 1 }
        return RiskMath.erfc((x / 2).squareRoot())
    }

    /// The critical value at `confidence` in (0, 1): the `x` with P(X <= x) = confidence, that
    /// is the square of the normal quantile of (1 + confidence) / 2 (3.841 at 0.95, 6.635 at 0.99).
    public static func criticalValue(confidence: Double) -> Double {
        let z = RiskMath.normalQuantile((1 + confidence) / 2)
        return z * z
    }
}
