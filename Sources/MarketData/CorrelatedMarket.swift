import Foundation
import Market

/// A seeded market of several instruments whose prices move together: the built-in market for
/// a desk that quotes more than one instrument, and for the firm's group limits.
///
/// **Prices.** Each instrument's mid follows a geometric random walk in trading time (the
/// sessions only, nights skipped) driven by a common factor and a factor of its own:
/// `log mid_i = log start_i + sigma_i (sqrt(rho) W_0 + sqrt(1 - rho) W_i)`, with `W_0` and the
/// `W_i` independent standard Brownian motions (in days of trading) and `sigma_i` the
/// instrument's volatility a day. So the returns of any two instruments over any interval have
/// correlation `rho` (``Parameters/correlation``), less what the ticks round away over very
/// short ones. The best bid is the mid rounded down to a tick, the ask one tick above (two, one
/// time in ten).
///
/// **Events.** Each instrument's events come at exponential intervals, ``Parameters/eventsPerDay``
/// a session on average, within each session ``Parameters/sessionStart``..<
/// ``Parameters/sessionEnd`` of ``Parameters/days`` weekdays from ``Parameters/firstDay``; the
/// instruments' events are interleaved in time order. An event is a trade with probability
/// ``Parameters/tradeProbability`` (at the ask, bought, when the mid rose since the
/// instrument's last event; at the bid, sold, when it fell; either at random when it did not
/// move), at the prices last shown, of 1 to 3 lots within the level's size, otherwise a quote
/// that shows the mid as it is (the first event of each instrument each day is a quote, and so
/// is the event after a trade that empties a level). Level sizes are 1 to
/// ``Parameters/maxLevelSize`` lots.
///
/// Deterministic for a seed (``Xoshiro256StarStar``; the normals by Box-Muller with the
/// platform's `log`, `sqrt` and `cos`); constant memory.
public struct CorrelatedMarket: MultiMarketDataSource, Sendable {
    public struct Parameters: Hashable, Sendable {
        /// The instruments, their first mids (ticks) and volatilities a day (0.02: 2%).
        public var instruments: [Instrument]
        public var startPrices: [Int64]
        public var volatilities: [Double]
        /// The correlation of any two instruments' returns, in [0, 1].
        public var correlation: Double
        public var seed: UInt64
        public var days: Int
        /// Events of each instrument in a session, on average.
        public var eventsPerDay: Int
        public var firstDay: CivilDate
        /// Session open and close, ns after midnight UTC.
        public var sessionStart: Int64
        public var sessionEnd: Int64
        public var tradeProbability: Double
        public var maxLevelSize: Int64

        public init(instruments: [Instrument] = CorrelatedMarket.defaultInstruments, startPrices: [Int64] = [10_000, 5_000, 2_000],
                    volatilities: [Double] = [0.02, 0.03, 0.025], correlation: Double = 0.6, seed: UInt64 = 1, days: Int = 5,
                    eventsPerDay: Int = 20_000, firstDay: CivilDate = CivilDate(year: 2024, month: 1, day: 2)!,
                    sessionStart: Int64 = 9 * 3_600_000_000_000, sessionEnd: Int64 = 15 * 3_600_000_000_000,
                    tradeProbability: Double = 0.25, maxLevelSize: Int64 = 20) {
            self.instruments = instruments
            self.startPrices = startPrices
            self.volatilities = volatilities
            self.correlation = correlation
            self.seed = seed
            self.days = days
            self.eventsPerDay = eventsPerDay
            self.firstDay = firstDay
            self.sessionStart = sessionStart
            self.sessionEnd = sessionEnd
            self.tradeProbability = tradeProbability
            self.maxLevelSize = maxLevelSize
        }
    }

    /// `ALPHA`, `BETA` and `GAMMA`: tick 0.01, lot 1 (first mids 100.00, 50.00 and 20.00).
    public static let defaultInstruments = ["ALPHA", "BETA", "GAMMA"].map {
        Instrument(symbol: $0, tickSize: DecimalStep(units: 1, scale: 2))
    }

    public let parameters: Parameters
    public var instruments: [Instrument] { parameters.instruments }
    public var skipped: Int { 0 }
    public var bytesRead: Int64 { 0 }
    /// The trading day (0-based) of the last event.
    public private(set) var day = 0

    private var random: Xoshiro256StarStar
    private let sessionLength: Int64
    private let meanGap: Double
    private var calendarDay: Int64
    private var sessionOpen: Int64
    /// The common factor and each instrument's own, and the trading time (days) they are at.
    private var common = 0.0
    private var commonAt = 0.0
    private var own: [Double]
    private var ownAt: [Double]
    /// Each instrument's next event (ns since the epoch; `.max`: none left today), last mid
    /// (ticks, as a real number), spread, level sizes, and whether its day has begun.
    private var nextTime: [Int64]
    private var lastMid: [Double]
    private var spread: [Int64]
    private var bidSize: [Int64]
    private var askSize: [Int64]
    private var quoted: [Bool]
    /// The bid last shown.
    private var shownBid: [Int64]

