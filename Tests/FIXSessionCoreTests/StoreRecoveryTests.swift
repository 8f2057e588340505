import Foundation
import Testing
import FIX
import Gzip
@testable import FIXSessionCore

extension StoreTests {
    /// A file store opened on files cut short (as a crash leaves them) or damaged.
    @Suite struct Recovery {
        /// A store's files after `setNextTargetMsgSeqNum(5)` and messages 1...n of the given
        /// lengths, with the offsets where its records end.
        struct Reference {
            var body: [UInt8]
            var seqNums: [UInt8]
            /// `ends[0]`: the end of the header; `ends[k]`: the end of message k.
            var ends: [Int]
            var messages: [[UInt8]]
        }

        static let lengths = [60, 0, 130, 1, 200, 90]

        static func makeReference(lengths: [Int] = lengths) throws -> Reference {
            let tmp = TempDirectory()
            let store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            try store.setNextTargetMsgSeqNum(5)
            var messages: [[UInt8]] = []
            for (i, n) in lengths.enumerated() {
                messages.append(StoreTests.message(i + 1, length: n))
                try store.storeSent(seqNum: i + 1, message: messages[i])
            }
            try store.close()
            let header = 17 + 25 + StoreTests.session.description.utf8.count
            var ends = [header]
            for n in lengths { ends.append(ends.last! + 17 + n) }
            return Reference(body: try read(store.bodyPath), seqNums: try read(store.seqNumsPath),
                             ends: ends, messages: messages)
        }

        static func read(_ path: String) throws -> [UInt8] {
            Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }

        static func write(_ bytes: [UInt8], _ path: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        static func bodyPath(_ dir: TempDirectory) -> String { dir.path + "/" + StoreTests.session.fileName + ".body" }
        static func seqNumsPath(_ dir: TempDirectory) -> String { dir.path + "/" + StoreTests.session.fileName + ".seqnums" }

        /// Writes the files into `dir` and opens a store on them.
        static func open(body: [UInt8], seqNums: [UInt8], in dir: TempDirectory) throws -> FileStore {
            try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
            try write(body, bodyPath(dir))
            try write(seqNums, seqNumsPath(dir))
            return try FileStore(directory: dir.path, sessionID: StoreTests.session, now: StoreTests.t1)
        }

        /// Expects `store` to hold exactly the reference's first `k` messages, and its body to
        /// end where the k-th record ends.
        static func expectHolds(_ store: FileStore, first k: Int, of ref: Reference, torn: Int,
                                context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(store.nextSenderMsgSeqNum == k + 1, "\(context)", sourceLocation: sourceLocation)
            #expect(store.nextTargetMsgSeqNum == 5, "\(context)", sourceLocation: sourceLocation)
            #expect(store.creationTime == StoreTests.t0, "\(context)", sourceLocation: sourceLocation)
            #expect(store.creationTime.fractionDigits == 9, "\(context)", sourceLocation: sourceLocation)
            #expect(store.recoveredTornBytes == torn, "\(context)", sourceLocation: sourceLocation)
            let got = try StoreTests.all(store)
            #expect(got.map(\.seqNum) == Array(stride(from: 1, through: k, by: 1)), "\(context)",
                    sourceLocation: sourceLocation)
            #expect(got.map(\.message) == Array(ref.messages.prefix(k)), "\(context)", sourceLocation: sourceLocation)
            #expect(store.bodyLength == Int64(ref.ends[k]), "\(context)", sourceLocation: sourceLocation)
            let size = try FileManager.default.attributesOfItem(atPath: store.bodyPath)[.size] as? Int
            #expect(size == ref.ends[k], "\(context)", sourceLocation: sourceLocation)
        }

