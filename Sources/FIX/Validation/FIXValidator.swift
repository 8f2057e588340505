/// Checks parsed messages against a ``DataDictionary`` and resolves their repeating groups.
///
/// One pass over the fields finds the structure (header, body, trailer; groups and their
/// instances) and every field's problems; the first problem is reported in this order of
/// precedence, which is the one widely used FIX engines follow, so that counterparties see
/// the rejects they expect:
/// 1. a field out of its section (373=14), when ``ValidationSettings/checkFieldsOutOfOrder``;
/// 2. a MsgType the dictionary does not define (373=11);
/// 3. a required field missing: header, body, group instances, trailer (373=1);
/// 4. the first field, in message order, that appears more than once in its scope (373=13),
///    has no value (373=4), has a value of the wrong format (373=6), has a value outside its
///    enum (373=5), is not defined (373=0, `Invalid tag number`), is not defined for this message
///    type (373=2), is a NumInGroup whose count differs from the instances that follow (373=16),
///    or starts a group instance with a field other than the group's first (373=15).
///
/// A validator keeps scratch tables indexed by tag; keep one per thread (it is not to be shared
/// between threads) so validation allocates nothing.
public final class FIXValidator {
    public let dictionary: DataDictionary
    public let settings: ValidationSettings

    /// The dictionary's flattened tables, held here so the loop reaches them directly.
    private let layouts: CompiledLayouts
    private let enums: CompiledEnums
    private let types: [FIXFieldType?]
    private let info: [UInt8]
    private let tableSize: Int
    // Scratch state. A validator belongs to one thread and its calls never overlap, so the
    // run-time exclusivity checks on these stored properties are turned off.
    /// Stamp of the message in which each tag was last seen at the top level.
    @exclusivity(unchecked) private var topSeen: UnsafeMutablePointer<UInt32>
    /// Stamp of the group instance in which each tag was last seen.
    @exclusivity(unchecked) private var groupSeen: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) private var topStamp: UInt32 = 0
    @exclusivity(unchecked) private var groupStamp: UInt32 = 0
    /// Open groups while walking the fields, innermost last.
    @exclusivity(unchecked) private var stack: [Frame] = []
    /// Tag sequences (after 8, 9, 35) of messages without repeating groups that were found
    /// valid, a few per message type. A message with one of them has the same structure, so
    /// only its values need checking: see ``validate(_:)``.
    @exclusivity(unchecked) private var shapes: [[Int32]]
    /// Per message type, the shape slot to replace next.
    @exclusivity(unchecked) private var nextShape: [Int]
    private static let shapesPerType = 4

    private struct Frame {
        var countTag: Int32
        var delimiter: Int32
        var layout: Int32
        var span: Int32
        /// The NumInGroup value, or -1 when it is not a number.
        var declared: Int
        var stamp: UInt32
        var depth: UInt8
        /// Whether the current instance has had its delimiter (it has unless it was opened,
        /// wrongly, by another member).
        var delimiterSeen: Bool
    }

    /// A first problem found, with the index of the field it concerns.
    private struct Found {
        var reason: SessionRejectReason
        var tag: Int
        var index: Int
    }

    /// A validator for one thread (a session, an event loop): it keeps scratch tables indexed by
    /// tag and reuses them for every message, so validation allocates nothing.
    public init(dictionary: DataDictionary, settings: ValidationSettings = .strict) {
        self.dictionary = dictionary
        self.settings = settings
        layouts = dictionary.layouts
        enums = dictionary.enums
        types = dictionary.typeTable
        info = dictionary.fieldInfo
        tableSize = dictionary.tableSize
        topSeen = .allocate(capacity: tableSize)
        topSeen.initialize(repeating: 0, count: tableSize)
        groupSeen = .allocate(capacity: tableSize)
        groupSeen.initialize(repeating: 0, count: tableSize)
        stack.reserveCapacity(8)
        shapes = [[Int32]](repeating: [], count: dictionary.layouts.count * Self.shapesPerType)
        nextShape = [Int](repeating: 0, count: dictionary.layouts.count)
    }

    deinit {
        topSeen.deallocate()
        groupSeen.deallocate()
    }

    /// Resolves the message's groups and checks it; returns the first problem, or nil when the
    /// message is valid. Groups are resolved (``FIXFieldContainer/group(_:)`` works) either way,
    /// as far as the dictionary knows the message type.
    public func validate(_ message: inout FIXMessage) -> FIXReject? {
        let fieldCount = message.fieldCount
        guard fieldCount >= 4,
              message.fieldStorage[0].tag == Int32(Tag.beginString),
              message.fieldStorage[1].tag == Int32(Tag.bodyLength),
              message.fieldStorage[2].tag == Int32(Tag.msgType) else {
            // Without 8, 9, 35 first a message is garbled; the parser normally catches this.
            return FIXReject(.tagSpecifiedOutOfRequiredOrder, tag: Self.firstMisplaced(message))
        }
        let msgTypeField = message.fieldStorage[2]
        let body = message.withValue(msgTypeField) { layouts.body($0) }

        if body >= 0 && hasKnownShape(message, body) {
            if !message.groupSpans.isEmpty { message.groupSpans.removeAll(keepingCapacity: true) }
            if !message.instanceStarts.isEmpty { message.instanceStarts.removeAll(keepingCapacity: true) }
            message.groupsResolved = true
            return checkValues(message)
        }
        let result = validateFully(&message, body: body)
        if result == nil && body >= 0 && message.groupSpans.isEmpty { rememberShape(message, body) }
        return result
    }

    /// Whether the message's tags, after 8, 9 and 35, are those of a message of the same type
    /// found valid before.
    private func hasKnownShape(_ message: FIXMessage, _ body: Int32) -> Bool {
        let n = message.fieldCount - 3
        let first = Int(body) * Self.shapesPerType
        return message.fieldStorage.withUnsafeBufferPointer { fields in
            for slot in first..<(first + Self.shapesPerType) {
                let same: Bool = shapes[slot].withUnsafeBufferPointer { shape in
                    guard shape.count == n else { return false }
                    for k in 0..<n where shape[k] != fields[k + 3].tag { return false }
                    return true
                }
                if same { return true }
            }
            return false
        }
    }

    /// Keeps the tags of a valid message without groups, reusing the storage of the shape it
    /// replaces.
    private func rememberShape(_ message: FIXMessage, _ body: Int32) {
        let slot = Int(body) * Self.shapesPerType + nextShape[Int(body)]
        nextShape[Int(body)] = (nextShape[Int(body)] + 1) % Self.shapesPerType
        shapes[slot].removeAll(keepingCapacity: true)
        for i in 3..<message.fieldCount { shapes[slot].append(message.fieldStorage[i].tag) }
    }

    /// The value checks alone (empty value, format, enum), for a message whose structure is known
    /// to be valid: the same first problem the full validation would find.
    private func checkValues(_ message: FIXMessage) -> FIXReject? {
        for i in 3..<message.fieldCount {
            let field = message.fieldStorage[i]
            let tag = Int(field.tag)
            let flags = tag >= 0 && tag < tableSize ? info[tag] : 0
            if let reason = checkValue(message, field, tag: tag, flags: flags) {
                let msgType = message.withValue(message.fieldStorage[2]) { String(decoding: $0, as: UTF8.self) }
                return FIXReject(reason, tag: tag, msgType: msgType)
            }
        }
        return nil
    }

    /// Everything: structure, groups, required fields and values.
    private func validateFully(_ message: inout FIXMessage, body: Int32) -> FIXReject? {
        let fieldCount = message.fieldCount
        let msgTypeField = message.fieldStorage[2]
        nextTopStamp()
        if !stack.isEmpty { stack.removeAll(keepingCapacity: true) }
        if !message.groupSpans.isEmpty { message.groupSpans.removeAll(keepingCapacity: true) }
        if !message.instanceStarts.isEmpty { message.instanceStarts.removeAll(keepingCapacity: true) }

        var outOfOrder: Found?
        var requiredMissing: Found?
        var fieldError: Found?
        let checkOrder = settings.checkFieldsOutOfOrder

        // 0 header, 1 body, 2 trailer
        var section = 0
        topSeen[Tag.beginString] = topStamp
        topSeen[Tag.bodyLength] = topStamp
        topSeen[Tag.msgType] = topStamp

        var i = 3
        while i < fieldCount {
            let field = message.fieldStorage[i]
            let tag = Int(field.tag)
            let flags = tag >= 0 && tag < tableSize ? info[tag] : 0

            // Inside groups: does the field continue the innermost open group?
            var layout: Int32 = -1  // -1: a body field of a message type the dictionary lacks
            var depth: UInt8 = 0
            var inGroup = false
            while !stack.isEmpty {
                let top = stack.count - 1
                let frame = stack[top]
                if field.tag == frame.delimiter {
                    if frame.delimiterSeen {
                        openInstance(&message, top, at: i)
                    } else {
                        // The delimiter of an instance opened by another member belongs to it.
                        stack[top].delimiterSeen = true
                    }
                } else if layouts.contains(frame.layout, tag) {
                    if message.groupSpans[Int(frame.span)].instanceCount == 0 {
                        // The group's first field must open each instance.
                        if checkOrder { record(.repeatingGroupFieldsOutOfOrder, tag, i, &fieldError) }
                        openInstance(&message, top, at: i)
                        stack[top].delimiterSeen = false
                    }
                } else {
                    closeGroup(&message, at: i, &fieldError, &requiredMissing)
                    continue
                }
                inGroup = true
                depth = frame.depth
                layout = frame.layout
                break
            }
            if depth != 0 { message.fieldStorage[i].depth = depth }

            if inGroup {
                let stamp = stack[stack.count - 1].stamp
                if tag >= 0 && tag < tableSize {
                    if groupSeen[tag] == stamp { record(.tagAppearsMoreThanOnce, tag, i, &fieldError) }
                    groupSeen[tag] = stamp
                }
            } else {
                if tag == Tag.checkSum && i == fieldCount - 1 {
                    layout = layouts.trailer
                } else if flags & FieldInfo.header != 0 {
                    if section != 0 && outOfOrder == nil && checkOrder {
                        outOfOrder = Found(reason: .tagSpecifiedOutOfRequiredOrder, tag: tag, index: i)
                    }
                    layout = layouts.header
                } else if flags & FieldInfo.trailer != 0 {
                    section = 2
                    layout = layouts.trailer
                } else {
                    if section == 2 && outOfOrder == nil && checkOrder {
                        outOfOrder = Found(reason: .tagSpecifiedOutOfRequiredOrder, tag: tag, index: i)
                    }
                    if section == 0 { section = 1 }
                    layout = body
                }
                if tag >= 0 && tag < tableSize {
                    if topSeen[tag] == topStamp { record(.tagAppearsMoreThanOnce, tag, i, &fieldError) }
                    topSeen[tag] = topStamp
                }
            }

            // The field's own checks, in order, up to the first failure.
            if fieldError == nil || i < fieldError!.index {
                if let reason = check(message, field, tag: tag, flags: flags, layout: layout, knownType: body >= 0) {
                    record(reason, tag, i, &fieldError)
                }
            }

            // A NumInGroup field opens a group.
            if flags & FieldInfo.groupCount != 0, layout >= 0, let group = layouts.group(layout, tag) {
                let declared = message.withValue(field) { parseFIXInt($0) } ?? -1
                message.groupSpans.append(FIXGroupSpan(countIndex: Int32(i), firstInstance: Int32(message.instanceStarts.count),
                                                       instanceCount: 0, end: Int32(i + 1)))
                stack.append(Frame(countTag: group.countTag, delimiter: group.delimiter, layout: group.layout,
                                   span: Int32(message.groupSpans.count - 1), declared: declared,
                                   stamp: 0, depth: depth + 1, delimiterSeen: true))
            }
            i += 1
        }
        while !stack.isEmpty {
            closeGroup(&message, at: fieldCount - 1, &fieldError, &requiredMissing)
        }
        message.groupsResolved = true

        func reject(_ f: Found?) -> FIXReject? {
            guard let f else { return nil }
            let msgType = message.withValue(msgTypeField) { String(decoding: $0, as: UTF8.self) }
            return FIXReject(f.reason, tag: f.tag, msgType: msgType)
        }
        if let outOfOrder { return reject(outOfOrder) }
        guard body >= 0 else {
            let msgType = message.withValue(msgTypeField) { String(decoding: $0, as: UTF8.self) }
            return FIXReject(.invalidMsgType, msgType: msgType)
        }
        if let missing = firstMissing(layouts.header) ?? firstMissing(body) {
            return reject(Found(reason: .requiredTagMissing, tag: missing, index: 0))
        }
        if let requiredMissing { return reject(requiredMissing) }
        if let missing = firstMissing(layouts.trailer) {
            return reject(Found(reason: .requiredTagMissing, tag: missing, index: 0))
        }
        return reject(fieldError)
    }

    /// Checks one field's value and place; nil when it is fine.
    @inline(__always)
    private func check(_ message: FIXMessage, _ field: FIXField, tag: Int, flags: UInt8, layout: Int32,
                       knownType: Bool) -> SessionRejectReason? {
        if tag <= 0 { return .invalidTagNumber }
        if let reason = checkValue(message, field, tag: tag, flags: flags) { return reason }
        let type: FIXFieldType? = flags & FieldInfo.defined != 0 ? types[tag] : nil
        if tag >= Tag.userDefinedMin && !settings.checkUserDefinedFields { return nil }
        if type == nil { return .invalidTagNumber }
        if knownType && (layout < 0 || !layouts.contains(layout, tag)) { return .tagNotDefinedForMessageType }
        return nil
    }

    /// Checks a field's value: present (when values are checked), of its type's format, one of
    /// its enum values.
    @inline(__always)
    private func checkValue(_ message: FIXMessage, _ field: FIXField, tag: Int, flags: UInt8) -> SessionRejectReason? {
        if field.valueLength == 0 {
            // An empty value is an error only when values are checked; either way there is
            // nothing more to check in it.
            return settings.checkFieldsHaveValues ? .tagSpecifiedWithoutValue : nil
        }
        guard flags & FieldInfo.defined != 0, let type = types[tag] else { return nil }
        return message.withValue(field) { v in
            if !type.accepts(v) { return .incorrectDataFormat }
            if flags & FieldInfo.hasEnum != 0 && !allowed(tag, v, multiple: type.isMultipleValue) {
                return .valueIncorrect
            }
            return nil
        }
    }

    private func allowed(_ tag: Int, _ v: UnsafeRawBufferPointer, multiple: Bool) -> Bool {
        guard multiple else { return enums.contains(tag, v) }
        var start = 0
        for i in 0...v.count where i == v.count || v[i] == UInt8(ascii: " ") {
            if i > start && !enums.contains(tag, UnsafeRawBufferPointer(rebasing: v[start..<i])) { return false }
            start = i + 1
        }
        return true
    }

    /// Starts a new instance of the group at `frame` with field `i`.
    private func openInstance(_ message: inout FIXMessage, _ frame: Int, at i: Int) {
        nextGroupStamp()
        stack[frame].stamp = groupStamp
        message.instanceStarts.append(Int32(i))
        message.groupSpans[Int(stack[frame].span)].instanceCount += 1
    }

    /// Ends the innermost open group at field index `end`: checks the count and each instance's
    /// required fields.
    private func closeGroup(_ message: inout FIXMessage, at end: Int, _ fieldError: inout Found?,
                                     _ requiredMissing: inout Found?) {
        let frame = stack.removeLast()
        message.groupSpans[Int(frame.span)].end = Int32(end)
        let span = message.groupSpans[Int(frame.span)]
        if frame.declared >= 0 && frame.declared != Int(span.instanceCount) {
            record(.incorrectNumInGroupCount, Int(frame.countTag), Int(span.countIndex), &fieldError)
        }
        let required = layouts.requiredTags(frame.layout)
        guard requiredMissing == nil, !required.isEmpty else { return }
        for k in 0..<Int(span.instanceCount) {
            let first = Int(message.instanceStarts[Int(span.firstInstance) + k])
            let last = k + 1 < Int(span.instanceCount) ? Int(message.instanceStarts[Int(span.firstInstance) + k + 1]) : end
            for r in required {
                let tag = layouts.required[r]
                var found = false
                for j in first..<last where message.fieldStorage[j].tag == tag && message.fieldStorage[j].depth == frame.depth {
                    found = true
                    break
                }
                if !found {
                    requiredMissing = Found(reason: .requiredTagMissing, tag: Int(tag), index: first)
                    return
                }
            }
        }
    }

    private func firstMissing(_ layout: Int32) -> Int? {
        for r in layouts.requiredTags(layout) {
            let tag = Int(layouts.required[r])
            if topSeen[tag] != topStamp { return tag }
        }
        return nil
    }

    @inline(__always)
    private func record(_ reason: SessionRejectReason, _ tag: Int, _ index: Int, _ found: inout Found?) {
        if found == nil || index < found!.index {
            found = Found(reason: reason, tag: tag, index: index)
        }
    }

    private func nextTopStamp() {
        topStamp &+= 1
        if topStamp == 0 {
            topSeen.update(repeating: 0, count: tableSize)
            topStamp = 1
        }
    }

    private func nextGroupStamp() {
        groupStamp &+= 1
        if groupStamp == 0 {
            groupSeen.update(repeating: 0, count: tableSize)
            groupStamp = 1
        }
    }

    private static func firstMisplaced(_ message: FIXMessage) -> Int? {
        let expected = [Tag.beginString, Tag.bodyLength, Tag.msgType]
        for (k, t) in expected.enumerated() where k >= message.fieldCount || Int(message.fieldStorage[k].tag) != t {
            return k < message.fieldCount ? Int(message.fieldStorage[k].tag) : t
        }
        return nil
    }
}

extension DataDictionary {
    /// Validates one message with a fresh validator (convenient; hot paths keep a
    /// ``FIXValidator`` and reuse it).
    public func validate(_ message: inout FIXMessage, settings: ValidationSettings = .strict) -> FIXReject? {
        FIXValidator(dictionary: self, settings: settings).validate(&message)
    }

    /// Resolves a message's repeating groups without reporting problems.
    public func resolveGroups(_ message: inout FIXMessage) {
        _ = validate(&message)
    }
}
