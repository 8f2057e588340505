import Foundation

/// A stream of log bytes read in chunks: a file, or standard input for `-`.
public final class LogInput {
    /// The name the input was given by (`-` for standard input).
    public let path: String
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var ended = false

    /// Opens `path` for reading (`-`: standard input). Throws a ``LogInputError`` naming the path
    /// and the reason when it cannot be read.
    public init(path: String) throws(LogInputError) {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardInput
            ownsHandle = false
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LogInputError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw LogInputError(path: path, reason: "is a directory") }
        guard let h = FileHandle(forReadingAtPath: path) else { throw LogInputError(path: path, reason: "not readable") }
        handle = h
        ownsHandle = true
    }

    deinit { close() }

    /// The next chunk of at most `maxLength` bytes; nil at the end of the input.
    public func read(maxLength: Int = 64 * 1024) -> Data? {
        guard !ended else { return nil }
        let chunk = handle.readData(ofLength: maxLength)
        if chunk.isEmpty {
            close()
            return nil
        }
        return chunk
    }

    /// Closes the input (standard input is left open).
    public func close() {
        guard !ended else { return }
        ended = true
        if ownsHandle { try? handle.close() }
    }

    /// The files named by `paths`: a directory stands for the FIX message and event logs under
    /// it (`*.messages*.log`, `*.event*.log`, searched recursively, in name order); files and `-`
    /// are kept as given. A path named twice is read once. Throws when a path does not exist or
    /// a directory holds no log.
    public static func expand(_ paths: [String]) throws(LogInputError) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func add(_ p: String) {
            let key = p == "-" ? p : URL(fileURLWithPath: p).standardizedFileURL.path
            if seen.insert(key).inserted { result.append(p) }
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LogInputError(path: path, reason: "no such file")
            }
            guard isDirectory.boolValue else {
                add(path)
                continue
            }
            let found = (FileManager.default.subpathsOfDirectory(path)).filter { LogFileName($0).kind != .other }.sorted()
            guard !found.isEmpty else {
                throw LogInputError(path: path, reason: "no FIX log (*.messages*.log, *.event*.log) in this directory")
            }
            for sub in found { add(path.hasSuffix("/") ? path + sub : path + "/" + sub) }
        }
        return result
    }
}

extension FileManager {
    fileprivate func subpathsOfDirectory(_ path: String) -> [String] {
        (try? subpathsOfDirectory(atPath: path)) ?? []
    }
}

/// An input that cannot be read: its path and why.
public struct LogInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot open PATH: REASON`.
    public var description: String { "cannot open \(path): \(reason)" }
}
