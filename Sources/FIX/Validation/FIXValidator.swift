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
/// The validator keeps scratch tables indexed by tag; reuse one per thread so validation
/// allocates nothing.
public struct FIXValidator: Sendable {
    public let dictionary: DataDictionary
    public var settings: ValidationSettings

    /// Stamp of the scope in which each tag was last seen at the top level of the message.
    private var topSeen: [UInt32]
    /// Stamp of the group instance in which each tag was last seen.
    private var groupSeen: [UInt32]
    private var topStamp: UInt32 = 0
    private var groupStamp: UInt32 = 0
    /// Open groups while walking the fields.
    private var stack: [Frame] = []

    private struct Frame {
        var group: GroupDefinition
        var span: Int
        var declared: Int?
        var stamp: UInt32
        var depth: UInt8
        /// Whether the current instance has had its delimiter (it has unless it was opened,
        /// wrongly, by another member).
        var delimiterSeen: Bool
    }

    public init(dictionary: DataDictionary, settings: ValidationSettings = .strict) {
        self.dictionary = dictionary
        self.settings = settings
        topSeen = [UInt32](repeating: 0, count: dictionary.tableSize)
        groupSeen = [UInt32](repeating: 0, count: dictionary.tableSize)
        stack.reserveCapacity(8)
    }

