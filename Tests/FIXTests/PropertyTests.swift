import Market
import Foundation
import PropertyBased
import Testing
@testable import FIX
import FIXTestSupport

// MARK: - Random messages from the dictionary

/// A generated field value, kept typed so it is written with the encoder's typed appends and
/// can be compared with what the typed getters read back.
private enum GValue {
    case text(String)
    case bytes([UInt8])
    case int(Int)
    case decimal(FIXDecimal)
    case timestamp(UTCTimestamp, fractionDigits: Int8)
    case char(UInt8)
    case bool(Bool)
}

private struct GField {
    var tag: Int
    var value: GValue
    /// 0 at the top level, 1 in a group instance, 2 in a nested one.
    var depth: Int
}

private struct GMessage {
    var msgType: String
    var header: FIXHeader
    var fields: [GField]
}

/// Builds a message of a given type that the dictionary accepts: every required field, required
/// groups with 1-3 instances (delimiter and required fields), and some optional fields that are
/// neither groups nor members of one (a RawData-style length/data pair counts as one field).
private struct MessageGenerator {
    let dictionary: DataDictionary
    var rng: SplitMix64
    /// Chance that an optional field is written.
    var optionalRate = 0.2

    init(dictionary: DataDictionary, seed: UInt64) {
        self.dictionary = dictionary
        rng = SplitMix64(seed: seed)
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }

    mutating func message(type: String) -> GMessage {
        let definition = dictionary.message(type)!
        var fields: [GField] = []
        layout(definition.body, delimiter: nil, depth: 0, into: &fields)
        return GMessage(msgType: type, header: header(), fields: fields)
    }

    mutating func header() -> FIXHeader {
        FIXHeader(senderCompID: id(), targetCompID: id(), msgSeqNum: int(1...10_000_000), sendingTime: timestamp(),
                  possDupFlag: chance(0.3) ? chance(0.5) : nil, possResend: chance(0.3) ? chance(0.5) : nil,
                  senderSubID: chance(0.2) ? id() : nil, targetSubID: chance(0.2) ? id() : nil,
                  onBehalfOfCompID: chance(0.2) ? id() : nil, origSendingTime: chance(0.2) ? timestamp() : nil,
                  deliverToCompID: chance(0.2) ? id() : nil, lastMsgSeqNumProcessed: chance(0.2) ? int(1...1_000_000) : nil)
    }

    /// Tags of every group reachable from `layout` (their members, at any depth).
    func groupMembers(_ layout: FieldLayout) -> Set<Int> {
        var s = Set<Int>()
        for g in layout.groups.values {
            s.formUnion(g.layout.items.map(\.tag))
            s.formUnion(groupMembers(g.layout))
        }
        return s
    }

    mutating func layout(_ layout: FieldLayout, delimiter: Int?, depth: Int, into fields: inout [GField]) {
        let items = layout.items
        let members = groupMembers(layout)
        var k = 0
        while k < items.count {
            let item = items[k]
            k += 1
            if let group = layout.groups[item.tag] {
                if item.required {
                    let n = int(1...3)
                    fields.append(GField(tag: item.tag, value: .int(n), depth: depth))
                    for _ in 0..<n { self.layout(group.layout, delimiter: group.delimiterTag, depth: depth + 1, into: &fields) }
                }
                continue
            }
            guard let def = dictionary.field(item.tag) else { continue }
            let must = item.required || item.tag == delimiter
            let optional = !must && !members.contains(item.tag) && chance(optionalRate)
            // A length field followed by its data field: both or neither.
            if def.type == .length, k < items.count,
               FIXMessage.lengthTag(forDataTag: Int32(items[k].tag)) == Int32(item.tag) {
                let dataItem = items[k]
                k += 1
                if must || dataItem.required || optional {
                    let data = binary()
                    fields.append(GField(tag: item.tag, value: .int(data.count), depth: depth))
                    fields.append(GField(tag: dataItem.tag, value: .bytes(data), depth: depth))
                }
                continue
            }
            // Lone length and data fields only when required.
            if [.length, .data, .xmlData].contains(def.type) && !must { continue }
            if must || optional { fields.append(GField(tag: item.tag, value: value(def), depth: depth)) }
        }
    }

