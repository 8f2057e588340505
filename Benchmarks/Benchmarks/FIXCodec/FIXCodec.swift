// Micro-benchmarks of the FIX codec hot paths: framing, parsing, validating and encoding.
//
// Every benchmark runs 1000 operations per measured iteration (`scalingFactor: .kilo`), so the
// scaled figures the tool prints are per operation. All objects (framer, message, validator,
// encoder, header) are built once in the benchmark's setup and reused, as the engine's own hot
// paths reuse them; the setup also checks, once, that the work done is the intended one (the
// message frames, parses and validates; the typed and raw encoders write the same bytes).

import Benchmark
import BenchmarkSupport
import FIX

// MARK: - Sample messages

/// A fixed instant: 2024-06-11T14:30:15.123Z.
let sampleTime = UTCTimestamp(year: 2024, month: 6, day: 11, hour: 14, minute: 30, second: 15,
                              nanosecond: 123_000_000)!

/// A buy-side client's NewOrderSingle: header 34/49/52/56, body 1, 11, 21, 38, 40, 44, 54, 55, 59, 60.
func sampleNewOrderSingle() -> [UInt8] {
    let e = FIXEncoder()
    e.start(msgType: "D")
    FIXHeader(senderCompID: "CLIENT-BUYSIDE", targetCompID: "MM-SELLSIDE", msgSeqNum: 1_234_567,
              sendingTime: sampleTime).write(into: e)
    e.append(Tag.account, "ACC-7781")
    e.append(Tag.clOrdID, "CLORD-20240611-000001")
    e.append(Tag.handlInst, char: UInt8(ascii: "1"))
    e.append(Tag.orderQty, FIXDecimal(mantissa: 1500))
    e.append(Tag.ordType, char: UInt8(ascii: "2"))  // limit
    e.append(Tag.price, FIXDecimal(mantissa: 10125, scale: 2))
    e.append(Tag.side, char: UInt8(ascii: "1"))  // buy
    e.append(Tag.symbol, "AAPL")
    e.append(Tag.timeInForce, char: UInt8(ascii: "0"))  // day
    e.append(Tag.transactTime, sampleTime)
    return Array(e.finish())
}

/// A MarketDataIncrementalRefresh with 262 and `entries` NoMDEntries instances of
/// 279, 269, 55, 270, 271.
func sampleIncrementalRefresh(entries: Int) -> [UInt8] {
    let e = FIXEncoder()
    e.start(msgType: "X")
    FIXHeader(senderCompID: "MM-SELLSIDE", targetCompID: "CLIENT-BUYSIDE", msgSeqNum: 7_654_321,
              sendingTime: sampleTime).write(into: e)
    e.append(Tag.mdReqID, "MDR-AAPL-1")
    e.append(Tag.noMDEntries, entries)
    for k in 0..<entries {
        e.append(Tag.mdUpdateAction, char: UInt8(ascii: k % 3 == 2 ? "1" : "0"))  // new / change
        e.append(Tag.mdEntryType, char: UInt8(ascii: k % 2 == 0 ? "0" : "1"))  // bid / offer
        e.append(Tag.symbol, "AAPL")
        e.append(Tag.mdEntryPx, FIXDecimal(mantissa: Int64(10_120 + k), scale: 2))
        e.append(Tag.mdEntrySize, FIXDecimal(mantissa: Int64(100 * (k + 1))))
    }
    return Array(e.finish())
}

// MARK: - 1. Frame + parse + validate a NewOrderSingle

struct FrameParseValidate {
    let input: [UInt8]
    var framer = FIXFramer()
    var message = FIXMessage()
    let validator: FIXValidator

    init() throws {
        input = sampleNewOrderSingle()
        validator = FIXValidator(dictionary: try DataDictionary.fix44())
        // The work must be the intended one: one good frame, a parse, no reject.
        let (count, valid) = once()
        precondition(count == 1 && valid, "NewOrderSingle does not frame, parse and validate")
        precondition(message.msgType == "D" && message.decimal(Tag.price) == FIXDecimal(mantissa: 10125, scale: 2))
    }

    /// One operation; returns the number of messages framed and whether they all validated.
    @inline(__always)
    mutating func once() -> (Int, Bool) {
        input.withUnsafeBytes { framer.append($0) }
        var count = 0
        var valid = true
        while let event = framer.next() {
            guard case .message(let frame) = event else { return (count, false) }
            do {
                try message.parse(frame)
            } catch {
                return (count, false)
            }
            count += 1
            if validator.validate(&message) != nil { valid = false }
        }
        return (count, valid)
    }

