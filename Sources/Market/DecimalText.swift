/// The one reader of decimal text, for FIX fields, tick and lot sizes, and market-data files:
/// an optional `-`, digits, an optional `.` and digits, at least one digit in all (`5`, `-0.25`,
/// `.5`, `5.`), read exactly as `mantissa x 10^-scale`, never through `Double`.
///
/// The value keeps the scale it was written with (`1.500` is 1500 x 10^-3), so that it writes
/// back as it came. At most 18 significant digits and 18 digits after the point are kept, so any
/// value read fits 64 bits; when the text has more, its trailing zeros after the point are
/// dropped (the value stays exact: `1.5000000000000000000000` is 15 x 10^-1), and the text is
/// refused when that is not enough.
public enum DecimalText {
    /// The most digits kept, after the point and significant ones in all.
    public static let maxDigits = 18

    /// Reads `bytes` as decimal text; nil when it is not one or does not fit.
    @inlinable
    public static func read(_ bytes: UnsafeRawBufferPointer) -> (mantissa: Int64, scale: Int8)? {
        if let v = readKeepingScale(bytes) { return v }
        // Too many digits: try again without the trailing zeros after the point.
        var n = bytes.count
        guard let point = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        while n > point + 1 && bytes[n - 1] == UInt8(ascii: "0") { n -= 1 }
        guard n < bytes.count else { return nil }
        return readKeepingScale(UnsafeRawBufferPointer(rebasing: bytes[0..<n]))
    }

    /// Reads decimal text from a string (see ``read(_:)``).
    public static func read(_ text: some StringProtocol) -> (mantissa: Int64, scale: Int8)? {
        var s = String(text)
        return s.withUTF8 { read(UnsafeRawBufferPointer($0)) }
    }

    /// The reading itself, with the scale as written: nil when the digits do not fit.
    @inlinable
    static func readKeepingScale(_ bytes: UnsafeRawBufferPointer) -> (mantissa: Int64, scale: Int8)? {
        let n = bytes.count
        guard n > 0 else { return nil }
        let negative = bytes[0] == UInt8(ascii: "-")
        var i = negative ? 1 : 0
        var mantissa: Int64 = 0
        var significant = 0
        // The integer part, then the fraction: two loops, so no digit asks whether the point
        // was seen. A digit is significant once the mantissa or the digit is not zero.
        while i < n {
            let d = bytes[i] &- 48
            guard d < 10 else { break }
            significant &+= mantissa | Int64(d) != 0 ? 1 : 0
            mantissa = mantissa &* 10 &+ Int64(d)
            i &+= 1
        }
        let integerDigits = i - (negative ? 1 : 0)
        var scale = 0
        if i < n {
            guard bytes[i] == UInt8(ascii: ".") else { return nil }
            i &+= 1
            scale = n - i
            while i < n {
                let d = bytes[i] &- 48
                guard d < 10 else { return nil }
                significant &+= mantissa | Int64(d) != 0 ? 1 : 0
                mantissa = mantissa &* 10 &+ Int64(d)
                i &+= 1
            }
        }
        // At least one digit, and no more than 18 significant ones or 18 after the point
        // (checked once: a longer run of digits may have wrapped the mantissa, which is then
        // not used).
        guard integerDigits + scale > 0, significant <= maxDigits, scale <= maxDigits else { return nil }
        return (negative ? -mantissa : mantissa, Int8(scale))
    }
}
