import ExchangeGateway
import Operations
import Prometheus
import Risk
import Testing

/// The exposition text of each collector's metrics for known figures.
struct CollectorExpositionTests {
    /// The lines of `text` that are samples or comments of the family `name`, in order.
    static func family(_ name: String, in text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { line in
            line.hasPrefix("# HELP \(name) ") || line.hasPrefix("# TYPE \(name) ") || line.hasPrefix(name + " ") || line.hasPrefix(name + "{")
        }
    }

    @Test func marketMakerFigures() {
        let registry = PrometheusCollectorRegistry()
        let metrics = MarketMakerMetrics(registry: registry)
        let figures = MarketMakerFigures(
            marketDataMessages: 1_234, executionReports: 56, newOrders: 20, replaces: 31, cancels: 7, flattenOrders: 2,
            venueRejects: 1, workingOrders: 10, fills: 9, volumeLots: 11, makerVolumeLots: 8, positionLots: -3,
            maxAbsPositionLots: 5, tradingProfitTicks: 42, tradingProfit: 0.5, fees: -0.125, stopEvents: 1,
            riskDenials: [.throttled: 4, .insufficientMargin: 2],
            latency: LatencySummary(count: 3, sumNanoseconds: 6_000, quantileNanoseconds: [1_500, 2_500, 2_500, 2_500],
                                    maxNanoseconds: 2_500))
        metrics.update(figures)
        let text = registry.emitToString()
        #expect(Self.family("mm_maker_market_data_messages_total", in: text) == [
            "# HELP mm_maker_market_data_messages_total Market-data messages (W, X) received by the market maker.",
            "# TYPE mm_maker_market_data_messages_total counter",
            "mm_maker_market_data_messages_total 1234",
        ])
        let orders = Self.family("mm_maker_orders_sent_total", in: text)
        #expect(orders.first == "# HELP mm_maker_orders_sent_total Orders sent by the market maker, by type: new, replace, cancel, flatten (the net-position stop's).")
        #expect(Set(orders.dropFirst(2)) == [
            #"mm_maker_orders_sent_total{type="new"} 20"#, #"mm_maker_orders_sent_total{type="replace"} 31"#,
            #"mm_maker_orders_sent_total{type="cancel"} 7"#, #"mm_maker_orders_sent_total{type="flatten"} 2"#,
        ])
        #expect(text.contains("\nmm_maker_fills_total 9\n"))
        #expect(text.contains("\nmm_maker_volume_lots_total 11\n"))
        #expect(text.contains("\nmm_maker_position_lots -3.0\n"))
        #expect(text.contains("\nmm_maker_working_orders 10.0\n"))
        #expect(text.contains("\nmm_maker_trading_profit 0.5\n"))
        #expect(text.contains("\nmm_maker_trading_profit_ticks 42.0\n"))
        #expect(text.contains("\nmm_maker_fees -0.125\n"))
        #expect(text.contains("\nmm_maker_net_profit 0.625\n"))
        #expect(text.contains("\nmm_maker_stop_events_total 1\n"))
        let denials = Self.family("mm_maker_risk_denials_total", in: text)
        #expect(denials.count == 2 + RiskReason.allCases.count)
        #expect(denials.contains(#"mm_maker_risk_denials_total{reason="throttled"} 4"#))
        #expect(denials.contains(#"mm_maker_risk_denials_total{reason="insufficient_margin"} 2"#))
        #expect(denials.contains(#"mm_maker_risk_denials_total{reason="kill_switch_engaged"} 0"#))
        #expect(text.contains("\nmm_maker_md_to_order_latency_max_seconds 2.5e-06\n"))

        #expect(metrics.summaries(figures) == """
            # HELP mm_maker_md_to_order_latency_seconds Market data in to orders out, for market-data messages that led to orders (quantiles within about 3%).
            # TYPE mm_maker_md_to_order_latency_seconds summary
            mm_maker_md_to_order_latency_seconds{quantile="0.5"} 1.5e-06
            mm_maker_md_to_order_latency_seconds{quantile="0.9"} 2.5e-06
            mm_maker_md_to_order_latency_seconds{quantile="0.99"} 2.5e-06
            mm_maker_md_to_order_latency_seconds{quantile="0.999"} 2.5e-06
            mm_maker_md_to_order_latency_seconds_sum 6e-06
            mm_maker_md_to_order_latency_seconds_count 3

            """)

        // Sampled again: the counters are set to the new totals, not added to.
        var later = figures
        later.fills = 12
        metrics.update(later)
        #expect(registry.emitToString().contains("\nmm_maker_fills_total 12\n"))
    }

    @Test func anEmptyLatencySummaryHasNoQuantiles() {
        let text = LatencySummary().exposition(name: "x_seconds", help: "X.")
        #expect(text == """
            # HELP x_seconds X.
            # TYPE x_seconds summary
            x_seconds{quantile="0.5"} NaN
            x_seconds{quantile="0.9"} NaN
            x_seconds{quantile="0.99"} NaN
            x_seconds{quantile="0.999"} NaN
            x_seconds_sum 0.0
            x_seconds_count 0

            """)
    }

    @Test func exchangeFigures() {
        let registry = PrometheusCollectorRegistry()
        ExchangeMetrics(registry: registry).update(ExchangeFigures(
            sessionsLoggedOn: 1, sessions: 2, orders: 300, fills: 40, rejects: 3, cancelRejects: 5, fees: 250_000_000,
            replayedEvents: 12_345, skippedRecords: 6, replayFinished: true, replayFailed: false))
        let text = registry.emitToString()
        #expect(Self.family("mm_exchange_orders_total", in: text) == [
            "# HELP mm_exchange_orders_total NewOrderSingle messages the exchange received.",
            "# TYPE mm_exchange_orders_total counter",
            "mm_exchange_orders_total 300",
        ])
        #expect(text.contains("\nmm_exchange_sessions 2.0\n"))
        #expect(text.contains("\nmm_exchange_sessions_logged_on 1.0\n"))
        #expect(text.contains("\nmm_exchange_fills_total 40\n"))
        #expect(text.contains(#"mm_exchange_rejects_total{type="order"} 3"#))
        #expect(text.contains(#"mm_exchange_rejects_total{type="cancel_replace"} 5"#))
        #expect(text.contains("\nmm_exchange_fees 2.5\n"))
        #expect(text.contains("\nmm_exchange_replayed_events_total 12345\n"))
        #expect(text.contains("\nmm_exchange_skipped_records_total 6\n"))
        #expect(text.contains("\nmm_exchange_replay_finished 1.0\n"))
        #expect(text.contains("\nmm_exchange_replay_failed 0.0\n"))
    }

    @Test func sessionFigures() {
        let registry = PrometheusCollectorRegistry()
        FIXSessionMetrics(registry: registry).update([
            FIXSessionFigures(session: "EXCH->MAKER", loggedOn: true, connected: true, messagesReceived: 17, messagesSent: 23,
                              skippedWrites: 2, inboundPauses: 1),
            FIXSessionFigures(session: "EXCH->MAKER2"),
        ])
        let text = registry.emitToString()
        #expect(text.contains("# HELP mm_fix_messages_received_total FIX messages received by the session, admin messages included.\n"))
        #expect(text.contains("# TYPE mm_fix_messages_received_total counter\n"))
        #expect(text.contains(#"mm_fix_messages_received_total{session="EXCH->MAKER"} 17"#))
        #expect(text.contains(#"mm_fix_messages_sent_total{session="EXCH->MAKER"} 23"#))
        #expect(text.contains(#"mm_fix_skipped_writes_total{session="EXCH->MAKER"} 2"#))
        #expect(text.contains(#"mm_fix_inbound_pauses_total{session="EXCH->MAKER"} 1"#))
        #expect(text.contains(#"mm_fix_session_logged_on{session="EXCH->MAKER"} 1.0"#))
        #expect(text.contains(#"mm_fix_session_logged_on{session="EXCH->MAKER2"} 0.0"#))
        #expect(text.contains(#"mm_fix_session_connected{session="EXCH->MAKER2"} 0.0"#))
    }
}
