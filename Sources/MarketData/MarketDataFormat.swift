import Market
// The market-data formats the engine reads, by name, and the factory that opens a source for one.

/// A market-data format, named as on the command line.
public enum MarketDataFormat: String, CaseIterable, Sendable {
    /// Level-1 snapshots, CSV `timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume`
    /// (``L1SnapshotCSVSource``).
    case l1csv
    /// Trades, CSV `timestamp,price,size[,side]` (``TradesCSVSource``).
    case trades
    /// A Binance stream capture, `<receive ns> <JSON>` a line (``BinanceCaptureSource``).
    case binance
    /// The engine's binary event file, written by `mm convert` (``EventFileSource``): the
    /// fastest to replay; its header names the instrument.
    case events
    /// The seeded synthetic market with its default parameters, for the given instrument
    /// (``SyntheticMarket``); needs no file.
    case synthetic
    /// The seeded large-tick market of the queue-reactive model, for the given instrument
    /// (``QueueReactiveMarket``); needs no file.
    case queueReactive = "queue-reactive"

    /// Whether the market is generated (no file).
    public var isGenerated: Bool { self == .synthetic || self == .queueReactive }
}

/// Opens a source of `format` for `path` (inflated on the fly when it ends with `.gz`), reading
/// prices and sizes in ticks and lots of `instrument`; with `skipBad` bad records are skipped
/// and counted rather than thrown. `.synthetic` and `.queueReactive` ignore `path` and `skipBad`
/// and generate their market's default parameters for `instrument`. A file that cannot be opened throws
/// `MarketDataError(.cannotOpen, path, line 0, "cannot open: <reason>")`.
public func makeMarketDataSource(format: MarketDataFormat, path: String, instrument: Instrument,
                                 skipBad: Bool = false) throws(MarketDataError) -> any MarketDataSource {
    switch format {
    case .l1csv:
        try L1SnapshotCSVSource(path: path, instrument: instrument, skipBad: skipBad)
    case .trades:
        try TradesCSVSource(path: path, instrument: instrument, skipBad: skipBad)
    case .binance:
        try BinanceCaptureSource(path: path, instrument: instrument, skipBad: skipBad)
    case .events:
        try EventFileSource(path: path, instrument: instrument, skipBad: skipBad)
    case .synthetic:
        SyntheticMarket(SyntheticMarket.Parameters(instrument: instrument))
    case .queueReactive:
        QueueReactiveMarket(QueueReactiveMarket.Parameters(instrument: instrument))
    }
}