    public init(_ parameters: Parameters = Parameters()) {
        let p = parameters
        let n = p.instruments.count
        precondition(n > 0 && p.startPrices.count == n && p.volatilities.count == n, "one start price and volatility an instrument")
        precondition(Set(p.instruments.map(\.symbol)).count == n, "the symbols must differ")
        precondition(p.startPrices.allSatisfy { $0 > 0 } && p.volatilities.allSatisfy { $0 >= 0 && $0.isFinite }, "positive prices, volatilities")
        precondition((0...1).contains(p.correlation), "correlation in [0, 1]")
        precondition(p.days >= 0 && p.eventsPerDay > 0 && p.maxLevelSize > 0, "days, events and level size")
        precondition(p.sessionStart >= 0 && p.sessionStart < p.sessionEnd && p.sessionEnd <= 86_400_000_000_000, "one session a day")
        precondition((0...1).contains(p.tradeProbability), "trade probability in [0, 1]")
        self.parameters = p
        random = Xoshiro256StarStar(seed: p.seed)
        sessionLength = p.sessionEnd - p.sessionStart
        meanGap = Double(sessionLength) / Double(p.eventsPerDay)
        calendarDay = CivilDate.weekday(onOrAfter: p.firstDay.daysSinceEpoch)
        sessionOpen = calendarDay * 86_400_000_000_000 + p.sessionStart
        own = Array(repeating: 0, count: n)
        ownAt = Array(repeating: 0, count: n)
        nextTime = Array(repeating: 0, count: n)
        lastMid = p.startPrices.map(Double.init)
        spread = Array(repeating: 1, count: n)
        bidSize = Array(repeating: 1 + (p.maxLevelSize - 1) / 2, count: n)
        askSize = bidSize
        quoted = Array(repeating: false, count: n)
        shownBid = p.startPrices
        startDay()
    }

    public mutating func next() -> InstrumentEvent? {
        while day < parameters.days {
            var i = 0
            for j in 1..<nextTime.count where nextTime[j] < nextTime[i] { i = j }
            let time = nextTime[i]
            guard time < .max else {
                // Every instrument is done for the day.
                day += 1
                guard day < parameters.days else { return nil }
                calendarDay = CivilDate.weekday(onOrAfter: calendarDay + 1)
                sessionOpen = calendarDay * 86_400_000_000_000 + parameters.sessionStart
                startDay()
                continue
            }
            schedule(i, after: time)
            return InstrumentEvent(instrument: i, event: event(i, at: time))
        }
        return nil
    }

    // MARK: - The process

    /// Each instrument's first event of the day, and a quote first.
    private mutating func startDay() {
        for i in nextTime.indices {
            nextTime[i] = sessionOpen
            schedule(i, after: sessionOpen)
            quoted[i] = false
        }
    }

    /// The next event of `i` after `time`, or none today.
    private mutating func schedule(_ i: Int, after time: Int64) {
        let gap = -Foundation.log(1 - random.unit()) * meanGap
        let next = Double(time) + Swift.max(1, gap)
        nextTime[i] = next < Double(sessionOpen + sessionLength) ? Int64(next) : .max
    }

    /// Trading time in days at `time` of the current session.
    private func tradingTime(_ time: Int64) -> Double {
        Double(day) + Double(time - sessionOpen) / Double(sessionLength)
    }

    /// A standard normal (Box-Muller).
    private mutating func normal() -> Double {
        let u = 1 - random.unit(), v = random.unit()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }

    private mutating func event(_ i: Int, at time: Int64) -> MarketEvent {
        let t = tradingTime(time)
        if t > commonAt {
            common += normal() * (t - commonAt).squareRoot()
            commonAt = t
        }
        if t > ownAt[i] {
            own[i] += normal() * (t - ownAt[i]).squareRoot()
            ownAt[i] = t
        }
        let rho = parameters.correlation
        let x = parameters.volatilities[i] * (rho.squareRoot() * common + (1 - rho).squareRoot() * own[i])
        let mid = Double(parameters.startPrices[i]) * Foundation.exp(x)
        let previous = lastMid[i]
        lastMid[i] = mid
        let maxSize = parameters.maxLevelSize
        if !quoted[i] || !random.chance(parameters.tradeProbability) {
            // A quote shows the mid as it is now.
            quoted[i] = true
            let bid = Swift.max(1, Int64(Swift.min(9e15, mid.rounded(.down))))
            shownBid[i] = bid
            spread[i] = random.chance(0.9) ? 1 : 2
            bidSize[i] = random.integer(in: 1...maxSize)
            askSize[i] = random.integer(in: 1...maxSize)
            return .quote(time: time, bid: bid, bidSize: bidSize[i], ask: bid + spread[i], askSize: askSize[i])
        }
        // A trade at the prices shown, bought when the mid has risen, sold when it has fallen;
        // a level it empties is quoted again at the next event.
        let buy = mid > previous ? true : mid < previous ? false : random.chance(0.5)
        let size = random.integer(in: 1...3)
        if buy {
            let lots = Swift.min(size, askSize[i])
            askSize[i] -= lots
            if askSize[i] == 0 { quoted[i] = false }
            return .trade(time: time, price: shownBid[i] + spread[i], size: lots, aggressor: .buy)
        }
        let lots = Swift.min(size, bidSize[i])
        bidSize[i] -= lots
        if bidSize[i] == 0 { quoted[i] = false }
        return .trade(time: time, price: shownBid[i], size: lots, aggressor: .sell)
    }
}
