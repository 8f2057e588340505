import MakerCore
import Market
/// The study's figures for one run, or for one trading day of it.
///
/// Profit is trading profit: realized plus the open position marked at the mid (the same as
/// ``Engine/TradingSummary``), in ticks x lots (the study's unit) and in the quote currency.
/// Fees are what the fills cost (negative: rebates received). With rebate ratio k the net is
/// p - (1 - k) f, and the break-even rebate is k_c = 1 - p / f (only when fees were paid).
public struct StudyFigures: Codable, Sendable, Equatable {
    /// Trading profit, ticks x lots and currency.
    public var tradingProfitTicks: Int64
    public var tradingProfit: Double
    /// Fees paid, currency (negative: rebates received).
    public var fees: Double
    /// p - f.
    public var netProfit: Double
    /// p - (1 - k) f for the run's rebate ratio k.
    public var netProfitAfterRebate: Double
    /// k_c = 1 - p / f; nil when no fees were paid (f <= 0).
    public var breakEvenRebate: Double?
    /// Fills of our orders, and the lots they traded.
    public var trades: Int
    public var volumeLots: Int64
    /// The largest |net position| (lots).
    public var maxNetPosition: Int64
    /// The worst drop of trading profit within a day, from the day's first mark: ticks x lots
    /// and currency.
    public var maxIntradayLossTicks: Int64
    public var maxIntradayLoss: Double
    /// Times the net-position stop triggered.
    public var stopEvents: Int

    /// Figures from their parts; `money` turns ticks x lots into currency, `fees` is in
    /// ``Exchange/Money`` units.
    public init(profitTicks: Int64, fees: Money, trades: Int, volumeLots: Int64, maxNetPosition: Int64,
                maxIntradayLossTicks: Int64, stopEvents: Int, rebateRatio: Double, money: (Int64) -> Money) {
        tradingProfitTicks = profitTicks
        tradingProfit = Self.currency(money(profitTicks))
        self.fees = Self.currency(fees)
        netProfit = tradingProfit - self.fees
        netProfitAfterRebate = Rebate.netProfit(profit: tradingProfit, fees: self.fees, rebateRatio: rebateRatio)
        breakEvenRebate = Rebate.breakEven(profit: tradingProfit, fees: self.fees)
        self.trades = trades
        self.volumeLots = volumeLots
        self.maxNetPosition = maxNetPosition
        self.maxIntradayLossTicks = maxIntradayLossTicks
        maxIntradayLoss = Self.currency(money(maxIntradayLossTicks))
        self.stopEvents = stopEvents
    }

    /// ``Exchange/Money`` (10^-8 units) as currency.
    public static func currency(_ units: Money) -> Double {
        Double(units) / Double(moneyPerUnit)
    }
}

/// The figures of one trading day (a UTC calendar day of market time).
public struct DayFigures: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD`.
    public var date: String
    /// Market events of the day.
    public var events: Int
    /// Market time (ns) from the day's first event to its last.
    public var marketTime: Int64
    /// Whether the day is too short to count in the mean of the days (``markShort(_:)``): a
    /// recording that starts just before midnight or ends just after it. Such a day is listed,
    /// but left out of the mean (``AverageFigures``), where its near-zero figures would count as
    /// much as a whole day's.
    public var isShort = false
    /// The market time a day needs to count in the mean: an hour.
    public static let minimumLength: Int64 = 3_600_000_000_000

    /// Marks the days shorter than ``minimumLength``, or than a tenth of the longest day when
    /// that is less (a recording of less than ten hours: its days count from a tenth of the
    /// longest on, so a capture of 50 minutes that crosses midnight by a second has one day that
    /// counts and one that does not).
    public static func markShort(_ days: inout [DayFigures]) {
        let longest = days.map(\.marketTime).max() ?? 0
        let minimum = min(minimumLength, longest / 10)
        for i in days.indices { days[i].isShort = days[i].marketTime < minimum }
    }
    /// The date, with `(short*)` after a short day's.
    public var label: String { isShort ? date + " (short*)" : date }
    /// Profit is the change over the day (from the previous day's close to this one's, both
    /// marked at the mid); the maxima are within the day, the position carried in included.
    public var figures: StudyFigures
}

/// The mean of each figure over the days of a run.
public struct AverageFigures: Codable, Sendable, Equatable {
    public var days: Int
    public var tradingProfitTicks: Double
    public var tradingProfit: Double
    public var fees: Double
    public var netProfit: Double
    public var netProfitAfterRebate: Double
    /// k_c of the averages: 1 - mean p / mean f (nil when mean f <= 0).
    public var breakEvenRebate: Double?
    public var trades: Double
    public var maxNetPosition: Double
    public var maxIntradayLoss: Double
    public var stopEvents: Double

    /// The means over `days` that are not short (``DayFigures/isShort``), or over all of them
    /// when every one is; nil when there are none.
    public init?(_ all: [DayFigures]) {
        guard !all.isEmpty else { return nil }
        let whole = all.filter { !$0.isShort }
        let days = whole.isEmpty ? all : whole
        let n = Double(days.count)
        func mean(_ f: (StudyFigures) -> Double) -> Double { days.reduce(0) { $0 + f($1.figures) } / n }
        self.days = days.count
        tradingProfitTicks = mean { Double($0.tradingProfitTicks) }
        tradingProfit = mean(\.tradingProfit)
        fees = mean(\.fees)
        netProfit = mean(\.netProfit)
        netProfitAfterRebate = mean(\.netProfitAfterRebate)
        breakEvenRebate = Rebate.breakEven(profit: tradingProfit, fees: fees)
        trades = mean { Double($0.trades) }
        maxNetPosition = mean { Double($0.maxNetPosition) }
        maxIntradayLoss = mean(\.maxIntradayLoss)
        stopEvents = mean { Double($0.stopEvents) }
    }
}
