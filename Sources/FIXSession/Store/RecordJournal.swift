#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of small binary records, each checksummed: the durable state of an
/// application (a market maker's orders and position, a venue's participants) kept as the changes
/// it made, and rewritten as a snapshot of what is live when it grows (``compact(_:)``).
///
/// Records are appended to a buffer in memory (``append(kind:_:)``: no system call, no
/// allocation once the buffer has grown to a burst's size) and handed to the operating system by
/// ``flush()``, which the application calls before anything that depends on them leaves the
/// process: from then on a SIGKILL loses nothing. For power loss the journal is a ``SyncSource``:
/// give it to the session (``FIXSession/addSyncSource(_:)``) and, under
/// ``StoreSyncPolicy/always``, the session's messages wait until the journal's writes before
/// them are on disk, synced by the session's group commit off the event loop.
///
/// The file: the 8 bytes `MMJRNL01`, then records `[payload length: UInt32 LE][kind: UInt8]
/// [payload][CRC-32 of kind and payload: UInt32 LE]`. Reading stops at a record cut short at the
/// end of the file, or a last record whose checksum fails (a write the system had not finished
/// when it stopped): those bytes are cut off and named in ``OpenResult/diagnostic``. A bad record
/// followed by more data is corruption, not a cut: opening fails and names its offset.
///
/// One process at a time: the file is locked while open. Not thread-safe: one event loop owns it.
public final class RecordJournal: SyncSource {
    /// The file's first 8 bytes.
    public static let magic: [UInt8] = Array("MMJRNL01".utf8)
    /// The largest payload read back (a longer length is corruption): 1 MiB.
    public static let maxPayload = 1 << 20

    public let path: String
    public let policy: StoreSyncPolicy
    private var file: POSIXFile
    private var target: SyncTarget?
    /// Records appended and not yet flushed.
    private var writer = JournalWriter()
    /// Whether the file was written since the last ``takeUnsynced(into:)``.
    private var written = false
    /// Bytes in the file (flushed), magic included.
    public private(set) var size: Int64
    /// Records appended since the journal was opened or compacted.
    public private(set) var recordsSinceCompaction = 0
    /// The first write or sync that failed: the journal can no longer be trusted and the
    /// application must stop sending (see ``flush()``).
    public private(set) var failure: StoreError?
    private var closed = false

    /// What ``open(path:sync:_:)`` read.
    public struct OpenResult {
        public var journal: RecordJournal
        /// Records read.
        public var records: Int
        /// Whether the file was there (false: a new journal).
        public var existed: Bool
        /// What was cut off the end, if anything: a record cut short by a stop.
        public var diagnostic: String?
    }

    private init(path: String, policy: StoreSyncPolicy, file: POSIXFile, size: Int64) {
        self.path = path
        self.policy = policy
        self.file = file
        self.size = size
        writer.bytes.reserveCapacity(4096)
    }

