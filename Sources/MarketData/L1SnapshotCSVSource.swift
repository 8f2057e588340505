import Market
// Level-1 snapshot ticks (as Chinese futures exchanges publish them, twice a second) from CSV:
// `timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume`, optional header, optionally
// gzip-compressed (.gz). Each row -> a `.trade` for the volume traded since the previous row
// (when any), then a `.quote`. See ``L1SnapshotCSVSource`` for the rules.

/// Reads level-1 snapshots from CSV into quotes and the trades implied by the cumulative
/// volume, in constant memory.
///
/// **Format.** One snapshot a line, 7 comma-separated fields:
///
///     timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume
///
/// - `timestamp`: `YYYY-MM-DD HH:MM:SS[.fraction]` or `YYYY-MM-DDTHH:MM:SS[.fraction]` (UTC,
///   optional trailing `Z`, 1 to 9 fraction digits), or integer nanoseconds since the epoch.
/// - `bid`, `ask`: prices, multiples of the tick size; empty or 0 means that side is empty (its
///   size is then taken as 0); negative is a bad record.
/// - `bid_size`, `ask_size`: multiples of the lot size, not negative; empty means 0.
/// - `last`: the last trade price (empty or 0: none yet).
/// - `cumulative_volume`: the volume traded so far in the trading day, in the instrument's
///   quantity unit (a multiple of the lot size).
///
/// The first line is a header, and skipped, when its second field is not empty and not a
/// number. Blank lines are skipped. Fields may be padded with spaces or enclosed in double
/// quotes. A file whose name ends with `.gz` is inflated on the fly.
///
/// **Events.** Every row gives one `.quote(time, bid, bidSize, ask, askSize)`; a crossed or
/// locked quote (bid >= ask) is a bad record. When the cumulative volume rose since the previous
/// row by `delta` lots, a `.trade(time, price: last, size: delta, aggressor: nil)` comes just
/// before the quote (a rise with no last price is a bad record). The first row only sets the
/// volume (the volume before the file is unknown).
///
/// **Trading days.** The cumulative volume restarts with each trading day, so a fall is
/// accepted as the start of a new trading day when the row's date (UTC) differs from the
/// previous row's, or when at least `newTradingDayGap` (default one hour) has passed since the
/// previous row — which also covers night sessions that open a new trading day in the evening of
/// the same calendar date (21:00 on Chinese futures exchanges). That row then only sets the
/// volume, like the first. A fall without either is a bad record. A rise is always a trade, so
/// the volume traded across midnight in a night session counts.
///
/// A bad record throws a ``MarketDataError`` naming the file, the line and the reason, or with
/// `skipBad` is skipped (counted in ``skipped``) and leaves the volume where it was. The source
/// shares its open file with its copies.
public struct L1SnapshotCSVSource: MarketDataSource {
    public let instrument: Instrument
    /// Whether bad records are skipped (and counted) rather than thrown.
    public var skipBad: Bool { records.skipBad }
    /// A fall in the cumulative volume after this long (ns) without a row starts a new day.
    public let newTradingDayGap: Int64
    public var skipped: Int { records.skipped }
    /// The 1-based number of the last line read (0 before the first).
    public var lineNumber: Int { records.lineNumber }

    private var records: CSVRecords
    public var bytesRead: Int64 { records.bytesRead }
    /// The fields of the current record.
    private var fields: CSVFields { records.fields }
    /// The quote of a row whose trade was just returned.
    private var pendingQuote: MarketEvent?
    /// The previous good row: its time and cumulative volume (lots).
    private var previous: (time: Int64, volume: Int64)?

    private static let labels = ["timestamp", "bid", "bid size", "ask", "ask size", "last", "cumulative volume"]

