// Fuzz target `frame`: arbitrary bytes through the framer, the parser, the validator (the
// built-in FIX 4.4 dictionary), the typed field readers and `mm decode`'s input reader and
// formatter.
//
// Each input is used five ways:
//  1. as a byte stream, given to a FIXFramer in one piece; every framed message is parsed,
//     validated (strict and lenient settings), read field by field and group by group, and
//     formatted as `mm decode` prints it;
//  2. as the same stream cut into pieces of varying size: the framer must return the same
//     messages (it is documented to accept bytes split anywhere);
//  3. through a framer with a small message size limit;
//  4. as text for FIXInputReader (the reader of `mm decode`), fed in pieces (and, for one input
//     in 32, repeated past 64 KiB);
//  5. as one message: parsed as it is, and framed again with BodyLength and CheckSum computed
//     (so the mutations that break the checksum still reach the parser and the validator).
//
// Properties checked besides traps: the framer accounts for every byte, gives the same messages
// however the stream is split, keeps to its size limit; the reader's garbled runs lie inside
// the input; a validator that remembers message shapes answers as a fresh one does; a framed
// message that reads as the typed message of its MsgType (NewOrderSingle, ExecutionReport,
// the market data messages, ...) reads the same once written back by the encoder.
import FIX
import Foundation

final class FrameTarget {
    let dictionary: DataDictionary
    let strict: FIXValidator
    let lenient: FIXValidator
    let formatter: FIXMessageFormatter
    var message = FIXMessage()

    init() {
        dictionary = loadDictionary()
        strict = FIXValidator(dictionary: dictionary)
        lenient = FIXValidator(dictionary: dictionary, settings: ValidationSettings(
            checkFieldsOutOfOrder: false, checkFieldsHaveValues: false, checkUserDefinedFields: false))
        formatter = FIXMessageFormatter(dictionary: dictionary)
    }

