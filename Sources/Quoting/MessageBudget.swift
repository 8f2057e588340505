/// A limit on the rate of requests the quoter sends: a token bucket that holds up to `burst`
/// messages and refills at `messagesPerSecond`. Each intent takes one token.
public struct MessageBudget: Hashable, Sendable {
    /// Tokens added per second.
    public var messagesPerSecond: Int64
    /// The most tokens the bucket holds, and what it holds at the start.
    public var burst: Int64

    /// A budget of `messagesPerSecond`, with up to `burst` at once.
    public init(messagesPerSecond: Int64, burst: Int64) {
        precondition(messagesPerSecond > 0, "the rate is positive")
        precondition(burst >= 1 && burst <= 1_000_000_000, "the burst is between 1 and 10^9")
        self.messagesPerSecond = messagesPerSecond
        self.burst = burst
    }
}
