/// A file of the session layer (a message store, a message or event log, a journal) that could
/// not be used: which file, what went wrong as a ``Code`` callers can match on, and the reason in
/// words (with the system's, for a failed system call).
///
/// The stores' and the logs' failures are the same concern, the same type: ``StoreError`` and
/// ``LogError`` name it where the API speaks of one or the other.
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The file could not be opened or created (or its directory made).
        case cannotOpen
        /// Reading it failed.
        case cannotRead
        /// Writing, extending, mapping or truncating it failed (a full disk among others).
        case cannotWrite
        /// Forcing it to disk failed: what was written may not survive a power loss.
        case cannotSync
        /// Another process (or another store of this one) has it open.
        case inUse
        /// Its content is not what it must be: damaged, of another kind or format, of another
        /// session.
        case damaged
        /// A value out of range, or the file closed or failed earlier.
        case unusable
    }

    public var code: Code
    public var path: String?
    public var reason: String
    /// Where in the engine the failure was raised (for a report of a bug, not for matching).
    public var file: StaticString
    public var line: UInt

    public init(_ code: Code, path: String? = nil, _ reason: String, file: StaticString = #fileID, line: UInt = #line) {
        self.code = code
        self.path = path
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: FileError, rhs: FileError) -> Bool {
        lhs.code == rhs.code && lhs.path == rhs.path && lhs.reason == rhs.reason
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }
}

/// A message store's failure.
public typealias StoreError = FileError
/// A message or event log's failure.
public typealias LogError = FileError