        @Test func theReferenceFilesHaveTheDocumentedLayout() throws {
            let ref = try Self.makeReference()
            #expect(ref.body.count == ref.ends.last!)
            #expect(ref.body[0] == 0xF1)
            #expect(Array(ref.body[17..<25]) == Array("FIXSTORE".utf8))
            for k in 1...Self.lengths.count {
                let at = ref.ends[k - 1]
                #expect(ref.body[at] == 0xF2)
                let seq = ref.body[(at + 1)..<(at + 9)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let len = ref.body[(at + 9)..<(at + 13)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let crc = ref.body[(at + 13)..<(at + 17)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                #expect(seq == k && len == Self.lengths[k - 1])
                #expect(crc == CRC32.checksum(Array(ref.body[at..<(at + 13)]) + ref.messages[k - 1]))
                #expect(Array(ref.body[(at + 17)..<ref.ends[k]]) == ref.messages[k - 1])
            }
        }

        /// Cut inside the last record at every byte, at every record boundary, and at a few
        /// places inside earlier records: the store holds exactly the records before the cut.
        @Test func aTornTailIsDropped() throws {
            let ref = try Self.makeReference()
            let last = ref.ends.count - 1
            var cuts = Array(ref.ends[last - 1]..<ref.ends[last])  // inside the last record
            cuts += ref.ends  // clean boundaries
            for k in 1..<last {
                let start = ref.ends[k - 1]
                cuts += [start + 1, start + 8, start + 16, start + 17, (start + ref.ends[k]) / 2]
                    .filter { $0 < ref.ends[k] }
            }
            let dir = TempDirectory()
            for cut in Set(cuts).sorted() {
                let store = try Self.open(body: Array(ref.body[..<cut]), seqNums: ref.seqNums, in: dir)
                let k = ref.ends.lastIndex { $0 <= cut }!
                try Self.expectHolds(store, first: k, of: ref, torn: cut - ref.ends[k], context: "cut at \(cut)")
                try store.close()
                // Reopening finds nothing more to drop.
                let again = try FileStore(directory: dir.path, sessionID: StoreTests.session, now: StoreTests.t2)
                try Self.expectHolds(again, first: k, of: ref, torn: 0, context: "reopened after cut at \(cut)")
                try again.close()
            }
        }

        /// A store continues after a torn tail: the next message goes where the torn one began.
        @Test func writingGoesOnAfterATornTail() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            let cut = ref.ends[3] + 40  // inside message 4... which is 1 byte long: inside message 5
            let k = ref.ends.lastIndex { $0 <= cut }!
            let store = try Self.open(body: Array(ref.body[..<cut]), seqNums: ref.seqNums, in: dir)
            #expect(store.recoveredTornBytes == cut - ref.ends[k])
            try store.storeSent(seqNum: k + 1, message: StoreTests.message(99))
            try store.setNextTargetMsgSeqNum(6)
            try store.close()
            let again = try FileStore(directory: dir.path, sessionID: StoreTests.session, now: StoreTests.t2)
            #expect(again.recoveredTornBytes == 0)
            #expect(again.nextSenderMsgSeqNum == k + 2)
            #expect(again.nextTargetMsgSeqNum == 6)
            #expect(try StoreTests.all(again).map(\.message) == Array(ref.messages.prefix(k)) + [StoreTests.message(99)])
            try again.close()
        }

        /// A body cut inside its header (a file that was never completely written) starts a
        /// new sequence; the slots, which name the old generation, no longer apply.
        @Test func aBodyCutInsideItsHeaderStartsAgain() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            for cut in [0, 1, 16, 17, 30, ref.ends[0] - 1] {
                let store = try Self.open(body: Array(ref.body[..<cut]), seqNums: ref.seqNums, in: dir)
                #expect(store.recoveredTornBytes == cut, "cut at \(cut)")
                #expect(store.nextSenderMsgSeqNum == 1 && store.nextTargetMsgSeqNum == 1, "cut at \(cut)")
                #expect(store.creationTime == StoreTests.t1, "cut at \(cut)")
                #expect(try StoreTests.all(store).isEmpty)
                try store.close()
            }
        }

        /// Zeros after the last record (a file extended but not written, as a power loss can
        /// leave it) are a torn tail too.
        @Test func zerosAfterTheLastRecordAreDropped() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            let store = try Self.open(body: ref.body + [UInt8](repeating: 0, count: 5000), seqNums: ref.seqNums, in: dir)
            try Self.expectHolds(store, first: Self.lengths.count, of: ref, torn: 5000, context: "zeros")
            try store.close()
        }

