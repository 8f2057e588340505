import Market
/// What the simulated exchange has done so far, read at one instant on its event loop (see
/// ``ExchangeService/figures()``): for status lines and metrics.
public struct ExchangeFigures: Sendable, Equatable {
    /// Sessions logged on now, and sessions configured.
    public var sessionsLoggedOn: Int
    public var sessions: Int
    /// NewOrderSingle messages received.
    public var orders: Int
    /// Trades (one per fill, whoever the parties).
    public var fills: Int
    /// Orders rejected.
    public var rejects: Int
    /// Cancels and replaces rejected.
    public var cancelRejects: Int
    /// Fees charged to the sessions (gross; negative for rebates), in 10^-8 currency units.
    public var fees: Money
    /// Market events the replay has applied (0 without a replay).
    public var replayedEvents: Int
    /// Bad records of the recording skipped (with `--skip-bad`).
    public var skippedRecords: Int
    /// Whether the replay has ended (or failed), whether it failed, and whether it was ended
    /// before the end of the data (``ExchangeService/endReplay()``).
    public var replayFinished: Bool
    public var replayFailed: Bool
    public var replayEndedEarly: Bool

    public init(sessionsLoggedOn: Int = 0, sessions: Int = 0, orders: Int = 0, fills: Int = 0, rejects: Int = 0,
                cancelRejects: Int = 0, fees: Money = 0, replayedEvents: Int = 0, skippedRecords: Int = 0,
                replayFinished: Bool = false, replayFailed: Bool = false, replayEndedEarly: Bool = false) {
        self.sessionsLoggedOn = sessionsLoggedOn
        self.sessions = sessions
        self.orders = orders
        self.fills = fills
        self.rejects = rejects
        self.cancelRejects = cancelRejects
        self.fees = fees
        self.replayedEvents = replayedEvents
        self.skippedRecords = skippedRecords
        self.replayFinished = replayFinished
        self.replayFailed = replayFailed
        self.replayEndedEarly = replayEndedEarly
    }
}
