#if canImport(Glibc)
import Market
import SystemPackage
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The engine's own binary form of recorded market data: the events any source gives, already in
// ticks and lots, one fixed-size record each, so a backtest reads them in a few nanoseconds
// instead of parsing text. `mm convert` writes one from any supported format.

/// The layout of an event file (format `events`).
///
/// **Header**, 64 bytes: the magic `MMEVENTS`; the version (UInt32, 1); the record size (UInt32,
/// 48); the instrument the prices and sizes count in: tick size units (Int64) and scale (Int8),
/// lot size units (Int64) and scale (Int8), the symbol (length UInt8, then up to 24 bytes of
/// UTF-8).
///
/// **Records**, 48 bytes each, one per ``MarketEvent``: the kind (1 quote, 2 trade, 3 depth,
/// 4 clear), a flags byte, six zero bytes, then five Int64 values: the time (ns since the epoch)
/// and four fields, unused ones 0 (as is the size of a quote's empty side).
///
/// | kind | flags | fields |
/// |---|---|---|
/// | quote | bit 0: has a bid, bit 1: has an ask | bid, bid size, ask, ask size |
/// | trade | aggressor: 0 unknown, 1 buy, 2 sell | price, size |
/// | depth | side: 1 buy, 2 sell | price, size |
/// | clear | 0 | none |
///
/// Every number is little-endian. A file's size is the header plus a whole number of records.
public enum EventFile {
    public static let magic: [UInt8] = Array("MMEVENTS".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 64
    public static let recordSize = 48
    /// The longest symbol the header holds (bytes of UTF-8).
    public static let maxSymbolLength = 24

    enum Kind: UInt8 {
        case quote = 1, trade, depth, clear
    }

    /// The header for `instrument`; nil when its symbol is too long.
    static func header(_ instrument: Instrument) -> [UInt8]? {
        let symbol = Array(instrument.symbol.utf8)
        guard symbol.count <= maxSymbolLength else { return nil }
        var h = [UInt8](repeating: 0, count: headerSize)
        h.withUnsafeMutableBytes { p in
            p.copyBytes(from: magic)
            p.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: UInt32(recordSize).littleEndian, toByteOffset: 12, as: UInt32.self)
            p.storeBytes(of: instrument.tickSize.units.littleEndian, toByteOffset: 16, as: Int64.self)
            p.storeBytes(of: instrument.tickSize.scale, toByteOffset: 24, as: Int8.self)
            p.storeBytes(of: instrument.lotSize.units.littleEndian, toByteOffset: 28, as: Int64.self)
            p.storeBytes(of: instrument.lotSize.scale, toByteOffset: 36, as: Int8.self)
            p.storeBytes(of: UInt8(symbol.count), toByteOffset: 39, as: UInt8.self)
            UnsafeMutableRawBufferPointer(rebasing: p[40..<(40 + symbol.count)]).copyBytes(from: symbol)
        }
        return h
    }

    /// The instrument a header names, or why it is not an event file's header.
    static func instrument(header h: UnsafeRawBufferPointer) -> Result<Instrument, BadRecord> {
        guard h.count >= headerSize, h.prefix(8).elementsEqual(magic) else {
            return .failure(BadRecord("not an event file (no MMEVENTS header); write one with mm convert"))
        }
        let v = UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard v == version else { return .failure(BadRecord("event file version \(v); this engine reads version \(version)")) }
        let size = UInt32(littleEndian: h.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        guard size == recordSize else { return .failure(BadRecord("records of \(size) bytes; version \(version) has \(recordSize)")) }
        let tickUnits = Int64(littleEndian: h.loadUnaligned(fromByteOffset: 16, as: Int64.self))
        let tickScale = h.load(fromByteOffset: 24, as: Int8.self)
        let lotUnits = Int64(littleEndian: h.loadUnaligned(fromByteOffset: 28, as: Int64.self))
        let lotScale = h.load(fromByteOffset: 36, as: Int8.self)
        let length = Int(h[39])
        guard tickUnits > 0, lotUnits > 0, (0...18).contains(tickScale), (0...18).contains(lotScale), length <= maxSymbolLength,
              let symbol = String(validating: h[40..<(40 + length)], as: UTF8.self)
        else { return .failure(BadRecord("the header's instrument is damaged")) }
        return .success(Instrument(symbol: symbol, tickSize: DecimalStep(units: tickUnits, scale: tickScale),
                                   lotSize: DecimalStep(units: lotUnits, scale: lotScale)))
    }

    /// The instrument an event file was written for (its header), without reading its events.
    public static func instrument(at path: String) throws(MarketDataError) -> Instrument {
        let fd = try LineReader.openFile(path)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: headerSize, alignment: 8)
        defer {
            _ = close(fd)
            buffer.deallocate()
        }
        return try readHeader(fd, path: path, into: buffer)
    }

