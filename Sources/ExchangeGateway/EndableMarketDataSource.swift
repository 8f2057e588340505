import Exchange

/// A market-data source that can be ended early: once its ``Switch`` is off, `next()` returns
/// nil, so the replay ends as it does at the end of the data. Read and switched on the replay's
/// event loop only.
struct EndableMarketDataSource: MarketDataSource {
    /// Whether the source has been ended early; touched on the replay's event loop only.
    final class Switch: @unchecked Sendable {
        var ended = false
    }

    private var base: any MarketDataSource
    let control: Switch

    init(_ base: any MarketDataSource, control: Switch) {
        self.base = base
        self.control = control
    }

    mutating func next() throws(MarketDataError) -> MarketEvent? {
        control.ended ? nil : try base.next()
    }

    var skipped: Int { base.skipped }
}
