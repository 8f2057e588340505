/// The last `capacity` denials, in a ring allocated once: appending never allocates after the
/// first `capacity` entries (nor before: the storage is reserved up front).
public struct DenialLog: Sendable {
    /// How many denials are kept.
    public let capacity: Int
    private var storage: [RiskDenial]
    /// Where the next entry goes once the ring is full (the oldest entry).
    private var oldest = 0
    /// Denials appended since the log was made or cleared (including those no longer kept).
    public private(set) var appended: UInt64 = 0

    /// An empty log keeping `capacity` denials (0: keeps none).
    public init(capacity: Int) {
        self.capacity = Swift.max(0, capacity)
        storage = []
        storage.reserveCapacity(self.capacity)
    }

    /// Records `denial`, dropping the oldest when full.
    public mutating func append(_ denial: RiskDenial) {
        appended &+= 1
        guard capacity > 0 else { return }
        if storage.count < capacity {
            storage.append(denial)
        } else {
            storage[oldest] = denial
            oldest += 1
            if oldest == capacity { oldest = 0 }
        }
    }

    /// The denials kept, oldest first.
    public var elements: [RiskDenial] {
        Array(storage[oldest...] + storage[..<oldest])
    }

    /// Forgets every denial (keeping the storage).
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        oldest = 0
        appended = 0
    }
}
