import Market
@testable import MarketData
import FIXTestSupport
import Testing
/// The CSV sources read plain lines in place (``CSVRowScanner``) and others field by field
/// (``CSVFields``). The same data written plainly and with every field padded (which only the
/// general reading takes) must give the same events, the same skipped records and the same
/// errors.
struct CSVFastPathTests {
    static let instrument = Instrument(symbol: "IF2408", tickSize: DecimalStep("0.2")!, lotSize: DecimalStep("0.5")!)

    /// A price of `ticks` ticks of 0.2 written in one of the ways decimal text allows.
    static func price(_ ticks: Int64, _ rng: inout SplitMix64) -> String {
        let tenths = ticks * 2
        let whole = "\(tenths / 10)", fraction = "\(tenths % 10)"
        switch rng.below(6) {
        case 0: return tenths % 10 == 0 ? whole : whole + "." + fraction
        case 1: return whole + "." + fraction + "0"
        case 2: return whole + "." + fraction + "000"
        case 3: return tenths % 10 == 0 ? whole + "." : whole + "." + fraction
        case 4: return "0" + whole + "." + fraction
        default: return whole + "." + fraction
        }
    }

    /// A size of `halves` half lots, as text.
    static func size(_ halves: Int64, _ rng: inout SplitMix64) -> String {
        let text = halves % 2 == 0 ? "\(halves / 2)" : "\(halves / 2).5"
        return rng.below(4) == 0 ? text + ".0" : text
    }

    /// Random level-1 rows, mostly good, with bad ones mixed in.
    static func l1Rows(_ count: Int, seed: UInt64) -> [[String]] {
        var rng = SplitMix64(seed: seed)
        var time: Int64 = 1_723_080_600_000_000_000
        var bid: Int64 = 17_500
        var volume: Int64 = 100
        var rows: [[String]] = []
        for _ in 0..<count {
            time += Int64(1 + rng.below(3_000_000_000))
            if rng.below(3) == 0 { bid += Int64(rng.below(5)) - 2 }
            if rng.below(4) == 0 { volume += Int64(rng.below(7)) }
            if rng.below(200) == 0 { volume -= 3 }  // a fall: bad unless a new day
            if rng.below(150) == 0 { time += 4_000_000_000_000 }  // a session break
            let ask = bid + 1 + Int64(rng.below(2))
            let stamp: String
            switch rng.below(4) {
            case 0: stamp = TimestampTextTestHelper.iso(time, separator: " ")
            case 1: stamp = TimestampTextTestHelper.iso(time, separator: "T") + "Z"
            default: stamp = "\(time)"
            }
            var row = [stamp, price(bid, &rng), size(Int64(rng.below(40)), &rng), price(ask, &rng),
                       size(Int64(rng.below(40)), &rng), rng.below(10) == 0 ? "" : price(bid + Int64(rng.below(3)), &rng),
                       size(volume * 2, &rng)]
            switch rng.below(60) {
            case 0: row[1] = ""  // no bid
            case 1: row[3] = "0"  // no ask
            case 2: row[1] = "3500.1"  // off the tick
            case 3: row[2] = "-1"
            case 4: row[1] = price(ask, &rng)  // locked
            case 5: row[6] = ""
            case 6: row.removeLast()
            case 7: row.append("1")
            case 8: row[0] = "9999999999999999999"  // does not fit
            case 9: row[4] = "1e3"
            case 10: row[5] = "+" + row[5]
            case 11: row[2] = "000000000000000000000012"  // more digits than a fast read takes
            case 12: row[6] = "12345678901234567890123"  // does not fit
            default: break
            }
            rows.append(row)
        }
        return rows
    }

