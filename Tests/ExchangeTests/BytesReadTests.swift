import Foundation
import Market
@testable import MarketData
import Testing

/// Sources say how much of their file they have read (for progress): all of it at the end,
/// compressed bytes for a gzip file, none for the synthetic market.
struct BytesReadTests {
    static let instrument = Instrument(symbol: "T", tickSize: DecimalStep(units: 1, scale: 1), lotSize: DecimalStep(units: 1, scale: 0))

    static func trades(_ n: Int) -> String {
        "timestamp,price,size\n" + (0..<n).map { "\(1_700_000_000_000_000_000 + $0 * 1_000_000),100.\($0 % 10),\(1 + $0 % 7)\n" }.joined()
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? -1
    }

    @Test(arguments: [false, true])
    func aDrainedFileIsReadToItsEnd(gzip: Bool) throws {
        // Large enough for several reads of the line reader's buffer.
        let path = SourceTestFiles.write(Self.trades(60_000), name: "trades.csv", gzip: gzip)
        var source = try TradesCSVSource(path: path, instrument: Self.instrument)
        #expect(source.bytesRead < Self.size(path))
        var seen: [Int64] = []
        var count = 0
        while try source.next() != nil {
            count += 1
            if count % 10_000 == 0 { seen.append(source.bytesRead) }
        }
        #expect(count == 60_000)
        #expect(seen == seen.sorted() && seen.first! > 0 && seen.last! <= Self.size(path))
        #expect(source.bytesRead == Self.size(path))
        // A wrapper says what its source read.
        var wrapped = tradesOnly(try TradesCSVSource(path: path, instrument: Self.instrument))
        while try wrapped.next() != nil {}
        #expect(wrapped.bytesRead == Self.size(path))
    }

    @Test func anEventFileIsReadToItsEnd() throws {
        let events = (0..<50_000).map { i in
            MarketEvent.trade(time: 1_700_000_000_000_000_000 + Int64(i) * 1_000, price: 600_000 + Int64(i % 5), size: 1, aggressor: nil)
        }
        let path = try EventFileTests.file(events)
        var source = try EventFileSource(path: path, instrument: EventFileTests.instrument)
        #expect(try SourceTestFiles.drain(&source).count == events.count)
        #expect(source.bytesRead == Self.size(path))
    }

    @Test func theSyntheticMarketReadsNoFile() throws {
        var source = SyntheticMarket(SyntheticMarket.Parameters(seed: 1, days: 1, eventsPerDay: 100))
        while try source.next() != nil {}
        #expect(source.bytesRead == 0)
    }
}
