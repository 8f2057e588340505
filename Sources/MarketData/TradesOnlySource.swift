/// Another source's trades only, as a price path: quotes, depth and clears are dropped, and
/// with ``dropsAggressor`` each trade's aggressor is forgotten.
///
/// The replay exchange quotes a recording of trades only at last -/+ 1 tick, which makes the
/// ladder exactly the study's in its profit identity. Without the aggressor a trade at one of
/// our prices fills it whichever side it came from, as the identity's "a touch fills" assumes.
public struct TradesOnlySource<Base: MarketDataSource>: MarketDataSource {
    public private(set) var base: Base
    /// Whether trades lose their aggressor side.
    public let dropsAggressor: Bool

    public init(_ base: Base, dropsAggressor: Bool = true) {
        self.base = base
        self.dropsAggressor = dropsAggressor
    }

    public var skipped: Int { base.skipped }
    public var bytesRead: Int64 { base.bytesRead }

    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        while let event = try base.next() {
            guard case let .trade(time, price, size, aggressor) = event else { continue }
            return .trade(time: time, price: price, size: size, aggressor: dropsAggressor ? nil : aggressor)
        }
        return nil
    }
}

/// `source`'s trades only (see ``TradesOnlySource``), for a source known only as
/// `any MarketDataSource`.
public func tradesOnly(_ source: any MarketDataSource, dropsAggressor: Bool = true) -> any MarketDataSource {
    func wrap<S: MarketDataSource>(_ s: S) -> any MarketDataSource { TradesOnlySource(s, dropsAggressor: dropsAggressor) }
    return wrap(source)
}
