import Testing
@testable import Gzip

/// gzip written by ``GzipDeflater`` and read back by ``GzipInflater``: whole members, members
/// cut short (a writer killed) with another after them, and bytes inside a member that look
/// like a gzip header.
@Suite struct GzipTests {
    /// Log-like lines, `count` of them.
    static func lines(_ count: Int, tag: String = "a") -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<count {
            out += Array("20240808-09:30:00.\(100_000 + i) : 8=FIX.4.4|9=99|35=8|34=\(i)|49=EXCH|56=\(tag)|11=Q\(i * 7 % 1000)|10=123|\n".utf8)
        }
        return out
    }

    /// Bytes no compressor can shrink (deflate stores them as they are), with the header of a
    /// gzip file (as `gzip` writes them, with a time) planted every 1000 bytes.
    static func incompressible(_ count: Int) -> [UInt8] {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        var out: [UInt8] = []
        for i in 0..<count {
            if i % 1000 == 0 {
                out += [0x1F, 0x8B, 0x08, 0x00, UInt8(truncatingIfNeeded: x), UInt8(truncatingIfNeeded: x >> 8), UInt8(i / 1000 % 256), 0x66, 0x00, 0x03]
                continue
            }
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            out.append(UInt8(truncatingIfNeeded: x))
        }
        return out
    }

    /// `data` compressed as one member: in pieces of `piece` bytes, each with `flush`, then finished
    /// (or not, when `finish` is false).
    static func member(_ data: [UInt8], piece: Int = 4096, flush: GzipDeflater.Flush = .none, finish: Bool = true,
                       level: Int32 = 6) throws -> [UInt8] {
        let deflater = try GzipDeflater(level: level)
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let j = min(i + piece, data.count)
            deflater.compress(data[i..<j], flush: flush, into: &out)
            i = j
        }
        if finish { deflater.compress([UInt8](), flush: .finish, into: &out) }
        return out
    }

    /// Everything `gz` inflates to, read through a source giving `chunk` bytes at a time.
    static func inflate(_ gz: [UInt8], tolerant: Bool, chunk: Int = 1000) throws -> (data: [UInt8], cuts: Int) {
        let inflater = try GzipInflater(chunkSize: 256, tolerant: tolerant)
        var offset = 0
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 3000)
        while true {
            let n = try buffer.withUnsafeMutableBufferPointer { b in
                try inflater.read(into: b.baseAddress!, capacity: b.count) { (p, max) throws(GzipError) in
                    let n = min(max, chunk, gz.count - offset)
                    for k in 0..<n { p[k] = gz[offset + k] }
                    offset += n
                    return n
                }
            }
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return (out, inflater.cuts)
    }

    @Test(arguments: [GzipDeflater.Flush.none, .sync])
    func membersReadBackWhole(flush: GzipDeflater.Flush) throws {
        let a = Self.lines(3000), b = Self.lines(500, tag: "b")
        let gz = try Self.member(a, piece: 777, flush: flush) + Self.member(b, flush: flush)
        #expect(GzipInflater.isGzip(gz))
        for tolerant in [false, true] {
            let (data, cuts) = try Self.inflate(gz, tolerant: tolerant)
            let whole = data == a + b
            #expect(whole)
            #expect(cuts == 0)
        }
    }

    @Test func aMemberCutAfterASyncFlushLosesNothingFlushed() throws {
        let a = Self.lines(2000), b = Self.lines(300, tag: "b")
        // The writer flushed each piece, then was killed: no trailer. The next run appended a member.
        let gz = try Self.member(a, piece: 500, flush: .sync, finish: false) + Self.member(b)
        let (data, cuts) = try Self.inflate(gz, tolerant: true)
        let whole = data == a + b
        #expect(whole)
        #expect(cuts == 1)
        #expect(throws: GzipError.self) { _ = try Self.inflate(gz, tolerant: false) }
        // Cut at the end of the file, nothing after it.
        let alone = try Self.inflate(try Self.member(a, piece: 500, flush: .sync, finish: false), tolerant: true)
        let same = alone.data == a
        #expect(same && alone.cuts == 1)
    }

    @Test func aMemberCutInsideABlockGivesAPrefixThenTheNextMember() throws {
        let a = Self.lines(4000), b = Self.lines(300, tag: "b")
        let whole = try Self.member(a)
        let next = try Self.member(b)
        for cut in stride(from: 20, to: whole.count - 20, by: max(1, whole.count / 37)) {
            let (data, cuts) = try Self.inflate(Array(whole[0..<cut]) + next, tolerant: true)
            #expect(cuts == 1, "cut at \(cut)")
            let endsWithNext = data.count >= b.count && Array(data.suffix(b.count)) == b
            let startsWithPrefix = a.starts(with: data.dropLast(b.count))
            #expect(endsWithNext, "cut at \(cut)")
            #expect(startsWithPrefix, "cut at \(cut)")
        }
    }

    @Test func headerBytesInsideAMemberAreNotAMember() throws {
        let a = Self.incompressible(200_000)
        let gz = try Self.member(a, piece: 10_000, level: 1)
        // The stored blocks carry the planted header bytes as they are.
        var planted = 0
        for i in 0..<(gz.count - 3) where gz[i] == 0x1F && gz[i + 1] == 0x8B && gz[i + 2] == 8 { planted += 1 }
        #expect(planted > 100)
        let (data, cuts) = try Self.inflate(gz + (try Self.member(Self.lines(10))), tolerant: true)
        let whole = data == a + Self.lines(10)
        #expect(whole)
        #expect(cuts == 0)
    }

    @Test func damageSkipsToTheNextMember() throws {
        let a = Self.lines(1000), b = Self.lines(100, tag: "b")
        var first = try Self.member(a, piece: 300, flush: .sync)
        for i in stride(from: first.count / 2, to: first.count / 2 + 40, by: 1) { first[i] ^= 0x5A }
        let (data, cuts) = try Self.inflate(first + (try Self.member(b)), tolerant: true)
        #expect(cuts >= 1)
        let endsWithNext = Array(data.suffix(b.count)) == b
        #expect(endsWithNext)
        #expect(throws: GzipError.self) { _ = try Self.inflate(first, tolerant: false) }
    }
}

