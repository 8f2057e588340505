import Market
@testable import MarketData
import Testing
/// Level-1 snapshot CSV: quotes, trades from the cumulative volume, trading days, bad records.
struct L1SnapshotCSVSourceTests {
    /// An index future: tick 0.2, lot 1.
    static let instrument = Instrument(symbol: "IF2408", tickSize: DecimalStep("0.2")!, lotSize: DecimalStep("1")!)
    static let header = "timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume\n"
    static let rows = """
        2024-08-08 01:30:00.500,3500.0,10,3500.2,12,3500.2,100
        2024-08-08 01:30:01.000,3500.0,8,3500.4,12,3500.4,103
        2024-08-08T01:30:01.5Z,,0,3500.4,5,3500.4,103

        1723080602000000000, 3500.2 ,4,0,0,"3500.2",110
        """
    static let t0: Int64 = 1_723_080_600_000_000_000

    static func events(_ text: String, gzip: Bool = false, skipBad: Bool = false) throws -> (events: [MarketEvent], skipped: Int) {
        let path = SourceTestFiles.write(text, name: "l1.csv", gzip: gzip)
        var source = try L1SnapshotCSVSource(path: path, instrument: instrument, skipBad: skipBad)
        let events = try SourceTestFiles.drain(&source)
        return (events, source.skipped)
    }

