import FIX
import Gzip

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A durable ``MessageStore``: two files per session in a directory, named after
/// ``SessionID/fileName``. It survives the process being killed at any instant, and with
/// ``StoreSyncPolicy/always`` a power loss too: nothing a call acknowledged (returned from) is
/// lost, and nothing read back is corrupt.
///
/// - `<name>.body`: an append-only log of records
///   `[kind:u8][seqnum:u64][length:u32][crc32:u32][payload]` (little-endian; the CRC-32 covers
///   kind, seqnum, length and payload). The first record is a header (format version, a random
///   generation number, the creation time and the session); then one record per sent message,
///   so ``storeSent(seqNum:message:)`` is one append. A torn last record (a write cut short by a
///   crash) is dropped on open: the file is cut back to the last good record and the bytes
///   dropped are counted in ``recoveredTornBytes``. A damaged record followed by good ones is
///   corruption, reported as a ``StoreError``.
/// - `<name>.seqnums`: the sequence numbers set by ``setNextSenderMsgSeqNum(_:)`` and
///   ``setNextTargetMsgSeqNum(_:)``, in two checksummed slots written alternately, so a torn
///   write leaves the previous value readable and the file never grows. Each slot also records
///   the body's generation and length when it was written: messages appended to the body after
///   that point advance the next sender number past them.
///
/// ``reset(at:)`` writes a new body (header only) beside the old one, syncs it and renames it over
/// the old: a crash leaves either the old sequence or the new one. A store keeps an index of its
/// messages (sequence number -> file offset), the latest entries in memory and the rest in
/// `<name>.index` (see ``StoreIndex``; rebuilt from the body at each opening), and reads them
/// back with pread for resends: its memory does not grow with the messages it holds.
///
/// The seqnums file is locked (flock) while the store is open, so two stores (in one process or
/// two) cannot write one session's files at once. One thread at a time.
public final class FileStore: MessageStore, SyncSource {
    /// The directory holding the files.
    public let directory: String
    public let sessionID: SessionID
    /// When writes are forced to disk.
    public let sync: StoreSyncPolicy
    /// `<directory>/<name>.body`: the header and the sent messages.
    public let bodyPath: String
    /// `<directory>/<name>.seqnums`: the sequence numbers.
    public let seqNumsPath: String
    /// `<directory>/<name>.index`: the older part of the index (derived from the body).
    public let indexPath: String

    public private(set) var nextSenderMsgSeqNum = 1
    public private(set) var nextTargetMsgSeqNum = 1
    public private(set) var creationTime: UTCTimestamp
    /// Bytes of a torn last record (a write cut short by a crash) dropped from the body on open.
    public private(set) var recoveredTornBytes = 0

    /// How many messages are stored.
    public var storedMessageCount: Int { index.count }
    /// Index entries held in memory (the rest are in ``indexPath``).
    var indexEntriesHeldInMemory: Int { index.tail.count }

    /// When set, writes are never synced by the store itself (but by ``close()`` and a reset):
    /// whoever drives the store takes the written files with
    /// ``takeUnsynced(into:)`` and syncs them elsewhere, with a ``GroupCommit``, before any
    /// message that follows them leaves under ``StoreSyncPolicy/always``. A ``FIXSession`` does
    /// this, so that no event loop waits on the disk.
    public var syncExternally = false
    private var bodyTarget: SyncTarget?
    private var seqNumsTarget: SyncTarget?

    /// The length of the body's good records: where the next one goes.
    var bodyLength: Int64 { bodyEnd }

    private var body: POSIXFile
    private var seqNums: POSIXFile
    /// Where the next record goes: the end of the last good record.
    private var bodyEnd: Int64 = 0
    /// The generation number in the current body's header.
    private var generation: UInt64 = 0
    /// The sequence number of the last slot written (or read); the next goes in the other slot.
    private var slotSerial: UInt64 = 0
    /// One entry per stored message, ascending by sequence number.
    private var index: StoreIndex
    private var bodyDirty = false
    private var seqNumsDirty = false
    private var lastSync = ContinuousClock.now
    private let syncInterval: Duration?
    /// Set when the files may no longer match what this store holds in memory (a sync failed,
    /// or a failed write could not be undone): every later call fails with it.
    private var failure: StoreError?
    private var closed = false
    /// Reused for building records.
    private var scratch: [UInt8] = []
    /// Reused for reading records back.
    private var readBuffer: [UInt8] = []

