/// A log operation that failed, with the file (if any) and the reason.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String?
    public var reason: String
    public var file: StaticString
    public var line: UInt

    public init(path: String? = nil, _ reason: String, file: StaticString = #fileID, line: UInt = #line) {
        self.path = path
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// The same failure, met by the file code shared with the stores.
    init(_ error: StoreError) {
        self.init(path: error.path, error.reason, file: error.file, line: error.line)
    }

    public static func == (lhs: LogError, rhs: LogError) -> Bool {
        lhs.path == rhs.path && lhs.reason == rhs.reason
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }
}
