import Foundation

/// What a replay found, read with memory bounded by the orders working at one time rather than
/// by the logs' size (see ``LogReplay/stream(files:fullTimeline:timelineLimit:orders:maxMessageSize:onEvent:)``):
/// the figures of ``LogReport`` in memory, the fills and (when asked for) the orders in
/// scratch files, handed out again in their order.
public final class LogStream: LogFigures {
    public let files: [LogMerger.FileSummary]
    public let messages: Int
    public let duplicatesSkipped: Int
    public let sessions: [SessionReport]
    public let positions: [PositionReport]
    /// The timeline kept (up to the limit) and how many events of it were left out.
    public let timeline: [TimelineEvent]
    public let timelineOmitted: Int
    public let diagnostics: [LogDiagnostic]
    /// Order chains and fills found.
    public let orderCount: Int
    public let fillCount: Int

    private let fills: SpillFile
    private let canceled: Set<Int>
    private let orders: OrderArchive?

    init(report: LogReport, orderCount: Int, fillCount: Int, fills: SpillFile, canceled: Set<Int>, orders: OrderArchive?) {
        files = report.files
        messages = report.messages
        duplicatesSkipped = report.duplicatesSkipped
        sessions = report.sessions
        positions = report.positions
        timeline = report.timeline
        timelineOmitted = report.timelineOmitted
        diagnostics = report.diagnostics
        self.orderCount = orderCount
        self.fillCount = fillCount
        self.fills = fills
        self.canceled = canceled
        self.orders = orders
    }

    /// Why the scratch files may be short (a full disk), if they may.
    public var scratchFailure: String? { fills.failure ?? orders?.failure }

    /// Every fill, in the order booked.
    public func forEachFill(_ body: (LogFill) throws -> Void) rethrows {
        var n = 0
        try fills.forEachRecord { bytes in
            guard var f = LogFill(encoded: bytes) else { return }
            f.canceled = canceled.contains(n)
            n += 1
            try body(f)
        }
    }

    /// Every order chain, in the order they began (none unless the stream was asked to keep them).
    public func forEachOrder(_ body: (OrderChain) throws -> Void) throws {
        let decoder = JSONDecoder()
        try orders?.forEach { bytes in try body(try decoder.decode(OrderChain.self, from: Data(bytes))) }
    }

    /// Every order chain as JSON (sorted keys), in the order they began.
    public func forEachOrderJSON(_ body: ([UInt8]) throws -> Void) rethrows {
        try orders?.forEach(body)
    }
}

/// Order chains let go by the analyzer, as JSON, handed out again in the order they began:
/// each chain's record goes to one scratch file as it comes, and where it is to another, at its
/// number's place.
final class OrderArchive {
    private let records: SpillFile
    private let index: SpillFile
    private var count = 0
    private let encoder: JSONEncoder

    init() throws(LogInputError) {
        records = try SpillFile()
        index = try SpillFile()
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    var failure: String? { records.failure ?? index.failure }

    func add(_ number: Int, _ chain: OrderChain) {
        let json = (try? encoder.encode(chain)).map { Array($0) } ?? []
        let at = records.append(json)
        var entry: [UInt8] = []
        appendLittleEndian(&entry, UInt64(at))
        index.put(entry, at: Int64(number) * 8)
        count = max(count, number + 1)
    }

    func forEach(_ body: ([UInt8]) throws -> Void) rethrows {
        records.flush()
        var at: Int64 = 0
        while at < Int64(count) * 8 {
            let entries = index.bytes(at: at, count: Int(min(Int64(count) * 8 - at, 8 << 16)))
            for k in stride(from: 0, to: entries.count, by: 8) {
                let offset = entries[k..<(k + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                try body(records.record(at: Int64(offset)))
            }
            at += Int64(entries.count)
        }
    }
}

func appendLittleEndian<T: FixedWidthInteger>(_ b: inout [UInt8], _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) }
}

extension LogFill {
    /// The fill as the scratch file holds it: each text as its length and bytes (an absent one
    /// as 0xFFFFFFFF).
    var encoded: [UInt8] {
        var b: [UInt8] = []
        for field in [time, session, owner, order, clOrdID, orderID, execID, symbol, side, lastQty, lastPx, commission,
                      commType, fee] as [String?] {
            guard let field else {
                appendLittleEndian(&b, UInt32.max)
                continue
            }
            appendLittleEndian(&b, UInt32(field.utf8.count))
            b.append(contentsOf: field.utf8)
        }
        return b
    }

    /// A fill read back from ``encoded`` (not canceled).
    init?(encoded b: [UInt8]) {
        var at = 0
        var fields: [String?] = []
        while at + 4 <= b.count {
            let n = b[at..<(at + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            at += 4
            if n == UInt32.max {
                fields.append(nil)
                continue
            }
            guard at + Int(n) <= b.count else { return nil }
            fields.append(String(decoding: b[at..<(at + Int(n))], as: UTF8.self))
            at += Int(n)
        }
        guard fields.count == 14, let time = fields[0], let session = fields[1], let owner = fields[2], let order = fields[3],
              let execID = fields[6], let symbol = fields[7], let side = fields[8], let lastQty = fields[9],
              let lastPx = fields[10] else { return nil }
        self.init(time: time, session: session, owner: owner, order: order, clOrdID: fields[4], orderID: fields[5],
                  execID: execID, symbol: symbol, side: side, lastQty: lastQty, lastPx: lastPx, commission: fields[11],
                  commType: fields[12], fee: fields[13], canceled: false)
    }
}
