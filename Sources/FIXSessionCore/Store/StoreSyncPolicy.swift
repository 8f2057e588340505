/// When a ``FileStore`` forces what it wrote to disk (fdatasync).
///
/// Whatever the policy, what a store wrote survives the process being killed (it is in the
/// operating system's cache); the policy decides what survives a power loss or a kernel crash.
public enum StoreSyncPolicy: Sendable, Hashable {
    /// Before every write returns: nothing acknowledged is ever lost. One disk flush per write.
    case always
    /// Only on ``FileStore/flush()``: the operating system writes back when it likes.
    case never
    /// On a write when at least `milliseconds` have passed since the last sync, and on
    /// ``FileStore/flush()`` and ``FileStore/close()``: loses at most the last interval's writes.
    case interval(milliseconds: Int)
}
