/// A messages-per-second limit: a token bucket of `burst` tokens refilled at `messagesPerSecond`,
/// kept as the generic cell rate algorithm (one integer, the theoretical arrival time), over
/// times in nanoseconds. No floating point, no allocation.
///
/// A message conforms at `now` when `now >= tat - (burst - 1) x interval`; sending it moves
/// `tat` to `max(tat, now) + interval`. So `burst` messages may go at once, then one per
/// `interval = 1e9 / messagesPerSecond` ns.
public struct MessageThrottle: Hashable, Sendable {
    /// Nanoseconds per message at the sustained rate (0: no limit).
    public let interval: Int64
    /// Messages that may go back to back.
    public let burst: Int64
    /// The theoretical arrival time of the next message; nil before the first.
    private var theoreticalArrival: Int64?

    /// A limit of `messagesPerSecond` sustained with bursts of `burst` (both at least 1).
    public init(messagesPerSecond: Int, burst: Int) {
        precondition(messagesPerSecond > 0 && burst > 0, "a throttle needs a positive rate and burst")
        interval = max(1, 1_000_000_000 / Int64(messagesPerSecond))
        self.burst = Int64(burst)
    }

    private init(unlimited: Void) {
        interval = 0
        burst = 1
    }

    /// No limit.
    public static let unlimited = MessageThrottle(unlimited: ())

    /// Whether one more message may go at `now` (nanoseconds).
    @inlinable
    public func allows(at now: Int64) -> Bool {
        guard interval > 0, let tat = theoreticalArrivalTime else { return true }
        let tolerance = (burst - 1).multipliedReportingOverflow(by: interval)
        guard !tolerance.overflow else { return true }
        let (earliest, overflow) = tat.subtractingReportingOverflow(tolerance.partialValue)
        return overflow || now >= earliest
    }

    /// Counts one message sent at `now` (whether or not it conformed: cancels are sent anyway and
    /// still use the venue's rate).
    public mutating func consume(at now: Int64) {
        guard interval > 0 else { return }
        let start = max(theoreticalArrival ?? now, now)
        let (next, overflow) = start.addingReportingOverflow(interval)
        theoreticalArrival = overflow ? .max : next
    }

    /// The theoretical arrival time, for ``allows(at:)``.
    @usableFromInline
    var theoreticalArrivalTime: Int64? { theoreticalArrival }
}
