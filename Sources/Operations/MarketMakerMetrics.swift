import Prometheus
import Risk

/// The market maker's metrics (`mm_maker_*`), set from its figures.
public struct MarketMakerMetrics: Sendable {
    static let marketData = MetricName("mm_maker_market_data_messages_total", "Market-data messages (W, X) received by the market maker.")
    static let reports = MetricName("mm_maker_execution_reports_total", "Execution reports and order cancel rejects received by the market maker.")
    static let unreadable = MetricName("mm_maker_unreadable_messages_total", "Messages the market maker could not read (skipped).")
    static let storeFailures = MetricName("mm_maker_store_failures_total", "Orders not sent because the session could not store them.")
    static let orders = MetricName("mm_maker_orders_sent_total",
                                   "Orders sent by the market maker, by type: new, replace, cancel, flatten (the net-position stop's).")
    static let venueRejects = MetricName("mm_maker_venue_rejects_total", "Orders of the market maker rejected by the venue.")
    static let working = MetricName("mm_maker_working_orders", "Orders of the ladder working or with a request in flight.")
    static let fills = MetricName("mm_maker_fills_total", "Fills of the market maker's orders.")
    static let volume = MetricName("mm_maker_volume_lots_total", "Lots traded by the market maker.")
    static let makerVolume = MetricName("mm_maker_maker_volume_lots_total", "Lots traded by the market maker as maker (resting orders).")
    static let position = MetricName("mm_maker_position_lots", "Net position in lots (positive long, negative short).")
    static let worstCase = MetricName("mm_maker_worst_case_lots",
                                      "Worst-case position in lots: the position plus the open orders of the worse side, as the risk gate counts it.")
    static let worstCaseValue = MetricName("mm_maker_worst_case_value",
                                           "Worst-case position valued at the risk gate's reference price, in the quote currency.")
    static let maxPosition = MetricName("mm_maker_max_abs_position_lots", "Largest absolute net position reached, lots.")
    static let profit = MetricName("mm_maker_trading_profit", "Trading profit, realized and unrealized at the last mark, in the quote currency.")
    static let profitTicks = MetricName("mm_maker_trading_profit_ticks", "Trading profit, realized and unrealized at the last mark, in ticks x lots.")
    static let fees = MetricName("mm_maker_fees", "Fees paid in the quote currency (negative: rebates received).")
    static let net = MetricName("mm_maker_net_profit", "Trading profit less fees, in the quote currency.")
    static let stops = MetricName("mm_maker_stop_events_total", "Times the net-position stop engaged.")
    static let denials = MetricName("mm_maker_risk_denials_total", "Orders denied by the risk gate, by reason.")
    /// The market-data-to-order latency summary's name and help.
    static let latency = MetricName("mm_maker_md_to_order_latency_seconds",
                                    "Market data in to orders out, for market-data messages that led to orders (quantiles within about 3%).")
    static let latencyMax = MetricName("mm_maker_md_to_order_latency_max_seconds", "Largest market-data-to-order latency recorded.")

    private let registry: PrometheusCollectorRegistry

    /// The market maker's metrics, made in `registry` (every series, at zero).
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        update(MarketMakerFigures())
    }

    /// Sets the metrics from `figures`.
    public func update(_ f: MarketMakerFigures) {
        registry.counter(Self.marketData).set(total: f.marketDataMessages)
        registry.counter(Self.reports).set(total: f.executionReports)
        registry.counter(Self.unreadable).set(total: f.unreadableMessages)
        registry.counter(Self.storeFailures).set(total: f.storeFailures)
        registry.counter(Self.orders, [("type", "new")]).set(total: f.newOrders)
        registry.counter(Self.orders, [("type", "replace")]).set(total: f.replaces)
        registry.counter(Self.orders, [("type", "cancel")]).set(total: f.cancels)
        registry.counter(Self.orders, [("type", "flatten")]).set(total: f.flattenOrders)
        registry.counter(Self.venueRejects).set(total: f.venueRejects)
        registry.gauge(Self.working).set(to: Double(f.workingOrders))
        registry.counter(Self.fills).set(total: f.fills)
        registry.counter(Self.volume).set(total: f.volumeLots)
        registry.counter(Self.makerVolume).set(total: f.makerVolumeLots)
        registry.gauge(Self.position).set(to: Double(f.positionLots))
        registry.gauge(Self.maxPosition).set(to: Double(f.maxAbsPositionLots))
        registry.gauge(Self.worstCase).set(to: f.worstCaseLots)
        registry.gauge(Self.worstCaseValue).set(to: f.worstCaseValue)
        registry.gauge(Self.profit).set(to: f.tradingProfit)
        registry.gauge(Self.profitTicks).set(to: Double(f.tradingProfitTicks))
        registry.gauge(Self.fees).set(to: f.fees)
        registry.gauge(Self.net).set(to: f.tradingProfit - f.fees)
        registry.counter(Self.stops).set(total: f.stopEvents)
        for reason in RiskReason.allCases {
            registry.counter(Self.denials, [("reason", reason.metricLabel)]).set(total: f.riskDenials[reason] ?? 0)
        }
        registry.gauge(Self.latencyMax).set(to: Double(f.latency.maxNanoseconds) / 1e9)
    }

    /// The latency summary of `figures` in the text format (the registry holds no summaries).
    public func summaries(_ f: MarketMakerFigures) -> String {
        f.latency.exposition(name: Self.latency.name, help: Self.latency.help)
    }
}
