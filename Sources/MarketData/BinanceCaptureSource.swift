import Market
// Binance market-data captures: one event a line, `<receive time, ns since the epoch> <JSON>`,
// optionally gzip-compressed (.gz). The JSON is a combined-stream message
// `{"stream":NAME,"data":{...}}` (or the bare data object) with data.e = bookTicker, trade,
// aggTrade or depthUpdate, or a REST depth snapshot `{"lastUpdateId":..,"E":..,"T":..,"bids":[..],
// "asks":[..]}`. See ``BinanceCaptureSource`` for the mapping to market events.

/// Reads a capture of Binance market-data streams (the layout of USD-M futures and spot
/// combined streams as recorded by hftbacktest-style collectors) into market events, in
/// constant memory.
///
/// **Format.** Text, one record a line, gzip-compressed when the name ends with `.gz`:
///
///     <local receive time, integer ns since the epoch> <JSON>
///
/// The receive time may be left out (the line then starts with `{`). The JSON is
/// `{"stream": NAME, "data": EVENT}` or the bare `EVENT`, one of:
/// - `{"e":"bookTicker","b":BID,"B":BIDQTY,"a":ASK,"A":ASKQTY,"E":ms,...}` -> one `.quote`
///   (a price of 0 leaves that side empty; a crossed quote, bid >= ask, is a bad record). A
///   message without `e` whose stream name ends with `@bookTicker` (spot) is read the same way.
/// - `{"e":"trade","p":PRICE,"q":QTY,"m":BUYER_IS_MAKER,"E":ms,...}` (or `aggTrade`) -> one
///   `.trade`; `m` true means the buyer was the maker, so the aggressor was the seller
///   (`.sell`); `m` false -> `.buy`; no `m` -> aggressor unknown.
/// - `{"e":"depthUpdate","b":[[PRICE,QTY],...],"a":[[PRICE,QTY],...],"E":ms,...}` -> one `.depth`
///   per entry, bids (`.buy`) first, then asks (`.sell`), each in the order given; a quantity of
///   0 means the level is gone (size 0).
/// - a depth snapshot `{"lastUpdateId":ID,"E":ms,"T":ms,"bids":[[PRICE,QTY],...],"asks":[...]}`
///   -> `.clear`, then one `.depth` per bid, then per ask.
///
/// Prices and quantities are decimal strings (bare JSON numbers are accepted too), converted
/// exactly to ticks and lots of the instrument: a price off the tick, a quantity not a multiple
/// of the lot, a negative price or quantity, or a zero trade or level price is a bad record.
/// Events of another type (`e` not one of the above) are ignored silently; a line that is not
/// well-formed JSON, or lacks a field an event needs, is a bad record, as is a line whose
/// receive time is not an integer. Other keys (`s`, `T`, `U`, `u`, `pu`, `X`, ...) are not read:
/// the symbol is not checked against the instrument. Blank lines are skipped.
///
/// **Time.** With ``TimeBase/event`` (the default) an event's time is the exchange's event
/// time `E` (milliseconds) in nanoseconds, or the line's receive time when the message has no
/// `E`; with ``TimeBase/receive`` it is the receive time (or `E` when the line has none). Every
/// event of one line has the same time and keeps the line's order. In the Binance futures
/// captures `E` never decreases within one stream, but the streams are interleaved in receive
/// order, so from one line to the next `E` may step back by some milliseconds (up to 66 ms in
/// the BTCUSDT sample), and a REST snapshot's `E` is a little earlier than that of the depth
/// updates received just before it; receive times never decrease.
///
/// The source shares its open file with its copies.
public struct BinanceCaptureSource: MarketDataSource {
    /// Which clock stamps the events.
    public enum TimeBase: Hashable, Sendable {
        /// The exchange's event time `E`.
        case event
        /// The local receive time at the start of the line.
        case receive
    }

    public let instrument: Instrument
    public let skipBad: Bool
    public let timeBase: TimeBase
    public private(set) var skipped = 0
    /// The 1-based number of the last line read (0 before the first).
    public var lineNumber: Int { reader.lineNumber }

    private let reader: LineReader
    public var bytesRead: Int64 { reader.bytesRead }
    /// The events of the current line not yet returned.
    private var pending: ContiguousArray<MarketEvent> = []
    private var pendingIndex = 0

    /// Opens a capture; `path` ending with `.gz` is inflated on the fly.
    public init(path: String, instrument: Instrument, skipBad: Bool = false, timeBase: TimeBase = .event) throws(MarketDataError) {
        self.instrument = instrument
        self.skipBad = skipBad
        self.timeBase = timeBase
        reader = try LineReader(path: path)
        pending.reserveCapacity(4096)
    }