    /// Opens `path` (inflated on the fly when it ends with `.gz`).
    public init(path: String, instrument: Instrument, skipBad: Bool = false,
                newTradingDayGap: Int64 = 3_600_000_000_000) throws(MarketDataError) {
        self.instrument = instrument
        self.newTradingDayGap = newTradingDayGap
        records = try CSVRecords(path: path, skipBad: skipBad)
    }

    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        if let q = pendingQuote {
            pendingQuote = nil
            return q
        }
        while let line = try records.nextLine() {
            // A plain, good row is read in place; any other line the general way, which gives
            // the same events or names what is wrong with it.
            if let row = Self.plainRow(line, instrument), case .ok(let trade) = check(row) {
                records.tookRecord()
                return emit(row, trade: trade)
            }
            guard records.split(line) else { continue }
            do throws(BadRecord) {
                let row = try readRow()
                switch check(row) {
                case .ok(let trade):
                    return emit(row, trade: trade)
                case .crossed:
                    throw BadRecord("crossed quote: bid \(fields[1].text) is not below ask \(fields[3].text)")
                case .riseWithoutLast(let rise):
                    throw BadRecord("\(label(5)): the volume rose by \(rise) lots but there is no last price")
                case .fellWithinDay(let from):
                    throw BadRecord("\(label(6)): fell from \(instrument.lotSize.text(ofSteps: from)) to \(fields[6].text) within a trading day")
                }
            } catch {
                try records.reject(error)
            }
        }
        return nil
    }

    /// One row's values: prices in ticks (nil: none), sizes and volume in lots.
    private struct Row {
        var time: Int64
        var bid: Int64?
        var bidSize: Int64
        var ask: Int64?
        var askSize: Int64
        var last: Int64?
        var volume: Int64
    }

    /// What a row's values say given the previous row: the size of the trade it implies (0:
    /// none), or why it is bad.
    private enum Check {
        case ok(trade: Int64)
        case crossed
        case riseWithoutLast(Int64)
        case fellWithinDay(from: Int64)
    }

    @inline(__always)
    private func check(_ row: Row) -> Check {
        if let bid = row.bid, let ask = row.ask, bid >= ask { return .crossed }
        guard let previous else { return .ok(trade: 0) }
        if row.volume > previous.volume {
            guard row.last != nil else { return .riseWithoutLast(row.volume - previous.volume) }
            return .ok(trade: row.volume - previous.volume)
        }
        if row.volume < previous.volume {
            let newDay = Period.day(of: row.time) != Period.day(of: previous.time)
                || row.time - previous.time >= newTradingDayGap
            guard newDay else { return .fellWithinDay(from: previous.volume) }
        }
        return .ok(trade: 0)
    }

    /// Takes a good row: its trade (when the volume rose), then its quote.
    @inline(__always)
    private mutating func emit(_ row: Row, trade: Int64) -> MarketEvent {
        previous = (row.time, row.volume)
        let quote = MarketEvent.quote(time: row.time, bid: row.bid, bidSize: row.bid == nil ? 0 : row.bidSize,
                                      ask: row.ask, askSize: row.ask == nil ? 0 : row.askSize)
        guard trade > 0, let last = row.last else { return quote }
        pendingQuote = quote
        return .trade(time: row.time, price: last, size: trade, aggressor: nil)
    }

    /// The row of a plain line (see ``CSVRowScanner``); nil when the line needs the general
    /// reading (padding, quotes, signs, other timestamps, a bad value, not 7 fields).
    @inline(__always)
    private static func plainRow(_ line: ByteField, _ instrument: Instrument) -> Row? {
        var scanner = CSVRowScanner(line)
        guard let time = scanner.timestamp(), scanner.hasMore,
              let bid = scanner.decimal(instrument.tickSize), scanner.hasMore,
              let bidSize = scanner.decimal(instrument.lotSize), scanner.hasMore,
              let ask = scanner.decimal(instrument.tickSize), scanner.hasMore,
              let askSize = scanner.decimal(instrument.lotSize), scanner.hasMore,
              let last = scanner.decimal(instrument.tickSize), scanner.hasMore,
              case .steps(let volume) = scanner.decimal(instrument.lotSize), scanner.isAtEnd
        else { return nil }
        return Row(time: time, bid: price(bid), bidSize: size(bidSize), ask: price(ask), askSize: size(askSize),
                   last: price(last), volume: volume)
    }

    /// A price field: empty or 0 is no price.
    @inline(__always)
    private static func price(_ value: CSVRowScanner.Value) -> Int64? {
        if case .steps(let t) = value, t != 0 { return t }
        return nil
    }

    /// A size field: empty is 0.
    @inline(__always)
    private static func size(_ value: CSVRowScanner.Value) -> Int64 {
        if case .steps(let l) = value { return l }
        return 0
    }

    private func label(_ i: Int) -> String { "field \(i + 1) (\(Self.labels[i]))" }

    /// A price of field `i`: nil when empty or 0.
    private func optionalPrice(_ i: Int) throws(BadRecord) -> Int64? {
        let f = fields[i]
        if f.isEmpty { return nil }
        let t = try f.ticks(instrument, label(i))
        guard t >= 0 else { throw BadRecord("\(label(i)): \(f.text) is negative") }
        return t == 0 ? nil : t
    }

    private func size(_ i: Int) throws(BadRecord) -> Int64 {
        let f = fields[i]
        return f.isEmpty ? 0 : try f.lots(instrument, label(i))
    }

    /// The values of the current record's fields, read the general way.
    private func readRow() throws(BadRecord) -> Row {
        guard fields.count == 7 else {
            throw BadRecord("expected 7 fields (timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume), got \(fields.count)")
        }
        guard let time = TimestampText.nanoseconds(fields[0]) else {
            throw BadRecord("\(label(0)): \(TimestampText.expected), got '\(fields[0].text)'")
        }
        let bid = try optionalPrice(1)
        let bidSize = try size(2)
        let ask = try optionalPrice(3)
        let askSize = try size(4)
        if let bid, let ask, bid >= ask {
            throw BadRecord("crossed quote: bid \(fields[1].text) is not below ask \(fields[3].text)")
        }
        let last = try optionalPrice(5)
        guard !fields[6].isEmpty else { throw BadRecord("\(label(6)): missing") }
        let volume = try fields[6].lots(instrument, label(6))
        return Row(time: time, bid: bid, bidSize: bidSize, ask: ask, askSize: askSize, last: last, volume: volume)
    }
}