    static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    static let printable = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) } + ["é", "€"]

    mutating func id() -> String { String((0..<int(1...10)).map { _ in Self.letters.randomElement(using: &rng)! }) }

    mutating func text() -> String { String((0..<int(1...16)).map { _ in Self.printable.randomElement(using: &rng)! }) }

    /// Data: any bytes, SOH included.
    mutating func binary() -> [UInt8] {
        (0..<int(1...24)).map { _ in chance(0.2) ? 1 : UInt8.random(in: 0...255, using: &rng) }
    }

    static let earliest = UTCTimestamp(year: 1678, month: 1, day: 1)!.nanosecondsSinceEpoch
    static let latest = UTCTimestamp(year: 2261, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanosecond: 999_999_999)!
        .nanosecondsSinceEpoch

    /// Anywhere UTCTimestamp can hold (UTCTimestamp.representableYears), mostly near now.
    mutating func timestamp() -> UTCTimestamp {
        let range = chance(0.8) ? 1_600_000_000_000_000_000...1_900_000_000_000_000_000 : Self.earliest...Self.latest
        return UTCTimestamp(nanosecondsSinceEpoch: Int64.random(in: range, using: &rng),
                            fractionDigits: [0, 3, 6, 9].randomElement(using: &rng)!)
    }

    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    mutating func date() -> String {
        let y = int(1900...2100), m = int(1...12)
        return "\(y)\(two(m))\(two(int(1...CivilDate.daysIn(month: m, year: y))))"
    }

    mutating func time() -> String { "\(two(int(0...23))):\(two(int(0...59))):\(two(int(0...59)))" }

    mutating func value(_ def: FieldDefinition) -> GValue {
        if !def.values.isEmpty {
            if def.type.isMultipleValue {
                let n = int(1...min(3, def.values.count))
                return .text(def.values.shuffled(using: &rng).prefix(n).map(\.value).joined(separator: " "))
            }
            let v = def.values.randomElement(using: &rng)!.value
            switch def.type {
            case .boolean: return .bool(v == "Y")
            case .char where v.utf8.count == 1: return .char(v.utf8.first!)
            case .int where Int(v).map(String.init) == v: return .int(Int(v)!)
            default: return .text(v)
            }
        }
        switch def.type {
        case .int: return .int(int(-1_000_000...1_000_000))
        case .length, .numInGroup, .seqNum, .tagNum: return .int(int(1...999_999))
        case .dayOfMonth: return .int(int(1...31))
        case .float, .qty, .price, .priceOffset, .amt, .percentage, .reserved100Plus, .reserved1000Plus, .reserved4000Plus:
            return .decimal(FIXDecimal(mantissa: Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng),
                                       scale: Int8.random(in: 0...8, using: &rng)))
        case .char: return .char(UInt8(ascii: Self.letters.randomElement(using: &rng)!.unicodeScalars.first!))
        case .boolean: return .bool(chance(0.5))
        case .utcTimestamp: return .timestamp(timestamp(), fractionDigits: [0, 3, 6, 9].randomElement(using: &rng)!)
        case .tzTimestamp: return .text("\(date())-\(time())Z")
        case .utcTimeOnly, .localMktTime: return .text(chance(0.5) ? time() : "\(time()).\(int(100...999))")
        case .tzTimeOnly: return .text("\(two(int(0...23))):\(two(int(0...59)))Z")
        case .utcDateOnly, .localMktDate: return .text(date())
        case .monthYear:
            let d = date()
            switch int(0...2) {
            case 0: return .text(String(d.prefix(6)))
            case 1: return .text(d)
            default: return .text("\(d.prefix(6))w\(int(1...5))")
            }
        case .data, .xmlData: return .bytes(Array(id().utf8))
        case .string, .multipleValueString, .multipleCharValue, .multipleStringValue, .exchange, .currency, .country,
             .language, .xid, .xidRef:
            return .text(text())
        }
    }
}

