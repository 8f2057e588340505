/// Splits a byte stream into FIX messages using BeginString (8), BodyLength (9) and CheckSum (10).
///
/// Feed it bytes as they arrive, split anywhere, and take frames out with ``next()``. Garbled
/// data is reported and skipped: a stream that does not start with `8=FIX`, a BodyLength that is
/// missing, too large or does not land on `10=`, a malformed or wrong CheckSum. After garbled data
/// the framer resynchronises on the next `8=FIX`, so good messages after it are not lost. A
/// message may not exceed ``maxMessageSize`` bytes, so a hostile peer cannot make it buffer
/// without bound: at most `maxMessageSize` plus one read are held. What a bad frame takes with
/// it depends on the ``FIXFrameScanner/Recovery``.
public struct FIXFramer: Sendable {
    /// What came out of the stream.
    public enum Event: Sendable, Equatable {
        /// A complete, well-framed message (checksum verified): its bytes.
        case message(ArraySlice<UInt8>)
        /// Bytes that are not a message, skipped.
        case garbled(Garbled)
    }

    /// A run of skipped bytes: where it started in the stream, how long it was, and why.
    public struct Garbled: Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// The bytes do not start with `8=FIX`.
            case notBeginString
            /// BeginString is not followed by a BodyLength field.
            case missingBodyLength
            /// BodyLength is not a number.
            case badBodyLength
            /// BodyLength makes the message larger than the limit.
            case tooLarge(limit: Int)
            /// BodyLength does not land on `10=`.
            case bodyLengthMismatch
            /// `10=` is not followed by three digits and SOH.
            case malformedCheckSum
            /// The CheckSum does not match the bytes.
            case checkSumMismatch(expected: Int, received: Int)
            /// The stream ended in the middle of a message.
            case truncated
        }

        /// Offset of the first skipped byte since the start of the stream.
        public var offset: Int
        /// How many bytes were skipped.
        public var length: Int
        public var reason: Reason

        public init(offset: Int, length: Int, reason: Reason) {
            self.offset = offset
            self.length = length
            self.reason = reason
        }

        public var description: String {
            switch reason {
            case .notBeginString: return "data does not start with 8=FIX"
            case .missingBodyLength: return "BeginString is not followed by BodyLength (9)"
            case .badBodyLength: return "BodyLength (9) is not a number"
            case .tooLarge(let limit): return "BodyLength (9) makes the message larger than \(limit) bytes"
            case .bodyLengthMismatch: return "BodyLength (9) does not land on CheckSum (10=)"
            case .malformedCheckSum: return "CheckSum (10) is not three digits and SOH"
            case let .checkSumMismatch(expected, received):
                return "CheckSum (10) is \(received), the bytes sum to \(expected)"
            case .truncated: return "stream ends inside a message"
            }
        }
    }

    /// The largest message accepted, in bytes.
    public let maxMessageSize: Int
    /// What a bad frame takes with it.
    public let recovery: FIXFrameScanner.Recovery

    private var buffer: [UInt8] = []
    /// Index of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Stream offset of `buffer[0]`.
    private var base = 0
    /// The byte just before `buffer[0]` in the stream (SOH at the start of the stream), so that a
    /// `8=FIX` at the front of the buffer can be told apart from the end of `58=FIX`.
    private var byteBeforeBuffer: UInt8 = 1

    /// A framer accepting messages of up to `maxMessageSize` bytes (default 1 MiB); `recovery`:
    /// what a bad frame takes with it (default: as a session frames, see
    /// ``FIXFrameScanner/Recovery/bodyLength``).
    public init(maxMessageSize: Int = 1 << 20, recovery: FIXFrameScanner.Recovery = .bodyLength) {
        precondition(maxMessageSize >= 32, "maxMessageSize too small")
        self.maxMessageSize = maxMessageSize
        self.recovery = recovery
        buffer.reserveCapacity(min(maxMessageSize, 64 * 1024))
    }

    /// Bytes received and not yet returned as a message or skipped.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Stream offset of the next byte to be framed.
    public var streamOffset: Int { base + start }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Drops consumed bytes from the front of the buffer when that is worth it.
    private mutating func compact() {
        if start > 0 && (start == buffer.count || start >= 4096 || start * 2 >= buffer.count) {
            byteBeforeBuffer = buffer[start - 1]
            buffer.removeSubrange(0..<start)
            base += start
            start = 0
        }
    }

    /// The next message or run of garbled bytes, or nil when more bytes are needed.
    public mutating func next() -> Event? {
        guard start < buffer.count else { return nil }
        let before = start > 0 ? buffer[start - 1] : byteBeforeBuffer
        let step = buffer.withUnsafeBytes { raw in
            FIXFrameScanner(UnsafeRawBufferPointer(rebasing: raw[start...]), byteBefore: before,
                            maxMessageSize: maxMessageSize, recovery: recovery).scan()
        }
        switch step {
        case .needMore:
            return nil
        case .message(let length):
            let slice = buffer[start..<(start + length)]
            start += length
            return .message(slice)
        case .skip(let length, let reason):
            let g = Garbled(offset: base + start, length: length, reason: reason)
            start += length
            return .garbled(g)
        }
    }

    /// At the end of the stream: call until it returns nil. Messages still framed are returned;
    /// an unfinished message is reported as truncated up to the next `8=FIX` after its start (a
    /// BodyLength that was too long must not take the good messages after it along), and
    /// trailing garbage as garbled.
    public mutating func finish() -> Event? {
        if let e = next() { return e }
        guard start < buffer.count else { return nil }
        let before = start > 0 ? buffer[start - 1] : byteBeforeBuffer
        let (length, truncated) = buffer.withUnsafeBytes { raw in
            FIXFrameScanner(UnsafeRawBufferPointer(rebasing: raw[start...]), byteBefore: before,
                            maxMessageSize: maxMessageSize, recovery: recovery).unfinished()
        }
        let g = Garbled(offset: base + start, length: length, reason: truncated ? .truncated : .notBeginString)
        start += length
        return .garbled(g)
    }
}

