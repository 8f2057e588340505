/// What a log file's name says about it: QuickFIX-style names are
/// `BEGINSTRING-SENDER-TARGET.messages.log` (the engine's own `FileLog`),
/// `BEGINSTRING-SENDER-TARGET.messages.current.log` (QuickFIX C++), and `.event.` in place of
/// `.messages.` for the event logs; any of them may end with `.gz` (compressed, as the engine
/// writes its message log with `FileLogCompression=gzip`). SENDER is the side that wrote the log.
public struct LogFileName: Sendable, Equatable {
    /// The kind of log a name stands for.
    public enum Kind: String, Sendable, Equatable {
        /// Messages, one a line.
        case messages
        /// Session events, one a line.
        case events
        /// Any other name: a capture, read by its content.
        case other
    }

    /// The kind of log.
    public var kind: Kind
    /// BeginString, SenderCompID (the side that wrote the log) and TargetCompID, when the name
    /// carries them.
    public var beginString: String?
    public var senderCompID: String?
    public var targetCompID: String?
    /// Whether the name is QuickFIX C++'s (`.current.log`) rather than the engine's.
    public var isQuickFIX: Bool

    /// Reads a path's last component.
    public init(_ path: String) {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".log.gz") { name.removeLast(3) }
        kind = .other
        isQuickFIX = false
        var stem: Substring?
        for (suffix, k, quickFIX) in [(".messages.current.log", Kind.messages, true), (".messages.log", .messages, false),
                                      (".event.current.log", .events, true), (".event.log", .events, false)]
        where name.hasSuffix(suffix) {
            kind = k
            isQuickFIX = quickFIX
            stem = name.dropLast(suffix.count)
            break
        }
        guard let stem else { return }
        // FIX.4.4-SENDER-TARGET (FIXT.1.1 likewise); CompIDs without '-'.
        let parts = stem.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].hasPrefix("FIX"), !parts[1].isEmpty, !parts[2].isEmpty {
            beginString = String(parts[0])
            senderCompID = String(parts[1])
            targetCompID = String(parts[2])
        }
    }
}