    /// Opens (or creates) the journal at `path`, creating its directory, and hands every record
    /// in it to `record`, oldest first, with a reader of its payload. A record `record` cannot
    /// read (it throws) fails the open with the record's offset.
    public static func open(path: String, sync: StoreSyncPolicy,
                            _ record: (_ kind: UInt8, _ payload: inout JournalReader) throws -> Void) throws -> OpenResult {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try POSIXFile.makeDirectories(String(path[..<slash]))
        }
        let file = try POSIXFile(path: path, flags: O_RDWR | O_CREAT | O_APPEND)
        do {
            try file.lockExclusively()
            var size = try file.size()
            let existed = size > 0
            var count = 0
            var diagnostic: String?
            if size == 0 {
                try magic.withUnsafeBytes { try file.append($0) }
                size = Int64(magic.count)
            } else {
                let end = try read(file, size: size, record, count: &count)
                if end < size {
                    diagnostic = "\(path): the last \(size - end) bytes (from byte \(end)) are a record cut short by a stop; dropped"
                    try file.truncate(to: end)
                    size = end
                }
            }
            return OpenResult(journal: RecordJournal(path: path, policy: sync, file: file, size: size),
                              records: count, existed: existed, diagnostic: diagnostic)
        } catch {
            file.close()
            throw error
        }
    }

    /// Reads the records of `file`; returns where the good ones end.
    private static func read(_ file: POSIXFile, size: Int64,
                             _ record: (UInt8, inout JournalReader) throws -> Void, count: inout Int) throws -> Int64 {
        let path = file.path
        var head = [UInt8](repeating: 0, count: magic.count)
        let n = try head.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        guard n == magic.count, head == magic else {
            throw StoreError(path: path, "is not a journal (it does not start with \(String(decoding: magic, as: UTF8.self)))")
        }
        // Read in chunks; a record never spans more than one refill.
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk + maxPayload + 9)
        var bufferStart = Int64(magic.count)  // file offset of buffer[0]
        var filled = 0
        var at = 0  // offset in buffer of the next record
        var fileOffset = bufferStart
        func refill() throws {
            if at > 0 {
                buffer.withUnsafeMutableBytes { b in
                    if filled > at { memmove(b.baseAddress!, b.baseAddress! + at, filled - at) }
                }
                filled -= at
                bufferStart += Int64(at)
                at = 0
            }
            while filled < buffer.count && fileOffset < size {
                let want = min(buffer.count - filled, Int(size - fileOffset))
                let got = try buffer.withUnsafeMutableBytes { b in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: b[filled..<(filled + want)]), at: fileOffset)
                }
                if got == 0 { break }
                filled += got
                fileOffset += Int64(got)
            }
        }
        try refill()
        while true {
            if filled - at < 9 + maxPayload && fileOffset < size { try refill() }
            let remaining = filled - at
            if remaining == 0 { return bufferStart + Int64(at) }
            let offset = bufferStart + Int64(at)
            // Bad from here on: a cut at the end is dropped, anything else is corruption.
            func bad(_ why: String, end: Int64) throws -> Int64 {
                if end >= size { return offset }
                throw StoreError(path: path, "record \(count + 1) at byte \(offset): \(why), and \(size - offset) bytes follow it; the journal is damaged")
            }
            if remaining < 9 { return try bad("cut short", end: size) }
            let (length, kind, crcOK): (Int, UInt8, Bool) = buffer.withUnsafeBytes { b in
                let length = Int(b.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                guard length <= maxPayload, remaining >= 9 + length else { return (length, 0, false) }
                var crc = CRC32()
                crc.update(UnsafeRawBufferPointer(rebasing: b[(at + 4)..<(at + 5 + length)]))
                let stored = b.loadUnaligned(fromByteOffset: at + 5 + length, as: UInt32.self).littleEndian
                return (length, b[at + 4], crc.value == stored)
            }
            if length > maxPayload { return try bad("a length of \(length) bytes, over \(maxPayload)", end: offset + 9) }
            if remaining < 9 + length { return try bad("cut short", end: size) }
            if !crcOK { return try bad("its checksum does not match", end: offset + Int64(9 + length)) }
            count += 1
            do {
                try buffer.withUnsafeBytes { b in
                    var reader = JournalReader(UnsafeRawBufferPointer(rebasing: b[(at + 5)..<(at + 5 + length)]))
                    try record(kind, &reader)
                }
            } catch {
                throw StoreError(path: path, "record \(count) (kind \(kind)) at byte \(offset): \(error)")
            }
            at += 9 + length
        }
    }

    deinit { close() }

    // MARK: - Writing

    /// Appends a record of `kind` whose payload `body` writes; it reaches the file at the next
    /// ``flush()``.
    @inline(__always)
    public func append(kind: UInt8, _ body: (inout JournalWriter) -> Void) {
        let start = writer.bytes.count
        writer.uint32(0)
        writer.uint8(kind)
        body(&writer)
        let length = writer.bytes.count - start - 5
        var crc = CRC32()
        writer.bytes.withUnsafeMutableBytes { b in
            b.storeBytes(of: UInt32(truncatingIfNeeded: length).littleEndian, toByteOffset: start, as: UInt32.self)
            crc.update(UnsafeRawBufferPointer(rebasing: b[(start + 4)...]))
        }
        writer.uint32(crc.value)
        recordsSinceCompaction += 1
    }

    /// Whether records wait for ``flush()``.
    public var hasPending: Bool { !writer.bytes.isEmpty }

    /// Hands the records appended so far to the operating system (one write(2)): from now on
    /// a stop of the process loses none of them. Throws (and keeps failing) once a write failed.
    public func flush() throws(StoreError) {
        if let failure { throw failure }
        guard !writer.bytes.isEmpty, !closed else { return }
        do throws(StoreError) {
            try Self.write(writer.bytes, to: file)
        } catch {
            failure = error
            throw error
        }
        size += Int64(writer.bytes.count)
        writer.bytes.removeAll(keepingCapacity: true)
        written = true
    }

    /// Rewrites the journal as the records `snapshot` appends (the live state), replacing the
    /// file atomically: a new file is written and synced beside it, then renamed over it. Records
    /// appended before the call and not flushed are dropped: the snapshot stands for them.
    public func compact(_ snapshot: (RecordJournal) -> Void) throws(StoreError) {
        if let failure { throw failure }
        writer.bytes.removeAll(keepingCapacity: true)
        let newPath = path + ".new"
        _ = try POSIXFile.remove(newPath)
        let newFile = try POSIXFile(path: newPath, flags: O_RDWR | O_CREAT | O_APPEND)
        do throws(StoreError) {
            try newFile.lockExclusively()
            try Self.write(Self.magic, to: newFile)
            recordsSinceCompaction = 0
            snapshot(self)
            try Self.write(writer.bytes, to: newFile)
            try newFile.sync()
            try POSIXFile.rename(newPath, to: path)
            let slash = path.lastIndex(of: "/")
            try POSIXFile.syncDirectory(slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? ".")
        } catch {
            newFile.close()
            _ = try? POSIXFile.remove(newPath)
            writer.bytes.removeAll(keepingCapacity: true)
            throw error
        }
        size = Int64(Self.magic.count + writer.bytes.count)
        writer.bytes.removeAll(keepingCapacity: true)
        file.close()
        file = newFile
        target = nil
        written = false
    }

    private static func write(_ bytes: [UInt8], to file: POSIXFile) throws(StoreError) {
        try bytes.withUnsafeBytes { b in Result { () throws(StoreError) in try file.append(b) } }.get()
    }

    /// Flushes and closes the file (syncing it unless the policy is ``StoreSyncPolicy/never``).
    public func close() {
        guard !closed else { return }
        try? flush()
        if policy != .never { try? file.sync() }
        file.close()
        target = nil
        closed = true
    }

    // MARK: - SyncSource

    public var syncBeforeSend: Bool { policy == .always }

    public func takeUnsynced(into targets: inout [SyncTarget]) {
        guard !closed, failure == nil else { return }
        try? flush()
        guard written else { return }
        do throws(StoreError) {
            if target == nil { target = try SyncTarget(path: path) }
            targets.append(target!)
            written = false
        } catch {
            failure = error
        }
    }

    public func syncFailed(_ error: StoreError) {
        if failure == nil { failure = error }
    }
}