/// Finds the first frame in a run of contiguous bytes: what ``FIXFramer`` does on its buffer, and
/// what a network decoder does on its own buffer.
public struct FIXFrameScanner {
    /// What the bytes start with.
    public enum Step: Equatable {
        /// Not enough bytes to tell.
        case needMore
        /// A complete, well-framed message of this many bytes (checksum verified).
        case message(length: Int)
        /// This many bytes are not a message and are to be skipped.
        case skip(length: Int, reason: FIXFramer.Garbled.Reason)
    }

    /// What a frame whose header is well formed takes with it when the rest of it is bad
    /// (BodyLength that does not land on CheckSum, a malformed or wrong CheckSum).
    public enum Recovery: Sendable, Equatable {
        /// BodyLength is believed as far as it goes, as widely used engines frame a session: the
        /// frame runs to the first CheckSum field at or after the place BodyLength gives and is
        /// dropped whole; a message it overlaps is lost with it (the session gets it back by
        /// ResendRequest).
        case bodyLength
        /// Only the bytes up to the next message start after the frame's are skipped, so a
        /// message cut short does not take the next one with it (decoding logs and captures,
        /// where nothing is sent again). A message start is `8=FIX` that does not follow a digit,
        /// or that does and is followed by a BeginString value and `9=`: a message cut right
        /// after a digit (`...44=6000` then `8=FIX.4.4<SOH>9=...`) is told apart from a field
        /// such as `58=FIX`.
        case nextBeginString
    }

    private let b: UnsafeRawBufferPointer
    private let byteBefore: UInt8
    private let maxMessageSize: Int
    private let recovery: Recovery

    /// A scanner of `bytes`; `byteBefore` is the stream's byte just before them (SOH at the start
    /// of the stream), so that `58=FIX` split across reads is not taken for a message start;
    /// `recovery`: what a bad frame takes with it.
    public init(_ bytes: UnsafeRawBufferPointer, byteBefore: UInt8, maxMessageSize: Int, recovery: Recovery = .bodyLength) {
        b = bytes
        self.byteBefore = byteBefore
        self.maxMessageSize = maxMessageSize
        self.recovery = recovery
    }

    private static let prefix: [UInt8] = Array("8=FIX".utf8)
    private static let checksumTag: [UInt8] = [49, 48, 61]  // "10="
    /// What follows `8=FIX` or `8=FIXT` in a message: `.n.n<SOH>9=`, nil for a digit.
    private static let versionAndBodyLength: [UInt8?] = [46, nil, 46, nil, 1, 57, 61]

    private func hasPrefix8FIX(at i: Int) -> Bool {
        guard b.count - i >= 5 else { return false }
        return b[i] == 56 && b[i + 1] == 61 && b[i + 2] == 70 && b[i + 3] == 73 && b[i + 4] == 88
    }

    /// Whether the bytes from `i` to the end are a proper prefix of `8=FIX`.
    private func isPrefixOf8FIX(at i: Int) -> Bool {
        let n = b.count - i
        guard n < 5 else { return false }
        for k in 0..<n where b[i + k] != Self.prefix[k] { return false }
        return true
    }

    /// Whether the byte before `b[i]` in the stream is a digit.
    private func followsDigit(_ i: Int) -> Bool {
        (i > 0 ? b[i - 1] : byteBefore) &- 48 < 10
    }

