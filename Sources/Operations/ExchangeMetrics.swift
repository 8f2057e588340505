import Market
import ExchangeGateway
import Prometheus

/// The simulated exchange's metrics (`mm_exchange_*`), set from its figures.
public struct ExchangeMetrics: Sendable {
    static let sessions = MetricName("mm_exchange_sessions", "FIX sessions the exchange serves.")
    static let loggedOn = MetricName("mm_exchange_sessions_logged_on", "FIX sessions of the exchange logged on.")
    static let orders = MetricName("mm_exchange_orders_total", "NewOrderSingle messages the exchange received.")
    static let fills = MetricName("mm_exchange_fills_total", "Trades on the exchange (one per fill, whoever the parties).")
    static let rejects = MetricName("mm_exchange_rejects_total",
                                    "Requests the exchange rejected, by type: order (new orders), cancel_replace (cancels and replaces).")
    static let fees = MetricName("mm_exchange_fees", "Fees the exchange charged its sessions in the quote currency, gross (negative: rebates).")
    static let replayed = MetricName("mm_exchange_replayed_events_total", "Market events of the recording the exchange has replayed.")
    static let skipped = MetricName("mm_exchange_skipped_records_total", "Bad records of the recording skipped.")
    static let finished = MetricName("mm_exchange_replay_finished", "Whether the replay has ended (1) or not (0).")
    static let failed = MetricName("mm_exchange_replay_failed", "Whether the replay stopped at a bad record (1) or not (0).")

    private let registry: PrometheusCollectorRegistry

    /// The exchange's metrics, made in `registry` (every series, at zero).
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        update(ExchangeFigures())
    }

    /// Sets the metrics from `figures`.
    public func update(_ f: ExchangeFigures) {
        registry.gauge(Self.sessions).set(to: Double(f.sessions))
        registry.gauge(Self.loggedOn).set(to: Double(f.sessionsLoggedOn))
        registry.counter(Self.orders).set(total: f.orders)
        registry.counter(Self.fills).set(total: f.fills)
        registry.counter(Self.rejects, [("type", "order")]).set(total: f.rejects)
        registry.counter(Self.rejects, [("type", "cancel_replace")]).set(total: f.cancelRejects)
        registry.gauge(Self.fees).set(to: Double(f.fees) / Double(moneyPerUnit))
        registry.counter(Self.replayed).set(total: f.replayedEvents)
        registry.counter(Self.skipped).set(total: f.skippedRecords)
        registry.gauge(Self.finished).set(f.replayFinished)
        registry.gauge(Self.failed).set(f.replayFailed)
    }
}
