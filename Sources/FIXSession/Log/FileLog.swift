import FIX

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``SessionLog`` writing, in a directory, QuickFIX's per-session files:
///
/// - `<name>.messages.log`: every message received and sent, one a line:
///   `YYYYMMDD-HH:MM:SS.ffffff : 8=FIX.4.4<SOH>9=...<SOH>10=123<SOH>` (SOH kept as is);
/// - `<name>.event.log`: `YYYYMMDD-HH:MM:SS.ffffff : <text>`;
///
/// where `<name>` is ``SessionID/fileName``. Files are appended to, never truncated. Lines are
/// buffered in memory, up to `bufferCapacity` bytes a file, and written when a buffer would
/// overflow, on ``flush()`` and on ``close()`` (and deinit). A ``FIXSession`` flushes its log
/// before anything it sent leaves, and, when its store syncs before sending
/// (``StoreSyncPolicy/always``), syncs the messages file in the same ``GroupCommit``: the audit
/// trail holds every message sent or received with the store's durability. A Logon's Password
/// (554) is written as asterisks.
///
/// A failed write does not stop the session: the lines are dropped, counted in
/// ``droppedBytes`` and the error kept in ``lastError``.
public final class FileLog: SessionLog, SyncSource {
    public let directory: String
    public let sessionID: SessionID
    /// `<directory>/<name>.messages.log`.
    public let messagesPath: String
    /// `<directory>/<name>.event.log`.
    public let eventPath: String
    /// Most bytes buffered per file before they are written.
    public let bufferCapacity: Int
    /// The last write that failed, if any.
    public private(set) var lastError: LogError?
    /// Bytes of lines lost to failed writes.
    public private(set) var droppedBytes = 0

    private var messages: POSIXFile
    private var events: POSIXFile
    private var messageBuffer: [UInt8] = []
    private var eventBuffer: [UInt8] = []
    private var closed = false
    /// Whether the messages file was written since the last ``takeUnsynced(into:)``.
    private var messagesWritten = false
    private var messagesTarget: SyncTarget?

    /// Opens (creating when missing) the directory and the two files.
    public init(directory: String, sessionID: SessionID, bufferCapacity: Int = 64 * 1024) throws(LogError) {
        let name = sessionID.fileName
        self.directory = directory
        self.sessionID = sessionID
        self.messagesPath = directory + "/" + name + ".messages.log"
        self.eventPath = directory + "/" + name + ".event.log"
        self.bufferCapacity = max(bufferCapacity, 0)
        let flags = O_WRONLY | O_CREAT | O_APPEND
        do throws(StoreError) {
            try POSIXFile.makeDirectories(directory)
            messages = try POSIXFile(path: messagesPath, flags: flags)
        } catch {
            throw LogError(error)
        }
        do throws(StoreError) {
            events = try POSIXFile(path: eventPath, flags: flags)
        } catch {
            messages.close()
            throw LogError(error)
        }
        messageBuffer.reserveCapacity(self.bufferCapacity)
        eventBuffer.reserveCapacity(self.bufferCapacity)
    }

    deinit { close() }

    public func onIncoming(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        addMessageLine(bytes, at: time)
    }

    public func onOutgoing(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        addMessageLine(bytes, at: time)
    }

    public func onEvent(_ text: String, at time: UTCTimestamp) {
        guard !closed else { return }
        if eventBuffer.count + text.utf8.count + 30 > bufferCapacity { write(&eventBuffer, to: events) }
        LogLine.append(at: time, text.utf8, to: &eventBuffer)
        if eventBuffer.count >= bufferCapacity { write(&eventBuffer, to: events) }
    }

    /// Writes both buffers to their files.
    public func flush() {
        guard !closed else { return }
        write(&messageBuffer, to: messages)
        write(&eventBuffer, to: events)
    }

    /// Flushes and closes the files; later lines are ignored.
    public func close() {
        guard !closed else { return }
        flush()
        messages.close()
        events.close()
        messagesTarget = nil
        closed = true
    }

    private func addMessageLine(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        guard !closed else { return }
        // A line is the message, 26 bytes of timestamp and separator, and a newline.
        if messageBuffer.count + bytes.count + 30 > bufferCapacity { write(&messageBuffer, to: messages) }
        LogLine.appendMessage(at: time, bytes, to: &messageBuffer)
        if messageBuffer.count >= bufferCapacity { write(&messageBuffer, to: messages) }
    }

    // MARK: - SyncSource

    /// A log follows its store's policy: it is synced with the store's files.
    public var syncBeforeSend: Bool { false }

    public func takeUnsynced(into targets: inout [SyncTarget]) {
        guard !closed else { return }
        flush()
        do throws(StoreError) {
            if messagesWritten {
                if messagesTarget == nil { messagesTarget = try SyncTarget(path: messagesPath) }
                targets.append(messagesTarget!)
                messagesWritten = false
            }
            // The event log is for people: written with the rest, not synced (a sync less a round).
        } catch {
            lastError = LogError(error)
        }
    }

    public func syncFailed(_ error: StoreError) {
        lastError = LogError(error)
    }

    private func write(_ buffer: inout [UInt8], to file: POSIXFile) {
        guard !buffer.isEmpty else { return }
        if file.fd == messages.fd { messagesWritten = true }
        let result = buffer.withUnsafeBytes { b in Result { () throws(StoreError) in try file.append(b) } }
        if case .failure(let error) = result {
            lastError = LogError(error)
            droppedBytes += buffer.count
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