    func run(_ input: UnsafeRawBufferPointer) {
        // 1. One piece.
        var whole = FIXFramer()
        whole.append(input)
        var messages: [[UInt8]] = []
        var consumed = 0
        while let event = whole.finish() {
            switch event {
            case .message(let slice):
                messages.append(Array(slice))
                consumed += slice.count
            case .garbled(let g):
                guard g.length > 0 else { propertyFailed("framer reported an empty garbled run") }
                _ = g.description
                consumed += g.length
            }
        }
        if consumed != input.count { propertyFailed("framer accounted for \(consumed) of \(input.count) bytes") }
        for m in messages { examine(m) }

        // 2. Pieces: sizes from the input's own bytes, so they vary from input to input.
        var split = FIXFramer()
        var splitMessages: [[UInt8]] = []
        var offset = 0
        var k = 0
        func drain(_ event: FIXFramer.Event) {
            if case .message(let slice) = event { splitMessages.append(Array(slice)) }
        }
        while offset < input.count {
            let size = 1 + Int(input[(k * 7) % input.count] % 23)
            let end = min(input.count, offset + size)
            split.append(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
            while let e = split.next() { drain(e) }
            offset = end
            k += 1
        }
        while let e = split.finish() { drain(e) }
        if splitMessages != messages {
            propertyFailed("framer output depends on how the stream is split: \(messages.count) messages whole, \(splitMessages.count) in pieces")
        }

        // 3. A small size limit.
        var small = FIXFramer(maxMessageSize: 32 + Int(input.first ?? 0))
        small.append(input)
        while let e = small.finish() {
            if case .message(let slice) = e, slice.count > small.maxMessageSize {
                propertyFailed("framer returned a message of \(slice.count) bytes over its limit \(small.maxMessageSize)")
            }
        }

        // 4. `mm decode`'s reader, fed in pieces.
        var reader = FIXInputReader(maxMessageSize: 64 * 1024)
        var readerItems: [FIXInputReader.Item] = []
        offset = 0
        k = 0
        while offset < input.count {
            let size = 1 + Int(input[(k * 13 + 5) % input.count] % 61)
            let end = min(input.count, offset + size)
            reader.read(UnsafeRawBufferPointer(rebasing: input[offset..<end])) { readerItems.append($0) }
            offset = end
            k += 1
        }
        reader.finish { readerItems.append($0) }
        for item in readerItems {
            switch item {
            case let .message(bytes, line):
                if line < 1 { propertyFailed("reader gave line \(line)") }
                decodeLikeMM(bytes)
            case let .garbled(offset, line, reason, length):
                if offset < 0 || offset > input.count || line < 1 || length <= 0 {
                    propertyFailed("reader gave a garbled run at offset \(offset), line \(line), length \(length)")
                }
                _ = formatter.garbledText(offset: offset, line: line, reason: reason, length: length)
                _ = formatter.garbledJSON(offset: offset, line: line, reason: reason, length: length)
            }
        }

        // 4b. One input in 32 (by its first byte), the reader again on the input repeated past
        // 64 KiB, where it passes a long line with SOH to the framer before the line ends and
        // the framer drops consumed bytes in large steps (inputs are shorter than that).
        if let first = input.first, first & 0x1F == 0x1F {
            var long = FIXInputReader(maxMessageSize: 64 * 1024)
            var total = 0
            var found = 0
            while total < 66_000 {
                long.read(input) { if case .message = $0 { found += 1 } }
                total += input.count
            }
            long.finish { if case .message = $0 { found += 1 } }
            _ = found
        }

        // 5. The input as one message: as it is, then framed again.
        if let parsed = try? FIXMessage(bytes: input) {
            var m = parsed
            _ = strict.validate(&m)
            readFields(m)
        }
        let reframed = reframe(input)
        if isOneFramedMessage(reframed) { examine(reframed) }
    }

    /// A framed message: parsed into the kept message (as a session does), validated both ways,
    /// read, and formatted.
    func examine(_ bytes: [UInt8]) {
        do {
            try message.parse(bytes[...])
        } catch {
            _ = error.description
            return
        }
        let reject = strict.validate(&message)
        if let reject { _ = reject.text }
        readFields(message)
        _ = formatter.text(message, validated: true, reject: reject, title: "#1")
        _ = formatter.json(message, validated: true, reject: reject)
        var again = message
        _ = lenient.validate(&again)
        readFields(again)
        // Once more with the same validator, which now may take the known-shape path (a message
        // with the tags of one found valid before gets only its values checked): the answer
        // must be the one of a full validation by a validator that has seen nothing.
        let cached = strict.validate(&message)
        var fresh = message
        let full = dictionary.validate(&fresh)
        if cached?.reason != full?.reason || cached?.refTagID != full?.refTagID || cached?.refMsgType != full?.refMsgType {
            propertyFailed("validation differs with the shape cache: \(cached.map { "\($0)" } ?? "valid") against \(full.map { "\($0)" } ?? "valid") for \(message.text())")
        }
        _ = reject
        roundTripTyped(message)
    }

    /// The typed message of the MsgType, when the message reads as one: written back with an
    /// encoder, parsed, and read again, it must be equal.
    func roundTripTyped(_ m: FIXMessage) {
        _ = FIXHeader(m)
        switch m.msgType {
        case "0": roundTrip(Heartbeat.self, m)
        case "1": roundTrip(TestRequest.self, m)
        case "2": roundTrip(ResendRequest.self, m)
        case "3": roundTrip(Reject.self, m)
        case "4": roundTrip(SequenceReset.self, m)
        case "5": roundTrip(Logout.self, m)
        case "A": roundTrip(Logon.self, m)
        case "D": roundTrip(NewOrderSingle.self, m)
        case "8": roundTrip(ExecutionReport.self, m)
        case "9": roundTrip(OrderCancelReject.self, m)
        case "F": roundTrip(OrderCancelRequest.self, m)
        case "G": roundTrip(OrderCancelReplaceRequest.self, m)
        case "V": roundTrip(MarketDataRequest.self, m)
        case "W": roundTrip(MarketDataSnapshotFullRefresh.self, m)
        case "X": roundTrip(MarketDataIncrementalRefresh.self, m)
        case "Y": roundTrip(MarketDataRequestReject.self, m)
        case "j": roundTrip(BusinessMessageReject.self, m)
        case "H": roundTrip(OrderStatusRequest.self, m)
        case "AF": roundTrip(OrderMassStatusRequest.self, m)
        case "q": roundTrip(OrderMassCancelRequest.self, m)
        case "r": roundTrip(OrderMassCancelReport.self, m)
        case "AN": roundTrip(RequestForPositions.self, m)
        case "AO": roundTrip(RequestForPositionsAck.self, m)
        case "AP": roundTrip(PositionReport.self, m)
        default: break
        }
    }

    let encoder = FIXEncoder()
    let header = FIXHeader(senderCompID: "S", targetCompID: "T", msgSeqNum: 1,
                           sendingTime: UTCTimestamp(nanosecondsSinceEpoch: 1_723_118_400_000_000_000))

    func roundTrip<T: FIXMessageBody & Equatable>(_ type: T.Type, _ m: FIXMessage) {
        let body: T
        do {
            body = try T(m)
        } catch {
            _ = error.description
            return
        }
        let bytes = Array(body.encode(header: header, into: encoder))
        if !isOneFramedMessage(bytes) {
            propertyFailed("\(T.self) written back is not one framed message: \(String(decoding: bytes, as: UTF8.self))")
        }
        let again: T
        do {
            again = try T(try FIXMessage(bytes: bytes))
        } catch {
            propertyFailed("\(T.self) written back does not read again (\(error)): \(m.text()) -> \(String(decoding: bytes.map { $0 == 1 ? 124 : $0 }, as: UTF8.self))")
        }
        if again != body {
            propertyFailed("\(T.self) reads differently once written back: \(m.text()) -> \(String(decoding: bytes.map { $0 == 1 ? 124 : $0 }, as: UTF8.self))")
        }
    }

    /// What `mm decode` does with a message the reader found.
    func decodeLikeMM(_ bytes: [UInt8]) {
        guard var m = try? FIXMessage(bytes: bytes) else { return }
        let reject = strict.validate(&m)
        _ = formatter.text(m, validated: true, reject: reject, title: "#1 line 1:")
        _ = formatter.json(m, validated: true, reject: reject)
    }

    /// Reads every field with every typed reader, and the repeating groups the validation found
    /// (a bounded number of fields, to keep each run short).
    func readFields(_ m: FIXMessage) {
        _ = m.msgType
        _ = m.beginString
        _ = m.msgSeqNum
        _ = m.text()
        var looked = 0
        for field in m.fields where field.depth == 0 {
            looked += 1
            if looked > 48 { break }
            let tag = Int(field.tag)
            _ = m.string(tag)
            _ = m.int(tag)
            _ = m.decimal(tag)?.description
            _ = m.timestamp(tag)?.description
            _ = m.bool(tag)
            _ = m.char(tag)
            readGroup(m.group(tag), level: 0)
        }
    }

    func readGroup(_ group: FIXGroup, level: Int) {
        guard level < 4 else { return }
        _ = group.declaredCount
        for instance in group.prefix(16) {
            for i in instance.fieldRange.prefix(32) {
                let tag = Int(instance.message.fields[i].tag)
                _ = instance.string(tag)
                _ = instance.decimal(tag)
                readGroup(instance.group(tag), level: level + 1)
            }
        }
    }

    /// The input as a message with BodyLength and CheckSum computed: a leading `8=...` keeps
    /// its BeginString (FIX.4.4 otherwise) and a following `9=...` is dropped; a trailing
    /// `10=...` is dropped.
    func reframe(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = Array(input)
        var beginString = Array("FIX.4.4".utf8)
        if bytes.starts(with: [56, 61]), let soh = bytes.firstIndex(of: 1) {
            beginString = Array(bytes[2..<soh])
            bytes.removeSubrange(0...soh)
            if bytes.starts(with: [57, 61]), let soh = bytes.firstIndex(of: 1) { bytes.removeSubrange(0...soh) }
        }
        // The last field, when it is a CheckSum.
        if bytes.last == 1 {
            var start = bytes.count - 1
            while start > 0 && bytes[start - 1] != 1 { start -= 1 }
            if bytes[start...].starts(with: [49, 48, 61]) { bytes.removeSubrange(start...) }
        }
        return framedMessage(beginString: beginString, body: bytes)
    }
}

nonisolated(unsafe) private var target: FrameTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if target == nil { target = FrameTarget() }
    target!.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