    mutating func run(_ iterations: Range<Int>) {
        for _ in iterations {
            let (count, valid) = once()
            if _slowPath(!valid) { fatalError("NewOrderSingle rejected") }
            blackHole(count)
        }
    }

    /// Parse and validate only, from a complete message already in memory (what the target
    /// "parse + validate a NewOrderSingle" measures; framing is the benchmark above).
    mutating func runParseValidate(_ iterations: Range<Int>) throws {
        for _ in iterations {
            try input.withUnsafeBytes { try message.parse($0) }
            if _slowPath(validator.validate(&message) != nil) { fatalError("NewOrderSingle rejected") }
            blackHole(message.fieldCount)
        }
    }
}

// MARK: - 2. Encode an ExecutionReport

/// The ExecutionReport both encode benchmarks write: a partial fill of the order above.
let sampleReport = ExecutionReport(
    orderID: "ORD-00000012345", clOrdID: "CLORD-20240611-000001", execID: "EXEC-0000098765",
    execType: .trade, ordStatus: .partiallyFilled, symbol: "AAPL", side: .buy,
    orderQty: FIXDecimal(mantissa: 1500), ordType: .limit, price: FIXDecimal(mantissa: 10125, scale: 2),
    lastQty: FIXDecimal(mantissa: 500), lastPx: FIXDecimal(mantissa: 10125, scale: 2),
    leavesQty: FIXDecimal(mantissa: 1000), cumQty: FIXDecimal(mantissa: 500),
    avgPx: FIXDecimal(mantissa: 10125, scale: 2), transactTime: sampleTime
)

let sampleHeader = FIXHeader(senderCompID: "MM-SELLSIDE", targetCompID: "CLIENT-BUYSIDE",
                             msgSeqNum: 1, sendingTime: sampleTime)

struct EncodeExecutionReport {
    let encoder = FIXEncoder()
    var header = sampleHeader
    var report = sampleReport

    init() throws {
        // Typed and raw paths must write the same bytes, and those bytes must be a valid
        // ExecutionReport with body fields 6, 11, 14, 17, 31, 32, 37, 38, 39, 40, 44, 54, 55, 60, 150, 151.
        let typed = Array(encodeTyped())
        let raw = Array(encodeRaw())
        precondition(typed == raw, "typed and raw ExecutionReport encodings differ")
        var framer = FIXFramer()
        framer.append(typed)
        guard case .message(let frame)? = framer.next() else { preconditionFailure("ExecutionReport does not frame") }
        var message = try FIXMessage(bytes: frame)
        let validator = FIXValidator(dictionary: try DataDictionary.fix44())
        precondition(validator.validate(&message) == nil, "ExecutionReport does not validate")
        let body = message.fields.map { Int($0.tag) }.filter { ![8, 9, 35, 34, 49, 52, 56, 10].contains($0) }
        precondition(body == [6, 11, 14, 17, 31, 32, 37, 38, 39, 40, 44, 54, 55, 60, 150, 151], "body: \(body)")
        header.msgSeqNum = 1
    }

    /// The next message of the session: a new MsgSeqNum and SendingTime.
    @inline(__always)
    mutating func advance() {
        header.msgSeqNum &+= 1
        header.sendingTime.nanosecondsSinceEpoch &+= 1_000_000
    }

    @inline(__always)
    mutating func encodeTyped() -> UnsafeRawBufferPointer {
        report.encode(header: header, into: encoder)
    }

    /// The same message written field by field with the encoder, in ascending tag order.
    @inline(__always)
    mutating func encodeRaw() -> UnsafeRawBufferPointer {
        encoder.start(msgType: "8")
        header.write(into: encoder)
        encoder.append(Tag.avgPx, FIXDecimal(mantissa: 10125, scale: 2))
        encoder.append(Tag.clOrdID, "CLORD-20240611-000001")
        encoder.append(Tag.cumQty, FIXDecimal(mantissa: 500))
        encoder.append(Tag.execID, "EXEC-0000098765")
        encoder.append(Tag.lastPx, FIXDecimal(mantissa: 10125, scale: 2))
        encoder.append(Tag.lastQty, FIXDecimal(mantissa: 500))
        encoder.append(Tag.orderID, "ORD-00000012345")
        encoder.append(Tag.orderQty, FIXDecimal(mantissa: 1500))
        encoder.append(Tag.ordStatus, char: UInt8(ascii: "1"))  // partially filled
        encoder.append(Tag.ordType, char: UInt8(ascii: "2"))  // limit
        encoder.append(Tag.price, FIXDecimal(mantissa: 10125, scale: 2))
        encoder.append(Tag.side, char: UInt8(ascii: "1"))  // buy
        encoder.append(Tag.symbol, "AAPL")
        encoder.append(Tag.transactTime, sampleTime)
        encoder.append(Tag.execType, char: UInt8(ascii: "F"))  // trade
        encoder.append(Tag.leavesQty, FIXDecimal(mantissa: 1000))
        return encoder.finish()
    }

