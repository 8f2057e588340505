import Market
@testable import MarketData
import Foundation
import Testing
/// The binary event file: what is written is read back, it replays as the text it came from, and
/// damage is named by record.
struct EventFileTests {
    static let instrument = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.1")!, lotSize: DecimalStep("0.001")!)
    static let t0: Int64 = 1_723_161_255_088_169_167

    /// One event of every kind and form.
    static let events: [MarketEvent] = [
        .clear(time: t0),
        .depth(time: t0, side: .buy, price: 618_000, size: 2_507),
        .depth(time: t0, side: .sell, price: 618_001, size: 0),
        .quote(time: t0 + 1, bid: 618_000, bidSize: 2_507, ask: 618_001, askSize: 10),
        .quote(time: t0 + 2, bid: nil, bidSize: 0, ask: 618_001, askSize: 10),
        .quote(time: t0 + 3, bid: 618_000, bidSize: 1, ask: nil, askSize: 0),
        .quote(time: t0 + 4, bid: nil, bidSize: 0, ask: nil, askSize: 0),
        .trade(time: t0 + 5, price: 618_001, size: 6, aggressor: .buy),
        .trade(time: t0 + 6, price: 618_000, size: 1, aggressor: .sell),
        .trade(time: -7, price: 1, size: Int64.max, aggressor: nil),
    ]

    /// Writes `events` to a new event file; returns its path.
    static func file(_ events: [MarketEvent], instrument: Instrument = instrument) throws -> String {
        let path = SourceTestFiles.directory.appendingPathComponent(UUID().uuidString + ".events").path
        let writer = try EventFileWriter(path: path, instrument: instrument)
        for e in events { try writer.write(e) }
        try writer.finish()
        return path
    }

