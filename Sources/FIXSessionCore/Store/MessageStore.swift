import FIX

/// Where a session keeps what must survive a restart: the next sequence numbers in both
/// directions, the messages it sent (for resend), and when the session's sequence began.
///
/// Implementations: ``MemoryStore`` (tests, sessions that need not survive a restart) and
/// ``FileStore`` (durable; survives a crash at any instant). A store belongs to one session and
/// is used from one thread at a time.
public protocol MessageStore: AnyObject {
    /// MsgSeqNum of the next message this side sends.
    var nextSenderMsgSeqNum: Int { get }
    /// MsgSeqNum expected on the next message received.
    var nextTargetMsgSeqNum: Int { get }
    /// When the current sequence began (set at creation and at each reset).
    var creationTime: UTCTimestamp { get }

    func setNextSenderMsgSeqNum(_ value: Int) throws(StoreError)
    func setNextTargetMsgSeqNum(_ value: Int) throws(StoreError)

    /// Records a sent message under its MsgSeqNum and advances the next sender sequence number
    /// past it, as one durable step: after a crash either both happened or neither did.
    func storeSent(seqNum: Int, message: some Collection<UInt8>) throws(StoreError)

    /// The sent messages with `range.lowerBound <= MsgSeqNum <= range.upperBound`, in order;
    /// numbers that were never stored (admin messages are usually not) are simply absent.
    func sentMessages(in range: ClosedRange<Int>) throws(StoreError) -> [(seqNum: Int, message: [UInt8])]

    /// Starts a new sequence: both numbers back to 1, sent messages forgotten, a new creation time.
    func reset(at time: UTCTimestamp) throws(StoreError)

    /// Makes everything written so far durable, whatever the fsync policy.
    func flush() throws(StoreError)
}