private func encode(_ m: GMessage, _ e: FIXEncoder) -> [UInt8] {
    e.start(msgType: m.msgType)
    m.header.write(into: e)
    for f in m.fields {
        switch f.value {
        case .text(let s): e.append(f.tag, s)
        case .bytes(let b): e.append(f.tag, bytes: b)
        case .int(let i): e.append(f.tag, i)
        case .decimal(let d): e.append(f.tag, d)
        case let .timestamp(t, fd): e.append(f.tag, t, fractionDigits: fd)
        case .char(let c): e.append(f.tag, char: c)
        case .bool(let b): e.append(f.tag, b)
        }
    }
    return Array(e.finish())
}

/// A timestamp as it reads back after being written with `digits` fraction digits.
private func truncated(_ t: UTCTimestamp, _ digits: Int8) -> Int64 {
    var unit: Int64 = 1
    for _ in 0..<(9 - Int(digits)) { unit *= 10 }
    let n = t.nanosecondsSinceEpoch
    return (n / unit - (n % unit < 0 ? 1 : 0)) * unit  // floor: before 1970 too
}

/// `8=FIX.4.4|9=<len>|<body>10=<sum>|` for any body bytes.
private func reframe(_ body: [UInt8]) -> [UInt8] {
    var out = Array("8=FIX.4.4\u{01}9=\(body.count)\u{01}".utf8) + body
    let sum = out.reduce(0) { ($0 + Int($1)) & 0xFF }
    out += Array(String(format: "10=%03d\u{01}", sum).utf8)
    return out
}

/// The fields of a framed message as raw `tag=value` byte strings, without their SOH.
private func rawFields(_ m: FIXMessage) -> [[UInt8]] {
    var r: [[UInt8]] = []
    var start = 0
    for f in m.fields {
        r.append(Array(m.bytes[start..<f.valueRange.upperBound]))
        start = f.valueRange.upperBound + 1
    }
    return r
}

private func join(_ fields: some Sequence<[UInt8]>) -> [UInt8] { fields.flatMap { $0 + [1] } }

struct PropertyTests {
    static let types = ["D", "F", "G", "8", "9", "V", "W", "X", "Y", "j", "0", "1", "2", "3", "4", "5", "A"]
    static let knownReasons = Set(Array(0...17) + [99])
    static let lenient = ValidationSettings(checkFieldsOutOfOrder: false, checkFieldsHaveValues: false, checkUserDefinedFields: false)

