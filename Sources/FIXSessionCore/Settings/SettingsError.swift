/// A settings file that cannot be used, or a session that cannot be built from it (the engine's
/// stores, logs, dictionaries, certificates, ports): the file, the line, the session and the key
/// (when the problem is about one) and what is wrong.
///
/// `description` reads `PATH:LINE: session S->T: key 'K': reason`, leaving out the parts that do
/// not apply (a malformed line has no key, a file-level problem no session). Line 0 means the
/// file as a whole (it cannot be read, or it has no session); the line part is then left out.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, for callers that act on it.
    public enum Code: Sendable, Hashable {
        /// The file cannot be read.
        case cannotRead
        /// Not settings text: not UTF-8, a malformed line or section header, a key outside any
        /// section, no session at all.
        case malformed
        /// A key the engine does not know.
        case unknownKey
        /// A value of the wrong kind or out of range.
        case badValue
        /// Something given twice: a key in one section, a [DEFAULT] section, a session.
        case duplicate
        /// A key the session needs is not given (or the other key of a pair is not).
        case missing
        /// Keys that contradict each other, within a session or between sessions on one port.
        case conflict
        /// A file or variable a key names cannot be used (not found, a directory, unreadable, empty).
        case unusableReference
        /// The engine cannot build or start the session: its dictionary, store, log, TLS
        /// context or listening port.
        case cannotStart
    }

    /// What kind of problem it is.
    public var code: Code
    /// The settings file, as it was named to ``SettingsFile/load(path:)`` or
    /// ``SettingsFile/parse(_:path:directory:)``.
    public var path: String
    /// The 1-based line the problem is on; for a key a session lacks, the line of the session's
    /// `[SESSION]` header; 0 for the file as a whole.
    public var line: Int
    /// The key concerned, as written in the file (or as it must be written, for a missing key).
    public var key: String?
    /// What is wrong and, for a bad value, what was expected.
    public var reason: String
    /// The session concerned, for a session the engine could not build.
    public var sessionID: SessionID?

    /// An error at `line` of `path`, about `key` and `sessionID` when there are.
    public init(_ code: Code, path: String, line: Int, sessionID: SessionID? = nil, key: String? = nil, reason: String) {
        self.code = code
        self.path = path
        self.line = line
        self.sessionID = sessionID
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var s = line > 0 ? "\(path):\(line): " : "\(path): "
        if let sessionID { s += "session \(sessionID.senderCompID)->\(sessionID.targetCompID): " }
        if let key { s += "key '\(key)': " }
        return s + reason
    }
}