    private typealias IndexEntry = StoreIndex.Entry

    /// Opens the store for `sessionID` in `directory` (created when missing), or creates it with
    /// creation time `now`. Replays the body, dropping a torn last record.
    ///
    /// - Throws: ``StoreError`` when the directory or files cannot be created, opened or locked,
    ///   or the files are corrupt (a damaged record followed by good ones, a header that is not
    ///   this format's, another session's files).
    public init(directory: String, sessionID: SessionID, sync: StoreSyncPolicy = .always,
                now: UTCTimestamp, indexEntriesInMemory: Int = 4096) throws(StoreError) {
        let name = sessionID.fileName
        self.directory = directory
        self.sessionID = sessionID
        self.sync = sync
        self.bodyPath = directory + "/" + name + ".body"
        self.seqNumsPath = directory + "/" + name + ".seqnums"
        self.indexPath = directory + "/" + name + ".index"
        self.creationTime = now
        if case .interval(let ms) = sync {
            syncInterval = .milliseconds(max(ms, 0))
        } else {
            syncInterval = nil
        }

        try POSIXFile.makeDirectories(directory)
        let existed = try POSIXFile.openIfExists(path: seqNumsPath, flags: O_RDWR)
        let seqNums: POSIXFile
        if let existed { seqNums = existed } else { seqNums = try POSIXFile(path: seqNumsPath, flags: O_RDWR | O_CREAT) }
        do throws(StoreError) {
            try seqNums.lockExclusively()
        } catch {
            seqNums.close()
            throw error
        }
        self.seqNums = seqNums
        do throws(StoreError) {
            index = try StoreIndex(path: indexPath, memoryEntries: indexEntriesInMemory)
        } catch {
            seqNums.close()
            throw error
        }
        // A placeholder until the body is open; replaced below before any use.
        self.body = seqNums
        do throws(StoreError) {
            try POSIXFile.remove(tempPath)  // an unfinished reset: the old body stands
            let slot = try readSlots()
            if let body = try POSIXFile.openIfExists(path: bodyPath, flags: O_RDWR) {
                self.body = body
                if try !replay(slot: slot) {
                    body.close()
                    self.body = seqNums
                    try startGeneration(at: now)
                }
            } else {
                try startGeneration(at: now)
            }
            if existed == nil { try POSIXFile.syncDirectory(directory) }
        } catch {
            if body.fd != seqNums.fd { body.close() }
            seqNums.close()
            index.close()
            closed = true
            throw error
        }
    }

    deinit {
        if !closed { try? close() }
    }

    // MARK: - MessageStore

    public func setNextSenderMsgSeqNum(_ value: Int) throws(StoreError) {
        try checkUsable()
        try checkSequenceNumber(value, path: seqNumsPath)
        try writeSlot(sender: value, target: nextTargetMsgSeqNum)
        nextSenderMsgSeqNum = value
    }

    public func setNextTargetMsgSeqNum(_ value: Int) throws(StoreError) {
        try checkUsable()
        try checkSequenceNumber(value, path: seqNumsPath)
        try writeSlot(sender: nextSenderMsgSeqNum, target: value)
        nextTargetMsgSeqNum = value
    }

    /// Appends `message` as one record, then moves the next sender sequence number to
    /// `seqNum + 1` unless it is already past it. A message stored again under the same number
    /// replaces the earlier one.
    public func storeSent(seqNum: Int, message: some Collection<UInt8>) throws(StoreError) {
        try checkUsable()
        try checkSequenceNumber(seqNum, path: bodyPath)
        let count = message.count
        guard count <= Self.maxPayload else {
            throw StoreError(.unusable, path: bodyPath, "message \(seqNum) is \(count) bytes, more than \(Self.maxPayload)")
        }
        let offset = bodyEnd
        try appendRecord(kind: Self.kindMessage, seqNum: UInt64(seqNum), payload: message)
        try syncAfterWrite()
        let entry = IndexEntry(seqNum: seqNum, offset: offset, length: UInt32(count))
        try insert(entry)
        nextSenderMsgSeqNum = max(nextSenderMsgSeqNum, seqNum + 1)
    }

