/// Writes FIX messages into a reusable buffer.
///
/// Call ``start(msgType:)``, append the standard header fields (the header order the engine uses is
/// MsgType, then the other header tags in ascending order, as ``FIXHeader/write(into:)`` does),
/// then the body, then ``finish()``. BeginString (8) and BodyLength (9) are put in front and
/// CheckSum (10) at the end, so the message is built in one pass with no copy of the body.
///
/// An encoder is a buffer that one thread (one event loop, one session) reuses for every message
/// it sends: it is a class, not shared across threads, and after its buffer has grown to the
/// largest message nothing it does allocates. Values are written straight into the buffer; the
/// text of the last two timestamps is cached whole, and that of the last two seconds for the
/// timestamps in them.
public final class FIXEncoder {
    /// Room left in front of the body for `8=...<SOH>9=...<SOH>`.
    @usableFromInline static let reserve = 40

    // The encoder is used by one thread and its methods never overlap, so the run-time
    // exclusivity checks a class's stored properties would otherwise get on every write (a call
    // into the runtime per byte written) are turned off.
    @exclusivity(unchecked) @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    /// Bytes written, counted from the start of the storage (the reserve included).
    @exclusivity(unchecked) @usableFromInline var length: Int
    @exclusivity(unchecked) @usableFromInline var messageStart: Int = 0
    @usableFromInline let beginStringField: [UInt8]
    /// Two seconds (since 1970) whose `YYYYMMDD-HH:MM:SS` texts are cached (a message often
    /// carries two timestamps, SendingTime and TransactTime, of different seconds).
    @exclusivity(unchecked) @usableFromInline var cachedSecond: (Int64, Int64) = (.min, .min)
    @exclusivity(unchecked) @usableFromInline var cachedText: ((UInt64, UInt64, UInt8), (UInt64, UInt64, UInt8)) =
        ((0, 0, 0), (0, 0, 0))
    /// Which slot the next new second replaces.
    @exclusivity(unchecked) @usableFromInline var nextSlot = 0
    /// The last two timestamps written, whole (the messages of one burst carry the same
    /// SendingTime and TransactTime): their nanoseconds, fraction digits and text.
    @exclusivity(unchecked) @usableFromInline var stampKeys: (Int64, Int64) = (.min, .min)
    @exclusivity(unchecked) @usableFromInline var stampDigits: (Int8, Int8) = (-1, -1)
    @exclusivity(unchecked) @usableFromInline var stampTexts: (StampText, StampText) = (StampText(), StampText())
    @exclusivity(unchecked) @usableFromInline var nextStampSlot = 0

    /// The text of a timestamp (at most 27 bytes) in four words.
    @usableFromInline
    struct StampText {
        @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        @usableFromInline var count = 0
        @usableFromInline init() {}
    }

    /// An encoder for messages of the given BeginString (default `FIX.4.4`).
    public init(beginString: String = "FIX.4.4", initialCapacity: Int = 1024) {
        precondition(beginString.utf8.count <= 16, "BeginString too long")
        beginStringField = Array("8=\(beginString)\u{01}9=".utf8)
        capacity = max(initialCapacity, 128)
        storage = .allocate(capacity: capacity)
        length = Self.reserve
    }

    deinit {
        storage.deallocate()
    }

    /// Makes room for `count` more bytes.
    @inline(__always) @usableFromInline
    func ensure(_ count: Int) {
        if length + count > capacity { grow(length + count) }
    }

