import FIX

/// A ``SessionLog`` that keeps nothing.
public final class NullLog: SessionLog {
    public init() {}
    public func onIncoming(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {}
    public func onOutgoing(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {}
    public func onEvent(_ text: String, at time: UTCTimestamp) {}
}