    /// Reads the messages back from the body, checking each one's CRC.
    public func sentMessages(in range: ClosedRange<Int>) throws(StoreError) -> [(seqNum: Int, message: [UInt8])] {
        try checkUsable()
        var out: [(seqNum: Int, message: [UInt8])] = []
        for e in try index.entries(in: range) {
            out.append((e.seqNum, try readMessage(e)))
        }
        return out
    }

    public func reset(at time: UTCTimestamp) throws(StoreError) {
        try checkUsable()
        try startGeneration(at: time)
    }

    /// Syncs both files to disk, whatever the policy; with ``syncExternally`` set, leaves them to
    /// whoever syncs the store (a session's disconnect must not make its event loop wait on the
    /// disk). ``close()`` syncs in either case.
    public func flush() throws(StoreError) {
        try checkUsable()
        if syncExternally { return }
        try syncDirty()
    }

    // MARK: - SyncSource

    public var syncBeforeSend: Bool { sync == .always }

    public func takeUnsynced(into targets: inout [SyncTarget]) {
        guard failure == nil, !closed else { return }
        do throws(StoreError) {
            if bodyDirty {
                if bodyTarget == nil { bodyTarget = try SyncTarget(path: bodyPath) }
                targets.append(bodyTarget!)
                bodyDirty = false
            }
            if seqNumsDirty {
                if seqNumsTarget == nil { seqNumsTarget = try SyncTarget(path: seqNumsPath) }
                targets.append(seqNumsTarget!)
                seqNumsDirty = false
            }
            lastSync = .now
        } catch {
            // The file cannot be opened for syncing: the store can no longer promise anything.
            failure = error
        }
    }

    public func syncFailed(_ error: StoreError) {
        if failure == nil { failure = error }
    }

    /// Syncs what is pending (unless the policy is ``StoreSyncPolicy/never``) and closes the
    /// files, releasing the lock. Later calls fail. Called by deinit when not called before.
    public func close() throws(StoreError) {
        guard !closed else { return }
        defer {
            body.close()
            seqNums.close()
            index.close()
            bodyTarget = nil
            seqNumsTarget = nil
            closed = true
        }
        if failure == nil, sync != .never {
            try syncDirty()
        }
    }

    // MARK: - Format

    static let kindHeader: UInt8 = 0xF1
    static let kindMessage: UInt8 = 0xF2
    static let recordHeaderSize = 17
    static let maxPayload = Int(Int32.max) - 64
    static let formatVersion: UInt64 = 1
    static let magic = Array("FIXSTORE".utf8)
    static let slotMagic: UInt32 = 0x5153_5846  // "FXSQ"
    static let slotSize = 48
    static let slotStride: Int64 = 512

    private var tempPath: String { bodyPath + ".tmp" }

    /// A slot of the seqnums file.
    struct Slot {
        var serial: UInt64
        var generation: UInt64
        var bodyLength: Int64
        var sender: Int
        var target: Int
    }

    // MARK: - Writing

    /// Builds `[kind][seqnum][length][crc][payload]` in `scratch` and writes it at `bodyEnd`.
    /// A failed write is cut back off the file, so the body stays a sequence of good records.
    private func appendRecord(kind: UInt8, seqNum: UInt64, payload: some Collection<UInt8>) throws(StoreError) {
        Self.buildRecord(into: &scratch, kind: kind, seqNum: seqNum, payload: payload)
        do throws(StoreError) {
            try body.write(scratch, at: bodyEnd)
        } catch {
            do throws(StoreError) {
                try body.truncate(to: bodyEnd)
            } catch let undo {
                failure = StoreError(error.code, path: bodyPath, "\(error.reason); then \(undo.reason)")
            }
            throw error
        }
        bodyEnd += Int64(scratch.count)
        bodyDirty = true
    }

