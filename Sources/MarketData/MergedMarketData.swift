import Market

/// One event of one of several instruments: the instrument's index (into the source's
/// instruments) and the event, in that instrument's ticks and lots.
public struct InstrumentEvent: Hashable, Sendable {
    public var instrument: Int
    public var event: MarketEvent

    public init(instrument: Int, event: MarketEvent) {
        self.instrument = instrument
        self.event = event
    }
}

/// A market of several instruments, read one event at a time.
public protocol MultiMarketDataSource {
    /// The instruments; an event's ``InstrumentEvent/instrument`` indexes this list.
    var instruments: [Instrument] { get }
    /// The next event of any instrument, in time order; nil at the end.
    mutating func next() throws(MarketDataError) -> InstrumentEvent?
    /// Bad records skipped so far, over every instrument.
    var skipped: Int { get }
    /// Bytes of the files read so far (0 for a generated market).
    var bytesRead: Int64 { get }
}

/// Several recordings, one an instrument, read as one market in time order (the BTCUSDT and
/// ETHUSDT captures of one day, say): the next event is the earliest of the events each source
/// would give next; on equal times, the source listed first goes first. Each source is read in its
/// own order, so a source whose times go back stays in its order, and the merge follows it.
///
/// It holds one event a source: memory does not grow with the files.
public struct MergedMarketData: MultiMarketDataSource {
    public let instruments: [Instrument]
    private var sources: [any MarketDataSource]
    /// The next event of each source; nil once it has ended (or before the first read).
    private var pending: [MarketEvent?]
    private var primed = false

    /// Merges `markets`, one an instrument; symbols must differ.
    public init(_ markets: [(instrument: Instrument, source: any MarketDataSource)]) {
        precondition(!markets.isEmpty, "a merged market needs at least one source")
        precondition(Set(markets.map(\.instrument.symbol)).count == markets.count, "one source an instrument")
        instruments = markets.map(\.instrument)
        sources = markets.map(\.source)
        pending = Array(repeating: nil, count: markets.count)
    }

    public mutating func next() throws(MarketDataError) -> InstrumentEvent? {
        if !primed {
            primed = true
            for i in sources.indices { pending[i] = try sources[i].next() }
        }
        var earliest = -1
        var time = Int64.max
        for i in pending.indices {
            if let event = pending[i], earliest < 0 || event.time < time {
                earliest = i
                time = event.time
            }
        }
        guard earliest >= 0, let event = pending[earliest] else { return nil }
        pending[earliest] = try sources[earliest].next()
        return InstrumentEvent(instrument: earliest, event: event)
    }

    public var skipped: Int { sources.reduce(0) { $0 + $1.skipped } }
    public var bytesRead: Int64 { sources.reduce(0) { $0 + $1.bytesRead } }
}

/// One instrument's market as a market of one instrument among several (index 0).
public struct SingleInstrumentMarket: MultiMarketDataSource {
    public let instruments: [Instrument]
    private var source: any MarketDataSource

    public init(instrument: Instrument, source: any MarketDataSource) {
        instruments = [instrument]
        self.source = source
    }

    public mutating func next() throws(MarketDataError) -> InstrumentEvent? {
        try source.next().map { InstrumentEvent(instrument: 0, event: $0) }
    }

    public var skipped: Int { source.skipped }
    public var bytesRead: Int64 { source.bytesRead }
}

/// A market of several instruments that can be ended early, as ``EndableMarketDataSource``.
public struct EndableMultiMarketData: MultiMarketDataSource {
    private var base: any MultiMarketDataSource
    public let control: EndableMarketDataSource.Switch

    public init(_ base: any MultiMarketDataSource, control: EndableMarketDataSource.Switch) {
        self.base = base
        self.control = control
    }

    public var instruments: [Instrument] { base.instruments }

    public mutating func next() throws(MarketDataError) -> InstrumentEvent? {
        control.ended ? nil : try base.next()
    }

    public var skipped: Int { base.skipped }
    public var bytesRead: Int64 { base.bytesRead }
}