        /// Any byte of a record followed by good records, changed, is reported as corruption
        /// naming the record and its offset, never silently accepted or dropped.
        @Test func aDamagedMiddleRecordIsCorruption() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            // The header (record 0) and message 3 (record 3), every byte, two ways.
            for record in [0, 3] {
                let start = record == 0 ? 0 : ref.ends[record - 1]
                for at in start..<ref.ends[record] {
                    for flip: UInt8 in [0x01, 0x80] {
                        var body = ref.body
                        body[at] ^= flip
                        #expect("byte \(at) ^ \(flip)") {
                            _ = try Self.open(body: body, seqNums: ref.seqNums, in: dir)
                        } throws: { error in
                            guard let e = error as? StoreError else { return false }
                            return e.path == Self.bodyPath(dir)
                                && e.reason.hasPrefix("record \(record) at byte \(start) ")
                        }
                    }
                }
            }
            // Untouched by the failed opens.
            let store = try Self.open(body: ref.body, seqNums: ref.seqNums, in: dir)
            try Self.expectHolds(store, first: Self.lengths.count, of: ref, torn: 0, context: "intact")
            try store.close()
        }

        @Test func corruptionMessagesNameTheDefect() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            let at = ref.ends[2]  // record 3
            func reason(_ change: (inout [UInt8]) -> Void) throws -> String? {
                var body = ref.body
                change(&body)
                do {
                    _ = try Self.open(body: body, seqNums: ref.seqNums, in: dir)
                    return nil
                } catch let e as StoreError {
                    return e.reason
                }
            }
            #expect(try reason { $0[at + 20] ^= 1 } == "record 3 at byte \(at) has a bad checksum (a good record follows at byte \(ref.ends[3]))")
            #expect(try reason { $0[at] = 0x33 } == "record 3 at byte \(at) has an unknown kind 51 (a good record follows at byte \(ref.ends[3]))")
            #expect(try reason { $0[at + 12] = 0x7F }?.hasPrefix("record 3 at byte \(at) has a length (2130706562) running past the end of the file") == true)
        }

        /// A damaged LAST record cannot be told from a torn one: it is dropped.
        @Test func aDamagedLastRecordIsDroppedAsTorn() throws {
            let ref = try Self.makeReference()
            let dir = TempDirectory()
            var body = ref.body
            body[ref.ends.last! - 10] ^= 0x20
            let store = try Self.open(body: body, seqNums: ref.seqNums, in: dir)
            let k = Self.lengths.count - 1
            try Self.expectHolds(store, first: k, of: ref, torn: ref.ends.last! - ref.ends[k], context: "damaged last")
            try store.close()
        }

        /// A message damaged on disk after it was read at open is reported when read back.
        @Test func aMessageDamagedLaterIsReportedWhenRead() throws {
            let tmp = TempDirectory()
            let store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            for n in 1...3 { try store.storeSent(seqNum: n, message: StoreTests.message(n, length: 50)) }
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: store.bodyPath))
            let message2 = Int(store.bodyLength) - 2 * (17 + 50) + 17 + 5
            try handle.seek(toOffset: UInt64(message2))
            try handle.write(contentsOf: Data([0x00]))
            try handle.close()
            #expect(try StoreTests.seqNums(store, 1...1) == [1])
            #expect(try StoreTests.seqNums(store, 3...3) == [3])
            #expect {
                _ = try store.sentMessages(in: 1...3)
            } throws: { error in
                (error as? StoreError)?.reason.hasPrefix("message 2 at byte") == true
            }
            try store.close()
        }

        // MARK: - The seqnums file

        /// Each slot write torn at every byte: the value before it is read back.
        @Test func aTornSlotWriteKeepsThePreviousNumbers() throws {
            let tmp = TempDirectory()
            var store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            let path = store.seqNumsPath
            var files: [[UInt8]] = [try Self.read(path)]  // after each write
            for n in 2...4 {
                try store.setNextTargetMsgSeqNum(n)
                files.append(try Self.read(path))
            }
            try store.close()
            // Write w (1, 2, 3) put target w + 1 in slot w % 2 over the file before it.
            for w in 1...3 {
                let before = files[w - 1]
                let after = files[w]
                let slot = (w % 2) * 512
                for cut in slot..<(slot + 48) {
                    var torn = before + [UInt8](repeating: 0, count: max(0, after.count - before.count))
                    torn.replaceSubrange(slot..<cut, with: after[slot..<cut])
                    if w == 1 { torn = Array(torn.prefix(max(cut, before.count))) }  // the first write extends the file
                    try Self.write(torn, path)
                    store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
                    #expect(store.nextTargetMsgSeqNum == (cut == slot + 48 ? w + 1 : w), "write \(w) cut at \(cut)")
                    try store.close()
                }
            }
        }

        @Test func twoDamagedSlotsAreCorruption() throws {
            let tmp = TempDirectory()
            let store = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            try store.setNextTargetMsgSeqNum(2)
            try store.setNextTargetMsgSeqNum(3)
            try store.close()
            var bytes = try Self.read(store.seqNumsPath)
            bytes[10] ^= 1  // slot 0: the newer one
            try Self.write(bytes, store.seqNumsPath)
            let a = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            #expect(a.nextTargetMsgSeqNum == 2)
            try a.close()
            bytes[512 + 30] ^= 1
            try Self.write(bytes, store.seqNumsPath)
            #expect {
                _ = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            } throws: { error in
                (error as? StoreError)?.reason == "both sequence-number slots are corrupt"
            }
        }

        /// Without `always`, a power loss can keep a slot written after messages the body lost.
        /// The slot's numbers stand, and messages stored later advance the sender number again.
        @Test func aSlotNewerThanTheBodyStands() throws {
            let tmp = TempDirectory()
            let a = try FileStore(directory: tmp.path, sessionID: StoreTests.session, sync: .never, now: StoreTests.t0)
            for n in 1...3 { try a.storeSent(seqNum: n, message: StoreTests.message(n)) }
            try a.setNextTargetMsgSeqNum(7)
            try a.close()
            let body = try Self.read(a.bodyPath)
            let keep = 17 + 25 + StoreTests.session.description.utf8.count + 17 + StoreTests.message(1).count
            try Self.write(Array(body[..<keep]), a.bodyPath)  // messages 2 and 3 lost
            let b = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            #expect(b.nextSenderMsgSeqNum == 4 && b.nextTargetMsgSeqNum == 7 && b.recoveredTornBytes == 0)
            #expect(try StoreTests.seqNums(b, 1...10) == [1])
            try b.storeSent(seqNum: 9, message: StoreTests.message(9))
            try b.close()
            let c = try FileStore(directory: tmp.path, sessionID: StoreTests.session, now: StoreTests.t0)
            #expect(c.nextSenderMsgSeqNum == 10 && c.nextTargetMsgSeqNum == 7)
            #expect(try StoreTests.seqNums(c, 1...10) == [1, 9])
            try c.close()
        }
    }
}