    /// Reads the header at the start of the open file `fd` into `buffer` (room for
    /// ``headerSize`` bytes); the instrument it names, or a ``MarketDataError`` naming `path`.
    static func readHeader(_ fd: Int32, path: String, into buffer: UnsafeMutableRawPointer) throws(MarketDataError) -> Instrument {
        let n: Int
        do {
            n = try readFully(fd, buffer, headerSize)
        } catch {
            throw MarketDataError(.cannotRead, path: path, line: 0, reason: "cannot read: \(error)")
        }
        switch instrument(header: UnsafeRawBufferPointer(start: buffer, count: n)) {
        case .success(let instrument): return instrument
        case .failure(let bad): throw MarketDataError(.damaged, path: path, line: 0, reason: bad.reason)
        }
    }

    /// Reads up to `count` bytes, retrying short reads; the bytes read (fewer only at the end of
    /// the file).
    static func readFully(_ fd: Int32, _ into: UnsafeMutableRawPointer, _ count: Int) throws(Errno) -> Int {
        var done = 0
        while done < count {
            let n: Int
            do {
                n = try FileDescriptor(rawValue: fd).read(into: UnsafeMutableRawBufferPointer(start: into + done, count: count - done))
            } catch {
                throw (error as? Errno) ?? .ioError
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Whether two steps are the same value (`0.01` and `0.010`).
    static func sameValue(_ a: DecimalStep, _ b: DecimalStep) -> Bool {
        func reduced(_ s: DecimalStep) -> (Int64, Int8) {
            var (u, k) = (s.units, s.scale)
            while k > 0 && u % 10 == 0 {
                u /= 10
                k -= 1
            }
            return (u, k)
        }
        return reduced(a) == reduced(b)
    }

    /// Writes `event` as one record at `p` (48 bytes).
    @inline(__always)
    static func encode(_ event: MarketEvent, into p: UnsafeMutableRawPointer) {
        var kind = Kind.quote
        var flags: UInt8 = 0
        var fields: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
        switch event {
        case let .quote(_, bid, bidSize, ask, askSize):
            flags = (bid == nil ? 0 : 1) | (ask == nil ? 0 : 2)
            fields = (bid ?? 0, bid == nil ? 0 : bidSize, ask ?? 0, ask == nil ? 0 : askSize)
        case let .trade(_, price, size, aggressor):
            kind = .trade
            flags = aggressor.map { $0 == .buy ? 1 : 2 } ?? 0
            fields = (price, size, 0, 0)
        case let .depth(_, side, price, size):
            kind = .depth
            flags = side == .buy ? 1 : 2
            fields = (price, size, 0, 0)
        case .clear:
            kind = .clear
        }
        p.storeBytes(of: UInt64(kind.rawValue) | UInt64(flags) << 8, as: UInt64.self)
        p.storeBytes(of: event.time.littleEndian, toByteOffset: 8, as: Int64.self)
        p.storeBytes(of: fields.0.littleEndian, toByteOffset: 16, as: Int64.self)
        p.storeBytes(of: fields.1.littleEndian, toByteOffset: 24, as: Int64.self)
        p.storeBytes(of: fields.2.littleEndian, toByteOffset: 32, as: Int64.self)
        p.storeBytes(of: fields.3.littleEndian, toByteOffset: 40, as: Int64.self)
    }

    /// The event of the record at `p`, or why the record is bad.
    @inline(__always)
    static func decode(_ p: UnsafeRawPointer) -> Result<MarketEvent, BadRecord> {
        let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        let kind = UInt8(truncatingIfNeeded: word)
        let flags = UInt8(truncatingIfNeeded: word >> 8)
        let time = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: Int64.self))
        let a = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: Int64.self))
        let b = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: Int64.self))
        let c = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: Int64.self))
        let d = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
        guard word >> 16 == 0 else { return .failure(BadRecord("reserved bytes are not zero")) }
        switch Kind(rawValue: kind) {
        case .quote:
            guard flags <= 3 else { return .failure(BadRecord("quote flags \(flags)")) }
            let bid: Int64? = flags & 1 != 0 ? a : nil
            let ask: Int64? = flags & 2 != 0 ? c : nil
            guard (bid ?? 1) > 0, (ask ?? 1) > 0, b >= 0, d >= 0, (flags & 1 != 0 || a == 0 && b == 0), (flags & 2 != 0 || c == 0 && d == 0)
            else { return .failure(BadRecord("quote with a price not above 0, a negative size, or a size for an empty side")) }
            if let bid, let ask, bid >= ask { return .failure(BadRecord("crossed quote: bid \(bid) ticks is not below ask \(ask) ticks")) }
            return .success(.quote(time: time, bid: bid, bidSize: b, ask: ask, askSize: d))
        case .trade:
            guard flags <= 2, a > 0, b > 0, c == 0, d == 0 else {
                return .failure(BadRecord("trade with aggressor \(flags), price \(a) ticks, size \(b) lots"))
            }
            return .success(.trade(time: time, price: a, size: b, aggressor: flags == 0 ? nil : flags == 1 ? .buy : .sell))
        case .depth:
            guard flags == 1 || flags == 2, a > 0, b >= 0, c == 0, d == 0 else {
                return .failure(BadRecord("depth with side \(flags), price \(a) ticks, size \(b) lots"))
            }
            return .success(.depth(time: time, side: flags == 1 ? .buy : .sell, price: a, size: b))
        case .clear:
            guard flags == 0, a == 0, b == 0, c == 0, d == 0 else { return .failure(BadRecord("clear with values")) }
            return .success(.clear(time: time))
        case nil:
            return .failure(BadRecord("unknown kind \(kind)"))
        }
    }
}

