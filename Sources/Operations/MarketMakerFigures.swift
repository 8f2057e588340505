import MakerCore
import MakerFIX
import Market
import Risk

/// What the market maker has done so far, read at one instant on its session's event loop:
/// messages, orders, fills, position, profit, fees, risk denials and latency.
public struct MarketMakerFigures: Sendable, Equatable {
    /// Market-data messages received.
    public var marketDataMessages: Int
    /// Execution reports and cancel rejects received.
    public var executionReports: Int
    /// Messages that could not be read (counted and skipped).
    public var unreadableMessages: Int
    /// Orders the session could not store (and so did not send).
    public var storeFailures: Int
    /// Orders sent: new (the ladder's), replaces, cancels, and flattening orders of the stop.
    public var newOrders: Int
    public var replaces: Int
    public var cancels: Int
    public var flattenOrders: Int
    /// Orders the venue rejected.
    public var venueRejects: Int
    /// Orders of the ladder working or with a request in flight.
    public var workingOrders: Int
    public var fills: Int
    /// Lots traded, and as maker.
    public var volumeLots: Int64
    public var makerVolumeLots: Int64
    /// Net position in lots (positive long), and the largest |position| reached.
    public var positionLots: Int64
    public var maxAbsPositionLots: Int64
    /// The worst-case position in lots as the risk gate counts it: the position plus every open
    /// order of the worse side (what firm limits and margin are charged on).
    public var worstCaseLots: Double = 0
    /// The same valued at the risk gate's reference price, in the quote currency (0 before a
    /// price): what a firm group limit is charged.
    public var worstCaseValue: Double = 0
    /// Trading profit (realized + unrealized at the last mark) in ticks x lots, and in currency.
    public var tradingProfitTicks: Int64
    public var tradingProfit: Double
    /// Fees paid in currency (negative: rebates received).
    public var fees: Double
    /// Times the net-position stop engaged.
    public var stopEvents: Int
    /// Orders the risk gate denied, by reason (every reason, zeros included).
    public var riskDenials: [RiskReason: UInt64]
    /// Market data in -> orders out.
    public var latency: LatencySummary

    public init(marketDataMessages: Int = 0, executionReports: Int = 0, unreadableMessages: Int = 0, storeFailures: Int = 0,
                newOrders: Int = 0, replaces: Int = 0, cancels: Int = 0, flattenOrders: Int = 0, venueRejects: Int = 0,
                workingOrders: Int = 0, fills: Int = 0, volumeLots: Int64 = 0, makerVolumeLots: Int64 = 0,
                positionLots: Int64 = 0, maxAbsPositionLots: Int64 = 0, tradingProfitTicks: Int64 = 0,
                tradingProfit: Double = 0, fees: Double = 0, stopEvents: Int = 0, riskDenials: [RiskReason: UInt64] = [:],
                latency: LatencySummary = LatencySummary()) {
        self.marketDataMessages = marketDataMessages
        self.executionReports = executionReports
        self.unreadableMessages = unreadableMessages
        self.storeFailures = storeFailures
        self.newOrders = newOrders
        self.replaces = replaces
        self.cancels = cancels
        self.flattenOrders = flattenOrders
        self.venueRejects = venueRejects
        self.workingOrders = workingOrders
        self.fills = fills
        self.volumeLots = volumeLots
        self.makerVolumeLots = makerVolumeLots
        self.positionLots = positionLots
        self.maxAbsPositionLots = maxAbsPositionLots
        self.tradingProfitTicks = tradingProfitTicks
        self.tradingProfit = tradingProfit
        self.fees = fees
        self.stopEvents = stopEvents
        self.riskDenials = riskDenials
        self.latency = latency
    }

    /// The figures of `application`; called on its session's event loop. Money is computed as
    /// the end-of-run summary computes it.
    public init(_ application: FIXMarketMaker) {
        let maker = application.maker
        let summary = TradingSummary(maker: maker, latency: application.latency)
        var denials: [RiskReason: UInt64] = [:]
        for reason in RiskReason.allCases { denials[reason] = maker.gate.denials(reason) }
        self.init(marketDataMessages: application.marketDataMessages, executionReports: application.reports,
                  unreadableMessages: application.unreadable, storeFailures: application.storeFailures,
                  newOrders: maker.statistics.news, replaces: maker.statistics.replaces, cancels: maker.statistics.cancels,
                  flattenOrders: maker.statistics.flattenOrders, venueRejects: maker.statistics.venueRejects,
                  workingOrders: application.workingOrders, fills: maker.positions.fills, volumeLots: maker.positions.volume,
                  makerVolumeLots: maker.positions.makerVolume, positionLots: maker.positions.position,
                  maxAbsPositionLots: maker.positions.maxAbsPosition, tradingProfitTicks: summary.tradingProfitTicks,
                  tradingProfit: summary.tradingProfit, fees: summary.fees, stopEvents: summary.stopEvents,
                  riskDenials: denials, latency: LatencySummary(application.latency))
        worstCaseLots = maker.gate.exposures.first?.worstCaseLots ?? 0
        if let reference = maker.gate.references.first, let instrument = maker.gate.instruments.first {
            worstCaseValue = worstCaseLots * Double(max(0, reference)) * instrument.valuePerTickLot
        }
    }
}
