import Exchange

/// The market maker trading on an in-process venue: each recorded event is applied to the
/// venue, the reports it causes go to the market maker, the commands that come back go to the
/// venue, until it settles; then the market maker sees the new best prices.
public struct InProcessRun<V: Venue & Sendable>: Sendable {
    public private(set) var maker: MarketMaker
    public private(set) var venue: InProcessVenue<V>
    private var updates: [ExecutionUpdate] = []
    private var commands: [VenueCommand] = []

    public init(maker: MarketMaker, venue: InProcessVenue<V>) {
        self.maker = maker
        self.venue = venue
    }

    /// The best bid and ask the venue shows.
    public var quotes: (bid: Int64?, ask: Int64?) {
        (venue.venue.depth(book: venue.book, side: .buy, levels: 1).first?.price,
         venue.venue.depth(book: venue.book, side: .sell, levels: 1).first?.price)
    }

    /// Changes the venue (`body` applies a recorded event), then lets the market maker react.
    public mutating func step(now: Int64, _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        updates.removeAll(keepingCapacity: true)
        venue.drive(into: &updates, body)
        settle(now: now)
        let (bid, ask) = quotes
        commands.removeAll(keepingCapacity: true)
        maker.marketChanged(bestBid: bid, bestAsk: ask, now: now, into: &commands)
        flush(now: now)
    }

    /// Cancels everything (the end of a run) and settles.
    public mutating func finish(now: Int64) {
        commands.removeAll(keepingCapacity: true)
        maker.cancelAll(now: now, into: &commands)
        flush(now: now)
    }

    /// Sends the pending commands and feeds the answers back until nothing is left.
    private mutating func flush(now: Int64) {
        while !commands.isEmpty {
            let batch = commands
            commands.removeAll(keepingCapacity: true)
            updates.removeAll(keepingCapacity: true)
            for c in batch { venue.send(c, into: &updates) }
            settle(now: now)
        }
    }

    /// Feeds the pending reports to the market maker, collecting its commands.
    private mutating func settle(now: Int64) {
        var i = 0
        while i < updates.count {
            maker.execution(updates[i], now: now, into: &commands)
            i += 1
        }
        updates.removeAll(keepingCapacity: true)
        if !commands.isEmpty { flush(now: now) }
    }
}