    /// Resolves the message's groups and checks it; returns the first problem, or nil when the
    /// message is valid. Groups are resolved (``FIXFieldContainer/group(_:)`` works) either way,
    /// as far as the dictionary knows the message type.
    public mutating func validate(_ message: inout FIXMessage) -> FIXReject? {
        let fieldCount = message.fields.count
        guard fieldCount >= 4,
              message.fields[0].tag == Int32(Tag.beginString),
              message.fields[1].tag == Int32(Tag.bodyLength),
              message.fields[2].tag == Int32(Tag.msgType) else {
            // Without 8, 9, 35 first a message is garbled; the framer and parser normally catch this.
            return FIXReject(.tagSpecifiedOutOfRequiredOrder, tag: Self.firstMisplaced(message))
        }
        let msgTypeField = message.fields[2]
        let definition = message.withValue(msgTypeField) { dictionary.message(bytes: $0) }
        let msgType = message.withValue(msgTypeField) { String(decoding: $0, as: UTF8.self) }

        nextTopStamp()
        stack.removeAll(keepingCapacity: true)
        message.groupSpans.removeAll(keepingCapacity: true)
        message.instanceStarts.removeAll(keepingCapacity: true)

        var outOfOrder: FIXReject?
        var requiredMissing: FIXReject?
        var fieldError: FIXReject?
        var fieldErrorIndex = Int.max

        // 0 header, 1 body, 2 trailer
        var section = 0
        let header = dictionary.header
        let trailer = dictionary.trailer
        let body = definition?.body

        topSeen[Tag.beginString] = topStamp
        topSeen[Tag.bodyLength] = topStamp
        topSeen[Tag.msgType] = topStamp

        var i = 3
        while i < fieldCount {
            let field = message.fields[i]
            let tag = Int(field.tag)

            // Inside groups: does the field continue the innermost open group?
            var depth: UInt8 = 0
            var inGroup = false
            while let top = stack.last {
                if tag == top.group.delimiterTag && !top.delimiterSeen {
                    // The delimiter of an instance opened by another member belongs to it.
                    stack[stack.count - 1].delimiterSeen = true
                    inGroup = true
                    depth = top.depth
                    break
                }
                if tag == top.group.delimiterTag {
                    nextGroupStamp()
                    stack[stack.count - 1].stamp = groupStamp
                    message.instanceStarts.append(Int32(i))
                    message.groupSpans[top.span].instanceCount += 1
                    inGroup = true
                    depth = top.depth
                    break
                }
                if top.group.layout.contains(tag) {
                    if message.groupSpans[top.span].instanceCount == 0 {
                        // The group's first field must open each instance.
                        if settings.checkFieldsOutOfOrder && i < fieldErrorIndex {
                            fieldError = FIXReject(.repeatingGroupFieldsOutOfOrder, tag: tag, msgType: msgType)
                            fieldErrorIndex = i
                        }
                        nextGroupStamp()
                        stack[stack.count - 1].stamp = groupStamp
                        stack[stack.count - 1].delimiterSeen = false
                        message.instanceStarts.append(Int32(i))
                        message.groupSpans[top.span].instanceCount += 1
                    }
                    inGroup = true
                    depth = top.depth
                    break
                }
                closeGroup(&message, at: i, msgType: msgType, fieldError: &fieldError, fieldErrorIndex: &fieldErrorIndex,
                           requiredMissing: &requiredMissing)
            }
            message.fields[i].depth = depth

            // Which layout the field belongs to.
            let layout: FieldLayout?
            if inGroup {
                layout = stack[stack.count - 1].group.layout
                if groupSeen[safe: tag] == stack[stack.count - 1].stamp {
                    record(.tagAppearsMoreThanOnce, tag, i, msgType, &fieldError, &fieldErrorIndex)
                }
                setSeen(&groupSeen, tag, stack[stack.count - 1].stamp)
            } else {
                if tag == Tag.checkSum && i == fieldCount - 1 {
                    layout = trailer
                } else if header.contains(tag) {
                    if section != 0 && outOfOrder == nil && settings.checkFieldsOutOfOrder {
                        outOfOrder = FIXReject(.tagSpecifiedOutOfRequiredOrder, tag: tag, msgType: msgType)
                    }
                    layout = header
                } else if trailer.contains(tag) {
                    section = 2
                    layout = trailer
                } else {
                    if section == 2 && outOfOrder == nil && settings.checkFieldsOutOfOrder {
                        outOfOrder = FIXReject(.tagSpecifiedOutOfRequiredOrder, tag: tag, msgType: msgType)
                    }
                    section = max(section, 1)
                    layout = body
                }
                if topSeen[safe: tag] == topStamp {
                    record(.tagAppearsMoreThanOnce, tag, i, msgType, &fieldError, &fieldErrorIndex)
                }
                setSeen(&topSeen, tag, topStamp)
            }

            // The field's own checks, in order, up to the first failure.
            if i < fieldErrorIndex {
                if let reason = check(message, field, tag: tag, layout: layout, known: definition != nil) {
                    record(reason, tag, i, msgType, &fieldError, &fieldErrorIndex)
                }
            }

            // A NumInGroup field opens a group.
            if let layout, layout.groupTags.contains(tag), let group = layout.groups[tag] {
                let declared = message.withValue(field) { parseFIXInt($0) }
                message.groupSpans.append(FIXGroupSpan(countIndex: Int32(i), firstInstance: Int32(message.instanceStarts.count),
                                                       instanceCount: 0, end: Int32(i + 1)))
                stack.append(Frame(group: group, span: message.groupSpans.count - 1, declared: declared,
                                   stamp: 0, depth: depth + 1, delimiterSeen: true))
            }
            i += 1
        }
        while !stack.isEmpty {
            closeGroup(&message, at: fieldCount - 1, msgType: msgType, fieldError: &fieldError,
                       fieldErrorIndex: &fieldErrorIndex, requiredMissing: &requiredMissing)
        }
        message.groupsResolved = true

        if let outOfOrder { return outOfOrder }
        guard let definition else { return FIXReject(.invalidMsgType, msgType: msgType) }
        if let missing = firstMissing(header) { return FIXReject(.requiredTagMissing, tag: missing, msgType: msgType) }
        if let missing = firstMissing(definition.body) { return FIXReject(.requiredTagMissing, tag: missing, msgType: msgType) }
        if let requiredMissing { return requiredMissing }
        if let missing = firstMissing(trailer) { return FIXReject(.requiredTagMissing, tag: missing, msgType: msgType) }
        return fieldError
    }

    /// Checks one field's value and place; nil when it is fine.
    @inline(__always)
    private func check(_ message: FIXMessage, _ field: FIXField, tag: Int, layout: FieldLayout?, known: Bool) -> SessionRejectReason? {
        if tag <= 0 { return .invalidTagNumber }
        let userDefined = tag >= Tag.userDefinedMin
        if field.valueLength == 0 {
            // An empty value is an error only when values are checked; either way there is
            // nothing more to check in it.
            if settings.checkFieldsHaveValues { return .tagSpecifiedWithoutValue }
        } else if let type = dictionary.type(of: field.tag) {
            let reason: SessionRejectReason? = message.withValue(field) { v in
                if !type.accepts(v) { return .incorrectDataFormat }
                if let values = dictionary.enumTable[tag], !Self.allowed(v, values, multiple: type.isMultipleValue) {
                    return .valueIncorrect
                }
                return nil
            }
            if let reason { return reason }
        }
        if userDefined && !settings.checkUserDefinedFields { return nil }
        if dictionary.type(of: field.tag) == nil { return .invalidTagNumber }
        if known && layout == nil { return .tagNotDefinedForMessageType }
        if let layout, !layout.contains(tag) { return .tagNotDefinedForMessageType }
        return nil
    }

