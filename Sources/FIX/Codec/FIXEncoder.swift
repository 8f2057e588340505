/// Writes FIX messages into a reusable buffer.
///
/// Call ``start(msgType:)``, append the standard header fields (the header order the engine uses is
/// MsgType, then the other header tags in ascending order, as ``FIXHeader/write(into:)`` does),
/// then the body, then ``finish()``. BeginString (8) and BodyLength (9) are put in front and
/// CheckSum (10) at the end, so the message is built in one pass with no copy of the body.
/// After the first messages no call allocates.
public struct FIXEncoder: Sendable {
    /// Room left in front of the body for `8=...<SOH>9=...<SOH>`.
    @usableFromInline static let reserve = 40

    @usableFromInline var buffer: [UInt8]
    @usableFromInline var messageStart: Int = 0
    @usableFromInline let beginStringField: [UInt8]

    /// An encoder for messages of the given BeginString (default `FIX.4.4`).
    public init(beginString: String = "FIX.4.4") {
        precondition(beginString.utf8.count <= 16, "BeginString too long")
        beginStringField = Array("8=\(beginString)\u{01}9=".utf8)
        buffer = []
        buffer.reserveCapacity(1024)
    }

    /// Starts a new message of type `msgType`, discarding any earlier one.
    @inlinable
    public mutating func start(msgType: String) {
        buffer.removeAll(keepingCapacity: true)
        for _ in 0..<Self.reserve { buffer.append(0) }
        messageStart = 0
        append(Tag.msgType, msgType)
    }

    /// Appends `tag=` to the buffer.
    @inlinable
    mutating func appendTag(_ tag: Int) {
        appendInteger(tag)
        buffer.append(UInt8(ascii: "="))
    }

    @inlinable
    mutating func appendInteger(_ value: Int) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendUnsigned(UInt64(value.magnitude))
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    @inlinable
    mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            buffer.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { raw in
            var v = value
            var len = 0
            while v != 0 {
                raw[len] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
                len += 1
            }
            while len > 0 {
                len -= 1
                buffer.append(raw[len])
            }
        }
    }

    /// Appends a string field.
    @inlinable
    public mutating func append(_ tag: Int, _ value: String) {
        appendTag(tag)
        var v = value
        v.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(1)
    }

    /// Appends a field whose value is known at compile time.
    @inlinable
    public mutating func append(_ tag: Int, _ value: StaticString) {
        appendTag(tag)
        buffer.append(contentsOf: UnsafeBufferPointer(start: value.utf8Start, count: value.utf8CodeUnitCount))
        buffer.append(1)
    }

    /// Appends a field with raw value bytes.
    @inlinable
    public mutating func append(_ tag: Int, bytes: some Collection<UInt8>) {
        appendTag(tag)
        buffer.append(contentsOf: bytes)
        buffer.append(1)
    }

    /// Appends an integer field.
    @inlinable
    public mutating func append(_ tag: Int, _ value: Int) {
        appendTag(tag)
        appendInteger(value)
        buffer.append(1)
    }

    /// Appends a decimal field (price, quantity, amount) exactly as the decimal's scale says.
    @inlinable
    public mutating func append(_ tag: Int, _ value: FIXDecimal) {
        appendTag(tag)
        value.write(into: &buffer)
        buffer.append(1)
    }

    /// Appends a single-character field.
    @inlinable
    public mutating func append(_ tag: Int, char value: UInt8) {
        appendTag(tag)
        buffer.append(value)
        buffer.append(1)
    }

    /// Appends a single-character field.
    @inlinable
    public mutating func append(_ tag: Int, _ value: Character) {
        append(tag, String(value))
    }

    /// Appends a boolean field as `Y` or `N`.
    @inlinable
    public mutating func append(_ tag: Int, _ value: Bool) {
        append(tag, char: value ? UInt8(ascii: "Y") : UInt8(ascii: "N"))
    }

    /// Appends a UTCTimestamp field with `fractionDigits` (default: milliseconds).
    @inlinable
    public mutating func append(_ tag: Int, _ value: UTCTimestamp, fractionDigits: Int8 = 3) {
        appendTag(tag)
        value.write(into: &buffer, fractionDigits: fractionDigits)
        buffer.append(1)
    }

    /// Writes BeginString, BodyLength and CheckSum; returns the finished message, which stays
    /// valid until the next ``start(msgType:)``.
    @inlinable
    @discardableResult
    public mutating func finish() -> ArraySlice<UInt8> {
        let bodyLength = buffer.count - Self.reserve
        // Prefix: 8=FIX.4.4<SOH>9=<len><SOH>, right-aligned against the body.
        var lenDigits: (UInt64, UInt64) = (0, 0)
        var lenCount = 0
        withUnsafeMutableBytes(of: &lenDigits) { raw in
            var v = bodyLength
            repeat {
                raw[lenCount] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
                lenCount += 1
            } while v != 0
        }
        let prefixLength = beginStringField.count + lenCount + 1
        messageStart = Self.reserve - prefixLength
        buffer.withUnsafeMutableBufferPointer { b in
            var p = messageStart
            for c in beginStringField {
                b[p] = c
                p += 1
            }
            withUnsafeBytes(of: &lenDigits) { raw in
                var k = lenCount
                while k > 0 {
                    k -= 1
                    b[p] = raw[k]
                    p += 1
                }
            }
            b[p] = 1
        }
        let sum = buffer.withUnsafeBytes { FIXChecksum.compute(UnsafeRawBufferPointer(rebasing: $0[messageStart...])) }
        buffer.append(49)  // 1
        buffer.append(48)  // 0
        buffer.append(61)  // =
        buffer.append(UInt8(truncatingIfNeeded: sum / 100) &+ 48)
        buffer.append(UInt8(truncatingIfNeeded: sum / 10 % 10) &+ 48)
        buffer.append(UInt8(truncatingIfNeeded: sum % 10) &+ 48)
        buffer.append(1)
        return buffer[messageStart...]
    }

    /// The last finished message.
    public var message: ArraySlice<UInt8> { buffer[messageStart...] }
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
    public var origSendingTime: UTCTimestamp?
    public var deliverToCompID: String?
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

    /// Appends the header fields in ascending tag order (34, 43, 49, 50, 52, 56, 57, 97, 115, 122, 128, 369).
    @inlinable
    public func write(into e: inout FIXEncoder) {
        e.append(Tag.msgSeqNum, msgSeqNum)
        if let possDupFlag { e.append(Tag.possDupFlag, possDupFlag) }
        e.append(Tag.senderCompID, senderCompID)
        if let senderSubID { e.append(Tag.senderSubID, senderSubID) }
        e.append(Tag.sendingTime, sendingTime)
        e.append(Tag.targetCompID, targetCompID)
        if let targetSubID { e.append(Tag.targetSubID, targetSubID) }
        if let possResend { e.append(Tag.possResend, possResend) }
        if let onBehalfOfCompID { e.append(Tag.onBehalfOfCompID, onBehalfOfCompID) }
        if let origSendingTime { e.append(Tag.origSendingTime, origSendingTime) }
        if let deliverToCompID { e.append(Tag.deliverToCompID, deliverToCompID) }
        if let lastMsgSeqNumProcessed { e.append(Tag.lastMsgSeqNumProcessed, lastMsgSeqNumProcessed) }
    }
}
