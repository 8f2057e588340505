import Gzip
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line in constant memory: the file is read in chunks (64 KiB) into
/// one buffer, and each line is handed out in place, valid until the next call. Files whose
/// name ends with `.gz` are inflated on the fly. Lines end with LF; a CR before it is dropped,
/// as is a UTF-8 byte-order mark at the start; the last line needs no LF.
///
/// A class because it owns a file descriptor and a buffer; a source struct holding one shares
/// it with its copies.
final class LineReader {
    let path: String
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0

    /// Longer lines are an error rather than unbounded memory.
    static let maxLineLength = 64 << 20

    private let fd: Int32

    /// Bytes of the file read so far (the descriptor's offset: compressed bytes for gzip).
    var bytesRead: Int64 { max(0, Int64(lseek(fd, 0, SEEK_CUR))) }
    private let inflater: GzipInflater?
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread bytes are `buffer[start..<end]`; bytes before `scanned` hold no LF.
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var atEnd = false
    /// An error that ends the file (reading, decompression); thrown again on every later call.
    private var failure: MarketDataError?

    init(path: String, chunkSize: Int = 64 << 10) throws(MarketDataError) {
        self.path = path
        let fd = try Self.openFile(path)
        if path.hasSuffix(".gz") {
            do {
                inflater = try GzipInflater(path: path, chunkSize: chunkSize)
            } catch {
                _ = close(fd)
                throw MarketDataError(.cannotRead, path: path, line: 0, reason: error.reason)
            }
        } else {
            inflater = nil
        }
        self.fd = fd
        capacity = chunkSize
        buffer = .allocate(capacity: chunkSize)
    }

    deinit {
        _ = close(fd)
        buffer.deallocate()
    }

    /// Opens a data file for reading; a file that cannot be opened (or is a directory) throws
    /// `MarketDataError(.cannotOpen, path, line 0, "cannot open: <reason>")`. Every source opens its file so.
    static func openFile(_ path: String) throws(MarketDataError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw MarketDataError(.cannotOpen, path: path, line: 0, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            _ = close(fd)
            throw MarketDataError(.cannotOpen, path: path, line: 0, reason: "cannot open: is a directory")
        }
        return fd
    }

    /// The next line without its line ending; nil at the end of the file.
    func nextLine() throws(MarketDataError) -> ByteField? {
        if let failure { throw failure }
        while true {
            if scanned < end, let p = memchr(buffer + scanned, 0x0A, end - scanned) {
                let nl = buffer.distance(to: p.assumingMemoryBound(to: UInt8.self))
                return line(to: nl, next: nl + 1)
            }
            scanned = end
            if atEnd {
                return start < end ? line(to: end, next: end) : nil
            }
            do {
                try fill()
            } catch {
                failure = error
                throw error
            }
        }
    }

    private func line(to lineEnd: Int, next: Int) -> ByteField {
        var e = lineEnd
        if e > start && buffer[e - 1] == 0x0D { e -= 1 }
        var s = start
        if lineNumber == 0 && e - s >= 3 && buffer[s] == 0xEF && buffer[s + 1] == 0xBB && buffer[s + 2] == 0xBF { s += 3 }
        lineNumber += 1
        start = next
        scanned = next
        return ByteField(base: UnsafePointer(buffer + s), count: e - s)
    }

    /// Reads more bytes after the unread ones, moving them to the front or growing the buffer.
    private func fill() throws(MarketDataError) {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            scanned -= start
            end = pending
            start = 0
        }
        if end == capacity {
            guard capacity < Self.maxLineLength else {
                throw MarketDataError(.badRecord, path: path, line: lineNumber + 1, reason: "line longer than \(Self.maxLineLength) bytes")
            }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n: Int
        if let inflater {
            do {
                n = try inflater.read(from: fd, into: buffer + end, capacity: capacity - end)
            } catch {
                throw MarketDataError(error.code == .damaged ? .damaged : .cannotRead, path: path, line: 0, reason: error.reason)
            }
        } else {
            n = try readFile(into: buffer + end, capacity: capacity - end)
        }
        if n == 0 { atEnd = true } else { end += n }
    }

    private func readFile(into p: UnsafeMutablePointer<UInt8>, capacity: Int) throws(MarketDataError) -> Int {
        do {
            return try FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(start: p, count: capacity))
        } catch {
            throw MarketDataError(.cannotRead, path: path, line: 0, reason: "cannot read: \(error)")
        }
    }
}
