import Market
// Trades from CSV: `timestamp,price,size[,side]`, optional header, optionally gzip-compressed
// (.gz). Each row -> one `.trade`. See ``TradesCSVSource``.

/// Reads trades from CSV, in constant memory.
///
/// **Format.** One trade a line, 3 or 4 comma-separated fields:
///
///     timestamp,price,size[,side]
///
/// - `timestamp`: `YYYY-MM-DD HH:MM:SS[.fraction]` or `YYYY-MM-DDTHH:MM:SS[.fraction]` (UTC,
///   optional trailing `Z`, 1 to 9 fraction digits), or integer nanoseconds since the epoch.
/// - `price`: positive, a multiple of the tick size.
/// - `size`: positive, a multiple of the lot size.
/// - `side` (optional, may be empty): the aggressor, `buy`, `sell`, `B` or `S` in any case;
///   without it the aggressor is unknown.
///
/// The first line is a header, and skipped, when its second field is not empty and not a
/// number. Blank lines are skipped. Fields may be padded with spaces or enclosed in double
/// quotes. A file whose name ends with `.gz` is inflated on the fly.
///
/// Each row gives `.trade(time, price, size, aggressor)`. A bad record throws a
/// ``MarketDataError`` naming the file, the line and the reason, or with `skipBad` is skipped
/// and counted in ``skipped``. The source shares its open file with its copies.
public struct TradesCSVSource: MarketDataSource {
    public let instrument: Instrument
    /// Whether bad records are skipped (and counted) rather than thrown.
    public var skipBad: Bool { records.skipBad }
    public var skipped: Int { records.skipped }
    /// The 1-based number of the last line read (0 before the first).
    public var lineNumber: Int { records.lineNumber }

    private var records: CSVRecords
    public var bytesRead: Int64 { records.bytesRead }
    /// The fields of the current record.
    private var fields: CSVFields { records.fields }

    private static let labels = ["timestamp", "price", "size", "side"]

    /// Opens `path` (inflated on the fly when it ends with `.gz`).
    public init(path: String, instrument: Instrument, skipBad: Bool = false) throws(MarketDataError) {
        self.instrument = instrument
        records = try CSVRecords(path: path, skipBad: skipBad)
    }

    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        while let line = try records.nextLine() {
            // A plain, good row is read in place; any other line the general way, which gives
            // the same event or names what is wrong with it.
            if let trade = Self.plainRow(line, instrument) {
                records.tookRecord()
                return trade
            }
            guard records.split(line) else { continue }
            do {
                return try readRow()
            } catch {
                try records.reject(error)
            }
        }
        return nil
    }

    /// The trade of a plain line (see ``CSVRowScanner``); nil when the line needs the general
    /// reading (padding, quotes, other timestamps, a bad or non-positive value, not 3 or 4
    /// fields).
    @inline(__always)
    private static func plainRow(_ line: ByteField, _ instrument: Instrument) -> MarketEvent? {
        var scanner = CSVRowScanner(line)
        guard let time = scanner.timestamp(), scanner.hasMore,
              case .steps(let price) = scanner.decimal(instrument.tickSize), price > 0, scanner.hasMore,
              case .steps(let size) = scanner.decimal(instrument.lotSize), size > 0
        else { return nil }
        var aggressor: Side?
        if scanner.hasMore {
            guard let s = scanner.word(), scanner.isAtEnd else { return nil }
            if s.equalsIgnoringCase("buy") || s.equalsIgnoringCase("b") {
                aggressor = .buy
            } else if s.equalsIgnoringCase("sell") || s.equalsIgnoringCase("s") {
                aggressor = .sell
            } else if !s.isEmpty {
                return nil
            }
        } else if !scanner.isAtEnd {
            return nil
        }
        return .trade(time: time, price: price, size: size, aggressor: aggressor)
    }

    private func label(_ i: Int) -> String { "field \(i + 1) (\(Self.labels[i]))" }

    private func readRow() throws(BadRecord) -> MarketEvent {
        guard fields.count == 3 || fields.count == 4 else {
            throw BadRecord("expected 3 or 4 fields (timestamp,price,size[,side]), got \(fields.count)")
        }
        guard let time = TimestampText.nanoseconds(fields[0]) else {
            throw BadRecord("\(label(0)): \(TimestampText.expected), got '\(fields[0].text)'")
        }
        let price = try fields[1].ticks(instrument, label(1))
        guard price > 0 else { throw BadRecord("\(label(1)): \(fields[1].text) is not positive") }
        let size = try fields[2].lots(instrument, label(2))
        guard size > 0 else { throw BadRecord("\(label(2)): \(fields[2].text) is not positive") }
        var aggressor: Side?
        if fields.count == 4 {
            let s = fields[3]
            if s.equalsIgnoringCase("buy") || s.equalsIgnoringCase("b") {
                aggressor = .buy
            } else if s.equalsIgnoringCase("sell") || s.equalsIgnoringCase("s") {
                aggressor = .sell
            } else if !s.isEmpty {
                throw BadRecord("\(label(3)): expected buy, sell, B or S, got '\(s.text)'")
            }
        }
        return .trade(time: time, price: price, size: size, aggressor: aggressor)
    }
}