    static func buildRecord(into r: inout [UInt8], kind: UInt8, seqNum: UInt64, payload: some Collection<UInt8>) {
        r.removeAll(keepingCapacity: true)
        r.append(kind)
        appendLE(&r, seqNum)
        appendLE(&r, UInt32(payload.count))
        appendLE(&r, UInt32(0))
        r.append(contentsOf: payload)
        let crc = r.withUnsafeBytes { b in
            var c = CRC32()
            c.update(UnsafeRawBufferPointer(rebasing: b[0..<13]))
            c.update(UnsafeRawBufferPointer(rebasing: b[recordHeaderSize...]))
            return c.value
        }
        r.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 13, as: UInt32.self) }
    }

    /// Writes the sequence numbers to the slot not holding the latest value.
    private func writeSlot(sender: Int, target: Int) throws(StoreError) {
        let slot = Slot(serial: slotSerial + 1, generation: generation, bodyLength: bodyEnd,
                        sender: sender, target: target)
        try seqNums.write(Self.encode(slot), at: Int64(slot.serial % 2) * Self.slotStride)
        slotSerial = slot.serial
        seqNumsDirty = true
        try syncAfterWrite()
    }

    static func encode(_ s: Slot) -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(slotSize)
        appendLE(&b, slotMagic)
        appendLE(&b, s.serial)
        appendLE(&b, s.generation)
        appendLE(&b, UInt64(s.bodyLength))
        appendLE(&b, UInt64(s.sender))
        appendLE(&b, UInt64(s.target))
        appendLE(&b, CRC32.checksum(b))
        return b
    }

    /// Starts a new body generation with creation time `time`: writes a header-only body to a
    /// temporary file, syncs it, renames it over the body and syncs the directory. A crash
    /// before the rename leaves the old sequence; after, the new one (the slots name the old
    /// generation, so they no longer apply).
    private func startGeneration(at time: UTCTimestamp) throws(StoreError) {
        var g: UInt64 = 0
        while g == 0 || g == generation { g = UInt64.random(in: 1...UInt64.max) }
        var payload = Self.magic
        appendLE(&payload, g)
        appendLE(&payload, UInt64(bitPattern: time.nanosecondsSinceEpoch))
        payload.append(UInt8(bitPattern: time.fractionDigits))
        payload.append(contentsOf: sessionID.description.utf8)
        var record: [UInt8] = []
        Self.buildRecord(into: &record, kind: Self.kindHeader, seqNum: Self.formatVersion, payload: payload)

        let temp = try POSIXFile(path: tempPath, flags: O_RDWR | O_CREAT | O_TRUNC)
        do throws(StoreError) {
            try temp.write(record, at: 0)
            try temp.sync()
            try POSIXFile.rename(tempPath, to: bodyPath)
        } catch {
            temp.close()
            _ = try? POSIXFile.remove(tempPath)
            throw error
        }
        if body.fd != seqNums.fd { body.close() }
        body = temp
        bodyTarget = nil
        generation = g
        bodyEnd = Int64(record.count)
        bodyDirty = false
        do throws(StoreError) {
            try index.removeAll()
        } catch {
            failure = error
            throw error
        }
        nextSenderMsgSeqNum = 1
        nextTargetMsgSeqNum = 1
        creationTime = time
        do throws(StoreError) {
            try POSIXFile.syncDirectory(directory)
            lastSync = .now
        } catch {
            failure = error
            throw error
        }
    }

    private func syncAfterWrite() throws(StoreError) {
        if syncExternally { return }
        switch sync {
        case .always:
            try syncDirty()
        case .never:
            break
        case .interval:
            if let interval = syncInterval, ContinuousClock.now - lastSync >= interval {
                try syncDirty()
            }
        }
    }

    /// Syncs the files written since the last sync. A failed sync makes the store unusable: the
    /// kernel may have dropped the unwritten pages, and a second sync could wrongly succeed.
    private func syncDirty() throws(StoreError) {
        do throws(StoreError) {
            if bodyDirty {
                try body.sync()
                bodyDirty = false
            }
            if seqNumsDirty {
                try seqNums.sync()
                seqNumsDirty = false
            }
            lastSync = .now
        } catch {
            failure = error
            throw error
        }
    }

    private func checkUsable() throws(StoreError) {
        if let failure { throw StoreError(.unusable, path: failure.path, "unusable after an earlier failure: \(failure.reason)") }
        if closed { throw StoreError(.unusable, path: bodyPath, "the store is closed") }
    }

    /// Adds a message to the index; a store whose index cannot be written is no longer usable.
    private func insert(_ entry: IndexEntry) throws(StoreError) {
        do throws(StoreError) {
            try index.insert(entry)
        } catch {
            failure = error
            throw error
        }
    }

    // MARK: - Reading

    /// Reads one message back and checks its record.
    private func readMessage(_ e: IndexEntry) throws(StoreError) -> [UInt8] {
        let total = Self.recordHeaderSize + Int(e.length)
        if readBuffer.count < total { readBuffer = [UInt8](repeating: 0, count: total) }
        let n = try body.read(into: &readBuffer, 0..<total, at: e.offset)
        let intact = n == total && readBuffer.withUnsafeBytes { r in
            guard let rec = Self.parseRecord(r, at: 0, available: total) else { return false }
            return rec.kind == Self.kindMessage && rec.seqNum == UInt64(e.seqNum) && rec.length == Int(e.length)
        }
        guard intact else {
            throw StoreError(.damaged, path: bodyPath, "message \(e.seqNum) at byte \(e.offset) no longer reads back intact")
        }
        return Array(readBuffer[Self.recordHeaderSize..<total])
    }

    /// The record at `at` in `b` when it is complete within `available` bytes, of a known
    /// kind, and its CRC matches.
    static func parseRecord(_ b: UnsafeRawBufferPointer, at: Int, available: Int) -> (kind: UInt8, seqNum: UInt64, length: Int)? {
        guard available - at >= recordHeaderSize else { return nil }
        let kind = b[at]
        guard kind == kindHeader || kind == kindMessage else { return nil }
        let length = Int(loadLE(b, at + 9, as: UInt32.self))
        guard length <= available - at - recordHeaderSize else { return nil }
        var c = CRC32()
        c.update(UnsafeRawBufferPointer(rebasing: b[at..<(at + 13)]))
        c.update(UnsafeRawBufferPointer(rebasing: b[(at + recordHeaderSize)..<(at + recordHeaderSize + length)]))
        guard c.value == loadLE(b, at + 13, as: UInt32.self) else { return nil }
        return (kind, loadLE(b, at + 1, as: UInt64.self), length)
    }

    /// Reads the seqnums file: the valid slot with the highest serial, or nil.
    private func readSlots() throws(StoreError) -> Slot? {
        var raw = [UInt8](repeating: 0, count: Int(Self.slotStride) + Self.slotSize)
        let n = try seqNums.read(into: &raw, 0..<raw.count, at: 0)
        var best: Slot?
        var damaged = 0
        raw.withUnsafeBytes { b in
            for i in 0..<2 {
                let at = i * Int(Self.slotStride)
                guard n > at else { continue }
                let end = min(n, at + Self.slotSize)
                let slotBytes = UnsafeRawBufferPointer(rebasing: b[at..<end])
                if let s = Self.decodeSlot(slotBytes) {
                    if best == nil || s.serial > best!.serial { best = s }
                } else if slotBytes.contains(where: { $0 != 0 }) {
                    damaged += 1
                }
            }
        }
        // One damaged slot is a write torn by a crash (the other holds the value before it);
        // two cannot be.
        if damaged == 2 {
            throw StoreError(.damaged, path: seqNumsPath, "both sequence-number slots are corrupt")
        }
        if let best { slotSerial = best.serial }
        return best
    }

    static func decodeSlot(_ b: UnsafeRawBufferPointer) -> Slot? {
        guard b.count == slotSize, loadLE(b, 0, as: UInt32.self) == slotMagic,
              CRC32.checksum(UnsafeRawBufferPointer(rebasing: b[0..<44])) == loadLE(b, 44, as: UInt32.self)
        else { return nil }
        let sender = loadLE(b, 28, as: UInt64.self)
        let target = loadLE(b, 36, as: UInt64.self)
        let length = loadLE(b, 20, as: UInt64.self)
        guard sender >= 1, sender <= UInt64(Int.max), target >= 1, target <= UInt64(Int.max),
              length <= UInt64(Int64.max)
        else { return nil }
        return Slot(serial: loadLE(b, 4, as: UInt64.self), generation: loadLE(b, 12, as: UInt64.self),
                    bodyLength: Int64(length), sender: Int(sender), target: Int(target))
    }

    /// Replays the body: checks the header, indexes the messages and derives the sequence
    /// numbers from the slot (when it belongs to this generation) and the messages after it.
    /// Drops a torn tail. Returns false when the body holds not even a whole header (a file
    /// cut short at creation): the caller starts a new generation.
    private func replay(slot: Slot?) throws(StoreError) -> Bool {
        let size = try body.size()
        var reader = BodyReader(file: body, size: size)
        var offset: Int64 = 0
        var recordNumber = 0
        var slotApplies = false
        var derivedFrom: Int64 = 0
        while offset < size {
            guard let rec = try reader.record(at: offset) else {
                let reason = try reader.defect(at: offset)
                if let later = try reader.nextGoodRecord(after: offset) {
                    throw StoreError(.damaged, path: bodyPath, "record \(recordNumber) at byte \(offset) \(reason)"
                        + " (a good record follows at byte \(later))")
                }
                // A torn tail: nothing good after it. Cut it off for good.
                recoveredTornBytes = Int(size - offset)
                try body.truncate(to: offset)
                try body.sync()
                break
            }
            let payloadOffset = offset + Int64(Self.recordHeaderSize)
            if recordNumber == 0 {
                guard rec.kind == Self.kindHeader else {
                    throw StoreError(.damaged, path: bodyPath, "record 0 at byte 0 is not a store header")
                }
                let payload = try reader.bytes(at: payloadOffset, count: rec.length)
                try readHeader(version: rec.seqNum, payload: payload)
                derivedFrom = offset + Int64(Self.recordHeaderSize + rec.length)
                if let slot, slot.generation == generation {
                    slotApplies = true
                    nextSenderMsgSeqNum = slot.sender
                    nextTargetMsgSeqNum = slot.target
                    derivedFrom = max(derivedFrom, slot.bodyLength)
                }
            } else {
                guard rec.kind == Self.kindMessage else {
                    throw StoreError(.damaged, path: bodyPath, "record \(recordNumber) at byte \(offset) is a second header")
                }
                guard rec.seqNum >= 1, rec.seqNum < UInt64(Int.max) else {
                    throw StoreError(.damaged, path: bodyPath, "record \(recordNumber) at byte \(offset) has sequence number \(rec.seqNum)")
                }
                let seqNum = Int(rec.seqNum)
                try insert(IndexEntry(seqNum: seqNum, offset: offset, length: UInt32(rec.length)))
                if offset >= derivedFrom {
                    nextSenderMsgSeqNum = max(nextSenderMsgSeqNum, seqNum + 1)
                }
            }
            offset += Int64(Self.recordHeaderSize + rec.length)
            recordNumber += 1
        }
        guard recordNumber > 0 else { return false }
        bodyEnd = offset
        // A slot written after body data that a power loss then took (possible only without
        // `always`): note the present length, so later appends count again.
        if slotApplies, let slot, slot.bodyLength > bodyEnd {
            try writeSlot(sender: nextSenderMsgSeqNum, target: nextTargetMsgSeqNum)
            try syncDirty()
        }
        return true
    }

    private func readHeader(version: UInt64, payload: [UInt8]) throws(StoreError) {
        guard version == Self.formatVersion else {
            throw StoreError(.damaged, path: bodyPath, "format version \(version) is not supported (this reads \(Self.formatVersion))")
        }
        guard payload.count >= 25, Array(payload[0..<8]) == Self.magic else {
            throw StoreError(.damaged, path: bodyPath, "is not a FileStore body (bad header)")
        }
        let owner = String(decoding: payload[25...], as: UTF8.self)
        guard owner == sessionID.description else {
            throw StoreError(.damaged, path: bodyPath, "belongs to session \(owner), not \(sessionID)")
        }
        payload.withUnsafeBytes { b in
            generation = loadLE(b, 8, as: UInt64.self)
            creationTime = UTCTimestamp(nanosecondsSinceEpoch: Int64(bitPattern: loadLE(b, 16, as: UInt64.self)),
                                        fractionDigits: Int8(bitPattern: b[24]))
        }
    }
}

