// Shared by the fuzz targets: reading the fuzz input as a stream of choices, framing FIX
// messages, loading the dictionary.
import FIX
import Foundation

/// The fuzz input read front to back as a series of choices. Past the end every read gives zero,
/// so a short input is a short run, never an out-of-range read.
struct FuzzInput {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bool() -> Bool { byte() & 1 != 0 }

    /// A little-endian unsigned number of `count` bytes (at most 8).
    mutating func uint(_ count: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<count { v |= UInt64(byte()) << UInt64(8 * k) }
        return v
    }

    /// Up to `limit` bytes as they are: a length byte, then the bytes.
    mutating func blob(limit: Int = 255) -> [UInt8] {
        let n = min(Int(byte()), limit, bytes.count - position)
        guard n > 0 else { return [] }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    /// An integer that is usually small, sometimes one of the values at the edges of the types a
    /// FIX engine reads numbers into, sometimes any 64-bit value.
    mutating func number() -> Int {
        let b = byte()
        switch b {
        case 0..<128: return Int(b) - 20
        case 128..<240: return Self.edges[Int(b - 128) % Self.edges.count]
        default: return Int(truncatingIfNeeded: uint(8))
        }
    }

    static let edges: [Int] = [
        0, 1, -1, 2, 30, 60, 120, 3600, 86_400,
        Int(Int8.max), Int(UInt8.max), Int(Int16.max), Int(UInt16.max),
        Int(Int32.max), Int(Int32.max) + 1, Int(UInt32.max), Int(UInt32.max) + 1,
        Int(Int32.min), 999_999_999, 1_000_000_000, 9_999_999_999,
        999_999_999_999_999_999, 1_000_000_000_000_000_000,
        Int.max, Int.max - 1, Int.min, Int.min + 1,
        Int.max / 10, Int.max / 1_000_000_000, Int.max / 1_000_000_000 + 1,
        -2_147_483_649, -999_999_999_999_999_999,
    ]
}

/// The FIX message `8=<beginString>|9=<length>|<body>10=<checksum>|` with BodyLength and CheckSum
/// computed; `body` runs from the field after BodyLength to the SOH before CheckSum.
func framedMessage(beginString: [UInt8], body: [UInt8]) -> [UInt8] {
    var m = Array("8=".utf8) + beginString + [1] + Array("9=\(body.count)".utf8) + [1] + body
    let sum = m.withUnsafeBytes { FIXChecksum.compute($0) }
    let digits = [sum / 100, sum / 10 % 10, sum % 10].map { UInt8(48 + $0) }
    m += Array("10=".utf8) + digits + [1]
    return m
}

/// Appends `tag=value<SOH>`.
func appendField(_ out: inout [UInt8], _ tag: Int, _ value: some Sequence<UInt8>) {
    out += Array(String(tag).utf8)
    out.append(UInt8(ascii: "="))
    out += value
    out.append(1)
}

func appendField(_ out: inout [UInt8], _ tag: Int, _ value: String) {
    appendField(&out, tag, Array(value.utf8))
}

/// Stops the run with a message that the crash report shows: a broken property, not a trap.
func propertyFailed(_ what: String) -> Never {
    fatalError("fuzz property failed: \(what)")
}

/// The FIX 4.4 dictionary, read from the file: `FIX_DICTIONARY` when set, else the project's
/// `Sources/FIX/Resources/FIX44.xml` (its path is written into the build by build.sh).
func loadDictionary() -> DataDictionary {
    let path = ProcessInfo.processInfo.environment["FIX_DICTIONARY"] ?? fuzzDictionaryPath
    do {
        return try DataDictionary(contentsOfFile: path)
    } catch {
        FileHandle.standardError.write(Data("fuzz: cannot read the FIX dictionary \(path): \(error)\n".utf8))
        exit(2)
    }
}

/// Whether `bytes` is exactly one well-framed message (the framer's scanner takes all of it as
/// one message).
func isOneFramedMessage(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
        FIXFrameScanner(raw, byteBefore: 1, maxMessageSize: 1 << 20).scan() == .message(length: bytes.count)
    }
}
