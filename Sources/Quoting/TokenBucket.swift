/// The state of a ``MessageBudget``: tokens in integer billionths of a message, refilled from a
/// nanosecond clock. No floating point: `elapsed ns x messages per second` is exactly the
/// billionths to add.
public struct TokenBucket: Hashable, Sendable {
    /// Billionths of a message per message.
    public static let unit: Int64 = 1_000_000_000

    /// Billionths of a message available; negative when requests that may not wait (cancels a
    /// risk check asked for) were sent beyond the budget: later requests wait for the debt.
    public private(set) var balance: Int64
    /// When the bucket was last refilled (ns); nil before the first refill.
    public private(set) var refilledAt: Int64?

    /// A full bucket for `budget`.
    public init(_ budget: MessageBudget) {
        balance = budget.burst * Self.unit
        refilledAt = nil
    }

    /// Adds what `budget` gives for the time since the last refill, up to its burst. The first
    /// call only starts the clock; a clock that goes back adds nothing.
    public mutating func refill(now: Int64, budget: MessageBudget) {
        let cap = budget.burst * Self.unit
        defer { refilledAt = max(refilledAt ?? now, now) }
        guard let last = refilledAt, now > last else {
            balance = min(balance, cap)
            return
        }
        // Beyond `fill` ns the bucket is full whatever it held, so cap the product.
        let fill = cap / budget.messagesPerSecond + 1
        let elapsed = min(now - last, fill)
        let (added, overflow) = elapsed.multipliedReportingOverflow(by: budget.messagesPerSecond)
        balance = overflow ? cap : min(cap, balance &+ added)
    }

    /// Whether one whole message is available.
    @inlinable
    public var canSend: Bool { balance >= Self.unit }

    /// Takes one message's token (the balance may go negative).
    public mutating func take() {
        balance -= Self.unit
    }

    /// Whole messages available now (0 when in debt).
    @inlinable
    public var available: Int64 { max(0, balance / Self.unit) }
}
