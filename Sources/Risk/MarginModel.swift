import Market
/// The dynamic initial-margin rate of one instrument, from an EWMA of the variance of log returns.
///
/// **Bars.** Prices (any positive unit: ticks, or currency) come in with their times in
/// nanoseconds through ``record(price:at:)``; bar `k` covers `[k x barInterval, (k+1) x barInterval)`
/// and its close is its last price. A bar closes when the first price of a later bar arrives
/// (a gap of several bars gives one return over the gap, which overstates the per-bar
/// variance: conservative). Bars formed elsewhere go in through ``closeBar(price:at:)``; use one
/// entry point or the other, not both.
///
/// **Variance.** With `r(t) = ln(close(t) / close(t-1))`: over the first `warmupBars` returns
/// the variance is their plain mean square `sum r^2 / N` (the zero-mean variance, the same
/// assumption the EWMA makes); after that `s2(t) = lambda s2(t-1) + (1 - lambda) r(t)^2`.
///
/// **Rate.** `z x sqrt(s2) x sqrt(horizonBars) x fatTailMultiplier`, clamped to
/// `[floor, ceiling]`. A new rate that differs from the published one by more than
/// `maxChange x published` is refused: the published rate stays, the refusal is counted and
/// the refused value kept for the report (the variance itself keeps tracking every return).
///
/// **Safe mode.** Until warm-up completes, and whenever no rate has been accepted for more
/// than `staleAfter` ns, the rate is `safeModeRate` (by default the ceiling). Entries into
/// safe mode after warm-up are counted. The first rate computed in safe mode is accepted without
/// the jump guard and leaves safe mode; so a persistent change of regime that the guard keeps
/// refusing goes through safe mode (the conservative rate) and is then accepted.
public struct MarginModel: Hashable, Sendable {
    /// The model's parameters.
    public struct Configuration: Hashable, Sendable {
        /// Bar length in nanoseconds (default one minute).
        public var barInterval: Int64
        /// EWMA decay, in (0, 1) (default 0.94, RiskMetrics' daily value).
        public var lambda: Double
        /// Returns averaged for the initial variance (default 20; at least 1).
        public var warmupBars: Int
        /// Standard normal quantile of the confidence (default 2.326: 99% one-sided).
        public var z: Double
        /// Margin period of risk in bars (default 1).
        public var horizonBars: Double
        /// Extra factor for fat tails (default 1.5).
        public var fatTailMultiplier: Double
        /// Lowest rate (default 0.01).
        public var floor: Double
        /// Highest rate (default 0.5).
        public var ceiling: Double
        /// Largest relative change accepted in one update (default 0.30).
        public var maxChange: Double
        /// Nanoseconds without an accepted update after which the model is in safe mode (default
        /// five bars).
        public var staleAfter: Int64
        /// The rate in safe mode and during warm-up (default the ceiling).
        public var safeModeRate: Double

        /// Parameters as given (see each property for its default).
        public init(barInterval: Int64 = 60_000_000_000, lambda: Double = 0.94, warmupBars: Int = 20,
                    z: Double = 2.326, horizonBars: Double = 1, fatTailMultiplier: Double = 1.5,
                    floor: Double = 0.01, ceiling: Double = 0.5, maxChange: Double = 0.30,
                    staleAfter: Int64? = nil, safeModeRate: Double? = nil) {
            precondition(barInterval > 0, "the bar interval is positive")
            precondition(lambda > 0 && lambda < 1, "lambda is in (0, 1)")
            precondition(warmupBars >= 1, "at least one warm-up bar")
            precondition(floor >= 0 && ceiling >= floor, "0 <= floor <= ceiling")
            self.barInterval = barInterval
            self.lambda = lambda
            self.warmupBars = warmupBars
            self.z = z
            self.horizonBars = horizonBars
            self.fatTailMultiplier = fatTailMultiplier
            self.floor = floor
            self.ceiling = ceiling
            self.maxChange = maxChange
            self.staleAfter = staleAfter ?? barInterval.multipliedReportingOverflow(by: 5).partialValue
            self.safeModeRate = safeModeRate ?? ceiling
        }

