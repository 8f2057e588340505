/// Order id -> slot, for the order book: an open-addressing hash table with linear probing,
/// Fibonacci hashing (ids are mostly consecutive) and deletion by backward shift, so it has no
/// tombstones and never needs rebuilding while its size stays under the grow limit.
///
/// It does what a `Dictionary<OrderID, Int32>` would, with no per-lookup hashing cost: the book
/// looks an id up on every cancel, replace and fill.
struct OrderIndex: Sendable {
    /// Ids; 0 marks an empty place (order ids start at 1).
    private var keys: ContiguousArray<OrderID>
    private var values: ContiguousArray<Int32>
    private var shift: UInt64
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = ContiguousArray(repeating: 0, count: size)
        values = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func home(_ id: OrderID) -> Int {
        Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Room for `capacity` entries without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 2 > keys.count { rebuild(size: capacity * 2) }
    }

    subscript(id: OrderID) -> Int32? {
        var i = home(id)
        while true {
            let k = keys[i]
            if k == id { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the slot of `id` (ids are positive).
    mutating func set(_ id: OrderID, _ slot: Int32) {
        precondition(id != 0, "order ids are positive")
        if (count + 1) * 2 > keys.count { rebuild(size: keys.count * 2) }
        var i = home(id)
        while true {
            let k = keys[i]
            if k == id {
                values[i] = slot
                return
            }
            if k == 0 {
                keys[i] = id
                values[i] = slot
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Removes `id`; later entries of its probe run move back so that lookups still find them.
    mutating func remove(_ id: OrderID) {
        var i = home(id)
        while true {
            let k = keys[i]
            if k == 0 { return }
            if k == id { break }
            i = (i + 1) & mask
        }
        count -= 1
        var hole = i
        var j = (i + 1) & mask
        while keys[j] != 0 {
            let h = home(keys[j])
            // The entry at j may fill the hole when its home is not in (hole, j] (cyclically).
            let between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !between {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        keys[hole] = 0
    }

    private mutating func rebuild(size requested: Int) {
        var size = 16
        while size < requested { size *= 2 }
        let oldKeys = keys
        let oldValues = values
        keys = ContiguousArray(repeating: 0, count: size)
        values = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != 0 { set(k, v) }
    }
}
