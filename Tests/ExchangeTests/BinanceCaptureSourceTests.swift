import Market
@testable import MarketData
import Foundation
import Testing
/// Binance captures: a hand-written capture with every kind of line, malformed lines, and the
/// real captures in ../shared/data/binance when present.
struct BinanceCaptureSourceTests {
    static let btc = BinanceCaptureSource.instrument(for: "BTCUSDT")!
    static let ms: Int64 = 1_000_000

    static let capture = """
        1723161255030314667 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["61800.20","2.507"],["61796.50","0.000"]],"a":[["61800.30","3.330"]]}}
        1723161255088169167 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}
        1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}
        1723161255088176368 { "stream" : "btcusdt@trade" , "data" : { "p" : "61800.20" , "q" : "1.5" , "m" : true , "e" : "trade" , "E" : 1723161256323 } }

        1723161255100000000 {"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","E":1723161256400,"p":"61801.00000000"}}
        1723161255319702566 {"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"],["61800.10","0.696"]],"asks":[["61800.30","1.072"]]}
        {"e":"aggTrade","E":1723161256600,"p":"61800.3","q":"0.002"}
        1723161255400000000 {"stream":"btcusdt@bookTicker","data":{"u":6,"b":"61800.10","B":"1","a":"61800.40","A":"2"}}
        1723161255500000000 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256700,"b":[],"a":[]}}
        """

    static let expected: [MarketEvent] = [
        .depth(time: 1_723_161_256_299 * ms, side: .buy, price: 618002, size: 2507),
        .depth(time: 1_723_161_256_299 * ms, side: .buy, price: 617965, size: 0),
        .depth(time: 1_723_161_256_299 * ms, side: .sell, price: 618003, size: 3330),
        .quote(time: 1_723_161_256_313 * ms, bid: 618002, bidSize: 2507, ask: 618003, askSize: 2510),
        .trade(time: 1_723_161_256_322 * ms, price: 618003, size: 6, aggressor: .buy),
        .trade(time: 1_723_161_256_323 * ms, price: 618002, size: 1500, aggressor: .sell),
        .clear(time: 1_723_161_256_501 * ms),
        .depth(time: 1_723_161_256_501 * ms, side: .buy, price: 618002, size: 2909),
        .depth(time: 1_723_161_256_501 * ms, side: .buy, price: 618001, size: 696),
        .depth(time: 1_723_161_256_501 * ms, side: .sell, price: 618003, size: 1072),
        .trade(time: 1_723_161_256_600 * ms, price: 618003, size: 2, aggressor: nil),
        // Spot-style bookTicker: no "e" and no "E", so the receive time.
        .quote(time: 1_723_161_255_400_000_000, bid: 618001, bidSize: 1000, ask: 618004, askSize: 2000),
    ]

    static func read(_ text: String, gzip: Bool = false, skipBad: Bool = false,
                     timeBase: BinanceCaptureSource.TimeBase = .event) throws -> (events: [MarketEvent], skipped: Int) {
        let path = SourceTestFiles.write(text, name: "capture", gzip: gzip)
        var source = try BinanceCaptureSource(path: path, instrument: btc, skipBad: skipBad, timeBase: timeBase)
        let events = try SourceTestFiles.drain(&source)
        return (events, source.skipped)
    }

    @Test func instruments() {
        #expect(BinanceCaptureSource.instrument(for: "btcusdt") == Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!))
        #expect(BinanceCaptureSource.instrument(for: "ETHUSDT") == Instrument(symbol: "ETHUSDT", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("0.001")!))
        #expect(BinanceCaptureSource.instrument(for: "XRPUSDT") == nil)
    }

    @Test(arguments: [false, true])
    func everyKindOfLine(gzip: Bool) throws {
        let (events, skipped) = try Self.read(Self.capture, gzip: gzip)
        #expect(events == Self.expected)
        #expect(skipped == 0)
    }

    @Test func receiveTimeBase() throws {
        let (events, _) = try Self.read(Self.capture, timeBase: .receive)
        #expect(events.count == Self.expected.count)
        #expect(events.first?.time == 1_723_161_255_030_314_667)
        #expect(events[6] == .clear(time: 1_723_161_255_319_702_566))
        // The aggTrade line has no receive time: its E.
        #expect(events[10].time == 1_723_161_256_600 * Self.ms)
    }

