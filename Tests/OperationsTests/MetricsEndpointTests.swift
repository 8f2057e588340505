import Foundation
import Logging
import Operations
import Testing

/// The metrics endpoint over 127.0.0.1: the Prometheus text format after real activity (the
/// exchange and the market maker over a FIX session), 404 for other paths.
@Suite(.serialized)
struct MetricsEndpointTests {
    @Test func scrapeAfterActivityGivesTheFiguresInTheTextFormat() async throws {
        let setup = try await PaperSetup()
        let exporter = MetricsExporter(logger: quietLogger)
        await exporter.add(ExchangeCollector(lifecycle: setup.exchange, registry: exporter.registry))
        await exporter.add(MarketMakerCollector(lifecycle: setup.marketMaker, registry: exporter.registry))
        let server = MetricsServer(port: 0, exporter: exporter, logger: quietLogger)
        let port = try await server.start()
        #expect(port > 0)

        #expect(try await setup.waitForMaker { $0.newOrders > 0 && $0.marketDataMessages > 5 })
        let live = try await httpRequest(port: port, path: "/metrics")
        #expect(live.status == 200)
        #expect(live.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = live.body
        for family in ["mm_maker_market_data_messages_total", "mm_maker_orders_sent_total", "mm_maker_fills_total",
                       "mm_maker_position_lots", "mm_maker_trading_profit", "mm_maker_fees", "mm_maker_risk_denials_total",
                       "mm_maker_md_to_order_latency_seconds", "mm_fix_messages_received_total", "mm_fix_messages_sent_total",
                       "mm_exchange_orders_total", "mm_exchange_fills_total", "mm_exchange_replayed_events_total"] {
            #expect(text.contains("# HELP \(family) "), "no HELP for \(family)")
            #expect(text.contains("# TYPE \(family) "), "no TYPE for \(family)")
        }
        #expect(text.contains("# TYPE mm_maker_md_to_order_latency_seconds summary"))
        #expect((text.metricValue("mm_maker_market_data_messages_total") ?? 0) > 5)
        #expect((text.metricValue(#"mm_maker_orders_sent_total{type="new"}"#) ?? 0) > 0)
        #expect((text.metricValue("mm_exchange_orders_total") ?? 0) > 0)
        #expect((text.metricValue("mm_exchange_replayed_events_total") ?? 0) > 0)
        #expect(text.metricValue(#"mm_fix_session_logged_on{session="MAKER->EXCH"}"#) == 1)
        #expect(text.metricValue(#"mm_fix_session_logged_on{session="EXCH->MAKER"}"#) == 1)
        #expect((text.metricValue(#"mm_fix_messages_sent_total{session="MAKER->EXCH"}"#) ?? 0) > 0)
        #expect((text.metricValue(#"mm_maker_md_to_order_latency_seconds_count"#) ?? 0) > 0)
        #expect(text.metricValue(#"mm_maker_risk_denials_total{reason="net_position_stop"}"#) != nil)

        // Once the market maker has stopped, its metrics are its final figures: those of its summary.
        try await setup.marketMaker.stop()
        let summary = try #require(setup.marketMaker.summary)
        let after = try await httpRequest(port: port, path: "/metrics").body
        #expect(after.metricValue(#"mm_maker_orders_sent_total{type="new"}"#) == Double(summary.ordersSent))
        #expect(after.metricValue(#"mm_maker_orders_sent_total{type="replace"}"#) == Double(summary.replacesSent))
        #expect(after.metricValue(#"mm_maker_orders_sent_total{type="cancel"}"#) == Double(summary.cancelsSent))
        #expect(after.metricValue("mm_maker_fills_total") == Double(summary.fills))
        #expect(after.metricValue("mm_maker_position_lots") == Double(summary.finalPosition))
        #expect(after.metricValue("mm_maker_working_orders") == 0)
        #expect(after.metricValue(#"mm_fix_session_logged_on{session="MAKER->EXCH"}"#) == 0)

        await server.stop()
        await setup.tearDown()
    }

    @Test func otherPathsAndMethods() async throws {
        let exporter = MetricsExporter(logger: quietLogger)
        let server = MetricsServer(port: 0, exporter: exporter, logger: quietLogger)
        let port = try await server.start()
        let missing = try await httpRequest(port: port, path: "/")
        #expect(missing.status == 404)
        #expect(missing.body.contains("/metrics"))
        #expect(try await httpRequest(port: port, path: "/metrics/extra").status == 404)
        let post = try await httpRequest(port: port, method: "POST", path: "/metrics")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        let query = try await httpRequest(port: port, path: "/metrics?name=x")
        #expect(query.status == 200)
        let head = try await httpRequest(port: port, method: "HEAD", path: "/metrics")
        #expect(head.status == 200 && head.body.isEmpty)
        await server.stop()
    }

    @Test func aPortInUseIsAClearError() async throws {
        let exporter = MetricsExporter(logger: quietLogger)
        let first = MetricsServer(port: 0, exporter: exporter, logger: quietLogger)
        let port = try await first.start()
        let second = MetricsServer(port: port, exporter: exporter, logger: quietLogger)
        await #expect {
            try await second.start()
        } throws: { error in
            "\(error)".hasPrefix("cannot serve metrics on 127.0.0.1:\(port): ")
        }
        await first.stop()
    }
}
