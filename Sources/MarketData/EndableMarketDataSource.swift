/// A market-data source that can be ended early: once its ``Switch`` is off, `next()` returns
/// nil, so the replay ends as it does at the end of the data. Read and switched on the replay's
/// event loop only.
public struct EndableMarketDataSource: MarketDataSource {
    /// Whether the source has been ended early; touched on the replay's event loop only.
    public final class Switch: @unchecked Sendable {
        public var ended = false
        public init() {}
    }

    private var base: any MarketDataSource
    public let control: Switch

    public init(_ base: any MarketDataSource, control: Switch) {
        self.base = base
        self.control = control
    }

    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        control.ended ? nil : try base.next()
    }

    public var skipped: Int { base.skipped }
    public var bytesRead: Int64 { base.bytesRead }
}
