/// A typed FIX 4.4 message: reads its body from a parsed message and writes it back.
///
/// Reading (``init(_:)``) works with or without the message's repeating groups resolved against
/// a dictionary: repeating groups are read with the message's own field table (see
/// `GroupReader`). Writing (``writeBody(into:)``) appends the body fields in ascending tag order,
/// except that a repeating group's instances follow its NumInGroup field, each instance's fields in
/// the group's FIX 4.4 order with the delimiter first.
public protocol FIXMessageBody: Sendable {
    /// The MsgType (35) of this message, for example `"D"`.
    static var msgType: String { get }

    /// Reads the message from a parsed message (or any field container). Throws when a required
    /// field is missing, when a value is malformed or not a known enumerated value, or when the
    /// container's MsgType (35), if it has one, is not ``msgType``.
    init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError)

    /// Appends the body fields (everything after the standard header, before the trailer).
    func writeBody(into encoder: FIXEncoder)
}

extension FIXMessageBody {
    /// Encodes the whole message: MsgType, the header fields, the body, then BeginString,
    /// BodyLength and CheckSum. The result stays valid until the encoder's next message.
    @discardableResult
    public func encode(header: FIXHeader, into encoder: FIXEncoder) -> UnsafeRawBufferPointer {
        encoder.start(msgType: Self.msgType)
        header.write(into: encoder)
        writeBody(into: encoder)
        return encoder.finish()
    }
}

// MARK: - Coded values

/// A field value that is one ASCII character from a known set (Side, OrdType, ...).
protocol FIXCharCode: RawRepresentable, Sendable where RawValue == Character {}

/// A field value that is an integer code (OrdRejReason, EncryptMethod, ...).
protocol FIXIntCode: RawRepresentable, Sendable where RawValue == Int {}

/// A field value that is a short string from a known set (PosType, PosAmtType, ...).
protocol FIXStringCode: RawRepresentable, Sendable where RawValue == String {}

extension SessionRejectReason: FIXIntCode {}

// MARK: - Writing helpers

extension FIXEncoder {
    func writeField(_ tag: Int, _ value: String) { append(tag, value) }
    func writeField(_ tag: Int, _ value: Int) { append(tag, value) }
    func writeField(_ tag: Int, _ value: FIXDecimal) { append(tag, value) }
    func writeField(_ tag: Int, _ value: Bool) { append(tag, value) }

    /// Writes a timestamp with as many fraction digits as it carries, so a value read from a
    /// message writes back as it was.
    func writeField(_ tag: Int, _ value: UTCTimestamp) {
        append(tag, value, fractionDigits: value.fractionDigits)
    }

    func writeField<T: FIXCharCode>(_ tag: Int, _ value: T) {
        // The code values are single ASCII characters: write the byte without going through
        // Character's Unicode machinery.
        let utf8 = value.rawValue.utf8
        if utf8.count == 1 {
            append(tag, char: utf8.first!)
        } else {
            append(tag, String(value.rawValue))
        }
    }

    func writeField<T: FIXIntCode>(_ tag: Int, _ value: T) { append(tag, value.rawValue) }
    func writeField<T: FIXStringCode>(_ tag: Int, _ value: T) { append(tag, value.rawValue) }

    func writeFieldIfPresent(_ tag: Int, _ value: String?) { if let value { append(tag, value) } }
    func writeFieldIfPresent(_ tag: Int, _ value: Int?) { if let value { append(tag, value) } }
    func writeFieldIfPresent(_ tag: Int, _ value: FIXDecimal?) { if let value { append(tag, value) } }
    func writeFieldIfPresent(_ tag: Int, _ value: Bool?) { if let value { append(tag, value) } }
    func writeFieldIfPresent(_ tag: Int, _ value: UTCTimestamp?) { if let value { writeField(tag, value) } }
    func writeFieldIfPresent<T: FIXCharCode>(_ tag: Int, _ value: T?) { if let value { writeField(tag, value) } }
    func writeFieldIfPresent<T: FIXIntCode>(_ tag: Int, _ value: T?) { if let value { writeField(tag, value) } }
    func writeFieldIfPresent<T: FIXStringCode>(_ tag: Int, _ value: T?) { if let value { writeField(tag, value) } }
}