/// Writes market events to an event file (``EventFile``). The events go to `PATH.partial` and
/// the file takes its name at ``finish()``, so a conversion that stops half way leaves no file
/// that looks whole.
public final class EventFileWriter {
    public let path: String
    public let instrument: Instrument
    public private(set) var events = 0
    private let partialPath: String
    private var fd: Int32
    private let buffer: UnsafeMutableRawPointer
    private let capacity = 4096 * EventFile.recordSize
    private var used = 0

    /// Creates (or replaces, at ``finish()``) the file at `path` for events of `instrument`.
    /// Throws a ``MarketDataError`` naming the path when it cannot be written.
    public init(path: String, instrument: Instrument) throws(MarketDataError) {
        guard let header = EventFile.header(instrument) else {
            throw MarketDataError(.wrongInstrument, path: path, line: 0,
                                  reason: "the symbol \(instrument.symbol) is longer than \(EventFile.maxSymbolLength) bytes")
        }
        self.path = path
        self.instrument = instrument
        partialPath = path + ".partial"
        fd = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MarketDataError(.cannotOpen, path: partialPath, line: 0, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        buffer = .allocate(byteCount: capacity, alignment: 8)
        header.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: EventFile.headerSize) }
        used = EventFile.headerSize
    }

    deinit {
        if fd >= 0 {
            _ = close(fd)
            _ = unlink(partialPath)
        }
        buffer.deallocate()
    }

    /// Appends one event.
    public func write(_ event: MarketEvent) throws(MarketDataError) {
        if used + EventFile.recordSize > capacity { try flush() }
        EventFile.encode(event, into: buffer + used)
        used += EventFile.recordSize
        events += 1
    }

    /// Writes what is buffered, closes the file and gives it its name.
    public func finish() throws(MarketDataError) {
        try flush()
        let closed = close(fd)
        fd = -1
        guard closed == 0 else { try fail("cannot close") }
        guard rename(partialPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = unlink(partialPath)
            throw MarketDataError(.cannotWrite, path: path, line: 0, reason: "cannot rename \(partialPath): \(reason)")
        }
    }

    private func flush() throws(MarketDataError) {
        do {
            try FileDescriptor(rawValue: fd).writeAll(UnsafeRawBufferPointer(start: buffer, count: used))
        } catch {
            try fail("cannot write", "\(error)")
        }
        used = 0
    }

    /// Fails with `what` and `reason` (by default the system's reason for the last call).
    private func fail(_ what: String, _ reason: String = String(cString: strerror(errno))) throws(MarketDataError) -> Never {
        if fd >= 0 { _ = close(fd) }
        fd = -1
        _ = unlink(partialPath)
        throw MarketDataError(.cannotWrite, path: partialPath, line: 0, reason: "\(what): \(reason)")
    }
}