    @usableFromInline
    func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        new.update(from: storage, count: length)
        storage.deallocate()
        storage = new
        capacity = newCapacity
    }

    /// Starts a new message of type `msgType`, discarding any earlier one.
    @inlinable
    public func start(msgType: String) {
        length = Self.reserve
        messageStart = 0
        append(Tag.msgType, msgType)
    }

    // MARK: Raw writes (capacity already ensured)

    @inline(__always) @usableFromInline
    func put(_ byte: UInt8) {
        storage[length] = byte
        length &+= 1
    }

    @inline(__always) @usableFromInline
    func putTwoDigits(_ value: Int) {
        let tens = value / 10
        storage[length] = UInt8(truncatingIfNeeded: tens) &+ 48
        storage[length &+ 1] = UInt8(truncatingIfNeeded: value &- tens &* 10) &+ 48
        length &+= 2
    }

    /// Writes a non-negative integer (at most 20 digits).
    @inline(__always) @usableFromInline
    func putUnsigned(_ value: UInt64) {
        if value < 10 {
            put(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        if value < 100 {
            putTwoDigits(Int(value))
            return
        }
        var digits = 1
        var v = value
        while v >= 10 {
            v /= 10
            digits &+= 1
        }
        var p = length &+ digits
        length = p
        v = value
        repeat {
            let q = v / 10
            p &-= 1
            storage[p] = UInt8(truncatingIfNeeded: v &- q &* 10) &+ 48
            v = q
        } while v != 0
    }

    /// Writes `tag=`.
    @inline(__always) @usableFromInline
    func putTag(_ tag: Int) {
        if tag >= 0 && tag < 10_000 {
            // Tags are short: write them without a loop.
            let p = storage + length
            if tag < 10 {
                p[0] = UInt8(truncatingIfNeeded: tag) &+ 48
                p[1] = UInt8(ascii: "=")
                length &+= 2
            } else if tag < 100 {
                p[0] = UInt8(truncatingIfNeeded: tag / 10) &+ 48
                p[1] = UInt8(truncatingIfNeeded: tag % 10) &+ 48
                p[2] = UInt8(ascii: "=")
                length &+= 3
            } else if tag < 1000 {
                p[0] = UInt8(truncatingIfNeeded: tag / 100) &+ 48
                p[1] = UInt8(truncatingIfNeeded: tag / 10 % 10) &+ 48
                p[2] = UInt8(truncatingIfNeeded: tag % 10) &+ 48
                p[3] = UInt8(ascii: "=")
                length &+= 4
            } else {
                p[0] = UInt8(truncatingIfNeeded: tag / 1000) &+ 48
                p[1] = UInt8(truncatingIfNeeded: tag / 100 % 10) &+ 48
                p[2] = UInt8(truncatingIfNeeded: tag / 10 % 10) &+ 48
                p[3] = UInt8(truncatingIfNeeded: tag % 10) &+ 48
                p[4] = UInt8(ascii: "=")
                length &+= 5
            }
            return
        }
        if tag >= 0 {
            putUnsigned(UInt64(tag))
        } else {
            put(UInt8(ascii: "-"))
            putUnsigned(UInt64(tag.magnitude))
        }
        put(UInt8(ascii: "="))
    }

    @inline(__always) @usableFromInline
    func putBytes(_ p: UnsafeRawBufferPointer) {
        guard let base = p.baseAddress else { return }
        let n = p.count
        let out = UnsafeMutableRawPointer(storage + length)
        if n >= 8 && n <= 16 {
            // Two overlapping eight-byte moves beat a call to memmove for short values.
            out.storeBytes(of: base.loadUnaligned(as: UInt64.self), as: UInt64.self)
            out.storeBytes(of: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        } else if n < 8 {
            for i in 0..<n { out.storeBytes(of: base.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        } else {
            out.copyMemory(from: base, byteCount: n)
        }
        length &+= n
    }

    // MARK: Fields

    /// Appends a string field.
    @inlinable
    public func append(_ tag: Int, _ value: String) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { u in
            ensure(u.count + 24)
            putTag(tag)
            putBytes(UnsafeRawBufferPointer(u))
            put(1)
        }
        if done == nil {
            var v = value
            v.makeContiguousUTF8()
            append(tag, v)
        }
    }

    /// Appends a field whose value is known at compile time.
    @inlinable
    public func append(_ tag: Int, _ value: StaticString) {
        ensure(value.utf8CodeUnitCount + 24)
        putTag(tag)
        putBytes(UnsafeRawBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
        put(1)
    }

    /// Appends a field with raw value bytes.
    @inlinable
    public func append(_ tag: Int, bytes: some Collection<UInt8>) {
        ensure(bytes.count + 24)
        putTag(tag)
        if bytes.withContiguousStorageIfAvailable({ putBytes(UnsafeRawBufferPointer($0)) }) == nil {
            for b in bytes { put(b) }
        }
        put(1)
    }

    /// Appends an integer field.
    @inlinable
    public func append(_ tag: Int, _ value: Int) {
        ensure(48)
        putTag(tag)
        if value < 0 { put(UInt8(ascii: "-")) }
        putUnsigned(UInt64(value.magnitude))
        put(1)
    }

    /// Appends a field whose value is one ASCII character then a non-negative integer, such as
    /// the ClOrdID `Q42`, without building a string.
    @inlinable
    public func append(_ tag: Int, prefix: UInt8, _ value: UInt64) {
        ensure(48)
        putTag(tag)
        put(prefix)
        putUnsigned(value)
        put(1)
    }

    /// Appends a decimal field (price, quantity, amount) exactly as the decimal's scale says.
    @inlinable
    public func append(_ tag: Int, _ value: FIXDecimal) {
        ensure(64)
        putTag(tag)
        if value.mantissa < 0 { put(UInt8(ascii: "-")) }
        let m = value.mantissa.magnitude
        let scale = Int(value.scale)
        if scale == 0 {
            putUnsigned(m)
        } else {
            // Digits right to left, the point `scale` digits from the end, and at least one digit
            // before it (`0.05`).
            var digits = 1
            var v = m
            while v >= 10 {
                v /= 10
                digits &+= 1
            }
            let total = max(digits, scale &+ 1) &+ 1
            var p = length &+ total
            let point = p &- scale &- 1
            length = p
            v = m
            while p > point &+ 1 {
                let q = v / 10
                p &-= 1
                storage[p] = UInt8(truncatingIfNeeded: v &- q &* 10) &+ 48
                v = q
            }
            p &-= 1
            storage[p] = UInt8(ascii: ".")
            repeat {
                let q = v / 10
                p &-= 1
                storage[p] = UInt8(truncatingIfNeeded: v &- q &* 10) &+ 48
                v = q
            } while p > point &- (max(digits &- scale, 1))
        }
        put(1)
    }

    /// Appends a single-character field.
    @inlinable
    public func append(_ tag: Int, char value: UInt8) {
        ensure(24)
        putTag(tag)
        put(value)
        put(1)
    }

    /// Appends a single-character field.
    @inlinable
    public func append(_ tag: Int, _ value: Character) {
        if let ascii = value.asciiValue {
            append(tag, char: ascii)
        } else {
            append(tag, String(value))
        }
    }

    /// Appends a boolean field as `Y` or `N`.
    @inlinable
    public func append(_ tag: Int, _ value: Bool) {
        append(tag, char: value ? UInt8(ascii: "Y") : UInt8(ascii: "N"))
    }

    /// Appends a UTCTimestamp field with `fractionDigits` (0, 3, 6 or 9; default: milliseconds).
    @inlinable
    public func append(_ tag: Int, _ value: UTCTimestamp, fractionDigits: Int8 = 3) {
        ensure(64)
        putTag(tag)
        let key = value.nanosecondsSinceEpoch
        if key == stampKeys.0 && fractionDigits == stampDigits.0 {
            putStamp(stampTexts.0)
        } else if key == stampKeys.1 && fractionDigits == stampDigits.1 {
            putStamp(stampTexts.1)
        } else {
            let start = length
            putTimestamp(value, fractionDigits: fractionDigits)
            // Kept whole for the next time the same instant is written (32 bytes read: the 64
            // ensured above leave room past the text).
            var text = StampText()
            let p = UnsafeRawPointer(storage + start)
            text.words = (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                          p.loadUnaligned(fromByteOffset: 16, as: UInt64.self), p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            text.count = length &- start
            if nextStampSlot == 0 {
                (stampKeys.0, stampDigits.0, stampTexts.0) = (key, fractionDigits, text)
            } else {
                (stampKeys.1, stampDigits.1, stampTexts.1) = (key, fractionDigits, text)
            }
            nextStampSlot ^= 1
        }
        put(1)
    }

    /// Writes a cached timestamp text.
    @inline(__always) @usableFromInline
    func putStamp(_ text: StampText) {
        let p = UnsafeMutableRawPointer(storage + length)
        p.storeBytes(of: text.words.0, as: UInt64.self)
        p.storeBytes(of: text.words.1, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: text.words.2, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: text.words.3, toByteOffset: 24, as: UInt64.self)
        length &+= text.count
    }

    /// Writes a timestamp's text (no tag, no SOH); the capacity is ensured.
    @inlinable
    func putTimestamp(_ value: UTCTimestamp, fractionDigits: Int8) {
        var seconds = value.nanosecondsSinceEpoch / 1_000_000_000
        var nanos = value.nanosecondsSinceEpoch % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        let text: (UInt64, UInt64, UInt8)
        if seconds == cachedSecond.0 {
            text = cachedText.0
        } else if seconds == cachedSecond.1 {
            text = cachedText.1
        } else {
            text = cacheSecond(seconds)
        }
        let p = UnsafeMutableRawPointer(storage + length)
        p.storeBytes(of: text.0, as: UInt64.self)
        p.storeBytes(of: text.1, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: text.2, toByteOffset: 16, as: UInt8.self)
        length &+= 17
        let digits = Int(fractionDigits)
        if digits > 0 {
            put(UInt8(ascii: "."))
            var f = Int(nanos)
            for _ in 0..<(9 - min(digits, 9)) { f /= 10 }
            var p = length &+ digits
            length = p
            for _ in 0..<digits {
                p &-= 1
                storage[p] = UInt8(truncatingIfNeeded: f % 10) &+ 48
                f /= 10
            }
        }
    }

    /// Works out `YYYYMMDD-HH:MM:SS` for a second and keeps it for the next timestamps of the
    /// same second.
    @usableFromInline
    func cacheSecond(_ seconds: Int64) -> (UInt64, UInt64, UInt8) {
        let c = UTCTimestamp(nanosecondsSinceEpoch: seconds &* 1_000_000_000).components
        let (y, m, d) = (c.year, c.month, c.day)
        let s = c.hour * 3600 + c.minute * 60 + c.second
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { t in
            func two(_ at: Int, _ v: Int) {
                t[at] = UInt8(truncatingIfNeeded: v / 10) &+ 48
                t[at + 1] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            }
            two(0, y / 100)
            two(2, y % 100)
            two(4, m)
            two(6, d)
            t[8] = UInt8(ascii: "-")
            two(9, s / 3600)
            t[11] = UInt8(ascii: ":")
            two(12, s / 60 % 60)
            t[14] = UInt8(ascii: ":")
            two(15, s % 60)
            let value = (t.load(as: UInt64.self), t.load(fromByteOffset: 8, as: UInt64.self), t[16])
            if nextSlot == 0 {
                cachedText.0 = value
                cachedSecond.0 = seconds
            } else {
                cachedText.1 = value
                cachedSecond.1 = seconds
            }
            nextSlot ^= 1
        }
        return nextSlot == 1 ? cachedText.0 : cachedText.1
    }

    // MARK: Finishing

    /// Writes BeginString, BodyLength and CheckSum and returns the finished message. The bytes
    /// stay valid until the next ``start(msgType:)`` and must not be used after it (copy them,
    /// for example with `Array(...)`, to keep them).
    @inlinable
    @discardableResult
    public func finish() -> UnsafeRawBufferPointer {
        let bodyLength = length - Self.reserve
        var lengthDigits = 1
        var v = bodyLength
        while v >= 10 {
            v /= 10
            lengthDigits += 1
        }
        let prefixLength = beginStringField.count + lengthDigits + 1
        messageStart = Self.reserve - prefixLength
        var p = messageStart
        for c in beginStringField {
            storage[p] = c
            p += 1
        }
        v = bodyLength
        var q = p + lengthDigits
        while q > p {
            q -= 1
            storage[q] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        storage[p + lengthDigits] = 1
        let sum = FIXChecksum.compute(UnsafeRawBufferPointer(start: storage + messageStart, count: length - messageStart))
        ensure(7)
        put(49)  // 1
        put(48)  // 0
        put(61)  // =
        put(UInt8(truncatingIfNeeded: sum / 100) &+ 48)
        put(UInt8(truncatingIfNeeded: sum / 10 % 10) &+ 48)
        put(UInt8(truncatingIfNeeded: sum % 10) &+ 48)
        put(1)
        return message
    }

    /// The last finished message, valid until the next ``start(msgType:)``.
    public var message: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + messageStart, count: length - messageStart)
    }

    /// A copy of the last finished message.
    public var messageBytes: [UInt8] { Array(message) }
}

/// The standard header fields the engine writes, in the order it writes them: MsgType first
/// (written by ``FIXEncoder/start(msgType:)``), then ascending tag order.
public struct FIXHeader: Sendable, Equatable {
    public var senderCompID: String
    public var targetCompID: String
    public var msgSeqNum: Int
    public var sendingTime: UTCTimestamp
    public var possDupFlag: Bool?
    public var possResend: Bool?
    public var senderSubID: String?
    public var targetSubID: String?
    public var onBehalfOfCompID: String?
    public var onBehalfOfSubID: String?
    public var origSendingTime: UTCTimestamp?
    public var deliverToCompID: String?
    public var deliverToSubID: String?
    public var onBehalfOfLocationID: String?
    public var deliverToLocationID: String?
    public var lastMsgSeqNumProcessed: Int?

    public init(senderCompID: String, targetCompID: String, msgSeqNum: Int, sendingTime: UTCTimestamp,
                possDupFlag: Bool? = nil, possResend: Bool? = nil, senderSubID: String? = nil,
                targetSubID: String? = nil, onBehalfOfCompID: String? = nil,
                origSendingTime: UTCTimestamp? = nil, deliverToCompID: String? = nil,
                lastMsgSeqNumProcessed: Int? = nil) {
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
        self.msgSeqNum = msgSeqNum
        self.sendingTime = sendingTime
        self.possDupFlag = possDupFlag
        self.possResend = possResend
        self.senderSubID = senderSubID
        self.targetSubID = targetSubID
        self.onBehalfOfCompID = onBehalfOfCompID
        self.origSendingTime = origSendingTime
        self.deliverToCompID = deliverToCompID
        self.lastMsgSeqNumProcessed = lastMsgSeqNumProcessed
    }

    /// Reads the header fields of a parsed message; nil when a required one is missing or malformed.
    public init?(_ m: some FIXFieldContainer) {
        guard let s = m.string(Tag.senderCompID), let t = m.string(Tag.targetCompID),
              let n = m.int(Tag.msgSeqNum), let st = m.timestamp(Tag.sendingTime) else { return nil }
        self.init(senderCompID: s, targetCompID: t, msgSeqNum: n, sendingTime: st,
                  possDupFlag: m.bool(Tag.possDupFlag), possResend: m.bool(Tag.possResend),
                  senderSubID: m.string(Tag.senderSubID), targetSubID: m.string(Tag.targetSubID),
                  onBehalfOfCompID: m.string(Tag.onBehalfOfCompID),
                  origSendingTime: m.timestamp(Tag.origSendingTime),
                  deliverToCompID: m.string(Tag.deliverToCompID),
                  lastMsgSeqNumProcessed: m.int(Tag.lastMsgSeqNumProcessed))
    }

    /// Appends the header fields in ascending tag order (34, 43, 49, 50, 52, 56, 57, 97, 115, 116,
    /// 122, 128, 129, 144, 145, 369).
    @inlinable
    public func write(into e: FIXEncoder) {
        e.append(Tag.msgSeqNum, msgSeqNum)
        if let possDupFlag { e.append(Tag.possDupFlag, possDupFlag) }
        e.append(Tag.senderCompID, senderCompID)
        if let senderSubID { e.append(Tag.senderSubID, senderSubID) }
        e.append(Tag.sendingTime, sendingTime)
        e.append(Tag.targetCompID, targetCompID)
        if let targetSubID { e.append(Tag.targetSubID, targetSubID) }
        if let possResend { e.append(Tag.possResend, possResend) }
        if let onBehalfOfCompID { e.append(Tag.onBehalfOfCompID, onBehalfOfCompID) }
        if let onBehalfOfSubID { e.append(Tag.onBehalfOfSubID, onBehalfOfSubID) }
        if let origSendingTime { e.append(Tag.origSendingTime, origSendingTime) }
        if let deliverToCompID { e.append(Tag.deliverToCompID, deliverToCompID) }
        if let deliverToSubID { e.append(Tag.deliverToSubID, deliverToSubID) }
        if let onBehalfOfLocationID { e.append(Tag.onBehalfOfLocationID, onBehalfOfLocationID) }
        if let deliverToLocationID { e.append(Tag.deliverToLocationID, deliverToLocationID) }
        if let lastMsgSeqNumProcessed { e.append(Tag.lastMsgSeqNumProcessed, lastMsgSeqNumProcessed) }
    }
}
