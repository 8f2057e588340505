import Market
import Foundation
import Risk

/// The end-of-run figures of a market maker: trading, fees, risk and latency.
///
/// Money is in the instrument's quote currency; profit is also given in ticks x lots, the
/// study's unit. The rebate break-even is the study's k_c = 1 - p / f: the share of fees the
/// venue would have to pay back for the run to break even (nil when no fees were paid).
public struct TradingSummary: Codable, Sendable, Equatable {
    public var symbol: String
    public var fills: Int
    /// Lots traded, and as maker.
    public var volumeLots: Int64
    public var makerVolumeLots: Int64
    /// Trading profit (realized + unrealized at the last mark), ticks x lots and currency.
    public var tradingProfitTicks: Int64
    public var tradingProfit: Double
    /// Fees paid (negative: rebates received).
    public var fees: Double
    public var netProfit: Double
    /// The rebate ratio the run assumed, and the net after it: p - (1 - k) f.
    public var rebateRatio: Double
    public var netProfitAfterRebate: Double
    public var rebateBreakEven: Double?
    public var finalPosition: Int64
    public var maxNetPosition: Int64
    /// The worst drop of profit within a day (currency).
    public var maxIntradayLoss: Double
    public var stopEvents: Int
    public var flattenOrders: Int
    public var ordersSent: Int
    public var replacesSent: Int
    public var cancelsSent: Int
    public var venueRejects: Int
    /// Risk denials by reason (only reasons that occurred).
    public var riskDenials: [String: UInt64]
    public var marginRateMin: Double?
    public var marginRateMax: Double?
    /// Market data in -> orders out, nanoseconds.
    public var latencyCount: UInt64
    public var latencyP50: Int64
    public var latencyP90: Int64
    public var latencyP99: Int64
    public var latencyMax: Int64

    public init(maker: MarketMaker, latency: LatencyHistogram) {
        let p = maker.positions
        let mark = maker.mark ?? 0
        let money = { (units: Money) in Double(units) / Double(moneyPerUnit) }
        symbol = maker.configuration.instrument.symbol
        fills = p.fills
        volumeLots = p.volume
        makerVolumeLots = p.makerVolume
        tradingProfitTicks = p.tradingProfit(at: mark)
        tradingProfit = money(p.money(tradingProfitTicks))
        fees = money(p.fees)
        netProfit = tradingProfit - fees
        rebateRatio = maker.configuration.fees.rebateRatio
        netProfitAfterRebate = Rebate.netProfit(profit: tradingProfit, fees: fees, rebateRatio: rebateRatio)
        rebateBreakEven = Rebate.breakEven(profit: tradingProfit, fees: fees)
        finalPosition = p.position
        maxNetPosition = p.maxAbsPosition
        maxIntradayLoss = money(p.money(maker.statistics.maxIntradayLoss))
        stopEvents = maker.gate.stops.first.map { Int($0.events) } ?? 0
        flattenOrders = maker.statistics.flattenOrders
        ordersSent = maker.statistics.news
        replacesSent = maker.statistics.replaces
        cancelsSent = maker.statistics.cancels
        venueRejects = maker.statistics.venueRejects
        var denials: [String: UInt64] = [:]
        for code in 1...RiskReason.maxCode {
            guard let reason = RiskReason(rawValue: UInt8(code)) else { continue }
            let n = maker.gate.denials(reason)
            if n > 0 { denials["\(reason)"] = n }
        }
        riskDenials = denials
        marginRateMin = maker.statistics.minMarginRate.isFinite ? maker.statistics.minMarginRate : nil
        marginRateMax = maker.statistics.minMarginRate.isFinite ? maker.statistics.maxMarginRate : nil
        latencyCount = latency.count
        latencyP50 = latency.percentile(50)
        latencyP90 = latency.percentile(90)
        latencyP99 = latency.percentile(99)
        latencyMax = latency.max
    }

    /// The summary as aligned text lines.
    public var text: String {
        func f(_ x: Double) -> String {
            let r = (x * 100).rounded() / 100
            return String(r)
        }
        func us(_ ns: Int64) -> String { String((Double(ns) / 100).rounded() / 10) + " us" }
        var lines: [(String, String)] = [
            ("instrument", symbol),
            ("fills", "\(fills) (\(volumeLots) lots, \(makerVolumeLots) as maker)"),
            ("trading P&L", "\(f(tradingProfit)) (\(tradingProfitTicks) ticks x lots)"),
            ("fees", f(fees)),
            ("net P&L", f(netProfit)),
            ("rebate ratio", "\(rebateRatio): net \(f(netProfitAfterRebate))"),
            ("rebate break-even", rebateBreakEven.map { String(($0 * 10_000).rounded() / 10_000) } ?? "n/a (no fees paid)"),
            ("net position", "\(finalPosition) at the end, \(maxNetPosition) at most"),
            ("max intraday loss", f(maxIntradayLoss)),
            ("stop events", "\(stopEvents) (\(flattenOrders) flattening orders)"),
            ("orders sent", "\(ordersSent) new, \(replacesSent) replace, \(cancelsSent) cancel; \(venueRejects) rejected by the venue"),
            ("risk denials", riskDenials.isEmpty ? "none" : riskDenials.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")),
            ("margin rate", marginRateMin.map { "\(f($0 * 100))% to \(f((marginRateMax ?? $0) * 100))%" } ?? "n/a"),
        ]
        lines.append(("md in -> order out", latencyCount == 0 ? "n/a" :
            "p50 \(us(latencyP50)), p90 \(us(latencyP90)), p99 \(us(latencyP99)), max \(us(latencyMax)) (\(latencyCount) samples)"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
