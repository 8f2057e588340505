import CZlib

/// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF),
/// the checksum of gzip members, PNG chunks and the file store's records, computed by the system
/// zlib. `CRC32.checksum("123456789")` is 0xCBF43926.
public struct CRC32: Sendable {
    /// The checksum of everything fed so far.
    public private(set) var value: UInt32 = 0

    public init() {}

    /// Feeds `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var at = 0
        // zlib takes a 32-bit length: feed a larger buffer in pieces.
        while at < bytes.count {
            let n = min(bytes.count - at, Int(UInt32.max >> 1))
            value = UInt32(truncatingIfNeeded: crc32(uLong(value), bytes.baseAddress!.advanced(by: at).assumingMemoryBound(to: Bytef.self), uInt(n)))
            at += n
        }
    }

    /// Feeds `bytes` (copied first when they are not contiguous).
    public mutating func update(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