    /// (a) A random valid message of every kind: encode, frame, parse, validate (valid), read the
    /// typed values back, and re-encode the parsed fields in order: the same bytes.
    @Test func validMessagesRoundTrip() async throws {
        let dictionary = try DataDictionary.fix44()
        let encoder = FIXEncoder()
        await propertyCheck(count: 1000, input: Gen.int(in: 0...(Self.types.count - 1)), Gen.uint64()) { typeIndex, seed in
            var generator = MessageGenerator(dictionary: dictionary, seed: seed)
            let generated = generator.message(type: Self.types[typeIndex])
            let bytes = encode(generated, encoder)
            let context = "seed \(seed), \(show(bytes))"

            var framer = FIXFramer()
            framer.append(bytes)
            guard case .message(let slice)? = framer.next() else {
                Issue.record("not framed: \(context)")
                return
            }
            #expect(Array(slice) == bytes, "\(context)")
            #expect(framer.next() == nil && framer.finish() == nil, "\(context)")

            var m: FIXMessage
            do {
                m = try FIXMessage(bytes: slice)
            } catch {
                Issue.record("\(error): \(context)")
                return
            }
            let reject = dictionary.validate(&m)
            #expect(reject == nil, "\(reject.map(String.init(describing:)) ?? ""): \(context)")

            // Re-encoding the parsed fields in the same order gives the same bytes.
            let again = FIXEncoder()
            again.start(msgType: try #require(m.msgType))
            for f in m.fields[3..<(m.fields.count - 1)] { again.append(Int(f.tag), bytes: m.bytes[f.valueRange]) }
            #expect(Array(again.finish()) == bytes, "\(context)")

            // The header and the top-level values read back as generated.
            var header = generated.header
            header.sendingTime = UTCTimestamp(nanosecondsSinceEpoch: truncated(header.sendingTime, 3))
            header.origSendingTime = header.origSendingTime.map { UTCTimestamp(nanosecondsSinceEpoch: truncated($0, 3)) }
            #expect(FIXHeader(m) == header, "\(context)")
            for f in generated.fields where f.depth == 0 {
                switch f.value {
                case .text(let s): #expect(m.string(f.tag) == s, "tag \(f.tag): \(context)")
                case .bytes(let b): #expect(m.bytes(f.tag) == b, "tag \(f.tag): \(context)")
                case .int(let i):
                    #expect(m.int(f.tag) == i, "tag \(f.tag): \(context)")
                    if dictionary.field(f.tag)?.type == .numInGroup {
                        #expect(m.group(f.tag).count == i && m.group(f.tag).declaredCount == i, "group \(f.tag): \(context)")
                    }
                case .decimal(let d):
                    let r = m.decimal(f.tag)
                    #expect(r?.mantissa == d.mantissa && r?.scale == d.scale, "tag \(f.tag): \(context)")
                case let .timestamp(t, fd):
                    #expect(m.timestamp(f.tag)?.nanosecondsSinceEpoch == truncated(t, fd), "tag \(f.tag): \(context)")
                    #expect(m.timestamp(f.tag)?.fractionDigits == fd, "tag \(f.tag): \(context)")
                case .char(let c): #expect(m.byte(f.tag) == c, "tag \(f.tag): \(context)")
                case .bool(let b): #expect(m.bool(f.tag) == b, "tag \(f.tag): \(context)")
                }
            }
            // Every generated field is in the message, at its nesting depth.
            #expect(m.fields[(m.fields.count - 1 - generated.fields.count)..<(m.fields.count - 1)].map { Int($0.depth) }
                == generated.fields.map(\.depth), "\(context)")
        }
    }

    enum Mutation: CaseIterable {
        case flipByte, setByte, insertBytes, deleteBytes, swapFields, duplicateField, emptyValue, removeField,
             replaceValue, bodyLengthDigit, checkSumDigit, bodyByteReframed, insertSOHInValue
    }

    static let junkValues: [String] = ["", "-", "-1", "0", "abc", "1.2.3", "99999999999999999999", "9223372036854775808",
                                       "20241308-00:00:00", "20240808-12:00:00.1", "99991231-23:59:59", "00010101-00:00:00.000", "Y", "N", "YES", " ", "=", "8=FIX.4.4",
                                       "10=000", "\u{01}", "é"]