    mutating func runTyped(_ iterations: Range<Int>) {
        for _ in iterations {
            advance()
            blackHole(encodeTyped().count)
        }
    }

    mutating func runRaw(_ iterations: Range<Int>) {
        for _ in iterations {
            advance()
            blackHole(encodeRaw().count)
        }
    }
}

// MARK: - 3. Parse a MarketDataIncrementalRefresh with 10 entries

struct ParseIncrementalRefresh {
    static let entries = 10
    let input: ArraySlice<UInt8>
    var message = FIXMessage()
    let validator: FIXValidator

    init() throws {
        input = sampleIncrementalRefresh(entries: Self.entries)[...]
        validator = FIXValidator(dictionary: try DataDictionary.fix44())
        let sum = try parseValidateRead()
        precondition(message.group(Tag.noMDEntries).count == Self.entries, "groups not resolved")
        // 101.20 + 101.21 + ... + 101.29
        precondition(sum == 10_120 * Self.entries + (0..<Self.entries).reduce(0, +), "prices: \(sum)")
        try parseOnly()
        precondition(message.fields.count == 10 + 5 * Self.entries, "fields: \(message.fields.count)")
    }

    /// Parse, resolve groups and validate, then read every entry's MDEntryPx; returns the sum
    /// of the price mantissas.
    @inline(__always)
    mutating func parseValidateRead() throws(FIXParseError) -> Int {
        try message.parse(input)
        if _slowPath(validator.validate(&message) != nil) { fatalError("X rejected") }
        var sum = 0
        let entries = message.group(Tag.noMDEntries)
        for i in entries.indices {
            sum &+= Int(entries[i].decimal(Tag.mdEntryPx)?.mantissa ?? 0)
        }
        return sum
    }

    @inline(__always)
    mutating func parseOnly() throws(FIXParseError) {
        try message.parse(input)
    }

    mutating func runParseValidate(_ iterations: Range<Int>) throws {
        for _ in iterations {
            blackHole(try parseValidateRead())
        }
    }

    mutating func runParseOnly(_ iterations: Range<Int>) throws {
        for _ in iterations {
            try parseOnly()
            blackHole(message.fields.count)
        }
    }
}

// MARK: - Registration

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = perOperationConfiguration()

    let nos = Box<FrameParseValidate>()
    Benchmark(
        "Frame+parse+validate NewOrderSingle",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            nos.value!.run(benchmark.scaledIterations)
        },
        setup: { nos.value = try FrameParseValidate() },
        teardown: { nos.value = nil }
    )

    Benchmark(
        "Parse+validate NewOrderSingle",
        configuration: perOperationConfiguration(),
        closure: { (benchmark: Benchmark) throws in
            try nos.value!.runParseValidate(benchmark.scaledIterations)
        },
        setup: { nos.value = try FrameParseValidate() },
        teardown: { nos.value = nil }
    )

    let encode = Box<EncodeExecutionReport>()
    Benchmark(
        "Encode ExecutionReport (typed)",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            encode.value!.runTyped(benchmark.scaledIterations)
        },
        setup: { encode.value = try EncodeExecutionReport() },
        teardown: { encode.value = nil }
    )
    Benchmark(
        "Encode ExecutionReport (raw encoder)",
        configuration: perOperationConfiguration(),
        closure: { benchmark in
            encode.value!.runRaw(benchmark.scaledIterations)
        },
        setup: { encode.value = try EncodeExecutionReport() },
        teardown: { encode.value = nil }
    )

    let refresh = Box<ParseIncrementalRefresh>()
    Benchmark(
        "parse+validate X (10 entries)",
        configuration: perOperationConfiguration(),
        closure: { (benchmark: Benchmark) throws in
            try refresh.value!.runParseValidate(benchmark.scaledIterations)
        },
        setup: { refresh.value = try ParseIncrementalRefresh() },
        teardown: { refresh.value = nil }
    )
    Benchmark(
        "parse only X (10 entries)",
        configuration: perOperationConfiguration(),
        closure: { (benchmark: Benchmark) throws in
            try refresh.value!.runParseOnly(benchmark.scaledIterations)
        },
        setup: { refresh.value = try ParseIncrementalRefresh() },
        teardown: { refresh.value = nil }
    )
}
