/// A settings file that cannot be used: the file, the line, the key (when the problem is about
/// one) and what is wrong.
///
/// `description` reads `PATH:LINE: key 'K': reason`, or `PATH:LINE: reason` when no key is
/// involved (a malformed line, an unknown section). Line 0 means the file as a whole (it cannot
/// be read, or it has no session); the line part is then left out.
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

    /// An error at `line` of `path`, about `key` when there is one.
    public init(path: String, line: Int, key: String? = nil, reason: String) {
        self.path = path
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var description: String {
        var s = line > 0 ? "\(path):\(line): " : "\(path): "
        if let key { s += "key '\(key)': " }
        return s + reason
    }
}
