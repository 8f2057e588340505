import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A scratch file for what a replay must give back at its end but need not hold until then
/// (fills, finished orders): records written one after the other through a buffer and read back
/// in order, or one by one where they are. It lives in the temporary directory (`TMPDIR`) with
/// no name: removed as soon as it is made, so it goes with the process however that ends.
final class SpillFile {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes in the file, and with the buffer.
    private var written: Int64 = 0
    private(set) var size: Int64 = 0
    /// Set when a write failed (a full disk): what reads the file back would find less.
    private(set) var failure: String?
    private static let bufferSize = 1 << 20

    init() throws(LogInputError) {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("mm-replay-XXXXXX").path
        var name = Array(template.utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LogInputError(.cannotMakeScratchFile, path: template, reason: "cannot make a scratch file: \(String(cString: strerror(errno)))")
        }
        _ = name.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(fd) }

    /// Appends `bytes` as a record (its length, then the bytes); returns where it starts.
    @discardableResult
    func append(_ bytes: [UInt8]) -> Int64 {
        let at = size
        var n = UInt32(bytes.count).littleEndian
        withUnsafeBytes(of: &n) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
        size += Int64(4 + bytes.count)
        if buffer.count >= Self.bufferSize { flush() }
        return at
    }

    /// Writes `bytes` at `offset` as they are (no length), past the buffered records' place:
    /// for a file used as an array of fixed records.
    func put(_ bytes: [UInt8], at offset: Int64) {
        bytes.withUnsafeBytes { writeAll($0, at: offset) }
        size = max(size, offset + Int64(bytes.count))
        written = max(written, size)
    }

    /// Writes what is buffered.
    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { writeAll($0, at: written) }
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The record at `offset` (flushed first).
    func record(at offset: Int64) -> [UInt8] {
        flush()
        let header = bytes(at: offset, count: 4)
        let n = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        return bytes(at: offset + 4, count: n)
    }

    /// `count` bytes at `offset` as they are.
    func bytes(at offset: Int64, count: Int) -> [UInt8] {
        flush()
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { b in
                try? FileDescriptor(rawValue: fd).read(fromAbsoluteOffset: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: b[done...]))
            }
            guard let n, n > 0 else { break }
            done += n
        }
        return out
    }

    /// Every record in order.
    func forEachRecord(_ body: ([UInt8]) throws -> Void) rethrows {
        flush()
        var reader = Reader(file: self)
        while let r = reader.next() { try body(r) }
    }

    /// Reads the records back to back through a window.
    struct Reader {
        let file: SpillFile
        private var window: [UInt8] = []
        private var windowStart: Int64 = 0
        private var at: Int64 = 0

        init(file: SpillFile) { self.file = file }

        mutating func next() -> [UInt8]? {
            guard at + 4 <= file.size else { return nil }
            let header = take(4)
            let n = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            return take(n)
        }

        private mutating func take(_ n: Int) -> [UInt8] {
            if at < windowStart || at + Int64(n) > windowStart + Int64(window.count) {
                windowStart = at
                window = file.bytes(at: at, count: Int(min(Int64(max(n, 1 << 20)), file.size - at)))
            }
            let from = Int(at - windowStart)
            at += Int64(n)
            return Array(window[from..<(from + n)])
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int64) {
        do {
            try FileDescriptor(rawValue: fd).writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            if failure == nil { failure = "cannot write a scratch file: \(error)" }
        }
    }
}
