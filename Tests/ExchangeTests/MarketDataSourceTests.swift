import Market
@testable import MarketData
import FIXTestSupport
import Foundation
import Testing
/// Helpers of the market-data source tests: temporary files, gzip without a compressor,
/// draining a source.
enum SourceTestFiles {
    /// This run's folder of temporary files. Folders of earlier runs over an hour old are
    /// removed when it is made.
    static let directory: URL = {
        let fm = FileManager.default
        let prefix = "market-data-source-tests-"
        let old = Date().addingTimeInterval(-3_600)
        for name in (try? fm.contentsOfDirectory(atPath: fm.temporaryDirectory.path)) ?? [] where name.hasPrefix(prefix) {
            let url = fm.temporaryDirectory.appendingPathComponent(name)
            if let modified = try? fm.attributesOfItem(atPath: url.path)[.modificationDate] as? Date, modified < old {
                try? fm.removeItem(at: url)
            }
        }
        let dir = fm.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString)
        try! fm.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// A new file holding `contents` in this run's temporary folder; its name ends with `name`.
    static func write(_ contents: [UInt8], name: String) -> String {
        let path = directory.appendingPathComponent(UUID().uuidString + "-" + name).path
        let created = FileManager.default.createFile(atPath: path, contents: Data(contents))
        precondition(created, "cannot write \(path)")
        return path
    }

    static func write(_ text: String, name: String) -> String {
        write(Array(text.utf8), name: name)
    }

    /// `text` as a plain file, and gzip-compressed when `gzip` is set (the name then ends with .gz).
    static func write(_ text: String, name: String, gzip: Bool) -> String {
        gzip ? write(Self.gzip(Array(text.utf8)), name: name + ".gz") : write(text, name: name)
    }

    /// A gzip member holding `data` in stored (uncompressed) deflate blocks: valid gzip that
    /// needs no compressor, and whose bytes are easy to damage on purpose.
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE 00 (stored)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        out += littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }

    private static func littleEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
    }

    /// Every event of `source`.
    static func drain(_ source: inout some MarketDataSource) throws(MarketDataError) -> [MarketEvent] {
        var events: [MarketEvent] = []
        while let e = try source.next() { events.append(e) }
        return events
    }

    /// The error `body` throws, or nil.
    static func error(_ body: () throws -> Void) -> MarketDataError? {
        do {
            try body()
            return nil
        } catch let error as MarketDataError {
            return error
        } catch {
            Issue.record("not a MarketDataError: \(error)")
            return nil
        }
    }

    /// The real captures beside the repository, in ../shared/data/binance.
    static let btcCapture = sharedDirectory.appendingPathComponent("data/binance/usdm_btcusdt_20240808.gz").path
    static let ethCapture = sharedDirectory.appendingPathComponent("data/binance/usdm_ethusdt_20240808.gz").path
    static let capturesPresent = FileManager.default.fileExists(atPath: btcCapture)
        && FileManager.default.fileExists(atPath: ethCapture)
}

/// What the sources share: opening files, gzip, line handling, timestamps and dates, the factory.
struct MarketDataSourceTests {
    static let instrument = Instrument(symbol: "X", tickSize: DecimalStep("0.5")!, lotSize: DecimalStep("1")!)

    @Test func missingFileNamesThePathAndTheReason() {
        let path = "/nonexistent/dir/trades.csv"
        for format in MarketDataFormat.allCases where !format.isGenerated {
            let e = SourceTestFiles.error { _ = try makeMarketDataSource(format: format, path: path, instrument: Self.instrument) }
            #expect(e == MarketDataError(.cannotOpen, path: path, line: 0, reason: "cannot open: No such file or directory"))
        }
        let dir = FileManager.default.temporaryDirectory.path
        let e = SourceTestFiles.error { _ = try TradesCSVSource(path: dir, instrument: Self.instrument) }
        #expect(e?.reason == "cannot open: is a directory")
    }