    /// The rows as CSV: plain, or with every field padded with spaces and some quoted.
    static func text(_ rows: [[String]], padded: Bool) -> String {
        rows.enumerated().map { i, row in
            row.enumerated().map { j, field in
                guard padded else { return field }
                return (i + j) % 3 == 0 ? " \"\(field)\"\t" : " \(field) "
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    static func drain<S: MarketDataSource>(_ source: inout S) -> (events: [MarketEvent], error: MarketDataError?) {
        var events: [MarketEvent] = []
        do {
            while let e = try source.next() { events.append(e) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    /// What a source opened by `open(path, skipBad)` reads from `rows` written plainly and
    /// padded, checked to be the same both ways (events, error, skipped records); the plain
    /// reading is returned.
    static func readBothWays<S: MarketDataSource>(_ rows: [[String]], name: String, skipBad: Bool,
                                                  _ open: (String, Bool) throws -> S) throws
        -> (events: [MarketEvent], error: MarketDataError?, skipped: Int) {
        var results: [(events: [MarketEvent], error: MarketDataError?, skipped: Int)] = []
        for padded in [false, true] {
            let path = SourceTestFiles.write(Self.text(rows, padded: padded), name: name)
            var source = try open(path, skipBad)
            let (events, error) = Self.drain(&source)
            results.append((events, error.map { MarketDataError($0.code, path: "", line: $0.line, reason: $0.reason) }, source.skipped))
        }
        #expect(results[0].events == results[1].events)
        #expect(results[0].error == results[1].error)
        #expect(results[0].skipped == results[1].skipped)
        return results[0]
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func levelOneLinesReadTheSameEitherWay(seed: UInt64) throws {
        let rows = Self.l1Rows(3_000, seed: seed)
        for skipBad in [true, false] {
            let read = try Self.readBothWays(rows, name: "l1.csv", skipBad: skipBad) { path, skipBad in
                try L1SnapshotCSVSource(path: path, instrument: Self.instrument, skipBad: skipBad)
            }
            if skipBad { #expect(read.skipped > 20 && read.events.count > 2_000) } else { #expect(read.error != nil) }
        }
    }

    @Test(arguments: [4, 5] as [UInt64])
    func tradeLinesReadTheSameEitherWay(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var time: Int64 = 1_723_080_600_000_000_000
        var rows: [[String]] = []
        for _ in 0..<3_000 {
            time += Int64(1 + rng.below(1_000_000_000))
            var row = [rng.below(3) == 0 ? TimestampTextTestHelper.iso(time, separator: " ") : "\(time)",
                       Self.price(17_400 + Int64(rng.below(200)), &rng), Self.size(Int64(1 + rng.below(20)), &rng)]
            let sides = ["buy", "SELL", "b", "S", "", "x"]
            if rng.below(4) != 0 { row.append(sides[rng.below(sides.count)]) }
            switch rng.below(50) {
            case 0: row[1] = "0"
            case 1: row[2] = "0"
            case 2: row[1] = "3500.3"
            case 3: row.append("buy")
            default: break
            }
            rows.append(row)
        }
        for skipBad in [true, false] {
            let read = try Self.readBothWays(rows, name: "trades.csv", skipBad: skipBad) { path, skipBad in
                try TradesCSVSource(path: path, instrument: Self.instrument, skipBad: skipBad)
            }
            if skipBad { #expect(read.skipped > 20 && read.events.count > 2_000) }
        }
    }

    /// A header is still recognised, and a first line that is plain data is not taken for one.
    @Test func headerAndFirstLine() throws {
        let data = "1723080600000000000,3500,1,3500.2,1,3500,100\n1723080601000000000,3500,1,3500.2,1,3500.2,101\n"
        for text in ["timestamp,bid,bid_size,ask,ask_size,last,cumulative_volume\n" + data, "\n\n" + data, data] {
            let path = SourceTestFiles.write(text, name: "l1.csv")
            var source = try L1SnapshotCSVSource(path: path, instrument: Self.instrument)
            let (events, error) = Self.drain(&source)
            #expect(error == nil)
            #expect(events.count == 3)
        }
    }

    /// Eight bytes at once: the number when all are digits, else nil.
    @Test func eightDigitsAtOnce() {
        var rng = SplitMix64(seed: 12)
        let alphabet = Array("0123456789".utf8) + Array("/:.,- Z".utf8) + [0x00, 0x39 + 1, 0x30 - 1, 0xB0, 0xFF]
        for _ in 0..<50_000 {
            let digitsOnly = rng.below(2) == 0
            let bytes: [UInt8] = (0..<8).map { _ in digitsOnly ? UInt8(0x30 + rng.below(10)) : alphabet[rng.below(alphabet.count)] }
            let expected: UInt64? = bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? bytes.reduce(0) { $0 * 10 + UInt64($1 - 0x30) } : nil
            let got = bytes.withUnsafeBufferPointer { CSVRowScanner.eightDigits($0.baseAddress!) }
            #expect(got == expected, "\(bytes)")
        }
    }

    /// Whole steps from decimals (``DecimalStep/steps(mantissa:scale:)``, the one conversion the
    /// CSV fast path, the general reading and the FIX side share) against exact 128-bit
    /// arithmetic: nil when the value is off the step, or when it does not fit 64 bits at the
    /// finer of the two scales.
    @Test func stepsAgreeWithExactArithmetic() {
        func reference(_ m: Int64, _ s: Int, _ step: DecimalStep) -> Int64? {
            var number = Int128(m), divisor = Int128(step.units)
            let stepScale = Int(step.scale)
            if stepScale >= s {
                for _ in 0..<(stepScale - s) { number *= 10 }
                guard Int64(exactly: number) != nil else { return nil }
            } else {
                for _ in 0..<(s - stepScale) { divisor *= 10 }
                guard Int64(exactly: divisor) != nil else { return nil }
            }
            guard number % divisor == 0 else { return nil }
            return Int64(exactly: number / divisor)
        }
        let steps = [DecimalStep(units: 1, scale: 2), DecimalStep(units: 5, scale: 1), DecimalStep(units: 1, scale: 0),
                     DecimalStep(units: 25, scale: 3), DecimalStep(units: 1, scale: 8)]
        var rng = SplitMix64(seed: 9)
        for _ in 0..<20_000 {
            let mantissa = Int64(rng.below(1 << 40)) * Int64(rng.below(3) == 0 ? 1_000_000 : 1)
            let scale = rng.below(12)
            for step in steps {
                #expect(step.steps(mantissa: mantissa, scale: Int8(scale)) == reference(mantissa, scale, step),
                        "\(mantissa)e-\(scale) in steps of \(step)")
            }
        }
    }
}

/// ISO timestamps for the tests, written from nanoseconds since the epoch.
enum TimestampTextTestHelper {
    static func iso(_ ns: Int64, separator: Character) -> String {
        let days = ns / Period.day
        let date = CivilDate(daysSinceEpoch: days)
        let rest = ns % Period.day
        let seconds = rest / 1_000_000_000, fraction = rest % 1_000_000_000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = "\(date)\(separator)\(two(seconds / 3_600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
