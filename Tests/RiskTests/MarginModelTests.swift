import Market
import Testing
@testable import Risk

/// The EWMA margin model: the numbers by hand, warm-up, bars, clamps, the jump guard and safe mode.
@Suite struct MarginModelTests {
    static let second: Int64 = 1_000_000_000

    /// Three warm-up bars, lambda 0.9, z = 2, horizon 4 bars, fat tails x 1.5, no clamp, no guard.
    static let handConfiguration = MarginModel.Configuration(
        barInterval: second, lambda: 0.9, warmupBars: 3, z: 2, horizonBars: 4, fatTailMultiplier: 1.5,
        floor: 0, ceiling: 10, maxChange: .infinity, staleAfter: 100 * second, safeModeRate: 0.75)

    @Test func ewmaMatchesAHandComputation() {
        var model = MarginModel(Self.handConfiguration)
        let closes = [100.0, 101, 99, 100, 102]
        let r = (1..<closes.count).map { RiskMath.log(closes[$0] / closes[$0 - 1]) }
        // Warm-up: the mean of the first three squared returns.
        let warm = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) / 3
        // Then one EWMA step with the fourth.
        let ewma = 0.9 * warm + 0.1 * r[3] * r[3]
        // rate = z x sigma x sqrt(4) x 1.5 = 6 sigma.
        let warmRate = 2 * warm.squareRoot() * 2 * 1.5
        let ewmaRate = 2 * ewma.squareRoot() * 2 * 1.5
        // The numbers themselves: r = 0.0099503, -0.0200007, 0.0100503, 0.0198026;
        // (0.00009901 + 0.00040003 + 0.00010101) / 3 = 0.00020002; 6 x sqrt = 0.084856.
        #expect(close(warm, 0.000200015, 1e-9))
        #expect(close(warmRate, 0.084856, 1e-6))

