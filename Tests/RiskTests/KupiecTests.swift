import FIXTestSupport
import Foundation
import Testing
@testable import Risk

/// Kupiec's proportion-of-failures test, the chi-square(1) helpers, and the margin backtest.
@Suite struct KupiecTests {
    /// T = 250 days, p = 1%, x = 5 exceptions (twice the expected 2.5).
    /// Under the null: ln L0 = 245 ln 0.99 + 5 ln 0.01 = -2.46233 - 23.02585 = -25.48818.
    /// Observed rate 5/250 = 0.02: ln L1 = 245 ln 0.98 + 5 ln 0.02 = -4.94967 - 19.56012 = -24.50978.
    /// LR = -2 (ln L0 - ln L1) = 1.95681, below 3.841: the model is accepted;
    /// p-value = erfc(sqrt(1.95681 / 2)) = 0.16185.
    @Test func fiveExceptionsInTwoHundredFifty() throws {
        let test = try #require(KupiecTest(exceptions: 5, observations: 250, probability: 0.01))
        #expect(close(test.statistic, 1.956809788230622, 1e-9))
        #expect(close(test.pValue, 0.1618549171960387, 1e-9))
        #expect(close(test.criticalValue, 3.841458820694124, 1e-9))
        #expect(test.acceptsModel && !test.rejectsModel)
    }

    /// x = 0: the observed-rate likelihood is (1 - 0)^250 x 0^0 = 1, ln L1 = 0, so
    /// LR = -2 x 250 ln 0.99 = 5.02517 > 3.841: no exception at all in 250 days is itself
    /// evidence the model is too conservative (p-value 0.02498), rejected at 95%, accepted at
    /// 99% (critical value 6.635).
    @Test func noExceptions() throws {
        let test = try #require(KupiecTest(exceptions: 0, observations: 250, probability: 0.01))
        #expect(close(test.statistic, 5.025167926750726, 1e-9))
        #expect(close(test.pValue, 0.02498150305344973, 1e-9))
        #expect(test.rejectsModel)
        let strict = try #require(KupiecTest(exceptions: 0, observations: 250, probability: 0.01, confidence: 0.99))
        #expect(close(strict.criticalValue, 6.6348966010212145, 1e-9))
        #expect(strict.acceptsModel)
    }

    /// x = T: ln L1 = 250 ln 1 = 0 and LR = -2 x 250 ln 0.01 = 2302.585; p-value 0.
    @Test func everyObservationAnException() throws {
        let test = try #require(KupiecTest(exceptions: 250, observations: 250, probability: 0.01))
        #expect(close(test.statistic, 500 * RiskMath.log(100), 1e-9))
        #expect(close(test.statistic, 2302.5850929940457, 1e-9))
        #expect(test.pValue == 0)
        #expect(test.rejectsModel)
    }

    /// More values (checked against SciPy's chi2.sf): x = 2 -> LR 0.10844, p 0.74193;
    /// x = 6 -> 3.55535, p 0.05935 (accepted); x = 7 -> 5.49699, p 0.01905 (rejected);
    /// x = 10 -> 12.95549, p 0.00031899.
    @Test func moreValues() throws {
        let cases: [(Int, Double, Double, Bool)] = [
            (2, 0.10843521623679919, 0.7419327009526281, true),
            (6, 3.5553547710617437, 0.0593536189722889, true),
            (7, 5.496990447792683, 0.019049230890526535, false),
            (10, 12.955491062356018, 0.0003189845082133835, false),
        ]
        for (x, statistic, pValue, accepted) in cases {
            let test = try #require(KupiecTest(exceptions: x, observations: 250, probability: 0.01))
            #expect(close(test.statistic, statistic, 1e-9), "x = \(x)")
            #expect(close(test.pValue, pValue, 1e-9), "x = \(x)")
            #expect(test.acceptsModel == accepted, "x = \(x)")
        }
        // At exactly the expected count LR is 0 and the p-value 1.
        let exact = try #require(KupiecTest(exceptions: 10, observations: 1_000, probability: 0.01))
        #expect(close(exact.statistic, 0, 1e-9) && close(exact.pValue, 1, 1e-9))
    }

