import FIX

/// A ``MessageStore`` in memory: for tests, and for sessions that need not survive a restart.
///
/// It keeps the most recent sent messages, up to ``capacity`` bytes of them (at least the last
/// one, whatever its size), so that its memory does not grow with the length of the session: a
/// ResendRequest for messages older than that gets a gap fill over them, as for messages never
/// stored. A session whose resends must reach back further keeps its messages on disk, in a
/// ``FileStore``.
public final class MemoryStore: MessageStore {
    /// The default ``capacity``: 8 MiB, some 30,000 execution reports.
    public static let defaultCapacity = 8 << 20

    public private(set) var nextSenderMsgSeqNum = 1
    public private(set) var nextTargetMsgSeqNum = 1
    public private(set) var creationTime: UTCTimestamp
    /// Most bytes of sent messages kept.
    public let capacity: Int
    /// Bytes of the messages kept.
    public private(set) var storedBytes = 0
    /// How many messages are kept.
    public var storedMessageCount: Int { sent.count - head }
    /// Messages let go to stay within ``capacity`` since the store was made.
    public private(set) var droppedMessages = 0

    /// Sent messages, ordered by sequence number: `sent[head...]` (the slots before `head` were
    /// let go and are reclaimed now and then).
    private var sent: [(seqNum: Int, message: [UInt8])] = []
    private var head = 0

    /// A new, empty store whose sequence began at `now`, keeping up to `capacity` bytes of sent
    /// messages.
    public init(now: UTCTimestamp, capacity: Int = MemoryStore.defaultCapacity) {
        creationTime = now
        self.capacity = max(capacity, 0)
    }

    public func setNextSenderMsgSeqNum(_ value: Int) throws(StoreError) {
        try checkSequenceNumber(value)
        nextSenderMsgSeqNum = value
    }

    public func setNextTargetMsgSeqNum(_ value: Int) throws(StoreError) {
        try checkSequenceNumber(value)
        nextTargetMsgSeqNum = value
    }

    /// Records `message` under `seqNum` (replacing any message stored under that number) and
    /// moves the next sender sequence number to `seqNum + 1` unless it is already past it. The
    /// oldest messages are let go while more than ``capacity`` bytes are kept.
    public func storeSent(seqNum: Int, message: some Collection<UInt8>) throws(StoreError) {
        try checkSequenceNumber(seqNum)
        let entry = (seqNum: seqNum, message: Array(message))
        storedBytes += entry.message.count
        if let last = sent.last, head < sent.count, last.seqNum >= seqNum {
            let i = head + firstIndex(atLeast: seqNum, in: sent.count - head) { sent[head + $0].seqNum }
            if sent[i].seqNum == seqNum {
                storedBytes -= sent[i].message.count
                sent[i] = entry
            } else {
                sent.insert(entry, at: i)
            }
        } else {
            sent.append(entry)
        }
        nextSenderMsgSeqNum = max(nextSenderMsgSeqNum, seqNum + 1)
        while storedBytes > capacity && sent.count - head > 1 {
            storedBytes -= sent[head].message.count
            sent[head].message = []
            head += 1
            droppedMessages += 1
        }
        if head >= 1024 && head * 2 >= sent.count {
            sent.removeFirst(head)
            head = 0
        }
    }

    public func sentMessages(in range: ClosedRange<Int>) throws(StoreError) -> [(seqNum: Int, message: [UInt8])] {
        var i = head + firstIndex(atLeast: range.lowerBound, in: sent.count - head) { sent[head + $0].seqNum }
        var out: [(seqNum: Int, message: [UInt8])] = []
        while i < sent.count, sent[i].seqNum <= range.upperBound {
            out.append(sent[i])
            i += 1
        }
        return out
    }

    public func reset(at time: UTCTimestamp) throws(StoreError) {
        sent.removeAll()
        head = 0
        storedBytes = 0
        nextSenderMsgSeqNum = 1
        nextTargetMsgSeqNum = 1
        creationTime = time
    }

    public func flush() throws(StoreError) {}
}

/// Rejects a sequence number below 1.
func checkSequenceNumber(_ value: Int, path: String? = nil) throws(StoreError) {
    guard value >= 1 else { throw StoreError(.unusable, path: path, "sequence number \(value) is below 1") }
}

/// The first index in `0..<count` whose key is at least `target` (keys ascending), or `count`.
func firstIndex(atLeast target: Int, in count: Int, key: (Int) -> Int) -> Int {
    var lo = 0
    var hi = count
    while lo < hi {
        let mid = (lo + hi) / 2
        if key(mid) < target { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
