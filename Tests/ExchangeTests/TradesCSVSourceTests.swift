import Market
@testable import MarketData
import Testing
/// Trades CSV: timestamps, optional side, header, gzip, bad records.
struct TradesCSVSourceTests {
    static let instrument = Instrument(symbol: "IF2408", tickSize: DecimalStep("0.2")!, lotSize: DecimalStep("1")!)
    static let header = "time,price,size,side\n"
    static let rows = """
        2024-08-08 01:30:00.25,3500.2,2,buy
        2024-08-08 01:30:00.5,3500,1,S\r
        1723080601000000000,3500.4,3,
        2024-08-08T01:30:02Z,3500.4,4
         "2024-08-08 01:30:03" , "3500.6" , 5 , b

        2024-08-08 01:30:04,3500.6,1,SELL
        """
    static let t0: Int64 = 1_723_080_600_000_000_000

    static func events(_ text: String, gzip: Bool = false, skipBad: Bool = false) throws -> (events: [MarketEvent], skipped: Int) {
        let path = SourceTestFiles.write(text, name: "trades.csv", gzip: gzip)
        var source = try TradesCSVSource(path: path, instrument: instrument, skipBad: skipBad)
        let events = try SourceTestFiles.drain(&source)
        return (events, source.skipped)
    }

    @Test(arguments: [false, true], [false, true])
    func goodInput(header: Bool, gzip: Bool) throws {
        let (events, skipped) = try Self.events((header ? Self.header : "") + Self.rows, gzip: gzip)
        let t = Self.t0
        #expect(events == [
            .trade(time: t + 250_000_000, price: 17501, size: 2, aggressor: .buy),
            .trade(time: t + 500_000_000, price: 17500, size: 1, aggressor: .sell),
            .trade(time: t + 1_000_000_000, price: 17502, size: 3, aggressor: nil),
            .trade(time: t + 2_000_000_000, price: 17502, size: 4, aggressor: nil),
            .trade(time: t + 3_000_000_000, price: 17503, size: 5, aggressor: .buy),
            .trade(time: t + 4_000_000_000, price: 17503, size: 1, aggressor: .sell),
        ])
        #expect(skipped == 0)
    }

    static let badCases: [(line: String, reason: String)] = [
        ("2024-08-08 01:30:01,3500", "expected 3 or 4 fields (timestamp,price,size[,side]), got 2"),
        ("2024-08-08 01:30:01,3500,1,B,x", "expected 3 or 4 fields (timestamp,price,size[,side]), got 5"),
        ("2024-08-08 01:30:01,price,1", "field 2 (price): expected a decimal, got 'price'"),
        ("2024-08-08 01:30:01,3500.3,1", "field 2 (price): 3500.3 is not a multiple of the tick size 0.2"),
        ("2024-08-08 01:30:01,0,1", "field 2 (price): 0 is not positive"),
        ("2024-08-08 01:30:01,3500,-2", "field 3 (size): -2 is negative"),
        ("2024-08-08 01:30:01,3500,0", "field 3 (size): 0 is not positive"),
        ("2024-08-08 01:30:01,3500,", "field 3 (size): expected a decimal, got ''"),
        ("2024-08-08 01:30:01,3500,1,up", "field 4 (side): expected buy, sell, B or S, got 'up'"),
        ("08/08/2024 01:30:01,3500,1",
         "field 1 (timestamp): expected YYYY-MM-DD HH:MM:SS[.fraction], YYYY-MM-DDTHH:MM:SS[.fraction] or integer nanoseconds since the epoch, got '08/08/2024 01:30:01'"),
    ]

    @Test(arguments: badCases)
    func badRecord(line: String, reason: String) throws {
        let text = "2024-08-08 01:30:00,3500,1\n" + line + "\n" + "2024-08-08 01:30:02,3500,2,s\n"
        let e = SourceTestFiles.error { _ = try Self.events(text) }
        #expect(e?.line == 2 && e?.reason == reason)
        #expect(e?.path.hasSuffix("-trades.csv") == true)
        let (events, skipped) = try Self.events(text, skipBad: true)
        #expect(skipped == 1)
        #expect(events == [
            .trade(time: Self.t0, price: 17500, size: 1, aggressor: nil),
            .trade(time: Self.t0 + 2_000_000_000, price: 17500, size: 2, aggressor: .sell),
        ])
    }

    /// Only the first line may be a header: a later text line is a bad record.
    @Test func headerOnlyFirst() throws {
        let e = SourceTestFiles.error { _ = try Self.events(Self.header + Self.header) }
        #expect(e?.line == 2 && e?.reason.hasPrefix("field 1 (timestamp): expected YYYY-MM-DD") == true)
    }
}
