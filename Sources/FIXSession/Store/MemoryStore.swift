import FIX

/// A ``MessageStore`` in memory: for tests, and for sessions that need not survive a restart.
public final class MemoryStore: MessageStore {
    public private(set) var nextSenderMsgSeqNum = 1
    public private(set) var nextTargetMsgSeqNum = 1
    public private(set) var creationTime: UTCTimestamp

    /// Sent messages, ordered by sequence number.
    private var sent: [(seqNum: Int, message: [UInt8])] = []

    /// A new, empty store whose sequence began at `now`.
    public init(now: UTCTimestamp) {
        creationTime = now
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
    /// moves the next sender sequence number to `seqNum + 1` unless it is already past it.
    public func storeSent(seqNum: Int, message: some Collection<UInt8>) throws(StoreError) {
        try checkSequenceNumber(seqNum)
        let entry = (seqNum: seqNum, message: Array(message))
        if let last = sent.last, last.seqNum >= seqNum {
            let i = firstIndex(atLeast: seqNum, in: sent.count) { sent[$0].seqNum }
            if sent[i].seqNum == seqNum { sent[i] = entry } else { sent.insert(entry, at: i) }
        } else {
            sent.append(entry)
        }
        nextSenderMsgSeqNum = max(nextSenderMsgSeqNum, seqNum + 1)
    }

    public func sentMessages(in range: ClosedRange<Int>) throws(StoreError) -> [(seqNum: Int, message: [UInt8])] {
        var i = firstIndex(atLeast: range.lowerBound, in: sent.count) { sent[$0].seqNum }
        var out: [(seqNum: Int, message: [UInt8])] = []
        while i < sent.count, sent[i].seqNum <= range.upperBound {
            out.append(sent[i])
            i += 1
        }
        return out
    }

    public func reset(at time: UTCTimestamp) throws(StoreError) {
        sent.removeAll()
        nextSenderMsgSeqNum = 1
        nextTargetMsgSeqNum = 1
        creationTime = time
    }

    public func flush() throws(StoreError) {}
}

/// Rejects a sequence number below 1.
func checkSequenceNumber(_ value: Int, path: String? = nil) throws(StoreError) {
    guard value >= 1 else { throw StoreError(path: path, "sequence number \(value) is below 1") }
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