/// Reads a body sequentially through a window, for replay on open.
private struct BodyReader {
    let file: POSIXFile
    let size: Int64
    private var window: [UInt8] = []
    private var windowStart: Int64 = 0
    private var windowCount = 0
    static let chunk = 1 << 20

    init(file: POSIXFile, size: Int64) {
        self.file = file
        self.size = size
    }

    /// Makes the window hold `[at, at + count)` (or up to the end of the file).
    private mutating func load(at: Int64, count: Int) throws(StoreError) {
        let want = Int(min(Int64(count), size - at))
        if at >= windowStart, at + Int64(want) <= windowStart + Int64(windowCount) { return }
        let n = Int(min(Int64(max(count, Self.chunk)), size - at))
        if window.count < n { window = [UInt8](repeating: 0, count: n) }
        windowCount = try file.read(into: &window, 0..<n, at: at)
        windowStart = at
    }

    /// The good record at `at`, or nil.
    mutating func record(at: Int64) throws(StoreError) -> (kind: UInt8, seqNum: UInt64, length: Int)? {
        try load(at: at, count: FileStore.recordHeaderSize)
        let rel = Int(at - windowStart)
        let length = window.withUnsafeBytes { b -> Int? in
            guard windowCount - rel >= FileStore.recordHeaderSize else { return nil }
            return Int(loadLE(b, rel + 9, as: UInt32.self))
        }
        if let length, Int64(FileStore.recordHeaderSize + length) <= size - at {
            try load(at: at, count: FileStore.recordHeaderSize + length)
        }
        let r = Int(at - windowStart)
        let count = windowCount
        return window.withUnsafeBytes { FileStore.parseRecord($0, at: r, available: count) }
    }