    @Test(arguments: [false, true], [false, true])
    func goodInput(header: Bool, gzip: Bool) throws {
        let (events, skipped) = try Self.events((header ? Self.header : "") + Self.rows, gzip: gzip)
        let t = Self.t0
        #expect(events == [
            .quote(time: t + 500_000_000, bid: 17500, bidSize: 10, ask: 17501, askSize: 12),
            .trade(time: t + 1_000_000_000, price: 17502, size: 3, aggressor: nil),
            .quote(time: t + 1_000_000_000, bid: 17500, bidSize: 8, ask: 17502, askSize: 12),
            .quote(time: t + 1_500_000_000, bid: nil, bidSize: 0, ask: 17502, askSize: 5),
            .trade(time: t + 2_000_000_000, price: 17501, size: 7, aggressor: nil),
            .quote(time: t + 2_000_000_000, bid: 17501, bidSize: 4, ask: nil, askSize: 0),
        ])
        #expect(skipped == 0)
    }

    /// A first line with an empty bid is data, not a header.
    @Test func firstLineWithAnEmptySideIsData() throws {
        let (events, _) = try Self.events("2024-08-08 01:30:00,,5,3500.2,1,,0\n")
        #expect(events == [.quote(time: Self.t0, bid: nil, bidSize: 0, ask: 17501, askSize: 1)])
    }

    /// The volume restarts at a new date or after a session break of an hour or more; a fall
    /// otherwise is a bad record; a rise across midnight is a trade.
    @Test func tradingDays() throws {
        let text = """
            2024-08-08 06:59:59.5,3500,1,3500.2,1,3500,5000
            2024-08-08 13:00:00.5,3500,1,3500.2,1,3500,20
            2024-08-08 13:00:01,3500,1,3500.2,1,3500.2,25
            2024-08-08 23:59:59.5,3500,1,3500.2,1,3500.2,30
            2024-08-09 00:00:00,3500,1,3500.2,1,3500,32
            2024-08-10 01:00:00,3500,1,3500.2,1,3500,10
            2024-08-10 01:00:00.5,3500,1,3500.2,1,3500,9
            """
        let trades = try Self.events(text, skipBad: true)
        #expect(trades.skipped == 1)
        #expect(trades.events.compactMap { if case .trade(_, let p, let s, _) = $0 { [p, s] } else { nil } }
            == [[17501, 5], [17501, 5], [17500, 2]] as [[Int64]])
        let e = SourceTestFiles.error { _ = try Self.events(text) }
        #expect(e?.line == 7)
        #expect(e?.reason == "field 7 (cumulative volume): fell from 10 to 9 within a trading day")
        // A shorter break may not reset the volume.
        let custom = SourceTestFiles.write(text, name: "l1.csv")
        var source = try L1SnapshotCSVSource(path: custom, instrument: Self.instrument, newTradingDayGap: 7 * 3_600_000_000_000)
        #expect(SourceTestFiles.error { _ = try SourceTestFiles.drain(&source) }?.line == 2)
    }

    static let badCases: [(line: String, reason: String)] = [
        ("2024-08-08 01:30:01,3500,1,3500.2,1,3500",
         "expected 7 fields (timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume), got 6"),
        ("2024-08-08 01:30:01,3500,1,3500.2,1,3500,100,7",
         "expected 7 fields (timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume), got 8"),
        ("2024-08-08 01:30:01,3500,abc,3500.2,1,3500,100", "field 3 (bid size): expected a decimal, got 'abc'"),
        ("2024-08-08 01:30:01,3500.1,1,3500.2,1,3500,100", "field 2 (bid): 3500.1 is not a multiple of the tick size 0.2"),
        ("2024-08-08 01:30:01,3500,1,3500.2,-1,3500,100", "field 5 (ask size): -1 is negative"),
        ("2024-08-08 01:30:01,3500,1.5,3500.2,1,3500,100", "field 3 (bid size): 1.5 is not a multiple of the lot size 1"),
        ("2024-08-08 01:30:01,-3500,1,3500.2,1,3500,100", "field 2 (bid): -3500 is negative"),
        ("2024-08-08 01:30:01,3500,1,x3500.2,1,3500,100", "field 4 (ask): expected a decimal, got 'x3500.2'"),
        ("2024-08-08 25:30:01,3500,1,3500.2,1,3500,100",
         "field 1 (timestamp): expected YYYY-MM-DD HH:MM:SS[.fraction], YYYY-MM-DDTHH:MM:SS[.fraction] or integer nanoseconds since the epoch, got '2024-08-08 25:30:01'"),
        ("2024-08-08 01:30:01,3500.4,1,3500.2,1,3500,100", "crossed quote: bid 3500.4 is not below ask 3500.2"),
        ("2024-08-08 01:30:01,3500.2,1,3500.2,1,3500,100", "crossed quote: bid 3500.2 is not below ask 3500.2"),
        ("2024-08-08 01:30:01,3500,1,3500.2,1,3500,90", "field 7 (cumulative volume): fell from 100 to 90 within a trading day"),
        ("2024-08-08 01:30:01,3500,1,3500.2,1,,105", "field 6 (last): the volume rose by 5 lots but there is no last price"),
        ("2024-08-08 01:30:01,3500,1,3500.2,1,3500,", "field 7 (cumulative volume): missing"),
    ]

    @Test(arguments: badCases)
    func badRecord(line: String, reason: String) throws {
        let text = Self.header
            + "2024-08-08 01:30:00,3500,1,3500.2,1,3500,100\n" + line + "\n" + "2024-08-08 01:30:02,3500,2,3500.2,1,3500,100\n"
        let path = SourceTestFiles.write(text, name: "bad.csv")
        var source = try L1SnapshotCSVSource(path: path, instrument: Self.instrument)
        #expect(try source.next() == .quote(time: Self.t0, bid: 17500, bidSize: 1, ask: 17501, askSize: 1))
        let e = SourceTestFiles.error { _ = try source.next() }
        #expect(e == MarketDataError(.badRecord, path: path, line: 3, reason: reason))
        #expect(e?.description == "\(path):3: \(reason)")
        // Reading goes on after the bad record.
        #expect(try source.next() == .quote(time: Self.t0 + 2_000_000_000, bid: 17500, bidSize: 2, ask: 17501, askSize: 1))
        #expect(try source.next() == nil)

        let (events, skipped) = try Self.events(text, skipBad: true)
        #expect(skipped == 1)
        #expect(events == [
            .quote(time: Self.t0, bid: 17500, bidSize: 1, ask: 17501, askSize: 1),
            .quote(time: Self.t0 + 2_000_000_000, bid: 17500, bidSize: 2, ask: 17501, askSize: 1),
        ])
    }

    @Test func badRecordInAGzipFileNamesItsLine() throws {
        let text = Self.rows + "\n2024-08-08 01:30:03,3500,1,3500.2,1,3500,oops\n"
        let e = SourceTestFiles.error { _ = try Self.events(text, gzip: true) }
        #expect(e?.path.hasSuffix("l1.csv.gz") == true)
        #expect(e?.line == 6)
        #expect(e?.reason == "field 7 (cumulative volume): expected a decimal, got 'oops'")
    }
}
