/// A settings file that cannot be used, or a session that cannot be built from it (the engine's
/// stores, logs, dictionaries, certificates, ports): the file, the line, the session and the key
/// (when the problem is about one) and what is wrong.
///
/// `description` reads `PATH:LINE: session S->T: key 'K': reason`, leaving out the parts that do
/// not apply (a malformed line has no key, a file-level problem no session). Line 0 means the
/// file as a whole (it cannot be read, or it has no session); the line part is then left out.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
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
    public init(path: String, line: Int, sessionID: SessionID? = nil, key: String? = nil, reason: String) {
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
