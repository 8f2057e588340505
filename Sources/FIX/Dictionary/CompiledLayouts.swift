/// The dictionary's layouts (header, trailer, message bodies, groups) flattened into arrays of
/// integers, so that validation follows them with plain indexing: no hashing, no reference
/// counting per field.
///
/// Every layout (the header, the trailer, each message body and group) has its own number. For each layout: a bitset of its member tags, a bitset of its NumInGroup tags, its
/// required tags and its groups (count tag, delimiter, the group's own layout).
struct CompiledLayouts: Sendable {
    struct Group: Sendable {
        var countTag: Int32
        var delimiter: Int32
        var layout: Int32
    }

    /// The header's layout number.
    private(set) var header: Int32 = 0
    /// The trailer's layout number.
    private(set) var trailer: Int32 = 0

    private(set) var memberOffset: [Int32] = []
    private(set) var groupBitsOffset: [Int32] = []
    private(set) var wordCount: [Int32] = []
    private(set) var bits: [UInt64] = []
    private(set) var requiredStart: [Int32] = []
    private(set) var requiredCount: [Int32] = []
    private(set) var required: [Int32] = []
    private(set) var groupStart: [Int32] = []
    private(set) var groupCount: [Int32] = []
    private(set) var groups: [Group] = []
    /// Body layout by one-byte MsgType, -1 where there is none.
    private(set) var bodyBySingleByte = [Int32](repeating: -1, count: 256)
    /// Body layout by longer MsgType.
    private(set) var bodyByType: [String: Int32] = [:]

    init(header: FieldLayout, trailer: FieldLayout, messages: [String: MessageDefinition]) {
        self.header = add(header)
        self.trailer = add(trailer)
        for (msgType, m) in messages.sorted(by: { $0.key < $1.key }) {
            let id = add(m.body)
            if msgType.utf8.count == 1 {
                bodyBySingleByte[Int(msgType.utf8.first!)] = id
            } else {
                bodyByType[msgType] = id
            }
        }
    }

    /// Adds a layout and, recursively, its groups; returns its number.
    private mutating func add(_ layout: FieldLayout) -> Int32 {
        let id = Int32(memberOffset.count)
        let maxTag = layout.items.map(\.tag).max() ?? 0
        let words = maxTag / 64 + 1
        memberOffset.append(Int32(bits.count))
        bits.append(contentsOf: repeatElement(0, count: words))
        groupBitsOffset.append(Int32(bits.count))
        bits.append(contentsOf: repeatElement(0, count: words))
        wordCount.append(Int32(words))
        for item in layout.items {
            bits[Int(memberOffset[Int(id)]) + item.tag >> 6] |= 1 << UInt64(item.tag & 63)
        }
        for tag in layout.groups.keys {
            bits[Int(groupBitsOffset[Int(id)]) + tag >> 6] |= 1 << UInt64(tag & 63)
        }
        requiredStart.append(Int32(required.count))
        requiredCount.append(Int32(layout.requiredTags.count))
        required.append(contentsOf: layout.requiredTags.map { Int32($0) })
        // Groups are appended after this layout's entry is complete, so reserve the slots first.
        groupStart.append(Int32(groups.count))
        groupCount.append(Int32(layout.groups.count))
        let mine = layout.groups.sorted { $0.key < $1.key }
        let first = groups.count
        for (tag, g) in mine {
            groups.append(Group(countTag: Int32(tag), delimiter: Int32(g.delimiterTag), layout: -1))
        }
        for (k, (_, g)) in mine.enumerated() {
            groups[first + k].layout = add(g.layout)
        }
        return id
    }

    @inline(__always)
    private func test(_ offset: Int32, _ layout: Int32, _ tag: Int) -> Bool {
        let w = tag >> 6
        return tag >= 0 && w < Int(wordCount[Int(layout)]) && bits[Int(offset) + w] & (1 << UInt64(tag & 63)) != 0
    }

    /// How many layouts there are.
    var count: Int { memberOffset.count }

    /// Whether `tag` is directly in `layout`.
    @inline(__always)
    func contains(_ layout: Int32, _ tag: Int) -> Bool {
        test(memberOffset[Int(layout)], layout, tag)
    }