/// Writes a journal record's payload: fixed-width little-endian integers and short strings.
public struct JournalWriter {
    @usableFromInline var bytes: [UInt8] = []

    @inlinable public mutating func uint8(_ v: UInt8) { bytes.append(v) }
    @inlinable public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    @inlinable public mutating func uint32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    @inlinable public mutating func int64(_ v: Int64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    @inlinable public mutating func uint64(_ v: UInt64) { int64(Int64(bitPattern: v)) }
    /// A string of up to 65,535 bytes of UTF-8 (longer ones are cut).
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            let n = min(u.count, Int(UInt16.max))
            withUnsafeBytes(of: UInt16(n).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[..<n]))
        }
    }
}

/// Reads a journal record's payload, as ``JournalWriter`` wrote it; every read is range-checked
/// and throws ``JournalReader/Short`` past the end.
public struct JournalReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var position = 0

    public struct Short: Error, CustomStringConvertible {
        public var description: String { "the record is shorter than its kind needs" }
    }

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - position }

    public mutating func uint8() throws -> UInt8 {
        guard remaining >= 1 else { throw Short() }
        defer { position += 1 }
        return bytes[position]
    }
    public mutating func bool() throws -> Bool { try uint8() != 0 }
    public mutating func int64() throws -> Int64 {
        guard remaining >= 8 else { throw Short() }
        defer { position += 8 }
        return Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self))
    }
    public mutating func uint64() throws -> UInt64 { UInt64(bitPattern: try int64()) }
    public mutating func string() throws -> String {
        guard remaining >= 2 else { throw Short() }
        let n = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self)))
        guard remaining >= 2 + n else { throw Short() }
        defer { position += 2 + n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 2)..<(position + 2 + n)]), as: UTF8.self)
    }
}
