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
///   with ``LogCompression/gzip``, the same lines in `<name>.messages.log.gz`;
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
/// Compressed, each opening of the log starts a gzip member; a full buffer is compressed off
/// the caller's thread (see ``LogCompressor``), and ``flush()`` compresses what is buffered on a
/// byte boundary (zlib's sync flush) and writes it before it returns, so a flushed line is in
/// the file as surely as in a plain log; ``close()`` ends the member. A member cut short by a
/// killed process is read back up to its last flush (``GzipInflater``'s tolerant reading).
///
/// A failed write does not stop the session: the lines are dropped, counted in
/// ``droppedBytes`` and the error kept in ``lastError``.
public final class FileLog: SessionLog, SyncSource {
    public let directory: String
    public let sessionID: SessionID
    /// `<directory>/<name>.messages.log` (`.messages.log.gz` compressed).
    public let messagesPath: String
    /// How the message log is written.
    public let compression: LogCompression
    /// `<directory>/<name>.event.log`.
    public let eventPath: String
    /// Most bytes buffered per file before they are written.
    public let bufferCapacity: Int
    /// The last write that failed, if any.
    public var lastError: LogError? { compressor?.state.failure ?? ownError }
    /// Bytes of lines lost to failed writes.
    public var droppedBytes: Int { ownDropped + (compressor?.state.dropped ?? 0) }

    private var ownError: LogError?
    private var ownDropped = 0
    private var messages: POSIXFile
    /// Compressed: what writes the messages file.
    private let compressor: LogCompressor?
    private var events: POSIXFile
    private var messageBuffer: [UInt8] = []
    private var eventBuffer: [UInt8] = []
    private var closed = false
    /// Whether the messages file was written since the last ``takeUnsynced(into:)``.
    private var messagesWritten = false
    /// Compressed: blocks were handed to the compressor since the last flush.
    private var unflushedBlocks = false
    private var messagesTarget: SyncTarget?

    /// zlib's level for compressed logs: 6, its default (a paper run's logs come to about a
    /// ninth of their size; level 1: a seventh, level 9: a tenth, at 2.5 times the work of 6).
    public static let defaultCompressionLevel: Int32 = 6

    /// Opens (creating when missing) the directory and the two files.
    public init(directory: String, sessionID: SessionID, bufferCapacity: Int = 64 * 1024,
                compression: LogCompression = .none,
                compressionLevel: Int32 = FileLog.defaultCompressionLevel) throws(LogError) {
        let name = sessionID.fileName
        self.directory = directory
        self.sessionID = sessionID
        self.compression = compression
        self.messagesPath = directory + "/" + name + compression.messagesSuffix
        self.eventPath = directory + "/" + name + ".event.log"
        self.bufferCapacity = max(bufferCapacity, 0)
        let flags = O_WRONLY | O_CREAT | O_APPEND
        do throws(StoreError) {
            try POSIXFile.makeDirectories(directory)
            messages = try POSIXFile(path: messagesPath, flags: flags)
        } catch {
            throw error
        }
        do throws(StoreError) {
            events = try POSIXFile(path: eventPath, flags: flags)
        } catch {
            messages.close()
            throw error
        }
        if compression == .gzip {
            do throws(LogError) {
                compressor = try LogCompressor(file: messages, level: compressionLevel)
            } catch {
                messages.close()
                events.close()
                throw error
            }
        } else {
            compressor = nil
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
        flushMessages()
        write(&eventBuffer, to: events)
    }

    /// Flushes and closes the files; later lines are ignored.
    public func close() {
        guard !closed else { return }
        if let compressor {
            // The member ends: its trailer makes the file whole for any gzip reader.
            compressor.flush(messageBuffer, finish: true)
            messageBuffer.removeAll()
            messagesWritten = true
            unflushedBlocks = false
        }
        flush()
        messages.close()
        events.close()
        messagesTarget = nil
        closed = true
    }

    private func addMessageLine(_ bytes: some Collection<UInt8>, at time: UTCTimestamp) {
        guard !closed else { return }
        // A line is the message, 26 bytes of timestamp and separator, and a newline.
        if messageBuffer.count + bytes.count + 30 > bufferCapacity { writeMessages() }
        LogLine.appendMessage(at: time, bytes, to: &messageBuffer)
        if messageBuffer.count >= bufferCapacity { writeMessages() }
    }

    /// The message buffer on its way to the file: written, or compressed some time soon.
    private func writeMessages() {
        guard let compressor else { return write(&messageBuffer, to: messages) }
        guard !messageBuffer.isEmpty else { return }
        messagesWritten = true
        unflushedBlocks = true
        var block: [UInt8] = []
        block.reserveCapacity(bufferCapacity)
        swap(&block, &messageBuffer)
        compressor.submit(block)
    }

    /// The message buffer, and every block before it, handed to the operating system.
    private func flushMessages() {
        guard let compressor else { return write(&messageBuffer, to: messages) }
        guard !messageBuffer.isEmpty || unflushedBlocks else { return }
        messagesWritten = true
        unflushedBlocks = false
        compressor.flush(messageBuffer)
        messageBuffer.removeAll(keepingCapacity: true)
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
            ownError = error
        }
    }

    public func syncFailed(_ error: StoreError) {
        ownError = error
    }

    private func write(_ buffer: inout [UInt8], to file: POSIXFile) {
        guard !buffer.isEmpty else { return }
        if file.fd == messages.fd { messagesWritten = true }
        let result = buffer.withUnsafeBytes { b in Result { () throws(StoreError) in try file.append(b) } }
        if case .failure(let error) = result {
            ownError = error
            ownDropped += buffer.count
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
