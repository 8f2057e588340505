import CZlib
import Gzip

/// Writes a ``Raster`` as a PNG file: the signature, an IHDR chunk (8-bit RGB, no
/// interlacing), the scanlines (each with filter type 0) compressed with zlib's deflate in
/// IDAT, and IEND; each chunk with its CRC-32.
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// What went wrong while compressing.
    public struct Failure: Error, CustomStringConvertible {
        public var zlibStatus: Int32
        public var description: String { "zlib compress2 failed with status \(zlibStatus)" }
    }

    /// The PNG bytes of `raster`.
    public static func encode(_ raster: Raster) throws -> [UInt8] {
        let stride = raster.width * 3
        var scanlines = [UInt8]()
        scanlines.reserveCapacity((stride + 1) * raster.height)
        raster.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<raster.height {
                scanlines.append(0)
                scanlines.append(contentsOf: pixels[row * stride..<(row + 1) * stride])
            }
        }
        var compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(scanlines.count))))
        var length = uLongf(compressed.count)
        let status = compressed.withUnsafeMutableBufferPointer { out in
            scanlines.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), 9)
            }
        }
        guard status == Z_OK else { throw Failure(zlibStatus: status) }
        compressed.removeLast(compressed.count - Int(length))

        var header = [UInt8]()
        header += bigEndian(UInt32(raster.width))
        header += bigEndian(UInt32(raster.height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
        var png = signature
        png += chunk("IHDR", header)
        png += chunk("IDAT", compressed)
        png += chunk("IEND", [])
        return png
    }

    /// One chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let body = typeBytes + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(CRC32.checksum(body))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
