#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ``FileStore``'s messages are in its body: one entry per stored message (sequence
/// number, offset and length of its record), ascending by sequence number, in memory for the
/// latest ones and in a file beside the body for the rest, so that the memory a store takes does
/// not grow with the number of messages it holds.
///
/// The file (`<name>.index`) is derived from the body: written afresh each time the store is
/// opened (the body is read through anyway), never synced, and of no use after a crash. Its
/// records are `[seqnum:u64][offset:u64][length:u32]`, little-endian, ascending, each sequence
/// number once; the newest entries are kept in memory, up to twice `memoryEntries`, and go to
/// the file `memoryEntries` at a time. Looking up a range reads it from the file by binary
/// search (resends are rare); a message stored under a number older than those in memory (a
/// sequence number set back) is written in place, or inserted by rewriting the rest of the file.
struct StoreIndex {
    struct Entry: Equatable {
        var seqNum: Int
        /// Offset of the record (its header) in the body.
        var offset: Int64
        var length: UInt32
    }

    static let recordSize = 20

    let file: POSIXFile
    /// Entries kept in memory (at most twice this many).
    let memoryEntries: Int
    /// The newest entries, ascending; all above those in the file.
    private(set) var tail: [Entry] = []
    /// Entries in the file.
    private(set) var fileCount = 0
    private var scratch: [UInt8] = []

    /// Opens `path`, emptied.
    init(path: String, memoryEntries: Int = 4096) throws(StoreError) {
        file = try POSIXFile(path: path, flags: O_RDWR | O_CREAT | O_TRUNC)
        self.memoryEntries = max(memoryEntries, 1)
    }

    func close() { file.close() }

    /// How many entries there are.
    var count: Int { fileCount + tail.count }

    /// Forgets every entry.
    mutating func removeAll() throws(StoreError) {
        tail.removeAll()
        fileCount = 0
        try file.truncate(to: 0)
    }

    /// Adds `entry`, replacing the one with its sequence number if there is one.
    mutating func insert(_ entry: Entry) throws(StoreError) {
        if tail.isEmpty && fileCount == 0 || (tail.last.map { $0.seqNum < entry.seqNum } ?? false) {
            tail.append(entry)
        } else if let first = tail.first, first.seqNum <= entry.seqNum {
            let i = firstIndex(atLeast: entry.seqNum, in: tail.count) { tail[$0].seqNum }
            if tail[i].seqNum == entry.seqNum { tail[i] = entry } else { tail.insert(entry, at: i) }
        } else if try lastInFile().map({ $0.seqNum < entry.seqNum }) ?? true {
            // Between the file and memory.
            tail.insert(entry, at: 0)
        } else {
            try insertInFile(entry)
        }
        if tail.count >= 2 * memoryEntries { try spill(memoryEntries) }
    }

    /// The entries with sequence numbers in `range`, ascending.
    func entries(in range: ClosedRange<Int>) throws(StoreError) -> [Entry] {
        var out: [Entry] = []
        if fileCount > 0 && (tail.first.map { range.lowerBound < $0.seqNum } ?? true) {
            var i = try fileIndex(atLeast: range.lowerBound)
            var buffer = [UInt8](repeating: 0, count: 1024 * Self.recordSize)
            outer: while i < fileCount {
                let n = min(1024, fileCount - i)
                _ = try file.read(into: &buffer, 0..<(n * Self.recordSize), at: Int64(i * Self.recordSize))
                for k in 0..<n {
                    let e = Self.decode(buffer, at: k * Self.recordSize)
                    if e.seqNum > range.upperBound { break outer }
                    out.append(e)
                }
                i += n
            }
        }
        var j = firstIndex(atLeast: range.lowerBound, in: tail.count) { tail[$0].seqNum }
        while j < tail.count, tail[j].seqNum <= range.upperBound {
            out.append(tail[j])
            j += 1
        }
        return out
    }

    // MARK: - The file

    /// Moves the `n` oldest entries in memory to the end of the file.
    private mutating func spill(_ n: Int) throws(StoreError) {
        scratch.removeAll(keepingCapacity: true)
        for e in tail[0..<n] { Self.encode(e, into: &scratch) }
        try file.write(scratch, at: Int64(fileCount * Self.recordSize))
        fileCount += n
        tail.removeFirst(n)
    }

    private func lastInFile() throws(StoreError) -> Entry? {
        fileCount == 0 ? nil : try entryInFile(fileCount - 1)
    }

    private func entryInFile(_ i: Int) throws(StoreError) -> Entry {
        var b = [UInt8](repeating: 0, count: Self.recordSize)
        let n = try file.read(into: &b, 0..<Self.recordSize, at: Int64(i * Self.recordSize))
        guard n == Self.recordSize else {
            throw StoreError(.damaged, path: file.path, "index entry \(i) cannot be read back (\(n) bytes)")
        }
        return Self.decode(b, at: 0)
    }

    /// The first position in the file whose sequence number is at least `seqNum`.
    private func fileIndex(atLeast seqNum: Int) throws(StoreError) -> Int {
        var lo = 0
        var hi = fileCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if try entryInFile(mid).seqNum < seqNum { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// A number at or below the file's last: replaced in place, or inserted with the rest of
    /// the file moved up by one record.
    private mutating func insertInFile(_ entry: Entry) throws(StoreError) {
        let i = try fileIndex(atLeast: entry.seqNum)
        var record: [UInt8] = []
        Self.encode(entry, into: &record)
        if i < fileCount, try entryInFile(i).seqNum == entry.seqNum {
            try file.write(record, at: Int64(i * Self.recordSize))
            return
        }
        let restCount = (fileCount - i) * Self.recordSize
        var rest = [UInt8](repeating: 0, count: restCount)
        _ = try file.read(into: &rest, 0..<restCount, at: Int64(i * Self.recordSize))
        try file.write(record + rest, at: Int64(i * Self.recordSize))
        fileCount += 1
    }

    static func encode(_ e: Entry, into b: inout [UInt8]) {
        appendLE(&b, UInt64(e.seqNum))
        appendLE(&b, UInt64(e.offset))
        appendLE(&b, e.length)
    }

    static func decode(_ b: [UInt8], at: Int) -> Entry {
        b.withUnsafeBytes { r in
            Entry(seqNum: Int(loadLE(r, at, as: UInt64.self)), offset: Int64(loadLE(r, at + 8, as: UInt64.self)),
                  length: loadLE(r, at + 16, as: UInt32.self))
        }
    }
}
