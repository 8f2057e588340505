import Prometheus

/// The metrics of FIX sessions, one series per session (label `session`, `SENDER->TARGET`):
/// whether it is logged on, and the messages it received and sent.
public struct FIXSessionMetrics: Sendable {
    static let loggedOn = MetricName("mm_fix_session_logged_on", "Whether the FIX session is logged on (1) or not (0).")
    static let connected = MetricName("mm_fix_session_connected", "Whether the FIX session has a connection (1) or not (0).")
    static let received = MetricName("mm_fix_messages_received_total", "FIX messages received by the session, admin messages included.")
    static let sent = MetricName("mm_fix_messages_sent_total", "FIX messages written by the session, admin messages and resends included.")
    static let skipped = MetricName("mm_fix_skipped_writes_total",
                                    "FIX messages held back because the peer was not reading (they are resent on request).")
    static let pauses = MetricName("mm_fix_inbound_pauses_total",
                                   "Times the session stopped reading because the peer sent faster than it processed.")

    private let registry: PrometheusCollectorRegistry

    /// The metrics of sessions, made in `registry` as sessions are first seen.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets the metrics of each session from its figures.
    public func update(_ sessions: [FIXSessionFigures]) {
        for s in sessions {
            let labels = [("session", s.session)]
            registry.gauge(Self.loggedOn, labels).set(s.loggedOn)
            registry.gauge(Self.connected, labels).set(s.connected)
            registry.counter(Self.received, labels).set(total: s.messagesReceived)
            registry.counter(Self.sent, labels).set(total: s.messagesSent)
            registry.counter(Self.skipped, labels).set(total: s.skippedWrites)
            registry.counter(Self.pauses, labels).set(total: s.inboundPauses)
        }
    }
}
