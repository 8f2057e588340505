/// How a ``FileLog`` writes its message log (the `FileLogCompression` setting).
public enum LogCompression: String, Sendable, CaseIterable {
    /// Plain text lines: `<name>.messages.log`.
    case none
    /// The same lines gzip-compressed: `<name>.messages.log.gz`, one gzip member for each time
    /// the log is opened, flushed on a byte boundary whenever the plain log would be written
    /// (so a process killed loses no line the plain log would have kept). `mm decode` and
    /// `mm replay` read it as they read the plain log; so does `zcat`.
    case gzip

    /// What the message log's name ends with.
    public var messagesSuffix: String {
        switch self {
        case .none: ".messages.log"
        case .gzip: ".messages.log.gz"
        }
    }
}