        /// A constant rate: floor = ceiling = safe-mode rate = `rate`, whatever the prices do.
        public static func fixed(_ rate: Double) -> Configuration {
            Configuration(floor: rate, ceiling: rate, staleAfter: .max, safeModeRate: rate)
        }

        /// The clamped rate for a variance (NaN stays NaN).
        public func rate(variance: Double) -> Double {
            let raw = z * variance.squareRoot() * horizonBars.squareRoot() * fatTailMultiplier
            guard raw.isFinite else { return .nan }
            return Swift.min(Swift.max(raw, floor), ceiling)
        }
    }

    /// What one price or bar did to the model.
    public enum Update: Hashable, Sendable {
        /// A price inside the current bar (or the very first price): no bar closed.
        case none
        /// A bar closed during warm-up; `returns` collected so far.
        case warmingUp(returns: Int)
        /// A new rate was published.
        case accepted(rate: Double)
        /// A new rate was refused by the jump guard; the published rate is unchanged.
        case refused(rate: Double)
        /// The price was not finite and positive, or the time went backwards: ignored and counted.
        case ignored
    }

    /// The parameters.
    public let configuration: Configuration

    // Bar formation (``record(price:at:)``).
    private var currentBar: Int64?
    private var currentClose: Double = 0
    /// The times of the current bar (empty until there is one): a price inside them needs no
    /// division to find its bar.
    private var currentBarStart: Int64 = .max
    private var currentBarLast: Int64 = .min

    // The estimator.
    private var previousClose: Double?
    private var lastTime: Int64 = .min
    private var warmupSum: Double = 0
    private var returns: Int = 0
    /// The variance of log returns per bar; NaN until warm-up completes.
    public private(set) var variance: Double = .nan

    // The published rate and its reporting.
    private var published: Double?
    private var lastAccepted: Int64 = .min
    private var inSafeMode = false
    private var minRate: Double = .infinity
    private var maxRate: Double = -.infinity
    private var refusals = 0
    private var lastRefused: Double?
    private var safeModeEntries = 0
    private var ignoredUpdates = 0

    /// A model with no data yet (in warm-up, at the safe-mode rate).
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Takes one price observed at `time` (ns); closes the current bar when `time` is in a later one.
    public mutating func record(price: Double, at time: Int64) -> Update {
        guard price.isFinite, price > 0 else {
            ignoredUpdates += 1
            return .ignored
        }
        if time >= currentBarStart && time <= currentBarLast {
            currentClose = price
            return .none
        }
        let bar = Period.index(of: time, length: configuration.barInterval)
        guard let current = currentBar else {
            startBar(bar, price: price)
            return .none
        }
        if bar == current {
            currentClose = price
            return .none
        }
        guard bar > current else {
            ignoredUpdates += 1
            return .ignored
        }
        let update = closeBar(price: currentClose, at: time)
        startBar(bar, price: price)
        return update
    }

    /// Bar `bar` is the current one, with its first price.
    private mutating func startBar(_ bar: Int64, price: Double) {
        currentBar = bar
        currentClose = price
        let interval = configuration.barInterval
        let (start, o1) = bar.multipliedReportingOverflow(by: interval)
        let (last, o2) = start.addingReportingOverflow(interval - 1)
        (currentBarStart, currentBarLast) = o1 || o2 ? (.max, .min) : (start, last)
    }

    /// Takes the close of one bar, known at `time` (ns).
    public mutating func closeBar(price: Double, at time: Int64) -> Update {
        guard price.isFinite, price > 0, time >= lastTime else {
            ignoredUpdates += 1
            return .ignored
        }
        lastTime = time
        guard let previous = previousClose else {
            previousClose = price
            return .warmingUp(returns: 0)
        }
        previousClose = price
        let r = RiskMath.log(price / previous)
        returns += 1
        if returns <= configuration.warmupBars {
            warmupSum += r * r
            guard returns == configuration.warmupBars else { return .warmingUp(returns: returns) }
            variance = warmupSum / Double(configuration.warmupBars)
        } else {
            variance = configuration.lambda * variance + (1 - configuration.lambda) * r * r
        }
        return publish(configuration.rate(variance: variance), at: time)
    }