    /// Why the record at `at` is not good (for the error message).
    mutating func defect(at: Int64) throws(StoreError) -> String {
        let left = size - at
        if left < Int64(FileStore.recordHeaderSize) { return "is cut short (\(left) bytes left)" }
        try load(at: at, count: FileStore.recordHeaderSize)
        let r = Int(at - windowStart)
        let (kind, length) = window.withUnsafeBytes { b in (b[r], Int(loadLE(b, r + 9, as: UInt32.self))) }
        if kind != FileStore.kindHeader && kind != FileStore.kindMessage { return "has an unknown kind \(kind)" }
        if Int64(FileStore.recordHeaderSize + length) > left {
            return "has a length (\(length)) running past the end of the file"
        }
        return "has a bad checksum"
    }

    /// The offset of the first good record starting after `offset`, or nil: a bad record with
    /// nothing good after it is a torn tail; with something good after it, corruption.
    mutating func nextGoodRecord(after offset: Int64) throws(StoreError) -> Int64? {
        var p = offset + 1
        while p + Int64(FileStore.recordHeaderSize) <= size {
            try load(at: p, count: FileStore.recordHeaderSize)
            let r = Int(p - windowStart)
            let kind = window[r]
            if kind == FileStore.kindHeader || kind == FileStore.kindMessage, try record(at: p) != nil {
                return p
            }
            p += 1
        }
        return nil
    }

    /// `count` bytes at `at`.
    mutating func bytes(at: Int64, count: Int) throws(StoreError) -> [UInt8] {
        try load(at: at, count: count)
        let r = Int(at - windowStart)
        return Array(window[r..<(r + count)])
    }
}

@inline(__always)
func appendLE<T: FixedWidthInteger>(_ b: inout [UInt8], _ v: T) {
    withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) }
}

@inline(__always)
func loadLE<T: FixedWidthInteger>(_ b: UnsafeRawBufferPointer, _ at: Int, as: T.Type) -> T {
    T(littleEndian: b.loadUnaligned(fromByteOffset: at, as: T.self))
}