    static func bytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path)!) }

    @Test func whatIsWrittenIsReadBack() throws {
        // More than one read chunk (4,096 records), so the refill across chunks is crossed.
        let many = (0..<10_000).map { i in Self.events[i % Self.events.count] }
        let path = try Self.file(many)
        #expect(Self.bytes(path).count == EventFile.headerSize + many.count * EventFile.recordSize)
        var source = try EventFileSource(path: path, instrument: Self.instrument)
        #expect(try SourceTestFiles.drain(&source) == many)
        #expect(source.skipped == 0)
        #expect(try EventFile.instrument(at: path) == Self.instrument)
        var bare = try EventFileSource(path: path)
        #expect(bare.instrument == Self.instrument)
        #expect(try bare.next() == many[0])
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
    }

    /// Converted text replays as the text itself.
    @Test func replaysAsTheTextItCameFrom() throws {
        let text = """
            timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume
            1723161255088169167,61800.20,2.507,61800.30,2.510,,0
            1723161255088176367,61800.20,2.507,61800.30,2.504,61800.30,0.006
            1723161255090000000,61800.10,1.000,61800.30,2.504,61800.20,1.006
            """
        var csv = try L1SnapshotCSVSource(path: SourceTestFiles.write(text, name: "l1.csv"), instrument: Self.instrument)
        let events = try SourceTestFiles.drain(&csv)
        #expect(events.count == 5)
        var source = try EventFileSource(path: try Self.file(events), instrument: Self.instrument)
        #expect(try SourceTestFiles.drain(&source) == events)
    }

    @Test func theInstrumentMustBeTheFilesOwn() throws {
        let path = try Self.file(Self.events)
        // The same steps written otherwise are the same.
        let same = Instrument(symbol: "OTHER", tickSize: DecimalStep(units: 10, scale: 2), lotSize: DecimalStep(units: 1, scale: 3))
        #expect(try EventFileSource(path: path, instrument: same).instrument == same)
        let other = Instrument(symbol: "BTCUSDT", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("0.001")!)
        let error = SourceTestFiles.error { _ = try EventFileSource(path: path, instrument: other) }
        #expect(error?.reason.contains("written for BTCUSDT in ticks of 0.1 and lots of 0.001, not ticks of 0.01") == true, "\(String(describing: error))")
    }

    @Test func aFileThatIsNotOneIsRefused() throws {
        let csv = SourceTestFiles.write("timestamp,price,size\n", name: "trades.csv")
        let error = SourceTestFiles.error { _ = try EventFileSource(path: csv) }
        #expect(error?.reason.contains("not an event file") == true && error?.path == csv)
        #expect(SourceTestFiles.error { _ = try EventFile.instrument(at: csv) }?.reason.contains("not an event file") == true)
        var newer = Self.bytes(try Self.file([]))
        newer[8] = 2
        let version = SourceTestFiles.error { _ = try EventFileSource(path: SourceTestFiles.write(newer, name: "v2.events")) }
        #expect(version?.reason.contains("version 2") == true)
        let missing = SourceTestFiles.error { _ = try EventFileSource(path: "/nonexistent/x.events") }
        #expect(missing?.reason.hasPrefix("cannot open") == true)
    }

    /// A damaged record is named by its number, and skipped with skipBad.
    @Test(arguments: [
        (0, UInt8(9), "unknown kind 9"),
        (1, UInt8(4), "quote flags 4"),
        (2, UInt8(1), "reserved bytes are not zero"),
    ])
    func aDamagedRecordIsNamed(offset: Int, value: UInt8, reason: String) throws {
        let quotes = Array(Self.events[3...6])
        var bytes = Self.bytes(try Self.file(quotes))
        bytes[EventFile.headerSize + EventFile.recordSize + offset] = value  // record 2
        let path = SourceTestFiles.write(bytes, name: "bad.events")
        var source = try EventFileSource(path: path, instrument: Self.instrument)
        let error = SourceTestFiles.error { _ = try SourceTestFiles.drain(&source) }
        #expect(error?.reason == "record 2: \(reason)", "\(String(describing: error))")
        var skipping = try EventFileSource(path: path, instrument: Self.instrument, skipBad: true)
        #expect(try SourceTestFiles.drain(&skipping) == [quotes[0], quotes[2], quotes[3]])
        #expect(skipping.skipped == 1)
    }

    @Test func valuesOutOfRangeAreBadRecords() throws {
        for event: MarketEvent in [
            .quote(time: 0, bid: 10, bidSize: 1, ask: 10, askSize: 1),
            .quote(time: 0, bid: -1, bidSize: 1, ask: 10, askSize: 1),
            .trade(time: 0, price: 0, size: 1, aggressor: nil),
            .trade(time: 0, price: 5, size: 0, aggressor: nil),
            .depth(time: 0, side: .buy, price: 5, size: -1),
        ] {
            var source = try EventFileSource(path: try Self.file([event]), instrument: Self.instrument)
            let error = SourceTestFiles.error { _ = try source.next() }
            #expect(error?.reason.hasPrefix("record 1: ") == true, "\(event)")
        }
    }

    @Test func aFileCutShortIsNamed() throws {
        let bytes = Self.bytes(try Self.file(Self.events))
        let path = SourceTestFiles.write(Array(bytes.dropLast(10)), name: "cut.events")
        var source = try EventFileSource(path: path, instrument: Self.instrument)
        for e in Self.events.dropLast() { #expect(try source.next() == e) }
        let error = SourceTestFiles.error { _ = try source.next() }
        #expect(error?.reason == "record \(Self.events.count): the file ends 38 bytes into the record (cut short?)")
        var skipping = try EventFileSource(path: path, instrument: Self.instrument, skipBad: true)
        #expect(try SourceTestFiles.drain(&skipping) == Array(Self.events.dropLast()))
        #expect(skipping.skipped == 1)
    }

    /// An unfinished writer leaves no file behind, neither under its name nor as a partial one.
    @Test func anUnfinishedWriteLeavesNoFile() throws {
        let path = SourceTestFiles.directory.appendingPathComponent(UUID().uuidString + ".events").path
        do {
            let writer = try EventFileWriter(path: path, instrument: Self.instrument)
            try writer.write(Self.events[0])
            #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        let long = Instrument(symbol: String(repeating: "X", count: 25), tickSize: DecimalStep("1")!)
        let error = SourceTestFiles.error { _ = try EventFileWriter(path: path, instrument: long) }
        #expect(error?.reason.contains("longer than 24 bytes") == true)
    }
}
