import Market
/// The fields of one CSV line read in place, left to right, in one pass over its bytes: the
/// CSV sources' fast path for plain records.
///
/// It reads only plain fields: an unsigned decimal (digits with at most one `.`, at most 18
/// digits) straight to a whole number of steps, an integer or ISO timestamp, a word. Anything
/// else (padding, quotes, a sign, a value off the step, a missing or extra field) makes the
/// read fail, and the source reads the line again with ``CSVFields``, which gives the same
/// values for plain fields and names the problem for bad ones. So the fast path changes no
/// result, only how quickly a plain line is read: 66 ns an event for the L1 CSV source on plain
/// lines against 347 to 541 ns when every line goes through ``CSVFields`` (the same rows with a
/// space after each comma), 5 to 8 times faster (BacktestBench, "L1 CSV ... the source alone",
/// side by side in one run, 2026-12-07).
struct CSVRowScanner {
    /// A plain field's value.
    enum Value {
        /// Nothing between the separators.
        case empty
        /// A whole number of steps.
        case steps(Int64)
    }

    private var p: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>
    /// Whether the last field read ended at a comma (else at the end of the line).
    private var afterComma = false

    @inline(__always)
    init(_ line: ByteField) {
        p = line.base
        end = line.base + line.count
    }

    /// Whether the fields read so far are the whole line: the last one ended the line.
    @inline(__always)
    var isAtEnd: Bool { !afterComma && p == end }

    /// Whether another field follows the last one read.
    @inline(__always)
    var hasMore: Bool { afterComma }

    /// The next field as an unsigned decimal in whole steps of `step`; nil when it is not plain
    /// or not a whole number of steps.
    @inline(__always)
    mutating func decimal(_ step: DecimalStep) -> Value? {
        var mantissa: Int64 = 0
        let start = p
        readDigits(into: &mantissa)
        var digits = start.distance(to: p)
        var fraction = 0
        var point = false
        if p < end && p.pointee == UInt8(ascii: ".") {
            point = true
            p += 1
            let first = p
            readDigits(into: &mantissa)
            fraction = first.distance(to: p)
            digits += fraction
        }
        if p < end {
            guard p.pointee == UInt8(ascii: ",") else { return nil }
            p += 1
            afterComma = true
        } else {
            afterComma = false
        }
        guard digits > 0 else { return point ? nil : .empty }
        // 18 digits always fit; the general reader takes the longer ones.
        guard digits <= 18 else { return nil }
        return step.steps(mantissa: mantissa, scale: Int8(fraction)).map { .steps($0) }
    }

    /// The next field as a timestamp (``TimestampText``); nil when it is not one, or padded.
    @inline(__always)
    mutating func timestamp() -> Int64? {
        let start = p
        // 19 digits fit in a UInt64; whether they fit in an Int64 is checked after.
        var value: UInt64 = 0
        // Eight digits at a time while they last (nanosecond stamps have 19).
        while end - p >= 8, let eight = Self.eightDigits(p) {
            value = value &* 100_000_000 &+ eight
            p += 8
        }
        while p < end {
            let d = p.pointee &- UInt8(ascii: "0")
            guard d < 10 else { break }
            value = value &* 10 &+ UInt64(d)
            p += 1
        }
        let digits = start.distance(to: p)
        if digits > 0 && digits <= 19 && (p == end || p.pointee == UInt8(ascii: ",")) {
            skipComma()
            return value <= UInt64(Int64.max) ? Int64(value) : nil
        }
        // A date and time, or a longer integer: the general reading of the whole field.
        while p < end && p.pointee != UInt8(ascii: ",") { p += 1 }
        let field = ByteField(base: start, count: start.distance(to: p))
        skipComma()
        guard field.count > 0, !Self.isPadding(field[0]), !Self.isPadding(field[field.count - 1]) else { return nil }
        return TimestampText.nanoseconds(field)
    }

    /// The next field as it is (nil when it starts or ends with padding or a quote).
    @inline(__always)
    mutating func word() -> ByteField? {
        let start = p
        while p < end && p.pointee != UInt8(ascii: ",") { p += 1 }
        let field = ByteField(base: start, count: start.distance(to: p))
        skipComma()
        if field.count > 0 && (Self.isPadding(field[0]) || Self.isPadding(field[field.count - 1])) { return nil }
        return field
    }

    /// Reads the digits at `p` onto `value` (`value x 10^n + the n digits`, wrapping on
    /// overflow: callers count the digits). One at a time: fields are short, and a test of
    /// eight bytes at once costs more than it saves here.
    @inline(__always)
    private mutating func readDigits(into value: inout Int64) {
        while p < end {
            let d = p.pointee &- UInt8(ascii: "0")
            guard d < 10 else { return }
            value = value &* 10 &+ Int64(d)
            p += 1
        }
    }

    /// The number the eight bytes at `p` spell when they are all ASCII digits, else nil: the
    /// bytes are read as one little-endian word, checked at once, and combined pairwise.
    @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        let zeros: UInt64 = 0x3030_3030_3030_3030
        // Each byte is 0x30...0x3F, and stays below 0x40 with 6 added: '0'...'9'.
        guard word & high == zeros, (word &+ 0x0606_0606_0606_0606) & high == zeros else { return nil }
        var x = word &- zeros  // digit k (the k-th byte) in byte k
        x = (x &* 10 &+ (x >> 8)) & 0x00FF_00FF_00FF_00FF  // pairs: 2-digit numbers in 16-bit lanes
        x = (x &* 100 &+ (x >> 16)) & 0x0000_FFFF_0000_FFFF  // 4-digit numbers in 32-bit lanes
        return (x &* 10_000 &+ (x >> 32)) & 0x0000_0000_FFFF_FFFF
    }

    @inline(__always)
    private mutating func skipComma() {
        afterComma = p < end
        if afterComma { p += 1 }
    }

    /// Bytes the general reader strips from the ends of a field.
    @inline(__always)
    private static func isPadding(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == UInt8(ascii: "\"")
    }
}