    @Test func nonsenseInputIsRefused() {
        #expect(KupiecTest(exceptions: 1, observations: 0, probability: 0.01) == nil)
        #expect(KupiecTest(exceptions: -1, observations: 10, probability: 0.01) == nil)
        #expect(KupiecTest(exceptions: 11, observations: 10, probability: 0.01) == nil)
        #expect(KupiecTest(exceptions: 1, observations: 10, probability: 0) == nil)
        #expect(KupiecTest(exceptions: 1, observations: 10, probability: 1) == nil)
        #expect(KupiecTest(exceptions: 1, observations: 10, probability: .nan) == nil)
        #expect(KupiecTest(exceptions: 1, observations: 10, probability: 0.01, confidence: 1) == nil)
    }

    @Test func chiSquareAndNormalHelpers() {
        // erfc(0.5), erfc(1), erfc(2) from SciPy.
        #expect(close(RiskMath.erfc(0.5), 0.4795001221869535, 1e-15))
        #expect(close(RiskMath.erfc(1), 0.15729920705028516, 1e-15))
        #expect(close(RiskMath.erfc(2), 0.004677734981047266, 1e-16))
        #expect(close(ChiSquareOneDegree.survival(3.841458820694124), 0.05, 1e-12))
        #expect(ChiSquareOneDegree.survival(0) == 1)
        #expect(ChiSquareOneDegree.survival(-1) == 1)
        #expect(ChiSquareOneDegree.survival(.nan).isNaN)
        #expect(close(RiskMath.normalQuantile(0.975), 1.959963984540054, 1e-12))
        #expect(close(RiskMath.normalQuantile(0.99), 2.3263478740408408, 1e-12))
        #expect(close(RiskMath.normalQuantile(0.001), -3.090232306167813, 1e-12))
        #expect(close(RiskMath.normalQuantile(0.5), 0, 1e-15))
        #expect(RiskMath.normalQuantile(0).isNaN && RiskMath.normalQuantile(1).isNaN)
    }

    /// Closes of a random walk with normal log returns of a constant 1% a bar (Box-Muller on
    /// a seeded generator).
    static func randomWalk(bars: Int, sigma: Double, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / Double(1 << 53) }
        var price = 1_000.0
        var closes = [price]
        for _ in 1..<bars {
            let normal = (-2 * RiskMath.log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
            price *= RiskMath.exp(sigma * normal)
            closes.append(price)
        }
        return closes
    }

    /// A model sized for 1% one-sided (z = 2.326, no fat-tail factor, no clamp, no guard) on
    /// losses of a long position: about 1% exceptions, accepted. The same model at z = 1 (a 16%
    /// model) tested as if it were a 1% one: rejected.
    @Test func marginBacktest() throws {
        let closes = Self.randomWalk(bars: 2_500, sigma: 0.01, seed: 7)
        var configuration = MarginModel.Configuration(barInterval: 1_000_000_000, lambda: 0.97, warmupBars: 50,
                                                      z: 2.326, fatTailMultiplier: 1, floor: 0, ceiling: 1,
                                                      maxChange: .infinity)
        let good = MarginBacktest(closes: closes, configuration: configuration, exposure: .long, probability: 0.01)
        // Warm after the close of bar 50 (the 50th return); observed from there to bar 2,498,
        // the last with a bar after it.
        #expect(good.observations == 2_449)
        let goodTest = try #require(good.kupiec)
        #expect(good.exceptions > 5 && good.exceptions < 50)
        #expect(goodTest.acceptsModel, "exceptions \(good.exceptions), LR \(goodTest.statistic)")

        configuration.z = 1
        let thin = MarginBacktest(closes: closes, configuration: configuration, exposure: .long, probability: 0.01)
        let thinTest = try #require(thin.kupiec)
        #expect(Double(thin.exceptions) / Double(thin.observations) > 0.1)
        #expect(thinTest.rejectsModel)

        // Both sides at z = 2.326: about 2%, consistent with p = 0.02.
        configuration.z = 2.326
        let both = MarginBacktest(closes: closes, configuration: configuration, exposure: .either, probability: 0.02)
        #expect(try #require(both.kupiec).acceptsModel, "exceptions \(both.exceptions)")
        #expect(both.exceptions >= good.exceptions)
        // Too short a series: no observation, no test.
        #expect(MarginBacktest(closes: Array(closes.prefix(10)), configuration: configuration, probability: 0.01).kupiec == nil)
    }
}
