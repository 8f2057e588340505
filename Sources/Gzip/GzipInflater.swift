import CZlib
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streaming gzip decompression through zlib: compressed bytes are read in chunks (from a file
/// descriptor, or from whatever a `source` closure gives) and inflated into the caller's buffer,
/// so memory stays constant whatever the stream's size. Concatenated gzip members (as
/// `cat a.gz b.gz` makes, or a log appended to by one process after another) are read one
/// after the other.
///
/// Strict (the default), a stream that ends inside a member, or whose data or checksum is
/// wrong, is an error. Tolerant, such a member is cut short instead: what it held up to the
/// cut is returned, the cut is counted in ``cuts``, and reading goes on with the next member or
/// ends. That is how a log reads whose writer was killed: the member it was writing stops where
/// the process did, and the next run of the writer appended a new member after it. A member
/// cut inside a deflate block would take the next member's bytes for its own (decoding them as
/// garbage), so a tolerant reader looks ahead for the headers that ``GzipDeflater`` writes (no
/// flags, no time: `1F 8B 08 00 00 00 00 00`, then zlib's XFL 0, 2 or 4), which compressed
/// text all but never holds by chance: at each one found inside a member, a trial decoding of
/// what follows it (at least ``trialBytes`` of good deflate data, or a whole member) says
/// whether a new member starts there, the one before having been cut. (Members of other
/// writers, with a time or a name in their header, are read one after the other as well, but
/// one of them cut short inside a block is not told apart from the bytes after it.)
public final class GzipInflater {
    /// Named in errors.
    public let path: String?
    /// Whether a damaged or unfinished member is cut short rather than an error.
    public let tolerant: Bool
    /// Members cut short (tolerant only): ended early, or damaged. A call of `read` gives
    /// bytes of one member only: when this count went up during a call, its bytes (if any)
    /// come from after the cut.
    public private(set) var cuts = 0

    /// Compressed bytes a trial decoding must take without error for a header found inside a
    /// member to be taken for the start of a new one (or all there is, at the end of the data, or
    /// a whole member): hundreds of symbols, each a chance for bytes that are not deflate data to
    /// show an invalid code.
    public static let trialBytes = 1024
    /// Bytes of a header looked at: magic, method, flags, time and XFL.
    static let headerBytes = 9

    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    /// Compressed bytes not yet given to zlib: `input[start..<end]`; `input[0]` is at
    /// `inputBase` in the whole stream.
    private var start = 0
    private var end = 0
    private var inputBase: Int64 = 0
    private var inputAtEnd = false
    /// The last member ended; what follows is either the end of the data or another member.
    private var memberEnded = false
    /// Tolerant: where the member being read started (never started again), and where the
    /// look-out for headers has got to, in the whole stream.
    private var memberStart: Int64 = 0
    private var scanned: Int64 = 0
    /// Tolerant, after damage: looking for the next member.
    private var searching = false
    /// Uncompressed bytes produced so far, for error messages.
    private var produced: Int64 = 0
    /// Damage found after some bytes came out of the same call: those bytes are returned
    /// first, and this is thrown by the next call (strict) or counted in ``cuts`` by it.
    private var pendingFailure: GzipError?
    private var pendingCut = false

    public init(path: String? = nil, chunkSize: Int = 64 << 10, tolerant: Bool = false) throws(GzipError) {
        self.path = path
        self.tolerant = tolerant
        inputCapacity = max(chunkSize, 4 * Self.trialBytes)
        input = .allocate(capacity: inputCapacity)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: the largest window, and detect the gzip (or zlib) header automatically.
        let rc = czlib_inflateInit2(stream, 15 + 32)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw GzipError(.cannotStart, path: path, "cannot start gzip decompression (zlib error \(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Whether `bytes` start as a gzip member does (the magic number and deflate).
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var i = bytes.makeIterator()
        return i.next() == 0x1F && i.next() == 0x8B && i.next() == 8
    }

    /// Inflates into `buffer[0..<capacity]`, reading `fd` as needed; returns the number of
    /// bytes written, 0 only at the end of the data.
    public func read(from fd: Int32, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws(GzipError) -> Int {
        try read(into: buffer, capacity: capacity) { (p, n) throws(GzipError) in
            do {
                return try FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(start: p, count: n))
            } catch {
                throw GzipError(.cannotRead, path: path, "cannot read: \(error)")
            }
        }
    }

    /// A source of compressed bytes: fills up to its count of bytes at its pointer and returns
    /// how many it gave, 0 at the end.
    public typealias Source = (UnsafeMutablePointer<UInt8>, Int) throws(GzipError) -> Int

    /// Inflates into `buffer[0..<capacity]`, taking compressed bytes from `source` as needed;
    /// returns the number of bytes written, 0 only at the end of the data.
    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int, source: Source) throws(GzipError) -> Int {
        if let pendingFailure { throw pendingFailure }
        if pendingCut {
            pendingCut = false
            cuts += 1
        }
        let s = stream
        s.pointee.next_out = buffer
        s.pointee.avail_out = uInt(capacity)
        while s.pointee.avail_out == uInt(capacity) {
            if searching {
                guard try findNextMember(source) else { return 0 }
            }
            // A header may straddle the end of what was read: keep its length ahead when tolerant.
            try ensureInput(tolerant ? Self.headerBytes : 1, source)
            if memberEnded {
                if start == end {
                    if inputAtEnd { return 0 }
                    continue
                }
                // Another member follows.
                try restart(at: start)
            }
            if start == end {
                if tolerant {
                    cuts += 1
                    memberEnded = true
                    break
                }
                throw failure("gzip data ends early (truncated file) after \(produced) uncompressed bytes")
            }
            var limit = end
            if tolerant, let c = nextHeader() {
                if c == start {
                    // A header inside the member: a new member, or bytes that look like one.
                    // (The trial may move the unread bytes: `start` follows them, `c` does not.)
                    if try startsMember(source) {
                        cuts += 1
                        try restart(at: start)
                    } else {
                        scanned = inputBase + Int64(start) + 1
                    }
                    continue
                }
                limit = c
            } else if tolerant && !inputAtEnd {
                // The last bytes may begin a header: not given to zlib before it is known.
                limit = end - (Self.headerBytes - 1)
            }
            s.pointee.next_in = input + start
            s.pointee.avail_in = uInt(limit - start)
            let rc = inflate(s, Z_NO_FLUSH)
            start = s.pointee.next_in - input
            s.pointee.avail_in = 0
            switch rc {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberEnded = true
            default:
                let out = capacity - Int(s.pointee.avail_out)
                if tolerant {
                    // Look for the next member from a little before where zlib stopped: the
                    // bytes it took last may be the start of that member's header.
                    start = max(0, start - 8)
                    scanned = max(inputBase + Int64(start), memberStart + 1)
                    searching = true
                    if out > 0 {
                        pendingCut = true
                        produced += Int64(out)
                        return out
                    }
                    cuts += 1
                    continue
                }
                let message = s.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
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

    // MARK: - Input

    /// Makes at least `count` bytes ready (fewer only at the end of the data), moving the
    /// unread ones to the front of the buffer and reading after them.
    private func ensureInput(_ count: Int, _ source: Source) throws(GzipError) {
        while end - start < count && !inputAtEnd {
            if start > 0 {
                let left = end - start
                if left > 0 { input.update(from: input + start, count: left) }
                inputBase += Int64(start)
                start = 0
                end = left
            }
            let n = try source(input + end, inputCapacity - end)
            if n == 0 { inputAtEnd = true } else { end += n }
        }
    }

    /// Starts a new member at `input[at]`.
    private func restart(at: Int) throws(GzipError) {
        guard inflateReset(stream) == Z_OK else { throw failure("cannot restart gzip decompression", code: .cannotStart) }
        start = at
        memberStart = inputBase + Int64(at)
        scanned = max(scanned, memberStart + 1)
        memberEnded = false
    }

    // MARK: - Looking for members (tolerant)

    /// The first header as ``GzipDeflater`` writes them in the unread input past ``scanned``
    /// and the member's own start, as an index into `input`.
    private func nextHeader() -> Int? {
        var i = max(start, Int(max(scanned, memberStart + 1) - inputBase))
        while i + Self.headerBytes <= end {
            if input[i] == 0x1F, input[i + 1] == 0x8B, input[i + 2] == 8, input[i + 3] == 0, input[i + 4] == 0,
               input[i + 5] == 0, input[i + 6] == 0, input[i + 7] == 0, input[i + 8] & ~6 == 0 {
                return i
            }
            i += 1
        }
        scanned = max(scanned, inputBase + Int64(max(i, start)))
        return nil
    }

    /// Whether a member starts at `input[start]`: a trial decoding of what follows takes
    /// ``trialBytes`` (or everything left) without error.
    private func startsMember(_ source: Source) throws(GzipError) -> Bool {
        try ensureInput(Self.trialBytes, source)
        let trial = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        trial.initialize(to: z_stream())
        defer {
            inflateEnd(trial)
            trial.deinitialize(count: 1)
            trial.deallocate()
        }
        guard czlib_inflateInit2(trial, 15 + 16) == Z_OK else { return false }
        var scratch = [UInt8](repeating: 0, count: 4096)
        let available = end - start
        trial.pointee.next_in = input + start
        trial.pointee.avail_in = uInt(available)
        return scratch.withUnsafeMutableBufferPointer { out in
            while true {
                trial.pointee.next_out = out.baseAddress
                trial.pointee.avail_out = uInt(out.count)
                let rc = inflate(trial, Z_NO_FLUSH)
                let taken = available - Int(trial.pointee.avail_in)
                switch rc {
                case Z_STREAM_END:
                    return true
                case Z_OK, Z_BUF_ERROR:
                    if taken >= Self.trialBytes { return true }
                    if trial.pointee.avail_out == 0 { continue }
                    return trial.pointee.avail_in == 0 && inputAtEnd
                default:
                    return false
                }
            }
        }
    }

    /// After damage: skips input up to the next member (see ``startsMember(_:)``) and
    /// starts it; false when the data ends first.
    private func findNextMember(_ source: Source) throws(GzipError) -> Bool {
        while true {
            try ensureInput(Self.headerBytes, source)
            if let c = nextHeader() {
                start = c
                if try startsMember(source) {
                    searching = false
                    try restart(at: start)
                    return true
                }
                scanned = inputBase + Int64(start) + 1
                continue
            }
            if inputAtEnd {
                start = end
                return false
            }
            // Nothing here: keep the last bytes (a header may begin there), read on.
            start = max(start, end - (Self.headerBytes - 1))
        }
    }

    private func failure(_ reason: String, code: GzipError.Code = .damaged) -> GzipError {
        GzipError(code, path: path, reason)
    }
}
