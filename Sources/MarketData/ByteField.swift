import Market
/// A run of bytes inside the line being parsed — a CSV field, a JSON value — read in place,
/// without making a `String`. Valid only while the line's buffer is.
struct ByteField {
    var base: UnsafePointer<UInt8>
    var count: Int

    @inline(__always)
    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    subscript(i: Int) -> UInt8 { base[i] }

    @inline(__always)
    var isEmpty: Bool { count == 0 }

    /// Without leading and trailing spaces and tabs.
    func trimmed() -> ByteField {
        var s = 0
        var e = count
        while s < e && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
        while e > s && (base[e - 1] == 0x20 || base[e - 1] == 0x09) { e -= 1 }
        return ByteField(base: base + s, count: e - s)
    }

    /// Without one pair of enclosing double quotes, when it has them.
    @inline(__always)
    func unquoted() -> ByteField {
        if count >= 2 && base[0] == UInt8(ascii: "\"") && base[count - 1] == UInt8(ascii: "\"") {
            return ByteField(base: base + 1, count: count - 2)
        }
        return self
    }

    /// The bytes as text for a message, shortened when long.
    var text: String {
        let n = Swift.min(count, 40)
        let s = String(decoding: UnsafeBufferPointer(start: base, count: n), as: UTF8.self)
        return n < count ? s + "..." : s
    }

    /// Whether the bytes are `literal`.
    func equals(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        let l = literal.utf8Start
        for i in 0..<count where base[i] != l[i] { return false }
        return true
    }

    /// Whether the bytes are `literal` (lowercase ASCII letters) in any case.
    func equalsIgnoringCase(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        let l = literal.utf8Start
        for i in 0..<count where base[i] | 0x20 != l[i] { return false }
        return true
    }

    /// Whether the bytes end with `literal`.
    func hasSuffix(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard n <= count else { return false }
        let l = literal.utf8Start
        for i in 0..<n where base[count - n + i] != l[i] { return false }
        return true
    }

    /// Decimal text (``DecimalText``, and a leading `+` allowed in data files), as (mantissa,
    /// scale); nil when it is not a decimal or does not fit.
    func decimal() -> (mantissa: Int64, scale: Int8)? {
        let bytes = UnsafeRawBufferPointer(start: base, count: count)
        if count > 1 && base[0] == UInt8(ascii: "+") {
            guard base[1] != UInt8(ascii: "-") else { return nil }
            return DecimalText.read(UnsafeRawBufferPointer(rebasing: bytes[1...]))
        }
        return DecimalText.read(bytes)
    }

    /// Digits only, as a non-negative integer; nil when empty, not all digits, or too large.
    func unsignedInteger() -> Int64? {
        guard count > 0 else { return nil }
        var v: Int64 = 0
        for i in 0..<count {
            let d = base[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (r, o) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = r.addingReportingOverflow(Int64(d))
            guard !o, !o2 else { return nil }
            v = s
        }
        return v
    }

    // MARK: - Prices and sizes of an instrument

    /// A price in ticks of `instrument`. `label` names the field in the reason of a failure
    /// (`field 2 (bid)`). Zero and negative prices are allowed here; callers decide.
    func ticks(_ instrument: Instrument, _ label: @autoclosure () -> String) throws(BadRecord) -> Int64 {
        guard let (m, s) = decimal() else { throw BadRecord("\(label()): expected a decimal, got '\(text)'") }
        guard let t = instrument.tickSize.steps(mantissa: m, scale: s) else {
            throw BadRecord("\(label()): \(text) is not a multiple of the tick size \(instrument.tickSize)")
        }
        return t
    }

    /// A size in lots of `instrument`, at least zero.
    func lots(_ instrument: Instrument, _ label: @autoclosure () -> String) throws(BadRecord) -> Int64 {
        guard let (m, s) = decimal() else { throw BadRecord("\(label()): expected a decimal, got '\(text)'") }
        guard m >= 0 else { throw BadRecord("\(label()): \(text) is negative") }
        guard let l = instrument.lotSize.steps(mantissa: m, scale: s) else {
            throw BadRecord("\(label()): \(text) is not a multiple of the lot size \(instrument.lotSize)")
        }
        return l
    }

    /// Whether the field is a decimal (header detection).
    var isDecimal: Bool { decimal() != nil }
}
