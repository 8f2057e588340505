import Foundation
import Gzip

/// A stream of log bytes read in chunks: a file, or standard input for `-`. gzip data (known
/// by its first bytes, whatever the name) is inflated as it is read; a gzip member cut short
/// (its writer killed) gives what it held up to the cut, and reading goes on with the next
/// member (see ``GzipInflater``'s tolerant reading).
public final class LogInput {
    /// The name the input was given by (`-` for standard input).
    public let path: String
    /// gzip members cut short so far (a writer killed, or damage).
    public var gzipCuts: Int { inflater?.cuts ?? 0 }
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var ended = false
    /// Whether the first bytes were looked at (for gzip's).
    private var sniffed = false
    private var inflater: GzipInflater?
    /// Compressed bytes read while looking at the first ones, not yet given to the inflater.
    private var head: [UInt8] = []
    private var headOffset = 0
    /// The last byte inflated.
    private var lastByte: UInt8?

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
            throw LogInputError(.notFound, path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw LogInputError(.unreadable, path: path, reason: "is a directory") }
        guard let h = FileHandle(forReadingAtPath: path) else { throw LogInputError(.unreadable, path: path, reason: "not readable") }
        handle = h
        ownsHandle = true
    }

    deinit { close() }

    /// The next chunk of at most `maxLength` bytes; nil at the end of the input.
    public func read(maxLength: Int = 64 * 1024) -> Data? {
        guard !ended else { return nil }
        if !sniffed {
            sniffed = true
            let chunk = handle.readData(ofLength: maxLength)
            guard GzipInflater.isGzip(chunk) else {
                if chunk.isEmpty { close() }
                return chunk.isEmpty ? nil : chunk
            }
            head = Array(chunk)
            inflater = try? GzipInflater(path: path, chunkSize: maxLength, tolerant: true)
        }
        guard let inflater else {
            let chunk = handle.readData(ofLength: maxLength)
            if chunk.isEmpty {
                close()
                return nil
            }
            return chunk
        }
        var out = Data(count: maxLength)
        let cuts = inflater.cuts
        let n = out.withUnsafeMutableBytes { buffer -> Int in
            let p = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return (try? inflater.read(into: p, capacity: maxLength) { (q, count) throws(GzipError) in
                self.compressed(into: q, count: count)
            }) ?? 0
        }
        if n == 0 {
            close()
            return nil
        }
        out.count = n
        // After a cut, the line cut short ends where its member did: the next member's first
        // line is a line of its own.
        let split = inflater.cuts > cuts && lastByte != nil && lastByte != UInt8(ascii: "\n")
        lastByte = out[n - 1]
        return split ? Data([UInt8(ascii: "\n")]) + out : out
    }

    /// Compressed input for the inflater: what was read while sniffing, then the file.
    private func compressed(into p: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        if headOffset < head.count {
            let n = min(count, head.count - headOffset)
            head.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + headOffset, count: n) }
            headOffset += n
            if headOffset == head.count {
                head = []
                headOffset = 0
            }
            return n
        }
        let chunk = handle.readData(ofLength: count)
        chunk.copyBytes(to: p, count: chunk.count)
        return chunk.count
    }

    /// Closes the input (standard input is left open).
    public func close() {
        guard !ended else { return }
        ended = true
        if ownsHandle { try? handle.close() }
    }

    /// The files named by `paths`: a directory stands for the FIX message and event logs under
    /// it (`*.messages*.log`, `*.event*.log`, either with `.gz`, searched recursively, in name order); files and `-`
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
                throw LogInputError(.notFound, path: path, reason: "no such file")
            }
            guard isDirectory.boolValue else {
                add(path)
                continue
            }
            let found = (FileManager.default.subpathsOfDirectory(path)).filter { LogFileName($0).kind != .other }.sorted()
            guard !found.isEmpty else {
                throw LogInputError(.noLogs, path: path, reason: "no FIX log (*.messages*.log, *.event*.log, or either with .gz) in this directory")
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

/// An input that cannot be read: what went wrong as a ``Code``, its path and why.
public struct LogInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// No such file or directory.
        case notFound
        /// It cannot be read (a directory where a file is needed, no permission).
        case unreadable
        /// A directory with no FIX log in it.
        case noLogs
        /// The scratch file the reading needs cannot be made.
        case cannotMakeScratchFile
    }

    public var code: Code
    public var path: String
    public var reason: String

    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    /// `cannot open PATH: REASON`.
    public var description: String { "cannot open \(path): \(reason)" }
}
