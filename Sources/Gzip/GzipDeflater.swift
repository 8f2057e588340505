import CZlib

/// Streaming gzip compression through zlib: one gzip member, written a piece at a time into the
/// caller's output buffer, in constant memory.
///
/// ``Flush/sync`` ends what was given so far on a byte boundary (zlib's Z_SYNC_FLUSH): the
/// output up to there inflates to every byte given, so a file cut right after it (a process
/// killed) loses nothing that was flushed. ``Flush/finish`` ends the member with its checksum;
/// the deflater then starts a new member with the next bytes.
public final class GzipDeflater {
    /// How far ``compress(_:flush:into:)`` takes the output.
    public enum Flush: Sendable {
        /// Only what zlib has ready: it keeps the rest for better compression.
        case none
        /// Everything given so far, on a byte boundary; the member goes on.
        case sync
        /// Everything given so far and the member's trailer.
        case finish
    }

    /// zlib's compression level, 1 (fastest) to 9 (smallest).
    public let level: Int32
    /// Uncompressed bytes given, and compressed bytes produced, since the deflater was made.
    public private(set) var bytesIn: Int64 = 0
    public private(set) var bytesOut: Int64 = 0

    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false
    /// Reused for zlib's output.
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)

    public init(level: Int32 = 6) throws(GzipError) {
        self.level = min(max(level, 1), 9)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 16: the largest window, with a gzip header and trailer; memLevel 8 (zlib's default).
        let rc = czlib_deflateInit2(stream, self.level, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw GzipError(.cannotStart, "cannot start gzip compression (zlib error \(rc))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `bytes`, appending what comes out to `output` (nothing, with ``Flush/none``,
    /// until zlib has a block ready).
    public func compress(_ bytes: UnsafeRawBufferPointer, flush: Flush, into output: inout [UInt8]) {
        if finished {
            deflateReset(stream)
            finished = false
        }
        let mode: Int32
        switch flush {
        case .none: mode = Z_NO_FLUSH
        case .sync: mode = Z_SYNC_FLUSH
        case .finish: mode = Z_FINISH
        }
        let s = stream
        let base = bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
        s.pointee.next_in = base
        s.pointee.avail_in = uInt(bytes.count)
        bytesIn += Int64(bytes.count)
        let capacity = chunk.count
        chunk.withUnsafeMutableBufferPointer { out in
            while true {
                s.pointee.next_out = out.baseAddress
                s.pointee.avail_out = uInt(capacity)
                let rc = deflate(s, mode)
                let n = capacity - Int(s.pointee.avail_out)
                if n > 0 { output.append(contentsOf: UnsafeBufferPointer(rebasing: out[0..<n])) }
                bytesOut += Int64(n)
                // Done once zlib has taken all the input and had room to spare (for a flush:
                // everything is out), or the member is finished; Z_BUF_ERROR: nothing to do.
                if rc == Z_STREAM_END || rc == Z_BUF_ERROR { break }
                if s.pointee.avail_in == 0 && s.pointee.avail_out > 0 { break }
            }
        }
        s.pointee.next_in = nil
        if flush == .finish { finished = true }
    }

    /// Compresses `bytes` (see ``compress(_:flush:into:)``).
    public func compress(_ bytes: some Collection<UInt8>, flush: Flush, into output: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { compress(UnsafeRawBufferPointer($0), flush: flush, into: &output) }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { compress($0, flush: flush, into: &output) }
        }
    }
}
