/// What every replay gives: the files read, the messages, the sessions and positions, and the
/// lines that could not be replayed (a ``LogReport`` in memory, or a ``LogStream``).
public protocol LogFigures {
    var files: [LogMerger.FileSummary] { get }
    var messages: Int { get }
    var duplicatesSkipped: Int { get }
    var sessions: [SessionReport] { get }
    var positions: [PositionReport] { get }
    var diagnostics: [LogDiagnostic] { get }
}

/// Everything a replay of FIX logs found: the files read, the sessions, orders, fills and
/// positions, the timeline, and the lines that could not be replayed.
public struct LogReport: Sendable, Codable, Equatable, LogFigures {
    public var files: [LogMerger.FileSummary]
    /// Messages replayed (each once), and messages skipped because another file had them.
    public var messages: Int
    public var duplicatesSkipped: Int
    public var sessions: [SessionReport]
    public var orders: [OrderChain]
    public var fills: [LogFill]
    public var positions: [PositionReport]
    /// The timeline kept (see ``LogReplay/analyze(files:fullTimeline:timelineLimit:maxMessageSize:onEvent:)``)
    /// and how many events of it were left out by the limit.
    public var timeline: [TimelineEvent]
    public var timelineOmitted: Int
    /// Lines that could not be replayed, and things in the messages that do not add up.
    public var diagnostics: [LogDiagnostic]
}

/// Reading FIX logs back.
public enum LogReplay {
    /// Reads `files` (see ``LogMerger``) and rebuilds their sessions (see ``LogAnalyzer``).
    ///
    /// - Parameters:
    ///   - fullTimeline: every message but heartbeats in the timeline (market data and resends
    ///     in runs); otherwise the notable events only (session events, gaps, rejects, fills).
    ///   - timelineLimit: how many timeline events the report keeps (nil: all); the rest are
    ///     counted in ``LogReport/timelineOmitted``.
    ///   - onEvent: gets every timeline event selected, limit or not, as it happens.
    /// - Throws: ``LogInputError`` when a file cannot be opened.
    public static func analyze(files: [String], fullTimeline: Bool = false, timelineLimit: Int? = 200,
                               maxMessageSize: Int = 1 << 20,
                               onEvent: ((TimelineEvent) -> Void)? = nil) throws(LogInputError) -> LogReport {
        let analyzer = LogAnalyzer()
        var report = try run(files: files, analyzer: analyzer, fullTimeline: fullTimeline, timelineLimit: timelineLimit,
                             maxMessageSize: maxMessageSize, onEvent: onEvent)
        let result = analyzer.finish()
        report.sessions = result.sessions
        report.orders = result.orders
        report.fills = result.fills
        report.positions = result.positions
        return report
    }

    /// What a stream keeps of the orders.
    public enum OrderDetail: Sendable {
        /// Their figures only (counts by session and status).
        case none
        /// Each chain without its requests and reports (``OrderChain/events`` empty).
        case chains
        /// Each chain with every request and report.
        case events
    }

    /// Reads `files` as ``analyze(files:fullTimeline:timelineLimit:maxMessageSize:onEvent:)``
    /// does, with memory bounded by the orders working at one time rather than by the size of
    /// the logs: finished orders are let go after ``LogAnalyzer/defaultFinishedOrdersKept``
    /// more have finished (to scratch files when `orders` asks for them), and fills go to a
    /// scratch file, read again at the end for the positions. The figures are the same as
    /// `analyze`'s, unless a message names an order let go (it then starts an order of its own,
    /// as one whose beginning is not in the logs).
    public static func stream(files: [String], fullTimeline: Bool = false, timelineLimit: Int? = 200,
                              orders detail: OrderDetail = .none,
                              finishedOrdersKept: Int = LogAnalyzer.defaultFinishedOrdersKept,
                              maxMessageSize: Int = 1 << 20,
                              onEvent: ((TimelineEvent) -> Void)? = nil) throws(LogInputError) -> LogStream {
        let analyzer = LogAnalyzer(finishedOrdersKept: finishedOrdersKept, keepsOrderEvents: detail == .events)
        let fills = try SpillFile()
        let archive: OrderArchive? = detail == .none ? nil : try OrderArchive()
        analyzer.onFill = { _, fill in fills.append(fill.encoded) }
        if let archive { analyzer.onOrder = { archive.add($0, $1) } }
        var report = try run(files: files, analyzer: analyzer, fullTimeline: fullTimeline, timelineLimit: timelineLimit,
                             maxMessageSize: maxMessageSize, onEvent: onEvent)
        let result = analyzer.finish()
        report.sessions = result.sessions
        let canceled = analyzer.canceledFills
        report.positions = analyzer.positions(FillSequence(file: fills, canceled: canceled))
        return LogStream(report: report, orderCount: analyzer.orderCount, fillCount: analyzer.fillCount, fills: fills,
                            canceled: canceled, orders: archive)
    }

    /// Reads the files into `analyzer`: the report without its sessions, orders, fills and
    /// positions (the analyzer's `finish` gives them).
    private static func run(files: [String], analyzer: LogAnalyzer, fullTimeline: Bool, timelineLimit: Int?,
                            maxMessageSize: Int, onEvent: ((TimelineEvent) -> Void)?) throws(LogInputError) -> LogReport {
        let merger = try LogMerger(files: files, maxMessageSize: maxMessageSize)
        var timeline: [TimelineEvent] = []
        var omitted = 0
        analyzer.onEvent = { e in
            guard fullTimeline || e.kind.isNotable else { return }
            onEvent?(e)
            if timelineLimit.map({ timeline.count < $0 }) ?? true {
                timeline.append(e)
            } else {
                omitted += 1
            }
        }
        while let item = merger.next() { analyzer.add(item) }
        // Problems in file order, then line order; notes about the messages after.
        let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let diagnostics = (merger.diagnostics + analyzer.notes).enumerated().sorted { a, b in
            let fa = fileOrder[a.element.file] ?? 0, fb = fileOrder[b.element.file] ?? 0
            if fa != fb { return fa < fb }
            if a.element.line != b.element.line { return a.element.line < b.element.line }
            return a.offset < b.offset
        }.map(\.element)
        // The run of the timeline still open ends with the input.
        analyzer.flushTimeline()
        return LogReport(files: merger.files, messages: analyzer.messages, duplicatesSkipped: merger.duplicates,
                            sessions: [], orders: [], fills: [], positions: [],
                            timeline: timeline, timelineOmitted: omitted, diagnostics: diagnostics)
    }
}

/// The fills of a scratch file, as a sequence read from the start each time it is iterated.
struct FillSequence: Sequence {
    let file: SpillFile
    let canceled: Set<Int>

    func makeIterator() -> AnyIterator<LogFill> {
        file.flush()
        var reader = SpillFile.Reader(file: file)
        var n = 0
        return AnyIterator {
            guard let bytes = reader.next(), var f = LogFill(encoded: bytes) else { return nil }
            f.canceled = canceled.contains(n)
            n += 1
            return f
        }
    }
}
