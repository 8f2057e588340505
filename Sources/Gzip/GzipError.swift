/// A gzip stream that cannot be read or written: what went wrong as a ``Code``, the file (when
/// known) and the reason.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// zlib could not be set up (or reset) for the stream.
        case cannotStart
        /// Reading the compressed bytes failed.
        case cannotRead
        /// The compressed data is damaged or cut short.
        case damaged
    }

    public var code: Code
    public var path: String?
    public var reason: String

    public init(_ code: Code, path: String? = nil, _ reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }
}
