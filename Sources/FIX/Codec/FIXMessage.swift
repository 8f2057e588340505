/// One FIX message: its bytes and a table of where each field's value sits in them.
///
/// Parsing records offsets only; values are read from the bytes when asked for, so nothing is
/// allocated per field. A message can be parsed again in place (``parse(_:)-(UnsafeRawBufferPointer)``)
/// and then reuses the storage of the previous one, which is how hot paths avoid allocating.
///
/// Repeating groups are known only with a dictionary: ``DataDictionary/resolveGroups(_:)`` (or
/// validation) marks each field's nesting depth and records where each group and instance
/// starts, after which ``group(_:)`` gives the instances. Until then lookups see every field as
/// top-level.
public struct FIXMessage: Sendable, FIXFieldContainer {
    /// The message bytes, from `8=` to the SOH after the checksum.
    public internal(set) var bytes: [UInt8]
    /// The fields in the order they appear.
    public var fields: ArraySlice<FIXField> { fieldStorage[0..<fieldCount] }
    /// The field table; only the first `fieldCount` entries are this message's. It keeps its
    /// size between parses so that parsing again writes it in place.
    @usableFromInline internal var fieldStorage: [FIXField]
    /// How many fields the message has.
    public internal(set) var fieldCount: Int
    /// Repeating groups found by the last group resolution.
    @usableFromInline internal var groupSpans: [FIXGroupSpan]
    /// Field index of the first field of each group instance, referenced by `groupSpans`.
    @usableFromInline internal var instanceStarts: [Int32]
    /// Whether groups were resolved against a dictionary since the last parse.
    public internal(set) var groupsResolved: Bool

    /// An empty message, to parse into.
    public init() {
        self.init(reserving: true)
    }

    private init(reserving: Bool) {
        bytes = []
        fieldStorage = []
        fieldCount = 0
        groupSpans = []
        instanceStarts = []
        groupsResolved = false
        if reserving {
            bytes.reserveCapacity(512)
            fieldStorage.reserveCapacity(64)
        }
    }

    /// An empty message with no storage reserved: a placeholder that costs nothing, for the
    /// moment a message that is parsed into again and again is taken out of its owner.
    public static let placeholder = FIXMessage(reserving: false)

    /// Parses a message from bytes.
    public init(bytes: some Sequence<UInt8>) throws(FIXParseError) {
        self.init()
        self.bytes.append(contentsOf: bytes)
        try reparse()
    }

    /// Parses a message from text; `|` is not translated, so the text must use SOH (`\u{01}`).
    /// The message must start with 8, 9 and 35 and end with 10; BodyLength and CheckSum values
    /// are the framer's business and are not checked here.
    public init(_ text: String) throws(FIXParseError) {
        try self.init(bytes: Array(text.utf8))
    }

    /// Parses `input` into this message, replacing what it held and reusing its storage.
    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(FIXParseError) {
        if !bytes.isEmpty { bytes.removeAll(keepingCapacity: true) }
        bytes.append(contentsOf: input)
        try reparse()
    }

    /// Parses `input` into this message, replacing what it held and reusing its storage.
    public mutating func parse(_ input: ArraySlice<UInt8>) throws(FIXParseError) {
        if !bytes.isEmpty { bytes.removeAll(keepingCapacity: true) }
        bytes.append(contentsOf: input)
        try reparse()
    }

    /// Rebuilds the field table from `bytes`.
    internal mutating func reparse() throws(FIXParseError) {
        if !groupSpans.isEmpty { groupSpans.removeAll(keepingCapacity: true) }
        if !instanceStarts.isEmpty { instanceStarts.removeAll(keepingCapacity: true) }
        groupsResolved = false
        let n = bytes.count
        fieldCount = 0
        guard n > 0 else { throw FIXParseError(.empty, offset: 0) }
        guard n < Int(Int32.max) else { throw FIXParseError(.tooLarge, offset: 0) }
        // A field takes at least three bytes (`1=<SOH>`): make the table that large, then write
        // it through a pointer.
        let bound = n / 3 + 1
        if fieldStorage.count < bound {
            fieldStorage.append(contentsOf: repeatElement(FIXField(tag: 0, valueOffset: 0, valueLength: 0),
                                                          count: bound - fieldStorage.count))
        }
        let (count, error) = bytes.withUnsafeBufferPointer { b in
            fieldStorage.withUnsafeMutableBufferPointer { out in FIXFieldScanner.scan(b, into: out.baseAddress!) }
        }
        if let error { throw error }
        fieldCount = count
        let f = fieldStorage
        guard count >= 4, f[0].tag == 8, f[1].tag == 9, f[2].tag == 35, f[count - 1].tag == 10 else {
            throw FIXParseError(.badStructure, offset: 0)
        }
    }

