/// The standard header of a session's ordinary messages (no PossDup, no routing): MsgSeqNum,
/// SenderCompID, SendingTime, TargetCompID, in the order ``FIXHeader/write(into:)`` writes them,
/// with the CompID fields encoded once. What a session writes for every message it sends, so
/// it is kept cheap: no strings are touched per message.
public struct FIXSessionHeader: Sendable, Equatable {
    /// `49=<SenderCompID><SOH>`.
    @usableFromInline let senderField: [UInt8]
    /// `56=<TargetCompID><SOH>`.
    @usableFromInline let targetField: [UInt8]

    public init(senderCompID: String, targetCompID: String) {
        senderField = FIXEncoder.encodedField(Tag.senderCompID, senderCompID)
        targetField = FIXEncoder.encodedField(Tag.targetCompID, targetCompID)
    }

    /// Writes the header fields after ``FIXEncoder/start(msgType:)``; the same bytes as
    /// `FIXHeader(senderCompID:targetCompID:msgSeqNum:sendingTime:).write(into:)`.
    @inlinable
    public func write(msgSeqNum: Int, sendingTime: UTCTimestamp, into e: FIXEncoder) {
        e.append(Tag.msgSeqNum, msgSeqNum)
        e.appendEncoded(senderField)
        e.append(Tag.sendingTime, sendingTime)
        e.appendEncoded(targetField)
    }
}

extension FIXEncoder {
    /// `tag=value<SOH>` as bytes, for a field written again and again (``appendEncoded(_:)``).
    public static func encodedField(_ tag: Int, _ value: String) -> [UInt8] {
        Array("\(tag)=\(value)\u{01}".utf8)
    }

    /// Appends bytes that are already whole fields (`tag=value<SOH>`...).
    @inlinable
    public func appendEncoded(_ fields: [UInt8]) {
        fields.withUnsafeBytes { raw in
            ensure(raw.count)
            putBytes(raw)
        }
    }
}
