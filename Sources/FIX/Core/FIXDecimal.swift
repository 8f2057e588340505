import Market

/// An exact fixed-point decimal as FIX writes prices and quantities: `mantissa x 10^-scale`.
///
/// `"101.250"` reads as mantissa 101250, scale 3, and writes back as `101.250`. Equality and
/// ordering compare values, so `101.25 == 101.250`. Never goes through `Double`.
public struct FIXDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The digits, as an integer.
    public var mantissa: Int64
    /// How many of the digits are after the decimal point (0...18).
    public var scale: Int8

    /// The largest scale kept: 18 digits after the point.
    public static let maxScale: Int8 = 18

    public init(mantissa: Int64, scale: Int8 = 0) {
        precondition(scale >= 0 && scale <= Self.maxScale, "scale out of range")
        self.mantissa = mantissa
        self.scale = scale
    }

    public init(_ value: Int) { self.init(mantissa: Int64(value), scale: 0) }

    /// Reads a FIX decimal with ``DecimalText``'s rules: an optional `-`, digits, an optional `.`
    /// and digits, at least one digit. Returns nil for anything else, or when the value does not
    /// fit in 18 significant digits.
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        guard let v = s.withUTF8({ FIXDecimal(ascii: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = v
    }

    /// Reads a FIX decimal from ASCII bytes (see ``init(_:)``).
    @inlinable
    public init?(ascii bytes: UnsafeRawBufferPointer) {
        guard let (mantissa, scale) = DecimalText.read(bytes) else { return nil }
        self.mantissa = mantissa
        self.scale = scale
    }

    /// Zero.
    public static let zero = FIXDecimal(mantissa: 0, scale: 0)

    /// The value with trailing zeros after the point removed (`1.500` -> `1.5`).
    public var normalized: FIXDecimal {
        var m = mantissa
        var s = scale
        while s > 0 && m % 10 == 0 {
            m /= 10
            s -= 1
        }
        return FIXDecimal(mantissa: m, scale: s)
    }

    /// The value at a given scale, if it is exact there and fits.
    public func rescaled(to newScale: Int8) -> FIXDecimal? {
        if newScale == scale { return self }
        if newScale > scale {
            var m = mantissa
            for _ in 0..<(newScale - scale) {
                let (r, o) = m.multipliedReportingOverflow(by: 10)
                if o { return nil }
                m = r
            }
            return FIXDecimal(mantissa: m, scale: newScale)
        }
        var m = mantissa
        for _ in 0..<(scale - newScale) {
            if m % 10 != 0 { return nil }
            m /= 10
        }
        return FIXDecimal(mantissa: m, scale: newScale)
    }

    /// The value as a whole number of `increment`s (for example a price in ticks), or nil when it
    /// is not an exact multiple.
    public func multiple(of increment: FIXDecimal) -> Int64? {
        guard increment.mantissa > 0 else { return nil }
        let s = max(scale, increment.scale)
        guard let a = rescaled(to: s), let b = increment.rescaled(to: s) else { return nil }
        guard a.mantissa % b.mantissa == 0 else { return nil }
        return a.mantissa / b.mantissa
    }

    /// Whether the value is a whole number.
    public var isInteger: Bool { normalized.scale == 0 }

    public static func == (lhs: FIXDecimal, rhs: FIXDecimal) -> Bool {
        let a = lhs.normalized, b = rhs.normalized
        return a.mantissa == b.mantissa && a.scale == b.scale
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.mantissa)
        hasher.combine(n.scale)
    }

    public static func < (lhs: FIXDecimal, rhs: FIXDecimal) -> Bool {
        let s = max(lhs.scale, rhs.scale)
        return Int128(lhs.mantissa) * Int128(pow10(s - lhs.scale)) < Int128(rhs.mantissa) * Int128(pow10(s - rhs.scale))
    }

    /// Writes the value as ASCII into `buffer` (used by the encoder).
    @inlinable
    public func write(into buffer: inout [UInt8]) {
        if mantissa < 0 { buffer.append(UInt8(ascii: "-")) }
        let m = mantissa.magnitude
        let s = Int(scale)
        // Up to 19 digits plus leading zeros for scale.
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { raw in
            var u = m
            var len = 0
            repeat {
                raw[len] = UInt8(truncatingIfNeeded: u % 10) &+ 48
                u /= 10
                len += 1
            } while u != 0
            while len <= s {  // at least one digit before the point
                raw[len] = 48
                len += 1
            }
            var i = len - 1
            while i >= 0 {
                if i == s - 1 { buffer.append(UInt8(ascii: ".")) }
                buffer.append(raw[i])
                i -= 1
            }
        }
    }

    public var description: String {
        var b: [UInt8] = []
        write(into: &b)
        return String(decoding: b, as: UTF8.self)
    }
}

@usableFromInline
func pow10(_ n: Int8) -> Int64 {
    var r: Int64 = 1
    for _ in 0..<n { r &*= 10 }
    return r
}

extension FIXDecimal: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(mantissa: value, scale: 0) }
}
