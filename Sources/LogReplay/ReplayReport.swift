/// Everything a replay of FIX logs found: the files read, the sessions, orders, fills and
/// positions, the timeline, and the lines that could not be replayed.
public struct ReplayReport: Sendable, Codable, Equatable {
    public var files: [LogMerger.FileSummary]
    /// Messages replayed (each once), and messages skipped because another file had them.
    public var messages: Int
    public var duplicatesSkipped: Int
    public var sessions: [SessionReport]
    public var orders: [OrderChain]
    public var fills: [ReplayFill]
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
    /// Reads `files` (see ``LogMerger``) and rebuilds their sessions (see ``ReplayAnalyzer``).
    ///
    /// - Parameters:
    ///   - fullTimeline: every message but heartbeats in the timeline (market data and resends
    ///     in runs); otherwise the notable events only (session events, gaps, rejects, fills).
    ///   - timelineLimit: how many timeline events the report keeps (nil: all); the rest are
    ///     counted in ``ReplayReport/timelineOmitted``.
    ///   - onEvent: gets every timeline event selected, limit or not, as it happens.
    /// - Throws: ``LogInputError`` when a file cannot be opened.
    public static func analyze(files: [String], fullTimeline: Bool = false, timelineLimit: Int? = 200,
                               maxMessageSize: Int = 1 << 20,
                               onEvent: ((TimelineEvent) -> Void)? = nil) throws(LogInputError) -> ReplayReport {
        let merger = try LogMerger(files: files, maxMessageSize: maxMessageSize)
        let analyzer = ReplayAnalyzer()
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
        let result = analyzer.finish()
        // Problems in file order, then line order; notes about the messages after.
        let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let diagnostics = (merger.diagnostics + analyzer.notes).enumerated().sorted { a, b in
            let fa = fileOrder[a.element.file] ?? 0, fb = fileOrder[b.element.file] ?? 0
            if fa != fb { return fa < fb }
            if a.element.line != b.element.line { return a.element.line < b.element.line }
            return a.offset < b.offset
        }.map(\.element)
        return ReplayReport(files: merger.files, messages: analyzer.messages, duplicatesSkipped: merger.duplicates,
                            sessions: result.sessions, orders: result.orders, fills: result.fills, positions: result.positions,
                            timeline: timeline, timelineOmitted: omitted, diagnostics: diagnostics)
    }
}
