import Foundation

/// A FIX data dictionary: fields with their types and enums, the standard header and trailer,
/// and each message's fields, components and repeating groups with their required flags.
///
/// Read from QuickFIX's XML layout with ``init(xml:path:)`` or ``init(contentsOfFile:)``;
/// ``fix44()`` loads the engine's own FIX 4.4 dictionary (`Specs/FIX44.xml`, bundled).
/// Components are flattened into the messages and groups that use them when the dictionary is
/// read, and lookup tables indexed by tag number are built then, so validation does no hashing
/// per field. Immutable and shareable across threads.
public final class DataDictionary: Sendable {
    /// `FIX.4.4` for a FIX 4.4 dictionary.
    public let beginString: String
    /// Every defined field, by tag.
    public let fields: [Int: FieldDefinition]
    /// Tag of each field name.
    public let tagsByName: [String: Int]
    /// The standard header.
    public let header: FieldLayout
    /// The standard trailer.
    public let trailer: FieldLayout
    /// Every message, by MsgType.
    public let messages: [String: MessageDefinition]

    /// Field types by tag for tags below `tableSize`; `nil` where the tag is undefined.
    let typeTable: [FIXFieldType?]
    /// Tags below this are looked up in the tables.
    let tableSize: Int
    /// Allowed enum values, flattened for validation.
    let enums: CompiledEnums
    /// Per tag, what validation needs to know first, in one load: see ``FieldInfo``.
    let fieldInfo: [UInt8]
    /// Layouts, flattened for validation.
    let layouts: CompiledLayouts

    // MARK: Loading

    /// The engine's FIX 4.4 dictionary, bundled with the module (`Specs/FIX44.xml`).
    public static func fix44() throws -> DataDictionary {
        try bundledFIX44.get()
    }

    private static let bundledFIX44: Result<DataDictionary, Error> = Result {
        guard let url = Bundle.module.url(forResource: "FIX44", withExtension: "xml") else {
            throw DataDictionaryError(code: .cannotRead, path: "FIX44.xml", line: 0, reason: "the bundled FIX 4.4 dictionary is missing")
        }
        return try DataDictionary(contentsOfFile: url.path)
    }

    /// Path of the bundled FIX 4.4 dictionary, for messages that name it.
    public static var bundledFIX44Path: String? {
        Bundle.module.url(forResource: "FIX44", withExtension: "xml")?.path
    }

    /// Reads a dictionary file in QuickFIX's XML layout.
    public convenience init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataDictionaryError(code: .cannotRead, path: path, line: 0, reason: "cannot read the file")
        }
        try self.init(xml: [UInt8](data), path: path)
    }

    /// Reads a dictionary from XML bytes in QuickFIX's layout; `path` is used in error messages.
    public init(xml: [UInt8], path: String = "<dictionary>") throws {
        let root: XMLElement
        do {
            root = try XMLReader.parse(xml)
        } catch {
            throw DataDictionaryError(code: .malformed, path: path, line: error.line, reason: error.reason)
        }
        var builder = DictionaryBuilder(path: path)
        let built = try builder.build(root)
        beginString = built.beginString
        fields = built.fields
        tagsByName = built.tagsByName
        header = built.header
        trailer = built.trailer
        messages = built.messages

        let maxTag = max(fields.keys.max() ?? 0, Tag.userDefinedMin * 2)
        tableSize = maxTag + 1
        var types = [FIXFieldType?](repeating: nil, count: tableSize)
        for (tag, f) in fields { types[tag] = f.type }
        typeTable = types
        enums = CompiledEnums(fields: fields, tableSize: tableSize)
        layouts = CompiledLayouts(header: header, trailer: trailer, messages: messages)
        var info = [UInt8](repeating: 0, count: tableSize)
        for (tag, f) in fields {
            info[tag] |= FieldInfo.defined
            if !f.values.isEmpty { info[tag] |= FieldInfo.hasEnum }
        }
        for item in header.items { info[item.tag] |= FieldInfo.header }
        for item in trailer.items { info[item.tag] |= FieldInfo.trailer }
        func markGroups(_ layout: FieldLayout) {
            for (tag, g) in layout.groups {
                info[tag] |= FieldInfo.groupCount
                markGroups(g.layout)
            }
        }
        markGroups(header)
        markGroups(trailer)
        for m in messages.values { markGroups(m.body) }
        fieldInfo = info
    }

    // MARK: Lookup

    /// The definition of a field.
    public func field(_ tag: Int) -> FieldDefinition? { fields[tag] }

    /// The name of a field, if defined.
    public func name(of tag: Int) -> String? { fields[tag]?.name }

    /// The definition of a message type.
    public func message(_ msgType: String) -> MessageDefinition? { messages[msgType] }

    /// Whether `tag` is a standard header field.
    public func isHeaderField(_ tag: Int) -> Bool { header.contains(tag) }

    /// Whether `tag` is a standard trailer field.
    public func isTrailerField(_ tag: Int) -> Bool { trailer.contains(tag) }

    @inline(__always)
    func type(of tag: Int32) -> FIXFieldType? {
        let t = Int(tag)
        return t >= 0 && t < tableSize ? typeTable[t] : nil
    }

}