    /// The instrument of a Binance symbol this source knows: `BTCUSDT` (tick 0.1, lot 0.001)
    /// and `ETHUSDT` (tick 0.01, lot 0.001), in any case; nil for others.
    public static func instrument(for symbol: String) -> Instrument? {
        switch symbol.uppercased() {
        case "BTCUSDT":
            Instrument(symbol: "BTCUSDT", tickSize: DecimalStep(units: 1, scale: 1), lotSize: DecimalStep(units: 1, scale: 3))
        case "ETHUSDT":
            Instrument(symbol: "ETHUSDT", tickSize: DecimalStep(units: 1, scale: 2), lotSize: DecimalStep(units: 1, scale: 3))
        default:
            nil
        }
    }

    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        while true {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            guard let line = try reader.nextLine() else { return nil }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if line.trimmed().isEmpty { continue }
            do {
                try read(line)
            } catch {
                pending.removeAll(keepingCapacity: true)
                if skipBad {
                    skipped += 1
                    continue
                }
                throw MarketDataError(.badRecord, path: reader.path, line: reader.lineNumber, reason: error.reason)
            }
        }
    }

    // MARK: - One line

    /// The values of the keys the source reads, as raw JSON bytes.
    private struct Fields {
        var e: ByteField?
        var E: ByteField?
        var b: ByteField?
        var B: ByteField?
        var a: ByteField?
        var A: ByteField?
        var p: ByteField?
        var q: ByteField?
        var m: ByteField?
        var bids: ByteField?
        var asks: ByteField?
        var stream: ByteField?
        var hasData = false

        @inline(__always)
        mutating func record(_ key: ByteField, _ value: ByteField) {
            if key.count == 1 {
                switch key[0] {
                case UInt8(ascii: "e"): e = value
                case UInt8(ascii: "E"): E = value
                case UInt8(ascii: "b"): b = value
                case UInt8(ascii: "B"): B = value
                case UInt8(ascii: "a"): a = value
                case UInt8(ascii: "A"): A = value
                case UInt8(ascii: "p"): p = value
                case UInt8(ascii: "q"): q = value
                case UInt8(ascii: "m"): m = value
                default: break
                }
            } else if key.equals("bids") {
                bids = value
            } else if key.equals("asks") {
                asks = value
            } else if key.equals("stream") {
                stream = value
            }
        }
    }

    /// Reads one line's events into `pending`.
    private mutating func read(_ line: ByteField) throws(BadRecord) {
        // The receive time, when the line starts with one.
        var receive: Int64?
        var json = line
        var prefix = 0
        if line.count > 0 && line[0] &- UInt8(ascii: "0") < 10 {
            var n = 0
            while n < line.count && line[n] != 0x20 && line[n] != 0x09 { n += 1 }
            let field = ByteField(base: line.base, count: n)
            guard let t = field.unsignedInteger() else {
                throw BadRecord("receive time: expected integer nanoseconds, got '\(field.text)'")
            }
            receive = t
            json = ByteField(base: line.base + n, count: line.count - n)
            prefix = n
        }

        var scanner = JSONScanner(json, offset: prefix)
        var top = Fields()
        var data = Fields()
        try scanObject(&scanner, into: &top, data: &data)
        try scanner.expectEnd()
        let event = top.hasData ? data : top

        let time = try eventTime(event, receive: receive)
        if let e = event.e {
            let kind = e.unquoted()
            if kind.equals("bookTicker") {
                try readQuote(event, time)
            } else if kind.equals("trade") || kind.equals("aggTrade") {
                try readTrade(event, time)
            } else if kind.equals("depthUpdate") {
                guard event.b != nil || event.a != nil else { throw BadRecord("depthUpdate without b or a") }
                if let b = event.b { try readLevels(b, .buy, time, "b (bids)") }
                if let a = event.a { try readLevels(a, .sell, time, "a (asks)") }
            }
            // Other event types are not market events of ours.
        } else if let stream = top.stream, stream.unquoted().hasSuffix("@bookTicker") {
            try readQuote(event, time)
        } else if event.bids != nil || event.asks != nil {
            pending.append(.clear(time: time))
            if let b = event.bids { try readLevels(b, .buy, time, "bids") }
            if let a = event.asks { try readLevels(a, .sell, time, "asks") }
        } else {
            throw BadRecord("neither a market event (no \"e\") nor a depth snapshot (no \"bids\" or \"asks\")")
        }
    }

    /// Reads an object, recording the keys of ``Fields``; a `data` object inside it (only at the
    /// top) goes to `data`.
    private func scanObject(_ s: inout JSONScanner, into fields: inout Fields, data: inout Fields) throws(BadRecord) {
        try s.expect(UInt8(ascii: "{"))
        if s.consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try s.string()
            try s.expect(UInt8(ascii: ":"))
            if key.equals("data") {
                guard s.peek() == UInt8(ascii: "{") else { throw BadRecord("\"data\" is not an object") }
                var none = Fields()
                try scanObject(&s, into: &data, data: &none)
                fields.hasData = true
            } else {
                fields.record(key, try s.value(depth: 1))
            }
        } while s.consume(UInt8(ascii: ","))
        try s.expect(UInt8(ascii: "}"))
    }

    private func eventTime(_ f: Fields, receive: Int64?) throws(BadRecord) -> Int64 {
        if timeBase == .receive, let receive { return receive }
        if let e = f.E {
            guard let ms = e.unquoted().unsignedInteger() else {
                throw BadRecord("E (event time): expected integer milliseconds, got '\(e.text)'")
            }
            let (ns, o) = ms.multipliedReportingOverflow(by: 1_000_000)
            guard !o else { throw BadRecord("E (event time): \(e.text) is out of range") }
            return ns
        }
        if let receive { return receive }
        throw BadRecord("no time: the message has no \"E\" and the line no receive time")
    }

    private mutating func readQuote(_ f: Fields, _ time: Int64) throws(BadRecord) {
        guard let b = f.b, let bq = f.B, let a = f.a, let aq = f.A else {
            throw BadRecord("bookTicker needs b, B, a and A")
        }
        var bid: Int64? = try b.unquoted().ticks(instrument, "b (best bid)")
        var bidSize = try bq.unquoted().lots(instrument, "B (best bid quantity)")
        var ask: Int64? = try a.unquoted().ticks(instrument, "a (best ask)")
        var askSize = try aq.unquoted().lots(instrument, "A (best ask quantity)")
        if bid! < 0 { throw BadRecord("b (best bid): \(b.text) is negative") }
        if ask! < 0 { throw BadRecord("a (best ask): \(a.text) is negative") }
        if bid == 0 { bid = nil; bidSize = 0 }
        if ask == 0 { ask = nil; askSize = 0 }
        if let bid, let ask, bid >= ask {
            throw BadRecord("crossed quote: best bid \(b.unquoted().text) is not below best ask \(a.unquoted().text)")
        }
        pending.append(.quote(time: time, bid: bid, bidSize: bidSize, ask: ask, askSize: askSize))
    }

    private mutating func readTrade(_ f: Fields, _ time: Int64) throws(BadRecord) {
        guard let p = f.p, let q = f.q else { throw BadRecord("trade needs p and q") }
        let price = try p.unquoted().ticks(instrument, "p (price)")
        guard price > 0 else { throw BadRecord("p (price): \(p.text) is not positive") }
        let size = try q.unquoted().lots(instrument, "q (quantity)")
        guard size > 0 else { throw BadRecord("q (quantity): \(q.text) is not positive") }
        var aggressor: Side?
        if let m = f.m {
            if m.equals("true") {
                aggressor = .sell
            } else if m.equals("false") {
                aggressor = .buy
            } else {
                throw BadRecord("m (buyer is maker): expected true or false, got '\(m.text)'")
            }
        }
        pending.append(.trade(time: time, price: price, size: size, aggressor: aggressor))
    }

    /// `[[price, quantity], ...]` -> one `.depth` each.
    private mutating func readLevels(_ f: ByteField, _ side: Side, _ time: Int64, _ label: String) throws(BadRecord) {
        var s = JSONScanner(f)
        func shape() -> BadRecord { BadRecord("\(label): expected an array of [price, quantity] pairs") }
        do {
            try s.expect(UInt8(ascii: "["))
            if s.consume(UInt8(ascii: "]")) { return }
        } catch {
            throw shape()
        }
        repeat {
            let price: ByteField
            let quantity: ByteField
            do {
                try s.expect(UInt8(ascii: "["))
                price = try s.value()
                try s.expect(UInt8(ascii: ","))
                quantity = try s.value()
                try s.expect(UInt8(ascii: "]"))
            } catch {
                throw shape()
            }
            let t = try price.unquoted().ticks(instrument, "\(label): price")
            guard t > 0 else { throw BadRecord("\(label): price \(price.text) is not positive") }
            let l = try quantity.unquoted().lots(instrument, "\(label): quantity")
            pending.append(.depth(time: time, side: side, price: t, size: l))
        } while s.consume(UInt8(ascii: ","))
        do {
            try s.expect(UInt8(ascii: "]"))
        } catch {
            throw shape()
        }
    }
}