    private static func allowed(_ v: UnsafeRawBufferPointer, _ values: EnumSet, multiple: Bool) -> Bool {
        guard multiple else { return values.contains(v) }
        var start = 0
        for i in 0...v.count where i == v.count || v[i] == UInt8(ascii: " ") {
            if i > start && !values.contains(UnsafeRawBufferPointer(rebasing: v[start..<i])) { return false }
            start = i + 1
        }
        return true
    }

    /// Ends the innermost open group at field index `end`: checks the count and the last instance.
    private mutating func closeGroup(_ message: inout FIXMessage, at end: Int, msgType: String,
                                     fieldError: inout FIXReject?, fieldErrorIndex: inout Int,
                                     requiredMissing: inout FIXReject?) {
        let frame = stack.removeLast()
        message.groupSpans[frame.span].end = Int32(end)
        let span = message.groupSpans[frame.span]
        if let declared = frame.declared, declared != Int(span.instanceCount), Int(span.countIndex) < fieldErrorIndex {
            fieldError = FIXReject(.incorrectNumInGroupCount, tag: frame.group.countTag, msgType: msgType)
            fieldErrorIndex = Int(span.countIndex)
        }
        // Required fields of each instance.
        guard requiredMissing == nil, !frame.group.layout.requiredTags.isEmpty else { return }
        for k in 0..<Int(span.instanceCount) {
            let first = Int(message.instanceStarts[Int(span.firstInstance) + k])
            let last = k + 1 < Int(span.instanceCount) ? Int(message.instanceStarts[Int(span.firstInstance) + k + 1]) : end
            for required in frame.group.layout.requiredTags {
                var found = false
                for j in first..<last where Int(message.fields[j].tag) == required && message.fields[j].depth == frame.depth {
                    found = true
                    break
                }
                if !found {
                    requiredMissing = FIXReject(.requiredTagMissing, tag: required, msgType: msgType)
                    return
                }
            }
        }
    }

    private func firstMissing(_ layout: FieldLayout) -> Int? {
        for tag in layout.requiredTags where topSeen[tag] != topStamp { return tag }
        return nil
    }

    @inline(__always)
    private func record(_ reason: SessionRejectReason, _ tag: Int, _ index: Int, _ msgType: String,
                        _ error: inout FIXReject?, _ errorIndex: inout Int) {
        if index < errorIndex {
            error = FIXReject(reason, tag: tag, msgType: msgType)
            errorIndex = index
        }
    }

    @inline(__always)
    private func setSeen(_ table: inout [UInt32], _ tag: Int, _ stamp: UInt32) {
        if tag >= 0 && tag < table.count { table[tag] = stamp }
    }

    private mutating func nextTopStamp() {
        topStamp &+= 1
        if topStamp == 0 {
            for k in topSeen.indices { topSeen[k] = 0 }
            topStamp = 1
        }
    }

    private mutating func nextGroupStamp() {
        groupStamp &+= 1
        if groupStamp == 0 {
            for k in groupSeen.indices { groupSeen[k] = 0 }
            groupStamp = 1
        }
    }

    private static func firstMisplaced(_ message: FIXMessage) -> Int? {
        let expected = [Tag.beginString, Tag.bodyLength, Tag.msgType]
        for (k, t) in expected.enumerated() where k >= message.fields.count || Int(message.fields[k].tag) != t {
            return k < message.fields.count ? Int(message.fields[k].tag) : t
        }
        return nil
    }
}

extension Array where Element == UInt32 {
    @inline(__always)
    subscript(safe index: Int) -> UInt32 {
        index >= 0 && index < count ? self[index] : UInt32.max
    }
}

extension DataDictionary {
    /// Validates one message with a fresh validator (convenient; hot paths keep a
    /// ``FIXValidator`` and reuse it).
    public func validate(_ message: inout FIXMessage, settings: ValidationSettings = .strict) -> FIXReject? {
        var v = FIXValidator(dictionary: self, settings: settings)
        return v.validate(&message)
    }

    /// Resolves a message's repeating groups without reporting problems.
    public func resolveGroups(_ message: inout FIXMessage) {
        _ = validate(&message)
    }
}