    /// Whether the `8=FIX` at `i` starts a message: it does not follow a digit (so `58=FIX` in a
    /// text field does not count) or, with ``Recovery/nextBeginString``, it is followed by a
    /// BeginString value and `9=`. Nil when the bytes end before that can be told.
    private func startsMessage(at i: Int) -> Bool? {
        guard hasPrefix8FIX(at: i) else { return false }
        if !followsDigit(i) { return true }
        guard recovery == .nextBeginString else { return false }
        // FIX.n.n<SOH>9= or FIXT.n.n<SOH>9=
        var j = i + 5
        if j < b.count && b[j] == UInt8(ascii: "T") { j += 1 }
        for p in Self.versionAndBodyLength {
            guard j < b.count else { return nil }
            if let p { if b[j] != p { return false } } else if !(b[j] &- 48 < 10) { return false }
            j += 1
        }
        return true
    }

    /// Where the next message start (see ``startsMessage(at:)``) is at or after `from`, or where
    /// one may be that the bytes end too soon to tell, or nil.
    private func nextBeginString(from: Int) -> Int? {
        var i = from
        while i + 5 <= b.count {
            if b[i] == 56 && startsMessage(at: i) != false { return i }
            i += 1
        }
        return nil
    }

    /// Skips to the next `8=FIX` after the start, or to where a partial one could start.
    private func resync(_ reason: FIXFramer.Garbled.Reason) -> Step {
        if let next = nextBeginString(from: 1) { return .skip(length: next, reason: reason) }
        // Keep a tail that could be the start of `8=FIX`.
        var keep = 0
        for k in stride(from: min(4, b.count - 1), through: 1, by: -1)
        where isPrefixOf8FIX(at: b.count - k) && (recovery == .nextBeginString || !followsDigit(b.count - k)) {
            keep = k
            break
        }
        let length = b.count - keep
        return length > 0 ? .skip(length: length, reason: reason) : .needMore
    }

    /// At the end of a stream: how many bytes the unfinished data at the front runs to (up to the
    /// next `8=FIX`), and whether it looks like a truncated message rather than garbage.
    public func unfinished() -> (length: Int, truncated: Bool) {
        let startsLikeMessage = hasPrefix8FIX(at: 0) || isPrefixOf8FIX(at: 0)
        return (nextBeginString(from: 1) ?? b.count, startsLikeMessage)
    }

    /// Whether the frame starts like a real message: BeginString `FIX.n.n` or `FIXT.n.n`, then
    /// BodyLength, then MsgType (`35=`) where the body starts.
    private func headerIsWellFormed(beginStringEnd: Int, bodyStart: Int) -> Bool {
        let version = UnsafeRawBufferPointer(rebasing: b[2..<beginStringEnd])
        let fix = version.count == 7 && version[3] == UInt8(ascii: ".") && version[5] == UInt8(ascii: ".")
            && version[4] &- 48 < 10 && version[6] &- 48 < 10
        let fixt = version.count == 8 && version[3] == UInt8(ascii: "T") && version[4] == UInt8(ascii: ".")
            && version[6] == UInt8(ascii: ".") && version[5] &- 48 < 10 && version[7] &- 48 < 10
        guard fix || fixt, bodyStart + 3 <= b.count else { return false }
        return b[bodyStart] == 51 && b[bodyStart + 1] == 53 && b[bodyStart + 2] == 61  // "35="
    }

    /// A frame whose CheckSum field is not where BodyLength puts it, or is malformed. When the
    /// header is that of a real message, BodyLength is believed as far as it goes, as widely used
    /// engines do: the frame runs to the first CheckSum field at or after the place BodyLength
    /// gives, and is dropped whole (a message it overlaps is lost with it and comes back by
    /// ResendRequest). Otherwise framing restarts at the next `8=FIX` after the frame's start.
    private func misframed(_ reason: FIXFramer.Garbled.Reason, beginStringEnd: Int, bodyStart: Int,
                           searchFrom: Int) -> Step {
        if recovery == .nextBeginString { return resync(reason) }
        let n = b.count
        if bodyStart + 3 > n { return .needMore }
        guard headerIsWellFormed(beginStringEnd: beginStringEnd, bodyStart: bodyStart) else { return resync(reason) }
        if searchFrom + 1 > n { return n >= maxMessageSize ? resync(.tooLarge(limit: maxMessageSize)) : .needMore }
        // The first `<SOH>10=` at or after searchFrom, then the SOH that ends its value.
        var p = max(searchFrom, bodyStart - 1)
        while p + 4 <= n {
            if b[p] == 1 && b[p + 1] == 49 && b[p + 2] == 48 && b[p + 3] == 61 {
                var q = p + 4
                while q < n && b[q] != 1 && q - p < 16 { q += 1 }
                if q >= n { break }
                if b[q] != 1 { return resync(reason) }
                return .skip(length: q + 1, reason: reason)
            }
            p += 1
        }
        return n >= maxMessageSize ? resync(.tooLarge(limit: maxMessageSize)) : .needMore
    }

