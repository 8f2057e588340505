/// Finds the fields of a message: for each, its tag and where its value lies in the bytes (what
/// ``FIXMessage`` keeps as its field table).
///
/// Two readings give the same table. The byte-by-byte one follows the rules field after field
/// and names the first thing wrong. The fast one, tried first, finds every SOH of the message at
/// once, eight bytes a step, so that where a field starts is known without reading the field
/// before it; each tag is then read as one eight-byte word. It takes only what is plainly well
/// formed (tags of 1 to 7 digits, no data field, nothing after the last SOH) and leaves anything
/// else to the byte-by-byte reading, which then accepts or names the error as it always does.
enum FIXFieldScanner {
    /// Writes the field table of the message in `b` to `out` (room for `b.count / 3 + 1`
    /// fields): how many fields, or the first error and where it is.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<FIXField>) -> (count: Int, error: FIXParseError?) {
        if let count = scanBySOH(b, into: out) { return (count, nil) }
        return scanBytewise(b, into: out)
    }

    // MARK: - Field by field

    /// The byte-by-byte reading: each tag (an optional `-`, 1 to 9 digits, `=`), then its value
    /// up to SOH, or, for a data field, the length its length field declares.
    static func scanBytewise(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<FIXField>)
        -> (count: Int, error: FIXParseError?) {
        let n = b.count
        var count = 0
        var i = 0
        while i < n {
            let tagStart = i
            var negative = false
            if b[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            var tag: Int32 = 0
            var digits = 0
            while i < n {
                let c = b[i]
                guard c &- 48 < 10 else { break }
                tag = tag &* 10 &+ Int32(c &- 48)
                digits += 1
                i += 1
            }
            if i >= n { return (count, FIXParseError(.missingEquals, offset: tagStart)) }
            if b[i] == 1 && digits > 0 && !negative { return (count, FIXParseError(.missingEquals, offset: tagStart)) }
            if b[i] != UInt8(ascii: "=") || digits == 0 || digits > 9 { return (count, FIXParseError(.invalidTag, offset: tagStart)) }
            if negative { tag = -tag }
            i += 1
            let valueStart = i
            // Data fields may hold SOH: their length comes from the preceding length field.
            if count > 0, isDataTag(tag), let dataLength = FIXMessage.dataLength(for: tag, after: out[count - 1], b) {
                let end = valueStart + dataLength
                if end < n, b[end] == 1 { i = end }
            }
            i = nextSOH(b, from: i)
            if i >= n { return (count, FIXParseError(.missingDelimiter, offset: valueStart)) }
            out[count] = FIXField(tag: tag, valueOffset: Int32(valueStart), valueLength: Int32(i - valueStart))
            count += 1
            i += 1
        }
        return (count, nil)
    }

    /// The index of the first SOH at or after `from`, or `b.count`; eight bytes at a time.
    @inline(__always)
    static func nextSOH(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let n = b.count
        var i = from
        #if _endian(little)
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while n - i >= 8 {
                // A byte equal to 1 becomes 0 after the xor; the classic zero-byte test finds the
                // lowest such byte exactly (false hits only come after a true one).
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0101_0101_0101_0101
                let z = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
                if z != 0 { return i + z.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        #endif
        while i < n && b[i] != 1 { i += 1 }
        return i
    }

    /// Whether `tag` is one of the data fields of ``FIXMessage/lengthTag(forDataTag:)`` (all
    /// between 89 and 622): a bit of a table, with no branch for the tags of ordinary fields.
    @inline(__always)
    static func isDataTag(_ tag: Int32) -> Bool {
        let k = UInt32(bitPattern: tag &- 89)
        guard k < 534 else { return false }
        // Bit k % 64 of word k / 64 is set for tag 89 + k.
        let word: UInt64
        switch k >> 6 {
        case 0: word = 1 << 0 | 1 << 2 | 1 << 7                       // 89, 91, 96
        case 1: word = 1 << 60                                        // 213
        case 4: word = 0x15_5550                                      // 349, 351, ..., 365
        case 5: word = 1 << 37                                        // 446
        case 8: word = 1 << 18 | 1 << 21                              // 619, 622
        default: word = 0
        }
        return (word >> UInt64(k & 63)) & 1 != 0
    }

    // MARK: - All SOH at once

    /// The fast reading (see the type's discussion): the number of fields, or nil to leave the
    /// message to ``scanBytewise(_:into:)``.
    static func scanBySOH(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<FIXField>) -> Int? {
        #if _endian(little)
        let n = b.count
        guard n >= 8, let base = b.baseAddress else { return nil }
        let words = (n + 63) >> 6
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { masks -> Int? in
            let soh = masks.baseAddress!
            markSOH(UnsafeRawPointer(base), count: n, into: soh)
            var count = 0
            var start = 0
            var w = 0
            var bits = soh[0]
            while true {
                while bits == 0 {
                    w += 1
                    // Past the last SOH: the message must end there.
                    if w == words { return start == n ? count : nil }
                    bits = soh[w]
                }
                let end = w &<< 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                // [start, end) is the field; its tag is digits up to `=`, which cannot lie
                // beyond `end` (digits and `=` are not SOH). Offsets fit in Int32: the caller
                // refuses larger messages.
                guard let (tag, length) = shortTag(UnsafeRawPointer(base + start), available: n &- start),
                      !isDataTag(tag) else { return nil }
                let valueStart = start &+ length &+ 1
                out[count] = FIXField(tag: tag, valueOffset: Int32(truncatingIfNeeded: valueStart),
                                      valueLength: Int32(truncatingIfNeeded: end &- valueStart))
                count &+= 1
                start = end &+ 1
            }
        }
        #else
        return nil
        #endif
    }

    /// Sets bit `i % 64` of `masks[i / 64]` for each SOH at byte `i` of the `count` bytes at `p`
    /// (and clears the others).
    @inline(__always)
    static func markSOH(_ p: UnsafeRawPointer, count n: Int, into masks: UnsafeMutablePointer<UInt64>) {
        var i = 0
        var word = 0
        while i < n {
            var mask: UInt64 = 0
            var shift: UInt64 = 0
            let blockEnd = min(n, i + 64)
            while blockEnd &- i >= 8 {
                mask |= sohBits(p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &<< shift
                shift &+= 8
                i &+= 8
            }
            if i < blockEnd {
                // The last bytes, padded with zeros (which are not SOH).
                mask |= sohBits(loadTail(p + i, count: blockEnd &- i)) &<< shift
                i = blockEnd
            }
            masks[word] = mask
            word &+= 1
        }
    }

    /// Bit k set where byte k of `w` is SOH (exactly, with no carry between bytes).
    @inline(__always)
    static func sohBits(_ w: UInt64) -> UInt64 {
        let x = w ^ 0x0101_0101_0101_0101
        let t = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
        // The high bit of each zero byte, gathered into the top byte by one multiplication
        // (every product bit lands on a place of its own, so nothing carries).
        return (((~t & 0x8080_8080_8080_8080) >> 7) &* 0x0102_0408_1020_4080) >> 56
    }

    /// The `count` (< 8) bytes at `p` as the low bytes of a word, the others zero.
    @inline(never)
    static func loadTail(_ p: UnsafeRawPointer, count: Int) -> UInt64 {
        var w: UInt64 = 0
        for k in 0..<count { w |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(k << 3) }
        return w
    }

    /// The tag at `p` when its next bytes (`available` of them) hold 1 to 7 digits and then `=`:
    /// its value and its number of digits; nil for anything else. No branch depends on the
    /// tag's length: the digits are found, checked and converted as one word.
    @inline(__always)
    static func shortTag(_ p: UnsafeRawPointer, available: Int) -> (tag: Int32, length: Int)? {
        let w = available >= 8 ? p.loadUnaligned(as: UInt64.self) : loadTail(p, count: available)
        let highs: UInt64 = 0x8080_8080_8080_8080
        // The first `=`: a byte equal to 0x3D becomes 0 after the xor (the zero-byte test is
        // exact for the lowest zero byte).
        let e = w ^ 0x3D3D_3D3D_3D3D_3D3D
        let z = (e &- 0x0101_0101_0101_0101) & ~e & highs
        let length = z.trailingZeroBitCount >> 3
        guard length >= 1 && length <= 7 else { return nil }
        // Digits become 0...9 after the xor; any byte of the tag above 9 is not a digit.
        let mask = (UInt64(1) << UInt64(length << 3)) &- 1
        let d = (w ^ 0x3030_3030_3030_3030) & mask
        guard ((d &+ 0x7676_7676_7676_7676) | d) & highs & mask == 0 else { return nil }
        // Right-align the number: the first digit (the lowest byte) is the most significant, so
        // shifting up fills the low bytes with leading zeros; then pairs, fours, eights.
        var v = d << UInt64((8 - length) << 3)
        v = ((v & 0x0F00_0F00_0F00_0F00) >> 8) &+ (v & 0x000F_000F_000F_000F) &* 10
        v = ((v & 0x00FF_0000_00FF_0000) >> 16) &+ (v & 0x0000_00FF_0000_00FF) &* 100
        v = ((v & 0x0000_FFFF_0000_0000) >> 32) &+ (v & 0x0000_0000_0000_FFFF) &* 10_000
        return (Int32(truncatingIfNeeded: v), length)
    }
}