    /// Applies one random mutation; tells whether framing was kept intact (so the framer must
    /// return the result as exactly one message).
    static func mutate(_ original: [UInt8], _ rng: inout SplitMix64) throws -> (bytes: [UInt8], framed: Bool) {
        let parsedOriginal = try FIXMessage(bytes: original)
        var fields = rawFields(parsedOriginal)
        let bodyFields = 2..<(fields.count - 1)  // from 35 to before 10
        var b = original
        switch Mutation.allCases.randomElement(using: &rng)! {
        case .flipByte:
            let i = Int.random(in: b.indices, using: &rng)
            b[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            return (b, false)
        case .setByte:
            b[Int.random(in: b.indices, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            return (b, false)
        case .insertBytes:
            let junk = (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            b.insert(contentsOf: junk, at: Int.random(in: 0...b.count, using: &rng))
            return (b, false)
        case .deleteBytes:
            let i = Int.random(in: b.indices, using: &rng)
            b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...4, using: &rng)))
            return (b, false)
        case .swapFields:
            // Same bytes in another order: BodyLength and CheckSum still hold.
            let i = Int.random(in: bodyFields, using: &rng), j = Int.random(in: bodyFields, using: &rng)
            fields.swapAt(i, j)
            return (join(fields), true)
        case .duplicateField:
            let i = Int.random(in: bodyFields, using: &rng)
            fields.insert(fields[i], at: Int.random(in: bodyFields.lowerBound...bodyFields.upperBound, using: &rng))
        case .emptyValue:
            let i = Int.random(in: bodyFields, using: &rng)
            fields[i] = Array(fields[i].prefix { $0 != UInt8(ascii: "=") }) + [UInt8(ascii: "=")]
        case .removeField:
            fields.remove(at: Int.random(in: bodyFields, using: &rng))
        case .replaceValue:
            let i = Int.random(in: bodyFields, using: &rng)
            fields[i] = Array(fields[i].prefix { $0 != UInt8(ascii: "=") }) + Array(("=" + junkValues.randomElement(using: &rng)!).utf8)
        case .insertSOHInValue:
            let i = Int.random(in: bodyFields, using: &rng)
            let eq = fields[i].firstIndex(of: UInt8(ascii: "="))!
            fields[i].insert(1, at: Int.random(in: (eq + 1)...fields[i].count, using: &rng))
        case .bodyLengthDigit, .checkSumDigit:
            let f = fields.count - 1
            let field = parsedOriginal.fields[Bool.random(using: &rng) ? 1 : f]
            // A message already mutated once may carry an empty BodyLength or CheckSum value:
            // no digit to change, and no promise about its framing.
            guard !field.valueRange.isEmpty else { return (b, false) }
            let i = Int.random(in: field.valueRange, using: &rng)
            var d = UInt8.random(in: 48...57, using: &rng)
            if d == b[i] { d = d == 57 ? 48 : d + 1 }
            b[i] = d
            return (b, false)
        case .bodyByteReframed:
            var body = join(fields[bodyFields])
            let i = Int.random(in: body.indices, using: &rng)
            switch Int.random(in: 0...2, using: &rng) {
            case 0: body[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: body.insert(UInt8.random(in: 0...255, using: &rng), at: i)
            default: body.remove(at: i)
            }
            return (reframe(body), body.isEmpty || body.last == 1)
        }
        return (reframe(join(fields[2..<(fields.count - 1)])), true)
    }

    /// (b) Random mutations of valid messages never crash; each result is garbled (framer or
    /// parser) or parses and validates to nil or to a reject with a standard reason and text.
    @Test func mutatedMessagesNeverCrash() async throws {
        let dictionary = try DataDictionary.fix44()
        let encoder = FIXEncoder()
        var outcomes: [String: Int] = [:]
        await propertyCheck(count: 1500, input: Gen.int(in: 0...(Self.types.count - 1)), Gen.uint64()) { typeIndex, seed in
            var generator = MessageGenerator(dictionary: dictionary, seed: seed)
            let original = encode(generator.message(type: Self.types[typeIndex]), encoder)
            var rng = SplitMix64(seed: seed ^ 0xA5A5_A5A5_5A5A_5A5A)
            var mutated = try Self.mutate(original, &rng)
            if Bool.random(using: &rng), (try? FIXMessage(bytes: mutated.bytes)) != nil,
               let second = try? Self.mutate(mutated.bytes, &rng) {
                // A second mutation on top of one that still parses.
                mutated = (second.bytes, second.framed && mutated.framed)
            }
            let context = "seed \(seed): \(show(mutated.bytes))"

            var framer = FIXFramer()
            framer.append(mutated.bytes)
            var events: [FIXFramer.Event] = []
            while let e = framer.next() { events.append(e) }
            while let e = framer.finish() { events.append(e) }
            let covered = events.reduce(0) { n, e in
                switch e {
                case .message(let s): n + s.count
                case .garbled(let g): n + g.length
                }
            }
            #expect(covered == mutated.bytes.count, "\(context)")
            if mutated.framed {
                #expect(events.count == 1 && events.first == .message(mutated.bytes[...]), "\(context)")
            }
            for case .message(let slice) in events {
                var m: FIXMessage
                do {
                    m = try FIXMessage(bytes: slice)
                } catch {
                    outcomes["parse error", default: 0] += 1
                    continue
                }
                for settings in [ValidationSettings.strict, Self.lenient] {
                    if let r = dictionary.validate(&m, settings: settings) {
                        #expect(Self.knownReasons.contains(r.reason.rawValue), "\(r): \(context)")
                        #expect(!r.text.isEmpty, "\(context)")
                        if settings == .strict { outcomes["reject \(r.reason.rawValue)", default: 0] += 1 }
                    } else if settings == .strict {
                        outcomes["valid", default: 0] += 1
                    }
                }
                // Reading the message after validation does not crash either.
                _ = FIXHeader(m)
                for tag in Set(m.fields.map { Int($0.tag) }) {
                    for instance in m.group(tag) {
                        for i in instance.fieldRange { _ = instance.string(Int(instance.message.fields[i].tag)) }
                    }
                }
            }
            if !events.contains(where: { if case .message = $0 { true } else { false } }) {
                outcomes["garbled", default: 0] += 1
            }
        }
        // Every kind of outcome is reached.
        #expect(outcomes["garbled", default: 0] > 0, "\(outcomes)")
        #expect(outcomes["valid", default: 0] > 0, "\(outcomes)")
        #expect(outcomes.keys.filter { $0.hasPrefix("reject") }.count >= 3, "\(outcomes)")
    }

    /// (c) The two readings of a message's fields agree on every message, valid or mutated: the
    /// same table, or the same error at the same place; and the fast one takes the valid messages
    /// that have no data field itself.
    @Test func bothFieldReadingsAgree() async throws {
        let dictionary = try DataDictionary.fix44()
        let encoder = FIXEncoder()
        var takenFast = 0
        await propertyCheck(count: 1500, input: Gen.int(in: 0...(Self.types.count - 1)), Gen.uint64()) { typeIndex, seed in
            var generator = MessageGenerator(dictionary: dictionary, seed: seed)
            let original = encode(generator.message(type: Self.types[typeIndex]), encoder)
            var rng = SplitMix64(seed: seed ^ 0x5A5A_A5A5_5A5A_A5A5)
            let mutated = try Self.mutate(original, &rng).bytes
            for bytes in [original, mutated] {
                let capacity = bytes.count / 3 + 1
                let fast = UnsafeMutablePointer<FIXField>.allocate(capacity: capacity)
                let slow = UnsafeMutablePointer<FIXField>.allocate(capacity: capacity)
                defer { fast.deallocate(); slow.deallocate() }
                let (a, b, quick) = bytes.withUnsafeBufferPointer { buffer in
                    (FIXFieldScanner.scan(buffer, into: fast), FIXFieldScanner.scanBytewise(buffer, into: slow),
                     FIXFieldScanner.scanBySOH(buffer, into: fast) != nil)
                }
                let context = "seed \(seed): \(show(bytes))"
                #expect(a.count == b.count && a.error == b.error, "\(context)")
                if a.error == nil && a.count == b.count {
                    #expect(Array(UnsafeBufferPointer(start: fast, count: a.count)) == Array(UnsafeBufferPointer(start: slow, count: b.count)),
                            "\(context)")
                }
                let hasData = (0..<b.count).contains { FIXFieldScanner.isDataTag(slow[$0].tag) }
                if bytes == original {
                    #expect(quick == !hasData, "\(context)")
                    if quick { takenFast += 1 }
                }
            }
        }
        #expect(takenFast > 1000)
    }
}