    static let badCases: [(line: String, reason: String)] = [
        (#"1 {"stream":"x","data":{"e":"trade","E":1,"p":"61800.30","q":"0.006""#, "malformed JSON at column 69: expected '}'"),
        (#"1 {"e":"trade","E":1,"p":"61800.30","q":"0.006"} x"#, "malformed JSON at column 50: unexpected text after the JSON value"),
        (#"1 {"e":"trade","E":1,"p":61800.3.0,"q":"0.006"}"#, "malformed JSON at column 33: expected '}'"),
        (#"1 {"e":"trade","E":1,"p":"61800.30","q":"0.006","m":tru}"#, "malformed JSON at column 53: expected a value"),
        (#"1 {"e":"trade","E":1,"p":"61800.35","q":"0.006"}"#, "p (price): 61800.35 is not a multiple of the tick size 0.1"),
        (#"1 {"e":"trade","E":1,"p":"61800.3","q":"0.0005"}"#, "q (quantity): 0.0005 is not a multiple of the lot size 0.001"),
        (#"1 {"e":"trade","E":1,"p":"61800.3","q":"-1"}"#, "q (quantity): -1 is negative"),
        (#"1 {"e":"trade","E":1,"p":"abc","q":"1"}"#, "p (price): expected a decimal, got 'abc'"),
        (#"1 {"e":"trade","E":1,"q":"1"}"#, "trade needs p and q"),
        (#"1 {"e":"trade","E":1,"p":"1","q":"1","m":"yes"}"#, "m (buyer is maker): expected true or false, got '\"yes\"'"),
        (#"1 {"e":"bookTicker","E":1,"b":"61800.4","B":"1","a":"61800.3","A":"1"}"#, "crossed quote: best bid 61800.4 is not below best ask 61800.3"),
        (#"1 {"e":"bookTicker","E":1,"b":"61800.4","B":"1","a":"61800.5"}"#, "bookTicker needs b, B, a and A"),
        (#"1 {"e":"depthUpdate","E":1,"b":[["61800.4","1"]],"a":[["61800.5"]]}"#, "a (asks): expected an array of [price, quantity] pairs"),
        (#"1 {"e":"depthUpdate","E":1,"b":[["61800.4","1"]],"a":{"x":1}}"#, "a (asks): expected an array of [price, quantity] pairs"),
        (#"1 {"e":"depthUpdate","E":1,"b":[["-61800.4","1"]],"a":[]}"#, "b (bids): price \"-61800.4\" is not positive"),
        (#"1 {"e":"depthUpdate","E":1}"#, "depthUpdate without b or a"),
        (#"1 {"lastUpdateId":1,"E":1,"bids":[["61800.4","x"]],"asks":[]}"#, "bids: quantity: expected a decimal, got 'x'"),
        (#"1 {"stream":"x","data":[1,2]}"#, "\"data\" is not an object"),
        (#"1 {"stream":"x","data":{"u":1}}"#, "neither a market event (no \"e\") nor a depth snapshot (no \"bids\" or \"asks\")"),
        (#"1 {"e":"trade","E":"soon","p":"1","q":"1"}"#, "E (event time): expected integer milliseconds, got '\"soon\"'"),
        (#"{"e":"trade","p":"1","q":"1"}"#, "no time: the message has no \"E\" and the line no receive time"),
        (#"12x {"e":"trade","E":1,"p":"1","q":"1"}"#, "receive time: expected integer nanoseconds, got '12x'"),
        (#"1 {"e":"trade","E":1,"p":"1","q":"1","s":"\q"}"#, "malformed JSON at column 44: bad escape in a string"),
        (#"1 [1,2]"#, "malformed JSON at column 3: expected '{'"),
        ("1 ", "malformed JSON at column 3: expected '{'"),
    ]

    @Test(arguments: badCases)
    func malformedLine(line: String, reason: String) throws {
        let good = #"1 {"e":"trade","E":7,"p":"1.0","q":"1"}"#
        let text = good + "\n" + line + "\n" + good + "\n"
        let e = SourceTestFiles.error { _ = try Self.read(text) }
        #expect(e?.line == 2)
        #expect(e?.reason == reason)
        let (events, skipped) = try Self.read(text, skipBad: true)
        #expect(skipped == 1)
        #expect(events == [MarketEvent](repeating: .trade(time: 7 * Self.ms, price: 10, size: 1000, aggressor: nil), count: 2))
    }

    /// A bad entry late in a depth update drops the whole line: no event of it comes out.
    @Test func aBadLineEmitsNothing() throws {
        let text = #"1 {"e":"depthUpdate","E":1,"b":[["1.0","1"],["1.0","1"]],"a":[["2.0","1"],["2.05","1"]]}"#
        let (events, skipped) = try Self.read(text, skipBad: true)
        #expect(events.isEmpty && skipped == 1)
    }

    /// Counts by kind on a real capture, with its invariants: every quote has bid < ask; a
    /// snapshot (`.clear`, then its bids best first, then its asks best first) comes early;
    /// times never decrease within a kind of event, except that the REST snapshot's time is
    /// a little earlier than the depth updates received before it; with receive times, times
    /// never decrease at all.
    @Test(.enabled(if: SourceTestFiles.capturesPresent, "the Binance captures are not in ../shared/data/binance"),
          arguments: [
              (SourceTestFiles.btcCapture, "BTCUSDT", 93_954, 66_089, 21_313, 443_521 + 2_000),
              (SourceTestFiles.ethCapture, "ETHUSDT", 74_655, 53_992, 14_076, 428_662 + 2_000),
          ])
    func realCapture(path: String, symbol: String, lines: Int, quotes: Int, trades: Int, depths: Int) throws {
        let instrument = BinanceCaptureSource.instrument(for: symbol)!
        var source = try BinanceCaptureSource(path: path, instrument: instrument)
        var counts = [0, 0, 0, 0]  // quote, trade, depth, clear
        var lastTime = [Int64](repeating: 0, count: 4)
        var backwards = [0, 0, 0, 0]
        var crossed = 0
        var clearAt = -1
        var snapshot: [MarketEvent] = []
        var n = 0
        while let e = try source.next() {
            let kind: Int
            switch e {
            case .quote(_, let bid, _, let ask, _):
                kind = 0
                if let bid, let ask, bid >= ask { crossed += 1 }
                if bid == nil || ask == nil { crossed += 1 }
            case .trade: kind = 1
            case .depth: kind = 2
            case .clear: kind = 3
            }
            if clearAt < 0 && kind == 3 { clearAt = n }
            if clearAt >= 0 && n > clearAt && n <= clearAt + 2_000 { snapshot.append(e) }
            counts[kind] += 1
            if e.time < lastTime[kind] { backwards[kind] += 1 }
            lastTime[kind] = e.time
            n += 1
        }
        #expect(counts == [quotes, trades, depths, 1])
        #expect(source.lineNumber == lines)
        #expect(source.skipped == 0)
        #expect(crossed == 0)
        #expect(backwards == [0, 0, 1, 0])
        // The snapshot: 1000 bids from the best down, then 1000 asks from the best up.
        #expect(snapshot.count == 2_000)
        let levels = snapshot.compactMap { if case .depth(_, let side, let price, _) = $0 { (side, price) } else { nil } }
        let bids = levels.prefix(1_000)
        let asks = levels.suffix(1_000)
        #expect(bids.allSatisfy { $0.0 == .buy } && asks.allSatisfy { $0.0 == .sell })
        #expect(zip(bids, bids.dropFirst()).allSatisfy { $0.1 > $1.1 })
        #expect(zip(asks, asks.dropFirst()).allSatisfy { $0.1 < $1.1 })
        #expect(bids.first!.1 < asks.first!.1)
        #expect(clearAt > 0)

        var byReceive = try BinanceCaptureSource(path: path, instrument: instrument, timeBase: .receive)
        var last: Int64 = 0
        var decreasing = 0
        while let e = try byReceive.next() {
            if e.time < last { decreasing += 1 }
            last = e.time
        }
        #expect(decreasing == 0)
    }

    @Test(.enabled(if: SourceTestFiles.capturesPresent, "the Binance captures are not in ../shared/data/binance"))
    func truncatedRealCapture() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: SourceTestFiles.btcCapture)))
        let path = SourceTestFiles.write(Array(bytes.prefix(bytes.count / 2)), name: "half.gz")
        var source = try BinanceCaptureSource(path: path, instrument: Self.btc)
        var count = 0
        let e = SourceTestFiles.error { while try source.next() != nil { count += 1 } }
        #expect(count > 100_000)
        #expect(e?.path == path && e?.line == 0 && e?.reason.contains("truncated") == true)
    }
}