    /// For a data field (RawData, SecureData, XmlData, Signature, EncodedText and the like),
    /// the length declared by the field just before it (`previous`); nil for other fields.
    @inline(__always)
    static func dataLength(for tag: Int32, after previous: FIXField, _ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard tag >= 89, let lengthTag = lengthTag(forDataTag: tag), previous.tag == lengthTag else { return nil }
        var v = 0
        var i = Int(previous.valueOffset)
        let end = i + Int(previous.valueLength)
        guard end > i, end - i <= 9 else { return nil }
        while i < end {
            let c = b[i]
            guard c &- 48 < 10 else { return nil }
            v = v * 10 + Int(c &- 48)
            i += 1
        }
        return v
    }

    /// The length field that precedes each standard FIX 4.4 data field.
    @inline(__always)
    static func lengthTag(forDataTag tag: Int32) -> Int32? {
        switch tag {
        case 89: return 93     // Signature <- SignatureLength
        case 91: return 90     // SecureData <- SecureDataLen
        case 96: return 95     // RawData <- RawDataLength
        case 213: return 212   // XmlData <- XmlDataLen
        case 351: return 350   // EncodedSecurityDesc
        case 355: return 354   // EncodedText
        case 357: return 356   // EncodedSubject
        case 349: return 348   // EncodedIssuer
        case 359: return 358   // EncodedHeadline
        case 361: return 360   // EncodedAllocText
        case 363: return 362   // EncodedUnderlyingIssuer
        case 365: return 364   // EncodedUnderlyingSecurityDesc
        case 353: return 352   // EncodedListExecInst
        case 446: return 445   // EncodedListStatusText
        case 619: return 618   // EncodedLegIssuer
        case 622: return 621   // EncodedLegSecurityDesc
        default: return nil
        }
    }

    // MARK: - FIXFieldContainer

    public var message: FIXMessage { self }
    public var fieldRange: Range<Int> { 0..<fieldCount }
    public var depth: UInt8 { 0 }

    // MARK: - Header shortcuts

    /// MsgType (35), when present.
    public var msgType: String? { string(Tag.msgType) }
    /// BeginString (8), when present.
    public var beginString: String? { string(Tag.beginString) }
    /// MsgSeqNum (34), when present and numeric.
    public var msgSeqNum: Int? { int(Tag.msgSeqNum) }

    /// The message as text with SOH shown as `separator`.
    public func text(separator: Character = "|") -> String {
        var s = String(decoding: bytes, as: UTF8.self)
        if separator != "\u{01}" { s = s.replacingSOH(with: separator) }
        return s
    }

    /// The fields in the order they appear and the message's bytes, read in place (a hot path's
    /// loop over every field: no slice, no copy). The buffers are valid only inside `body`.
    @inlinable
    public func withUnsafeFields<R>(_ body: (UnsafeBufferPointer<FIXField>, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try fieldStorage.withUnsafeBufferPointer { table in
            try bytes.withUnsafeBytes { raw in
                try body(UnsafeBufferPointer(rebasing: table[..<fieldCount]), raw)
            }
        }
    }

    /// The value bytes of a field of this message.
    @inlinable
    public func withValue<R>(_ field: FIXField, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[field.valueRange]))
        }
    }
}

extension FIXMessage: Equatable {
    /// Two messages are equal when their bytes are.
    public static func == (lhs: FIXMessage, rhs: FIXMessage) -> Bool { lhs.bytes == rhs.bytes }
}

extension FIXMessage: CustomStringConvertible {
    public var description: String { text() }
}

extension String {
    func replacingSOH(with separator: Character) -> String {
        String(self.map { $0 == "\u{01}" ? separator : $0 })
    }
}

/// A repeating group located in a message: the field index of its NumInGroup field, the instances
/// found and the field index just past its last field.
@usableFromInline
struct FIXGroupSpan: Sendable, Hashable {
    @usableFromInline var countIndex: Int32
    @usableFromInline var firstInstance: Int32
    @usableFromInline var instanceCount: Int32
    @usableFromInline var end: Int32

    @usableFromInline
    init(countIndex: Int32, firstInstance: Int32, instanceCount: Int32, end: Int32) {
        self.countIndex = countIndex
        self.firstInstance = firstInstance
        self.instanceCount = instanceCount
        self.end = end
    }
}