    /// What the bytes start with.
    public func scan() -> Step {
        let n = b.count
        guard n > 0 else { return .needMore }
        // 8=FIX...<SOH>
        switch startsMessage(at: 0) {
        case true?: break
        case nil: return .needMore
        case false?:
            if isPrefixOf8FIX(at: 0) && (recovery == .nextBeginString || !followsDigit(0)) { return .needMore }
            return resync(.notBeginString)
        }
        var i = 5
        while i < n && b[i] != 1 {
            i += 1
            if i > 32 { return resync(.missingBodyLength) }
        }
        guard i < n else { return .needMore }
        let s0 = i  // the SOH after BeginString
        i += 1
        // 9=digits<SOH>
        if n - i < 2 { return .needMore }
        guard b[i] == 57 && b[i + 1] == 61 else { return resync(.missingBodyLength) }
        i += 2
        var bodyLength = 0
        var digits = 0
        while i < n && b[i] &- 48 < 10 {
            bodyLength = bodyLength * 10 + Int(b[i] &- 48)
            digits += 1
            i += 1
            if digits > 9 { return resync(.badBodyLength) }
        }
        guard i < n else { return .needMore }
        guard digits > 0, b[i] == 1 else { return resync(.badBodyLength) }
        i += 1
        let beginStringEnd = s0
        let bodyStart = i
        let checksumStart = bodyStart + bodyLength
        let end = checksumStart + 7
        if end > maxMessageSize { return resync(.tooLarge(limit: maxMessageSize)) }
        // Is the CheckSum field where BodyLength puts it? Decide as soon as the bytes are here.
        var landsOnCheckSum = true
        for k in 0..<3 where checksumStart + k < n {
            if b[checksumStart + k] != Self.checksumTag[k] { landsOnCheckSum = false }
        }
        if checksumStart > bodyStart && checksumStart - 1 < n && b[checksumStart - 1] != 1 { landsOnCheckSum = false }
        if !landsOnCheckSum {
            return misframed(.bodyLengthMismatch, beginStringEnd: beginStringEnd, bodyStart: bodyStart,
                             searchFrom: checksumStart - 1)
        }
        guard end <= n else { return .needMore }
        let d0 = b[checksumStart + 3] &- 48, d1 = b[checksumStart + 4] &- 48, d2 = b[checksumStart + 5] &- 48
        guard d0 < 10, d1 < 10, d2 < 10, b[checksumStart + 6] == 1 else {
            return misframed(.malformedCheckSum, beginStringEnd: beginStringEnd, bodyStart: bodyStart,
                             searchFrom: checksumStart - 1)
        }
        let received = Int(d0) * 100 + Int(d1) * 10 + Int(d2)
        let expected = FIXChecksum.compute(UnsafeRawBufferPointer(rebasing: b[0..<checksumStart]))
        guard received == expected else {
            let reason = FIXFramer.Garbled.Reason.checkSumMismatch(expected: expected, received: received)
            if recovery == .bodyLength && headerIsWellFormed(beginStringEnd: beginStringEnd, bodyStart: bodyStart) {
                // A proper frame with a wrong CheckSum: dropped whole.
                return .skip(length: end, reason: reason)
            }
            // The frame may be bogus (a stray `8=FIX` whose BodyLength happens to land on `10=`),
            // so a `8=FIX` inside it is where the next message starts; otherwise the frame ends it.
            return .skip(length: min(nextBeginString(from: 1) ?? end, end), reason: reason)
        }
        return .message(length: end)
    }
}

/// The FIX CheckSum: the sum of the bytes modulo 256.
public enum FIXChecksum {
    /// Sum of `bytes` modulo 256.
    @inlinable
    public static func compute(_ bytes: UnsafeRawBufferPointer) -> Int {
        let n = bytes.count
        var i = 0
        var total: UInt64 = 0
        // Eight bytes at a time: bytes are summed pairwise into four 16-bit lanes, which cannot
        // overflow within a block of 128 words.
        let mask: UInt64 = 0x00FF_00FF_00FF_00FF
        while n - i >= 8 {
            var lanes: UInt64 = 0
            let blockEnd = min(n - (n - i) % 8, i + 128 * 8)
            while i < blockEnd {
                let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                lanes &+= (w & mask) &+ ((w >> 8) & mask)
                i += 8
            }
            total &+= (lanes & 0xFFFF) &+ ((lanes >> 16) & 0xFFFF) &+ ((lanes >> 32) & 0xFFFF) &+ (lanes >> 48)
        }
        while i < n {
            total &+= UInt64(bytes[i])
            i += 1
        }
        return Int(total & 0xFF)
    }
}
