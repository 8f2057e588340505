import Exchange

/// Market events held in memory, replayed in order: for tests, benchmarks and generated data.
public struct MarketEventArraySource: MarketDataSource, Sendable {
    public let events: [MarketEvent]
    private var index = 0

    public init(_ events: [MarketEvent]) {
        self.events = events
    }

    public var skipped: Int { 0 }

    public mutating func next() -> MarketEvent? {
        guard index < events.count else { return nil }
        index += 1
        return events[index - 1]
    }
}