    @Test func factoryOpensEachFormat() throws {
        #expect(MarketDataFormat.allCases.map(\.rawValue) == ["l1csv", "trades", "binance", "events", "synthetic", "queue-reactive"])
        let l1 = SourceTestFiles.write("2024-08-08 09:00:00,100,1,100.5,2,100,5\n", name: "l1.csv")
        let trades = SourceTestFiles.write("2024-08-08 09:00:00,100,1,B\n", name: "t.csv")
        let binance = SourceTestFiles.write(#"1 {"e":"trade","E":5,"p":"100.5","q":"3","m":true}"# + "\n", name: "b.txt")
        var s = try makeMarketDataSource(format: .l1csv, path: l1, instrument: Self.instrument)
        #expect(try s.next() == .quote(time: 1_723_107_600_000_000_000, bid: 200, bidSize: 1, ask: 201, askSize: 2))
        s = try makeMarketDataSource(format: .trades, path: trades, instrument: Self.instrument)
        #expect(try s.next() == .trade(time: 1_723_107_600_000_000_000, price: 200, size: 1, aggressor: .buy))
        s = try makeMarketDataSource(format: .binance, path: binance, instrument: Self.instrument)
        #expect(try s.next() == .trade(time: 5_000_000, price: 201, size: 3, aggressor: .sell))
        let events = SourceTestFiles.directory.appendingPathComponent(UUID().uuidString + ".events").path
        let writer = try EventFileWriter(path: events, instrument: Self.instrument)
        try writer.write(.clear(time: 7))
        try writer.finish()
        s = try makeMarketDataSource(format: .events, path: events, instrument: Self.instrument)
        #expect(try s.next() == .clear(time: 7))
        s = try makeMarketDataSource(format: .synthetic, path: "/ignored", instrument: Self.instrument)
        guard case .quote = try s.next() else { Issue.record("synthetic starts with a quote"); return }
        #expect(s.skipped == 0)
        s = try makeMarketDataSource(format: .queueReactive, path: "/ignored", instrument: Self.instrument)
        guard case let .quote(_, bid?, _, ask?, _) = try s.next() else { Issue.record("queue-reactive starts with a quote"); return }
        #expect(ask - bid == 1)
    }

    /// Lines: CRLF, a byte-order mark, a last line without LF, blank lines, lines longer than
    /// the read chunk.
    @Test func lineHandling() throws {
        let long = String(repeating: "x", count: 200_000)
        let text = "\u{FEFF}a\r\n\nb\n\(long)\nlast"
        for gzip in [false, true] {
            let path = SourceTestFiles.write(text, name: "lines.txt", gzip: gzip)
            let reader = try LineReader(path: path, chunkSize: 1024)
            var lines: [String] = []
            while let l = try reader.nextLine() {
                lines.append(String(decoding: UnsafeBufferPointer(start: l.base, count: l.count), as: UTF8.self))
            }
            #expect(lines == ["a", "", "b", long, "last"])
            #expect(reader.lineNumber == 5)
        }
    }

    @Test func gzipConcatenatedMembersAndBigFiles() throws {
        // Two members (as `cat a.gz b.gz` makes), the first bigger than a stored block.
        var rows = ""
        for i in 0..<5_000 { rows += "\(1_000_000_000 + i),\(100 + i % 7),\(1 + i % 3),S\n" }
        let tail = "2024-08-08T00:00:00Z,100,1,buy\n"
        let bytes = SourceTestFiles.gzip(Array(rows.utf8)) + SourceTestFiles.gzip(Array(tail.utf8))
        #expect(rows.utf8.count > 65_535)
        var source = try TradesCSVSource(path: SourceTestFiles.write(bytes, name: "two.csv.gz"), instrument: Self.instrument)
        let events = try SourceTestFiles.drain(&source)
        #expect(events.count == 5_001)
        #expect(events[4_999] == .trade(time: 1_000_004_999, price: 202, size: 2, aggressor: .sell))  // 4999 % 7 = 1, 4999 % 3 = 1
        #expect(events.last == .trade(time: 1_723_075_200_000_000_000, price: 200, size: 1, aggressor: .buy))
    }

    @Test func truncatedOrCorruptGzipIsAnErrorNamingTheFile() throws {
        let good = SourceTestFiles.gzip(Array("1,100,1\n2,100,1\n3,100,1\n".utf8))
        // Cut inside the data: the first complete line may come out, then the error.
        let cut = SourceTestFiles.write(Array(good.prefix(good.count - 12)), name: "cut.csv.gz")
        var source = try TradesCSVSource(path: cut, instrument: Self.instrument)
        let e = SourceTestFiles.error { _ = try SourceTestFiles.drain(&source) }
        #expect(e?.path == cut && e?.line == 0)
        #expect(e?.reason.hasPrefix("gzip data ends early (truncated file)") == true)
        // Asked again, the same error: the file is done.
        #expect(SourceTestFiles.error { _ = try source.next() } == e)

        var damaged = good
        damaged[damaged.count - 6] ^= 0xFF  // the CRC
        let bad = SourceTestFiles.write(damaged, name: "crc.csv.gz")
        source = try TradesCSVSource(path: bad, instrument: Self.instrument)
        // The data comes out, then the check fails.
        var count = 0
        let e2 = SourceTestFiles.error { while try source.next() != nil { count += 1 } }
        #expect(count == 3)
        #expect(e2 == MarketDataError(.damaged, path: bad, line: 0, reason: "corrupt gzip data after 24 uncompressed bytes: incorrect data check"))

        let notGzip = SourceTestFiles.write("1,100,1\n", name: "plain.csv.gz")
        source = try TradesCSVSource(path: notGzip, instrument: Self.instrument)
        let e3 = SourceTestFiles.error { _ = try source.next() }
        #expect(e3?.path == notGzip && e3?.reason.hasPrefix("corrupt gzip data") == true)

        let empty = SourceTestFiles.write([], name: "empty.csv.gz")
        source = try TradesCSVSource(path: empty, instrument: Self.instrument)
        #expect(SourceTestFiles.error { _ = try source.next() }?.reason.hasPrefix("gzip data ends early") == true)
    }

    @Test func timestamps() {
        func ns(_ s: String) -> Int64? {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { b in
                TimestampText.nanoseconds(ByteField(base: UnsafePointer(b.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!), count: b.count))
            }
        }
        #expect(ns("1970-01-01 00:00:00") == 0)
        #expect(ns("2024-08-08 09:00:00.5") == 1_723_107_600_500_000_000)
        #expect(ns("2024-08-08T09:00:00.500000001Z") == 1_723_107_600_500_000_001)
        #expect(ns("2024-02-29 23:59:59.999") == 1_709_251_199_999_000_000)
        #expect(ns("2000-03-01 00:00:00") == 951_868_800_000_000_000)
        #expect(ns("1969-12-31 23:59:59") == -1_000_000_000)
        #expect(ns("1723107600500000000") == 1_723_107_600_500_000_000)
        for bad in ["", "2023-02-29 00:00:00", "2024-13-01 00:00:00", "2024-08-08 24:00:00", "2024-08-08 09:60:00",
                    "2024-08-08 09:00:00.", "2024-08-08 09:00:00.1234567890", "2024-08-08", "2024/08/08 09:00:00",
                    "2024-08-08 09:00:00 ", "-5", "99999999999999999999", "2024-08-08x09:00:00"] {
            #expect(ns(bad) == nil, "\(bad)")
        }
    }

    @Test func civilDates() {
        #expect(CivilDate(daysSinceEpoch: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate("2024-08-08")!.daysSinceEpoch == 19_943)
        #expect(CivilDate("2024-08-08")!.weekday == 4)  // a Thursday
        #expect(CivilDate("2024-02-29") != nil && CivilDate("2023-02-29") == nil && CivilDate("1900-02-29") == nil)
        #expect(CivilDate("2000-02-29") != nil && CivilDate("2024-04-31") == nil)
        #expect(CivilDate(year: 1969, month: 12, day: 31)!.daysSinceEpoch == -1)
        #expect(CivilDate(daysSinceEpoch: 19_943).description == "2024-08-08")
        // Round trip and succession over about ±2,700 years.
        var previous = CivilDate(daysSinceEpoch: -1_000_001)
        for d in Int64(-1_000_000)...1_000_000 {
            let c = CivilDate(daysSinceEpoch: d)
            #expect(c.daysSinceEpoch == d)
            if c <= previous || CivilDate(year: c.year, month: c.month, day: c.day) == nil { Issue.record("day \(d): \(c)") }
            previous = c
        }
    }

    @Test func decimalsFromBytes() {
        func dec(_ s: String) -> (Int64, Int8)? {
            var bytes = Array(s.utf8) + [0]
            return bytes.withUnsafeMutableBufferPointer { b in
                ByteField(base: UnsafePointer(b.baseAddress!), count: b.count - 1).decimal().map { ($0.mantissa, $0.scale) }
            }
        }
        // The scale as written; trailing zeros dropped only when the digits would not fit.
        #expect(dec("61800.30")! == (6180030, 2))
        #expect(dec("0.000")! == (0, 3))
        #expect(dec("-1.05")! == (-105, 2))
        #expect(dec("+7")! == (7, 0))
        #expect(dec("+.5")! == (5, 1))
        #expect(dec(".5")! == (5, 1))
        #expect(dec("1.000000000000000000000000")! == (1, 0))
        #expect(dec("999999999999999999")! == (999_999_999_999_999_999, 0))
        // 19 significant digits are more than the reader keeps, even when they would fit 64 bits.
        for bad in ["", "-", "+", ".", "+-1", "-+1", "1.2.3", "1e5", "abc", " 1", "9223372036854775807",
                    "9223372036854775808", "0.0000000000000000001"] {
            #expect(dec(bad) == nil, "\(bad)")
        }
    }

    @Test func generatorIsDeterministicAndUniform() {
        var a = Xoshiro256StarStar(seed: 42)
        var b = Xoshiro256StarStar(seed: 42)
        var c = Xoshiro256StarStar(seed: 43)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        #expect(xs != (0..<100).map { _ in c.next() })
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[Int(a.below(10))] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        for _ in 0..<1_000 {
            let v = a.integer(in: -3...3)
            #expect((-3...3).contains(v))
        }
        var zero = Xoshiro256StarStar(seed: 0)
        #expect(zero.next() != 0 || zero.next() != 0)
    }
}