    /// The group that `tag` opens in `layout`, if it is one of its NumInGroup fields.
    @inline(__always)
    func group(_ layout: Int32, _ tag: Int) -> Group? {
        guard test(groupBitsOffset[Int(layout)], layout, tag) else { return nil }
        let start = Int(groupStart[Int(layout)])
        for k in start..<(start + Int(groupCount[Int(layout)])) where groups[k].countTag == Int32(tag) {
            return groups[k]
        }
        return nil
    }

    /// The body layout of a MsgType given as bytes, or -1.
    @inline(__always)
    func body(_ msgType: UnsafeRawBufferPointer) -> Int32 {
        if msgType.count == 1 { return bodyBySingleByte[Int(msgType[0])] }
        return bodyByType[String(decoding: msgType, as: UTF8.self)] ?? -1
    }

    /// The required tags of `layout`.
    @inline(__always)
    func requiredTags(_ layout: Int32) -> Range<Int> {
        let s = Int(requiredStart[Int(layout)])
        return s..<(s + Int(requiredCount[Int(layout)]))
    }
}

/// Every field's allowed values, flattened: values of up to seven bytes packed into integers and
/// sorted per field, found by binary search; longer values in a set.
struct CompiledEnums: Sendable {
    /// Per tag: where its packed values start in `packed`, and how many (0: no enum).
    private var start: [Int32]
    private var count: [Int32]
    private var packed: [UInt64] = []
    /// Per tag whose values are all single ASCII characters: the allowed characters as a
    /// 128-bit mask (low and high halves); zero for other tags.
    private var charMaskLow: [UInt64]
    private var charMaskHigh: [UInt64]
    /// Values longer than seven bytes, by tag.
    private var long: [Int: Set<[UInt8]>] = [:]

    init(fields: [Int: FieldDefinition], tableSize: Int) {
        start = [Int32](repeating: 0, count: tableSize)
        count = [Int32](repeating: 0, count: tableSize)
        charMaskLow = [UInt64](repeating: 0, count: tableSize)
        charMaskHigh = [UInt64](repeating: 0, count: tableSize)
        for (tag, f) in fields.sorted(by: { $0.key < $1.key }) where !f.values.isEmpty {
            var short: [UInt64] = []
            for v in f.values {
                let b = Array(v.value.utf8)
                if b.count <= 7 { short.append(Self.pack(b)) } else { long[tag, default: []].insert(b) }
            }
            let bytes = f.values.map { Array($0.value.utf8) }
            if bytes.allSatisfy({ $0.count == 1 && $0[0] < 128 }) {
                for b in bytes {
                    if b[0] < 64 { charMaskLow[tag] |= 1 << UInt64(b[0]) } else { charMaskHigh[tag] |= 1 << UInt64(b[0] - 64) }
                }
            }
            start[tag] = Int32(packed.count)
            count[tag] = Int32(short.count)
            packed.append(contentsOf: short.sorted())
            if short.isEmpty { count[tag] = 0 }
        }
    }

    @inline(__always)
    static func pack<C: Collection<UInt8>>(_ b: C) -> UInt64 {
        var k: UInt64 = 0
        for c in b { k = k << 8 | UInt64(c) }
        return k | UInt64(b.count) << 56  // the length keeps "0" apart from "00"
    }

    /// Whether `v` is one of the allowed values of `tag`.
    @inline(__always)
    func contains(_ tag: Int, _ v: UnsafeRawBufferPointer) -> Bool {
        let low = charMaskLow[tag], high = charMaskHigh[tag]
        if low | high != 0 {
            // All values are single characters: one bit test.
            guard v.count == 1 else { return false }
            let c = v[0]
            return c < 64 ? low & (1 << UInt64(c)) != 0 : c < 128 && high & (1 << UInt64(c &- 64)) != 0
        }
        return containsPacked(tag, v)
    }

    private func containsPacked(_ tag: Int, _ v: UnsafeRawBufferPointer) -> Bool {
        if v.count <= 7 {
            let key = Self.pack(v)
            var lo = Int(start[tag]), hi = lo + Int(count[tag])
            while lo < hi {
                let mid = (lo + hi) >> 1
                if packed[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            return lo < Int(start[tag]) + Int(count[tag]) && packed[lo] == key
        }
        return long[tag]?.contains(Array(v)) ?? false
    }
}