    /// The margin rate to use at `now`: the published rate, or the safe-mode rate during warm-up
    /// or when stale (counting an entry into safe mode).
    public mutating func rate(at now: Int64) -> Double {
        guard let published else { return configuration.safeModeRate }
        if inSafeMode { return configuration.safeModeRate }
        if isStale(at: now) {
            inSafeMode = true
            safeModeEntries += 1
            return configuration.safeModeRate
        }
        return published
    }

    /// The initial margin of `notional` (currency units, either sign) at `now`: rate x |notional|.
    public mutating func initialMargin(notional: Double, at now: Int64) -> Double {
        rate(at: now) * abs(notional)
    }

    /// Publishes the last refused rate (the operator's answer to the alert), leaving safe mode.
    /// Returns false when there is none.
    @discardableResult
    public mutating func acceptRefusedRate(at now: Int64) -> Bool {
        guard let refused = lastRefused else { return false }
        accept(refused, at: now)
        lastRefused = nil
        return true
    }

    /// The model's state at `now`, for reports and alerts (does not count a safe-mode entry).
    public func report(at now: Int64) -> MarginReport {
        let warming = published == nil
        let safe = warming || inSafeMode || isStale(at: now)
        return MarginReport(
            rate: safe ? configuration.safeModeRate : published!,
            modelRate: published,
            minRate: minRate.isFinite ? minRate : nil,
            maxRate: maxRate.isFinite ? maxRate : nil,
            refusals: refusals,
            lastRefusedRate: lastRefused,
            safeModeEntries: safeModeEntries,
            isWarmingUp: warming,
            isInSafeMode: !warming && safe,
            returns: returns,
            ignoredUpdates: ignoredUpdates
        )
    }

    /// Whether warm-up is over (a rate has been published).
    public var isWarm: Bool { published != nil }

    /// Times around `time` at which ``report(at:)`` says the same about safe mode
    /// (``MarginReport/isInSafeMode``) as at `time`, the model's state staying as it is; nil
    /// when `time` itself is outside the span this can tell (then ask ``report(at:)``). The span
    /// may be narrower than the whole set of such times, never wider.
    public func safeModeSpan(around time: Int64) -> ClosedRange<Int64>? {
        // Warming up, or in safe mode until the next accepted rate: the same at any time.
        guard published != nil, !inSafeMode else { return Int64.min...Int64.max }
        let staleAfter = configuration.staleAfter
        guard staleAfter >= 0 else { return nil }
        // Not stale while 0 <= t - lastAccepted <= staleAfter; stale once t - lastAccepted >
        // staleAfter (an overflow of the difference counts as stale too).
        let (end, overflow) = lastAccepted.addingReportingOverflow(staleAfter)
        let fresh = lastAccepted...(overflow ? Int64.max : end)
        if fresh.contains(time) { return fresh }
        guard !overflow, end < .max, time > end else { return nil }
        return (end + 1)...Int64.max
    }

    private func isStale(at now: Int64) -> Bool {
        let (age, overflow) = now.subtractingReportingOverflow(lastAccepted)
        return overflow || age > configuration.staleAfter
    }

    private mutating func publish(_ candidate: Double, at time: Int64) -> Update {
        guard candidate.isFinite else {
            ignoredUpdates += 1
            return .ignored
        }
        guard let current = published else {
            accept(candidate, at: time)
            return .accepted(rate: candidate)
        }
        // Stale or in safe mode: fresh data takes over without the guard.
        if inSafeMode || isStale(at: time) {
            if !inSafeMode { safeModeEntries += 1 }
            accept(candidate, at: time)
            return .accepted(rate: candidate)
        }
        guard abs(candidate - current) <= configuration.maxChange * current else {
            refusals += 1
            lastRefused = candidate
            return .refused(rate: candidate)
        }
        accept(candidate, at: time)
        return .accepted(rate: candidate)
    }

    private mutating func accept(_ rate: Double, at time: Int64) {
        published = rate
        lastAccepted = time
        inSafeMode = false
        minRate = Swift.min(minRate, rate)
        maxRate = Swift.max(maxRate, rate)
    }
}
