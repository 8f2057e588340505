/// A line of a log that could not be replayed (or a note about one): where, and why.
public struct LogDiagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The file, as given.
    public var file: String
    /// The line (1-based; 0 when the problem is the file as a whole).
    public var line: Int
    /// What is wrong.
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: REASON`.
    public var description: String { line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)" }
}