/// Flags of ``DataDictionary/fieldInfo``.
enum FieldInfo {
    static let defined: UInt8 = 1
    static let hasEnum: UInt8 = 2
    static let header: UInt8 = 4
    static let trailer: UInt8 = 8
    /// The NumInGroup field of a group somewhere in the dictionary.
    static let groupCount: UInt8 = 16
}

/// A field of the dictionary: tag, name, type and its enum values, if any.
public struct FieldDefinition: Sendable, Hashable {
    public var tag: Int
    public var name: String
    public var type: FIXFieldType
    /// The allowed values with their descriptions, in dictionary order (empty: any value).
    public var values: [EnumValue]

    /// One allowed value and what it means.
    public struct EnumValue: Sendable, Hashable {
        public var value: String
        public var description: String
    }

    /// The description of an enum value (`"2"` of Side -> `"SELL"`).
    public func meaning(of value: String) -> String? {
        values.first { $0.value == value }?.description
    }
}

/// The fields of one message, group, header or trailer, with components already flattened.
public final class FieldLayout: Sendable {
    /// Name of the message, group (its NumInGroup field) or `header`/`trailer`.
    public let name: String
    /// The fields in dictionary order, with their required flags. Group count fields are listed
    /// where the group sits.
    public let items: [Item]
    /// The repeating groups directly in this layout, by NumInGroup tag.
    public let groups: [Int: GroupDefinition]
    /// Tags directly in this layout, as a bitset.
    let members: TagSet
    /// Required tags directly in this layout, in dictionary order.
    public let requiredTags: [Int]

    /// One field of a layout.
    public struct Item: Sendable, Hashable {
        public var tag: Int
        public var required: Bool
    }

    init(name: String, items: [Item], groups: [Int: GroupDefinition]) {
        self.name = name
        self.items = items
        self.groups = groups
        self.members = TagSet(items.map(\.tag))
        self.requiredTags = items.filter(\.required).map(\.tag)
    }

    /// Whether `tag` is directly in this layout (not inside one of its groups).
    public func contains(_ tag: Int) -> Bool { members.contains(tag) }
}

/// A repeating group: its NumInGroup field, the delimiter (first field of each instance) and the
/// layout of an instance.
public struct GroupDefinition: Sendable {
    public var countTag: Int
    public var delimiterTag: Int
    public var layout: FieldLayout
}

/// A message type of the dictionary.
public struct MessageDefinition: Sendable {
    public var msgType: String
    public var name: String
    /// `admin` or `app`.
    public var category: String
    /// The body layout.
    public var body: FieldLayout
}

/// A dictionary that could not be read: what went wrong as a ``Code``, the file, the line and why.
public struct DataDictionaryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The file is missing or cannot be read.
        case cannotRead
        /// It is not well-formed XML.
        case malformed
        /// It is XML, but not a dictionary the engine can use (an unknown type, a field used
        /// and not defined, ...).
        case invalid
    }

    public var code: Code
    public var path: String
    public var line: Int
    public var reason: String
    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}

/// A set of tag numbers as a bitset.
struct TagSet: Sendable {
    private var words: [UInt64]

    init(_ tags: [Int]) {
        let maxTag = tags.max() ?? 0
        words = [UInt64](repeating: 0, count: maxTag / 64 + 1)
        for t in tags where t >= 0 { words[t >> 6] |= 1 << UInt64(t & 63) }
    }

    @inline(__always)
    func contains(_ tag: Int) -> Bool {
        let w = tag >> 6
        return tag >= 0 && w < words.count && words[w] & (1 << UInt64(tag & 63)) != 0
    }
}