/// Reads an event file (``EventFile``) in constant memory: the records are read in chunks and
/// decoded in place. The instrument must be the one the file was written for: the ticks and
/// lots mean nothing in another.
///
/// A bad record (an unknown kind, a value out of range, a crossed quote, a file cut in the middle
/// of a record) throws a ``MarketDataError`` whose reason names the record (1-based; its line
/// is 0, the file has no lines), or with `skipBad` is skipped and counted in ``skipped``.
public struct EventFileSource: MarketDataSource {
    public let instrument: Instrument
    public var skipped: Int { reader.skipped }
    public var bytesRead: Int64 { reader.bytesRead }
    private let reader: Reader

    public init(path: String, instrument: Instrument, skipBad: Bool = false) throws(MarketDataError) {
        reader = try Reader(path: path, skipBad: skipBad)
        let recorded = reader.instrument
        guard EventFile.sameValue(recorded.tickSize, instrument.tickSize), EventFile.sameValue(recorded.lotSize, instrument.lotSize) else {
            throw MarketDataError(.wrongInstrument, path: path, line: 0, reason: "written for \(recorded.symbol) in ticks of \(recorded.tickSize) and lots of \(recorded.lotSize), "
                                  + "not ticks of \(instrument.tickSize) and lots of \(instrument.lotSize)")
        }
        self.instrument = instrument
    }

    /// Opens `path` for the instrument its header names.
    public init(path: String, skipBad: Bool = false) throws(MarketDataError) {
        reader = try Reader(path: path, skipBad: skipBad)
        instrument = reader.instrument
    }

    @inline(__always)
    public mutating func next() throws(MarketDataError) -> MarketEvent? {
        try reader.next()
    }

    /// The open file and its buffer, shared by a source's copies.
    final class Reader {
        let path: String
        let instrument: Instrument
        let skipBad: Bool
        private(set) var skipped = 0
        private let fd: Int32
        /// Bytes of the file read so far.
        var bytesRead: Int64 { max(0, Int64(lseek(fd, 0, SEEK_CUR))) }
        private let buffer: UnsafeMutableRawPointer
        private let capacity = 4096 * EventFile.recordSize
        /// Unread bytes are `buffer[start..<end]`.
        private var start = 0
        private var end = 0
        private var atEnd = false
        /// Records handed out or skipped so far.
        private var record = 0
        private var failure: MarketDataError?

        init(path: String, skipBad: Bool) throws(MarketDataError) {
            self.path = path
            self.skipBad = skipBad
            fd = try LineReader.openFile(path)
            buffer = .allocate(byteCount: capacity, alignment: 8)
            do {
                instrument = try EventFile.readHeader(fd, path: path, into: buffer)
            } catch {
                _ = close(fd)
                buffer.deallocate()
                throw error
            }
        }

        deinit {
            _ = close(fd)
            buffer.deallocate()
        }

        @inline(__always)
        func next() throws(MarketDataError) -> MarketEvent? {
            while true {
                if end - start < EventFile.recordSize {
                    guard try refill() else { return nil }
                }
                let p = UnsafeRawPointer(buffer + start)
                start += EventFile.recordSize
                record += 1
                switch EventFile.decode(p) {
                case .success(let event): return event
                case .failure(let bad): try reject(bad)
                }
            }
        }

        private func reject(_ bad: BadRecord) throws(MarketDataError) {
            guard skipBad else { throw MarketDataError(.badRecord, path: path, line: 0, reason: "record \(record): \(bad.reason)") }
            skipped += 1
        }

        /// Reads the next chunk after what is left; false at the end of the file. A file that
        /// ends inside a record throws (or counts one bad record) once.
        private func refill() throws(MarketDataError) -> Bool {
            if let failure { throw failure }
            let left = end - start
            if atEnd {
                guard left > 0 else { return false }
                start = end
                record += 1
                try reject(BadRecord("the file ends \(left) bytes into the record (cut short?)"))
                return false
            }
            if left > 0 { buffer.copyMemory(from: buffer + start, byteCount: left) }
            start = 0
            end = left
            let n: Int
            do {
                n = try EventFile.readFully(fd, buffer + end, capacity - end)
            } catch {
                let failed = MarketDataError(.cannotRead, path: path, line: 0, reason: "cannot read: \(error)")
                failure = failed
                throw failed
            }
            end += n
            // readFully stops short only at the end of the file.
            if n < capacity - left { atEnd = true }
            if end - start >= EventFile.recordSize { return true }
            return try refill()
        }
    }
}
