import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of an append-only file, mapped shared for writing: what is stored into it is the
/// file's page cache, which the system keeps when the process stops (a SIGKILL loses nothing
/// stored). Used by ``RecordJournal/flush()``.
///
/// A window is ``RecordJournal/windowSize`` bytes from the page that holds the file's end, its
/// blocks reserved with posix_fallocate before it is mapped (so that no store can meet a full
/// disk, which would be a SIGBUS), its pages faulted in ahead of use. That preparation is slow,
/// about 4.5 ms for 4 MiB on the development machine's ext4 (some 4 us a page, most of it the
/// first write fault of each page), so it is done on a thread of its own once half the window
/// is used, and the worn window is unmapped there too: the owner's thread only swaps pointers.
/// Only when a flush outruns the preparation does the owner wait for it (or map a window
/// itself, for a flush larger than the window).
///
/// Not thread-safe: one owner (the journal's event loop) calls it; the preparing thread only
/// maps, faults and unmaps.
final class AppendWindow {
    /// A mapped range of the file.
    struct Mapping: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
        var start: Int64
        var length: Int
        var end: Int64 { start + Int64(length) }
    }

    private let file: POSIXFile
    private let size: Int
    private let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
    /// The window stores go to.
    private var current: Mapping?
    /// Windows used so far (for tests).
    private(set) var windowsUsed = 0
    /// The preparation of the next window: whether one was asked for, and its result.
    private var preparing = false
    private let prepared = Slot()
    private let done = DispatchGroup()
    private let queue = DispatchQueue(label: "journal-window", qos: .userInitiated)

    /// The prepared window, handed from the preparing thread to the owner.
    final class Slot: Sendable {
        let value = Mutex<Result<Mapping, StoreError>?>(nil)
    }

    init(file: POSIXFile, size: Int = RecordJournal.windowSize) {
        self.file = file
        self.size = size
    }

    deinit { release() }

    /// Where to store `count` bytes at file offset `end` (the file's current end): a window
    /// holding `[end, end + count)`, moved on first if needed.
    func place(end: Int64, count: Int) throws(StoreError) -> UnsafeMutableRawPointer {
        if let w = current, end >= w.start, end + Int64(count) <= w.end {
            if !preparing && (end - w.start) * 2 > Int64(w.length) { prepare(from: nextStart(end, after: w)) }
            return w.base + Int(end - w.start)
        }
        // The window is used up: the prepared one if it holds the bytes, else one mapped here.
        var next: Mapping?
        if preparing {
            done.wait()
            preparing = false
            let result = prepared.value.withLock { r in defer { r = nil }; return r }
            if case .success(let m)? = result {
                if end >= m.start && end + Int64(count) <= m.end { next = m } else { unmapLater(m) }
            }
        }
        if next == nil { next = try Self.map(file, from: floor(end), length: max(size, Int(end - floor(end)) + count), page: page) }
        if let old = current { unmapLater(old) }
        current = next
        windowsUsed += 1
        if let w = current, (end - w.start) * 2 > Int64(w.length) { prepare(from: nextStart(end, after: w)) }
        return next!.base + Int(end - next!.start)
    }

    /// Unmaps every window, after the preparing thread is done: before the file is closed or
    /// replaced.
    func release() {
        if preparing {
            done.wait()
            preparing = false
            if case .success(let m)? = prepared.value.withLock({ r in defer { r = nil }; return r }) { munmap(m.base, m.length) }
        }
        queue.sync {}  // unmaps handed to the thread
        if let w = current { munmap(w.base, w.length) }
        current = nil
    }

    private func floor(_ offset: Int64) -> Int64 { offset / page * page }

    /// Where the window after `w` starts: a quarter of a window before `w`'s end, or the file's
    /// `end` if that is later. The file's end will have passed it when `w` is used up by a flush
    /// of up to a quarter window (a larger one maps a window of its own), so windows follow each
    /// other every three quarters of a window.
    private func nextStart(_ end: Int64, after w: Mapping) -> Int64 {
        max(end, w.end - Int64(size / 4))
    }

    /// Starts mapping the window that follows, from the page holding `offset`.
    /// Its blocks are reserved from the current window's end only: the part the two share is
    /// reserved already, and is being written (where the file system has no fallocate, the C
    /// library reserves by writing bytes, which must not meet the records).
    private func prepare(from offset: Int64) {
        preparing = true
        let file = self.file, start = floor(offset), length = size, page = self.page
        let reserveFrom = max(start, current?.end ?? start)
        let prepared = self.prepared
        queue.async(group: done) {
            let result = Result { () throws(StoreError) in
                try Self.map(file, from: start, length: length, page: page, reserveFrom: reserveFrom)
            }
            prepared.value.withLock { $0 = result }
        }
    }

    private func unmapLater(_ m: Mapping) {
        queue.async { munmap(m.base, m.length) }
    }

    /// Reserves (from `reserveFrom`), maps and faults in `[start, start + length)` (rounded up
    /// to pages).
    private static func map(_ file: POSIXFile, from start: Int64, length: Int, page: Int64,
                            reserveFrom: Int64? = nil) throws(StoreError) -> Mapping {
        let length = Int((Int64(length) + page - 1) / page * page)
        let reserve = max(start, reserveFrom ?? start)
        if reserve < start + Int64(length) { try file.preallocate(offset: reserve, length: Int(start + Int64(length) - reserve)) }
        let base = try file.map(offset: start, length: length)
        // Fault every page in writable without changing a byte (other mappings of the same
        // pages may be storing records): MADV_POPULATE_WRITE (Linux 5.14); else reading each
        // page maps it, and its first store takes a lighter fault.
        #if os(Linux)
        let populated = madvise(base, length, 23 /* MADV_POPULATE_WRITE */) == 0
        #else
        let populated = false
        #endif
        if !populated {
            var sum: UInt8 = 0
            var at = 0
            while at < length {
                sum ^= base.load(fromByteOffset: at, as: UInt8.self)
                at += Int(page)
            }
            withExtendedLifetime(sum) {}
        }
        return Mapping(base: base, start: start, length: length)
    }
}
