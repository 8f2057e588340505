import NIOCore

/// An attempt of a ``FIXInitiator`` to connect that failed before its session could start:
/// where it tried to connect, what failed and why.
public struct FIXConnectionFailure: Sendable, CustomStringConvertible {
    /// What failed.
    public enum Stage: String, Sendable {
        /// The connection could not be made (refused, timed out, a host name not found).
        case connect = "connection"
        /// The connection was made, and its TLS handshake failed.
        case tls = "TLS handshake"
    }

    public var host: String
    public var port: Int
    public var stage: Stage
    /// Why, in words: the system's reason, or for TLS what was wrong with the certificate.
    public var reason: String
    /// Attempts that have failed in a row, this one included.
    public var failures: Int
    /// When the initiator tries again; nil when it has been stopped.
    public var retryIn: TimeAmount?

    public init(host: String, port: Int, stage: Stage, reason: String, failures: Int, retryIn: TimeAmount?) {
        self.host = host
        self.port = port
        self.stage = stage
        self.reason = reason
        self.failures = failures
        self.retryIn = retryIn
    }

    /// `host:port`.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { "\(stage.rawValue) to \(address) failed: \(reason)" }
}