        var updates: [MarginModel.Update] = []
        for (k, price) in closes.enumerated() {
            updates.append(model.closeBar(price: price, at: Int64(k) * Self.second))
        }
        #expect(updates[0] == .warmingUp(returns: 0))
        #expect(updates[1] == .warmingUp(returns: 1))
        #expect(updates[2] == .warmingUp(returns: 2))
        guard case .accepted(let first) = updates[3], case .accepted(let second) = updates[4] else {
            Issue.record("updates: \(updates)")
            return
        }
        #expect(close(first, warmRate, 1e-15))
        #expect(close(second, ewmaRate, 1e-15))
        #expect(close(model.variance, ewma, 1e-18))
        #expect(model.rate(at: 4 * Self.second) == second)
        #expect(close(model.initialMargin(notional: -10_000, at: 4 * Self.second), 10_000 * second, 1e-9))
        let report = model.report(at: 4 * Self.second)
        #expect(report.minRate == min(first, second) && report.maxRate == max(first, second))
        #expect(report.returns == 4 && report.refusals == 0 && !report.isWarmingUp && !report.isInSafeMode)
    }

    @Test func warmUpChargesTheSafeModeRate() {
        var model = MarginModel(Self.handConfiguration)
        #expect(model.rate(at: 0) == 0.75)
        #expect(!model.isWarm)
        for (k, price) in [100.0, 101, 99].enumerated() {
            _ = model.closeBar(price: price, at: Int64(k) * Self.second)
            #expect(model.rate(at: Int64(k) * Self.second) == 0.75)
        }
        let report = model.report(at: 2 * Self.second)
        #expect(report.isWarmingUp && !report.isInSafeMode && report.modelRate == nil && report.rate == 0.75)
        #expect(report.safeModeEntries == 0)  // warm-up is not an entry into safe mode
        _ = model.closeBar(price: 100, at: 3 * Self.second)
        #expect(model.isWarm)
        #expect(model.rate(at: 3 * Self.second) < 0.75)
        // The safe-mode rate defaults to the ceiling.
        #expect(MarginModel.Configuration(ceiling: 0.4).safeModeRate == 0.4)
    }

    /// Bars from prices with times: a bar's close is its last price, known when the next bar starts.
    @Test func barsFromPrices() {
        var model = MarginModel(MarginModel.Configuration(
            barInterval: Self.second, warmupBars: 1, z: 1, fatTailMultiplier: 1, floor: 0, ceiling: 10, maxChange: .infinity))
        #expect(model.record(price: 100, at: 0) == .none)
        #expect(model.record(price: 105, at: Self.second / 2) == .none)
        // Bar 0 closes at 105.
        #expect(model.record(price: 101, at: Self.second + 1) == .warmingUp(returns: 0))
        #expect(model.record(price: 110, at: Self.second + 2) == .none)
        #expect(model.record(price: 101, at: 2 * Self.second - 1) == .none)
        // Bar 1 closes at 101 (not 110, not its first price): r = ln(101/105), one warm-up bar, rate = |r|.
        let update = model.record(price: 99, at: 3 * Self.second)
        guard case .accepted(let rate) = update else {
            Issue.record("not accepted: \(update)")
            return
        }
        #expect(close(rate, abs(RiskMath.log(101.0 / 105)), 1e-15))
        // Time going back, and bad prices, are ignored and counted.
        #expect(model.record(price: 99, at: Self.second) == .ignored)
        #expect(model.record(price: .nan, at: 4 * Self.second) == .ignored)
        #expect(model.record(price: -1, at: 4 * Self.second) == .ignored)
        #expect(model.record(price: 0, at: 4 * Self.second) == .ignored)
        #expect(model.report(at: 4 * Self.second).ignoredUpdates == 4)
        #expect(Period.index(of: -1, length: 10) == -1 && Period.index(of: 10, length: 10) == 1)
    }

    @Test func rateIsClamped() {
        let configuration = MarginModel.Configuration(barInterval: Self.second, warmupBars: 1, floor: 0.02, ceiling: 0.2,
                                                      maxChange: .infinity)
        var quiet = MarginModel(configuration)
        _ = quiet.closeBar(price: 100, at: 0)
        #expect(quiet.closeBar(price: 100.01, at: Self.second) == .accepted(rate: 0.02))
        var wild = MarginModel(configuration)
        _ = wild.closeBar(price: 100, at: 0)
        #expect(wild.closeBar(price: 150, at: Self.second) == .accepted(rate: 0.2))
        #expect(configuration.rate(variance: .nan).isNaN)
        #expect(MarginModel.Configuration.fixed(0.1).rate(variance: 1) == 0.1)
    }

    /// Warm up on moves of 1%, then a move of 5%: the rate would jump far more than 30%.
    @Test func aJumpOfMoreThanThirtyPercentIsRefused() {
        let configuration = MarginModel.Configuration(barInterval: Self.second, lambda: 0.9, warmupBars: 4, z: 2,
                                                      fatTailMultiplier: 1, floor: 0, ceiling: 1,
                                                      staleAfter: 100 * Self.second)
        #expect(configuration.maxChange == 0.30)
        var model = MarginModel(configuration)
        var price = 100.0
        var t: Int64 = 0
        _ = model.closeBar(price: price, at: t)
        var last = MarginModel.Update.none
        for k in 0..<4 {
            price *= k.isMultiple(of: 2) ? 1.01 : 1 / 1.01
            t += Self.second
            last = model.closeBar(price: price, at: t)
        }
        guard case .accepted(let base) = last else {
            Issue.record("not warm: \(last)")
            return
        }
        #expect(close(base, 2 * RiskMath.log(1.01), 1e-12))
        // 5%: s2 = 0.9 x ln(1.01)^2 + 0.1 x ln(1.05)^2 -> sigma 0.0181, rate 0.0362: +82%.
        t += Self.second
        let jump = model.closeBar(price: price * 1.05, at: t)
        guard case .refused(let refused) = jump else {
            Issue.record("not refused: \(jump)")
            return
        }
        #expect(refused > 1.3 * base)
        #expect(model.rate(at: t) == base)
        var report = model.report(at: t)
        #expect(report.refusals == 1 && report.lastRefusedRate == refused && report.rate == base)
        #expect(report.maxRate == base)
        // The variance keeps tracking: a flat bar gives 0.9 x s2, a rate of 0.0343, still +72%:
        // refused again.
        t += Self.second
        let calmer = model.closeBar(price: price * 1.05, at: t)
        guard case .refused(let again) = calmer else {
            Issue.record("expected another refusal: \(calmer)")
            return
        }
        #expect(close(again, 0.0343185, 1e-6))
        #expect(model.report(at: t).refusals == 2)
        // The operator accepts the alert.
        let accepted = model.acceptRefusedRate(at: t)
        #expect(accepted)
        report = model.report(at: t)
        #expect(report.rate > 1.3 * base && report.lastRefusedRate == nil && report.maxRate == report.rate)
        let acceptedAgain = model.acceptRefusedRate(at: t)
        #expect(!acceptedAgain)
    }

    @Test func stalenessEntersSafeModeAndAFreshUpdateLeavesIt() {
        let configuration = MarginModel.Configuration(barInterval: Self.second, warmupBars: 1, z: 1, fatTailMultiplier: 1,
                                                      floor: 0, ceiling: 1, staleAfter: 10 * Self.second,
                                                      safeModeRate: 0.6)
        var model = MarginModel(configuration)
        _ = model.closeBar(price: 100, at: 0)
        let rate = RiskMath.log(1.01)
        guard case .accepted(let first) = model.closeBar(price: 101, at: Self.second), close(first, rate, 1e-15) else {
            Issue.record("first rate")
            return
        }
        #expect(model.rate(at: 11 * Self.second) == first)  // exactly the limit: still fresh
        #expect(model.rate(at: 11 * Self.second + 1) == 0.6)
        #expect(model.rate(at: 12 * Self.second) == 0.6)
        var report = model.report(at: 12 * Self.second)
        #expect(report.isInSafeMode && report.safeModeEntries == 1 && report.rate == 0.6 && report.modelRate == first)
        // A fresh bar, even one that moves the rate by far more than 30%, is accepted and leaves safe mode.
        let fresh = model.closeBar(price: 101 * 1.05, at: 13 * Self.second)
        guard case .accepted(let freshRate) = fresh else {
            Issue.record("not accepted: \(fresh)")
            return
        }
        // lambda 0.94: sqrt(0.94 x ln(1.01)^2 + 0.06 x ln(1.05)^2) = 0.01536, +54% on 0.00995.
        #expect(close(freshRate, (0.94 * rate * rate + 0.06 * RiskMath.log(1.05) * RiskMath.log(1.05)).squareRoot(), 1e-12))
        #expect(freshRate > 1.3 * rate)
        report = model.report(at: 13 * Self.second)
        #expect(!report.isInSafeMode && report.safeModeEntries == 1 && report.rate != 0.6)
        // Going stale again is a second entry; a bar that finds the model stale counts it too.
        #expect(model.rate(at: 30 * Self.second) == 0.6)
        _ = model.closeBar(price: 101 * 1.05, at: 40 * Self.second)
        _ = model.closeBar(price: 101 * 1.05, at: 60 * Self.second)
        #expect(model.report(at: 60 * Self.second).safeModeEntries == 3)
    }

    /// Inside the span ``MarginModel/safeModeSpan(around:)`` gives, the report says the same
    /// about safe mode as at the time asked about; and the span contains that time.
    @Test func safeModeSpanAgreesWithTheReport() {
        let configuration = MarginModel.Configuration(barInterval: Self.second, warmupBars: 2, staleAfter: 5 * Self.second)
        var model = MarginModel(configuration)
        var price = 100.0
        var checked = 0
        for step in 0..<400 {
            let now = Int64(step) * Self.second / 2 + (step % 7 == 0 ? 9 * Self.second : 0)
            price *= step % 3 == 0 ? 1.001 : 0.9995
            if step % 11 != 0 { _ = model.record(price: price, at: now) }
            if step % 13 == 0 { _ = model.rate(at: now + 7 * Self.second) }  // may enter safe mode
            for offset in [-12, -6, -5, -1, 0, 1, 4, 5, 6, 12, 100] as [Int64] {
                let time = now + offset * Self.second / 2
                guard let span = model.safeModeSpan(around: time) else { continue }
                #expect(span.contains(time))
                let expected = model.report(at: time).isInSafeMode
                for t in [span.lowerBound, span.upperBound, time &+ Self.second, time &- Self.second, time &+ 10 * Self.second]
                where span.contains(t) {
                    #expect(model.report(at: t).isInSafeMode == expected, "step \(step) time \(time) t \(t)")
                    checked += 1
                }
            }
        }
        #expect(checked > 1_000)
    }
}
