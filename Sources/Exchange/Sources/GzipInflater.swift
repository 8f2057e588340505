import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming gzip decompression of an open file through zlib: compressed bytes are read in
/// chunks and inflated into the caller's buffer, so memory stays constant whatever the file's
/// size. Concatenated gzip members (as `cat a.gz b.gz` makes) are read one after the other.
/// A file that ends inside a member, or whose data or checksum is wrong, is an error.
final class GzipInflater {
    private let path: String
    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    private var inputAtEnd = false
    /// The last member ended; what follows is either the end of the file or another member.
    private var memberEnded = false
    /// Uncompressed bytes produced so far, for error messages.
    private var produced: Int64 = 0
    /// Damage found after some bytes came out of the same call: those bytes are returned
    /// first, and this is thrown by the next call.
    private var pendingFailure: MarketDataError?

    init(path: String, chunkSize: Int = 64 << 10) throws(MarketDataError) {
        self.path = path
        inputCapacity = chunkSize
        input = .allocate(capacity: chunkSize)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: the largest window, and detect the gzip (or zlib) header automatically.
        let rc = czlib_inflateInit2(stream, 15 + 32)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw MarketDataError(path: path, line: 0, reason: "cannot start gzip decompression (zlib error \(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates into `buffer[0..<capacity]`, reading `fd` as needed; returns the number of
    /// bytes written, 0 only at the clean end of the data.
    func read(from fd: Int32, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(MarketDataError) -> Int {
        if let pendingFailure { throw pendingFailure }
        let s = stream
        s.pointee.next_out = buffer
        s.pointee.avail_out = uInt(capacity)
        while s.pointee.avail_out == uInt(capacity) {
            if s.pointee.avail_in == 0 && !inputAtEnd {
                let n = try readInput(fd)
                if n == 0 {
                    inputAtEnd = true
                } else {
                    s.pointee.next_in = input
                    s.pointee.avail_in = uInt(n)
                }
            }
            if memberEnded {
                if s.pointee.avail_in == 0 {
                    if inputAtEnd { return 0 }
                    continue
                }
                // Another member follows.
                guard inflateReset(s) == Z_OK else { throw failure("cannot restart gzip decompression") }
                memberEnded = false
            }
            if s.pointee.avail_in == 0 && inputAtEnd {
                throw failure("gzip data ends early (truncated file) after \(produced) uncompressed bytes")
            }
            let rc = inflate(s, Z_NO_FLUSH)
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberEnded = true
            default:
                let message = s.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                let out = capacity - Int(s.pointee.avail_out)
                let error = failure("corrupt gzip data after \(produced + Int64(out)) uncompressed bytes: \(message)")
                guard out > 0 else { throw error }
                pendingFailure = error
                produced += Int64(out)
                return out
            }
        }
        let n = capacity - Int(s.pointee.avail_out)
        produced += Int64(n)
        return n
    }

    private func readInput(_ fd: Int32) throws(MarketDataError) -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, input, inputCapacity)
            #elseif canImport(Musl)
            let n = Musl.read(fd, input, inputCapacity)
            #else
            let n = Darwin.read(fd, input, inputCapacity)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw MarketDataError(path: path, line: 0, reason: "cannot read: \(String(cString: strerror(errno)))")
        }
    }

    private func failure(_ reason: String) -> MarketDataError {
        MarketDataError(path: path, line: 0, reason: reason)
    }
}
