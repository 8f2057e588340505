// A small, strict, dependency-free XML reader that builds a tree of elements.
//
// It exists to load FIX data dictionaries (QuickFIX's XML layout) without
// Foundation's XML support. It reads UTF-8 only, works on bytes, keeps the
// line each element starts on, and rejects anything that is not well-formed
// XML with the line and column of the problem. It never recurses over the
// document, so deeply nested or hostile input cannot exhaust the stack.
//
// Supported: an optional UTF-8 byte order mark, the XML declaration and other
// processing instructions (skipped), comments anywhere, a DOCTYPE with or
// without an internal subset (skipped; entities declared there are not
// expanded), CDATA sections (read as text), start, end and empty-element tags,
// attributes quoted with ' or ", the predefined entities
// (&amp; &lt; &gt; &quot; &apos;) and character references (&#NN; &#xHH;).
// Line endings are normalised to "\n" in text, and whitespace characters in
// attribute values become spaces, as the XML specification requires.
//
// Not supported (by design): other encodings than UTF-8, entities declared in
// the DOCTYPE, namespaces (a prefixed name such as "a:b" is kept as is).
//
// Why not Foundation's XMLParser (libxml2, which ships with Swift on Linux): it was tried in
// its place on 2026-12-07, against this file's tests. Speed is no reason either way (a
// dictionary is read once: 1.0 ms here, 1.4 ms with XMLParser for Specs/FIX44.xml). But on the
// 48 malformed documents of XMLReaderTests, XMLParser on Linux accepted 5 (content after the
// root element twice, `</ fix>`, `</fix x>`, an ISO-8859-1 declaration), named the wrong line
// for 5 others, and for the rest gave error codes without a
// text (17 of them the same generic code 5, "premature end of document"), with columns where
// libxml2 stopped rather than where the problem is; and the property test that feeds it random
// mutations of a document crashed the process inside libFoundationXML
// (_NSXMLParserProcessingInstruction, an illegal instruction). A dictionary comes from a file
// an operator edits: it must be refused with the line and the reason, and never crash.

/// One attribute of an element: its name and its decoded value.
public struct XMLAttribute: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One element of an XML document: its name, attributes in document order, child elements, and the line it starts on.
public struct XMLElement: Sendable, Equatable {
    /// The element's name, exactly as written (including any prefix).
    public var name: String
    /// The attributes in document order; names are unique.
    public var attributes: [XMLAttribute]
    /// The child elements in document order.
    public var children: [XMLElement]
    /// The character data directly inside this element (text and CDATA, entities decoded), concatenated and untrimmed.
    public var text: String
    /// The 1-based line of the '<' that opens the element.
    public var line: Int

    public init(
        name: String,
        attributes: [XMLAttribute] = [],
        children: [XMLElement] = [],
        text: String = "",
        line: Int = 1
    ) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The value of the attribute called `name`, or nil if the element has none.
    public func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name {
            return attribute.value
        }
        return nil
    }

    /// The child elements called `name`, in document order.
    public func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The first child element called `name`, if any.
    public func firstChild(named name: String) -> XMLElement? {
        children.first { $0.name == name }
    }
}

/// Why a document could not be read, with the 1-based line and column.
///
/// The column counts Unicode scalars from the start of the line, starting at 1.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "line \(line), column \(column): \(reason)"
    }
}

/// Reads XML documents into `XMLElement` trees.
public enum XMLReader {
    /// The deepest nesting of elements a document may have; deeper documents are rejected.
    public static let maximumDepth = 1000

    /// Reads a whole document and returns its root element.
    public static func parse(_ bytes: [UInt8]) throws(XMLReadError) -> XMLElement {
        var parser = XMLByteParser(bytes)
        return try parser.document()
    }

    /// Reads a whole document and returns its root element.
    public static func parse(_ text: String) throws(XMLReadError) -> XMLElement {
        try parse(Array(text.utf8))
    }
}

// MARK: - Implementation

/// ASCII bytes used by the parser.
private enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let bang: UInt8 = 0x21  // !
    static let doubleQuote: UInt8 = 0x22  // "
    static let hash: UInt8 = 0x23  // #
    static let ampersand: UInt8 = 0x26  // &
    static let singleQuote: UInt8 = 0x27  // '
    static let dash: UInt8 = 0x2D  // -
    static let dot: UInt8 = 0x2E  // .
    static let slash: UInt8 = 0x2F  // /
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let colon: UInt8 = 0x3A  // :
    static let semicolon: UInt8 = 0x3B  // ;
    static let lessThan: UInt8 = 0x3C  // <
    static let equals: UInt8 = 0x3D  // =
    static let greaterThan: UInt8 = 0x3E  // >
    static let question: UInt8 = 0x3F  // ?
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let underscore: UInt8 = 0x5F  // _
    static let lowerA: UInt8 = 0x61  // a
    static let lowerF: UInt8 = 0x66  // f
    static let lowerX: UInt8 = 0x78  // x
    static let lowerZ: UInt8 = 0x7A  // z
}

private let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
private let commentOpen: [UInt8] = Array("<!--".utf8)
private let cdataOpen: [UInt8] = Array("<![CDATA[".utf8)
private let doctypeOpen: [UInt8] = Array("<!DOCTYPE".utf8)
private let processingInstructionOpen: [UInt8] = Array("<?".utf8)
private let processingInstructionClose: [UInt8] = Array("?>".utf8)
private let cdataClose: [UInt8] = Array("]]>".utf8)
private let xmlName: [UInt8] = Array("xml".utf8)
private let entityAmp: [UInt8] = Array("amp".utf8)
private let entityLt: [UInt8] = Array("lt".utf8)
private let entityGt: [UInt8] = Array("gt".utf8)
private let entityQuot: [UInt8] = Array("quot".utf8)
private let entityApos: [UInt8] = Array("apos".utf8)

/// An element whose start tag has been read but whose end tag has not.
private struct OpenElement {
    var name: String
    var nameBytes: Range<Int>
    var attributes: [XMLAttribute]
    var children: [XMLElement] = []
    var text: [UInt8] = []
    var line: Int

    func finished() -> XMLElement {
        XMLElement(
            name: name,
            attributes: attributes,
            children: children,
            text: String(decoding: text, as: UTF8.self),
            line: line
        )
    }
}

private struct XMLByteParser {
    let bytes: [UInt8]
    /// The current read position.
    var position = 0
    /// Where the document starts after any byte order mark.
    var documentStart = 0
    /// A position whose line is known, to count lines incrementally (positions asked for only increase).
    var lineMarkPosition = 0
    var lineMarkLine = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Bytes

    /// The byte at `index`, or 0 past the end. 0 never occurs in an accepted document, so it is a safe sentinel.
    @inline(__always)
    func byte(_ index: Int) -> UInt8 {
        index >= 0 && index < bytes.count ? bytes[index] : 0
    }

    func hasPrefix(_ prefix: [UInt8], at index: Int) -> Bool {
        guard index >= 0, prefix.count <= bytes.count - index else { return false }
        var offset = 0
        while offset < prefix.count {
            if bytes[index + offset] != prefix[offset] { return false }
            offset += 1
        }
        return true
    }

    /// The first index at or after `start` where `pattern` begins, or nil.
    func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first else { return start }
        var index = max(start, 0)
        while index < bytes.count {
            if bytes[index] == first && hasPrefix(pattern, at: index) { return index }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.lineFeed || byte == ASCII.tab || byte == ASCII.carriageReturn
    }

    /// Letters, '_', ':' and any non-ASCII byte (the document is already known to be valid UTF-8).
    @inline(__always)
    static func isNameStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= ASCII.lowerA && lower <= ASCII.lowerZ) || byte == ASCII.underscore || byte == ASCII.colon
            || byte >= 0x80
    }

    @inline(__always)
    static func isNameCharacter(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= ASCII.zero && byte <= ASCII.nine) || byte == ASCII.dash || byte == ASCII.dot
    }

    /// The byte range of the name starting at `index`, or nil if no name starts there.
    func scanName(at index: Int) -> Range<Int>? {
        guard Self.isNameStart(byte(index)) else { return nil }
        var end = index + 1
        while end < bytes.count && Self.isNameCharacter(bytes[end]) { end += 1 }
        return index..<end
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    func equals(_ range: Range<Int>, _ word: [UInt8]) -> Bool {
        range.count == word.count && hasPrefix(word, at: range.lowerBound)
    }

    func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        var offset = 0
        while offset < a.count {
            if bytes[a.lowerBound + offset] != bytes[b.lowerBound + offset] { return false }
            offset += 1
        }
        return true
    }

    /// Skips whitespace; tells whether there was any.
    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
        return position != start
    }

    // MARK: Lines and errors

    /// The 1-based line of `index`; `index` must not be smaller than in the previous call.
    mutating func lineNumber(at index: Int) -> Int {
        guard index >= lineMarkPosition else { return Self.lineAndColumn(of: index, in: bytes, from: documentStart).line }
        var scan = lineMarkPosition
        var line = lineMarkLine
        let end = min(index, bytes.count)
        while scan < end {
            let byte = bytes[scan]
            if byte == ASCII.lineFeed || (byte == ASCII.carriageReturn && self.byte(scan + 1) != ASCII.lineFeed) {
                line += 1
            }
            scan += 1
        }
        lineMarkPosition = scan
        lineMarkLine = line
        return line
    }

    /// The 1-based line and column of `index`. "\r\n", "\r" and "\n" each end a line; columns count Unicode scalars.
    static func lineAndColumn(of index: Int, in bytes: [UInt8], from start: Int) -> (line: Int, column: Int) {
        let end = min(max(index, 0), bytes.count)
        var line = 1
        var column = 1
        var scan = min(start, end)
        while scan < end {
            let byte = bytes[scan]
            if byte == ASCII.lineFeed {
                line += 1
                column = 1
            } else if byte == ASCII.carriageReturn {
                if scan + 1 < bytes.count && bytes[scan + 1] == ASCII.lineFeed {
                    // Counted with the line feed that follows.
                } else {
                    line += 1
                    column = 1
                }
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            scan += 1
        }
        return (line, column)
    }

    func failure(_ reason: String, at index: Int) -> XMLReadError {
        let (line, column) = Self.lineAndColumn(of: index, in: bytes, from: documentStart)
        return XMLReadError(line: line, column: column, reason: reason)
    }

    /// A name or other document text for an error message, shortened if very long.
    func shown(_ range: Range<Int>) -> String {
        let limit = 60
        guard range.count > limit else { return string(range) }
        var end = range.lowerBound + limit
        while end > range.lowerBound && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return string(range.lowerBound..<end) + "…"
    }

    func shown(_ name: String) -> String {
        let limit = 60
        guard name.utf8.count > limit else { return name }
        return String(name.unicodeScalars.prefix(limit)) + "…"
    }

    // MARK: Characters

    /// Checks that the whole document is UTF-8 made only of characters XML allows.
    func validateCharacters() throws(XMLReadError) {
        if bytes.count >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE)) {
            throw XMLReadError(line: 1, column: 1, reason: "UTF-16 documents are not supported; the document must be UTF-8")
        }
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = bytes[index]
            if lead >= 0x20 && lead < 0x80 {
                index += 1
                continue
            }
            if lead < 0x20 {
                if lead == ASCII.tab || lead == ASCII.lineFeed || lead == ASCII.carriageReturn {
                    index += 1
                    continue
                }
                throw failure("invalid character U+\(Self.hex(UInt32(lead), digits: 4)) (control characters are not allowed in XML)", at: index)
            }
            let length: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF:
                length = 2
                scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF:
                length = 3
                scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4:
                length = 4
                scalar = UInt32(lead & 0x07)
            default:
                throw failure("invalid UTF-8 byte 0x\(Self.hex(UInt32(lead), digits: 2))", at: index)
            }
            guard length <= count - index else {
                throw failure("truncated UTF-8 sequence at the end of the document", at: index)
            }
            var offset = 1
            while offset < length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else {
                    throw failure("invalid UTF-8 sequence starting with byte 0x\(Self.hex(UInt32(lead), digits: 2))", at: index)
                }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
                offset += 1
            }
            let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= smallest, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw failure("invalid UTF-8 sequence starting with byte 0x\(Self.hex(UInt32(lead), digits: 2))", at: index)
            }
            guard scalar != 0xFFFE && scalar != 0xFFFF else {
                throw failure("invalid character U+\(Self.hex(scalar, digits: 4)) (not allowed in XML)", at: index)
            }
            index += length
        }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }

    // MARK: Document

    mutating func document() throws(XMLReadError) -> XMLElement {
        try validateCharacters()
        if hasPrefix(byteOrderMark, at: 0) {
            documentStart = byteOrderMark.count
            position = documentStart
            lineMarkPosition = documentStart
        }
        // Prolog: comments, processing instructions, one DOCTYPE, whitespace.
        var sawDoctype = false
        while true {
            skipWhitespace()
            let atStart = position == documentStart
            guard position < bytes.count else { throw failure("no root element", at: position) }
            guard bytes[position] == ASCII.lessThan else {
                throw failure("text is not allowed before the root element", at: position)
            }
            if hasPrefix(processingInstructionOpen, at: position) {
                try processingInstruction(atDocumentStart: atStart)
            } else if hasPrefix(commentOpen, at: position) {
                try comment()
            } else if hasPrefix(doctypeOpen, at: position) {
                guard !sawDoctype else { throw failure("a document can have only one DOCTYPE", at: position) }
                sawDoctype = true
                try doctype()
            } else if Self.isNameStart(byte(position + 1)) {
                break
            } else if byte(position + 1) == ASCII.slash {
                throw failure("end tag before the root element", at: position)
            } else if hasPrefix(cdataOpen, at: position) {
                throw failure("a CDATA section is not allowed outside the root element", at: position)
            } else {
                throw failure("expected an element name after '<'", at: position + 1)
            }
        }
        let root = try rootElement()
        // Epilog: comments, processing instructions, whitespace.
        while true {
            skipWhitespace()
            guard position < bytes.count else { return root }
            if hasPrefix(processingInstructionOpen, at: position) {
                try processingInstruction(atDocumentStart: false)
            } else if hasPrefix(commentOpen, at: position) {
                try comment()
            } else {
                throw failure("content after the root element", at: position)
            }
        }
    }

    // MARK: Markup that is skipped

    /// Skips `<!-- ... -->` starting at `position`.
    mutating func comment() throws(XMLReadError) {
        let open = position
        position += commentOpen.count
        while true {
            guard position < bytes.count else { throw failure("unterminated comment", at: open) }
            if bytes[position] == ASCII.dash && byte(position + 1) == ASCII.dash {
                guard byte(position + 2) == ASCII.greaterThan else {
                    throw failure("'--' is not allowed inside a comment", at: position)
                }
                position += 3
                return
            }
            position += 1
        }
    }

    /// Skips `<?target ...?>` starting at `position`; checks an XML declaration.
    mutating func processingInstruction(atDocumentStart: Bool) throws(XMLReadError) {
        let open = position
        position += processingInstructionOpen.count
        guard let target = scanName(at: position) else {
            throw failure("expected a processing instruction name after '<?'", at: position)
        }
        position = target.upperBound
        if target.count == 3 && (byte(target.lowerBound) | 0x20) == 0x78 && (byte(target.lowerBound + 1) | 0x20) == 0x6D
            && (byte(target.lowerBound + 2) | 0x20) == 0x6C
        {
            guard atDocumentStart else {
                throw failure("the XML declaration '<?xml ...?>' is only allowed at the very start of the document", at: open)
            }
            guard equals(target, xmlName) else {
                throw failure("the XML declaration must be written '<?xml' in lower case", at: target.lowerBound)
            }
            try xmlDeclaration(open: open)
            return
        }
        if hasPrefix(processingInstructionClose, at: position) {
            position += processingInstructionClose.count
            return
        }
        guard Self.isWhitespace(byte(position)) else {
            if position >= bytes.count { throw failure("unterminated processing instruction", at: open) }
            throw failure("expected whitespace or '?>' after the processing instruction name '\(shown(target))'", at: position)
        }
        guard let close = find(processingInstructionClose, from: position) else {
            throw failure("unterminated processing instruction", at: open)
        }
        position = close + processingInstructionClose.count
    }

    /// Reads the pseudo-attributes of `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` after the name.
    mutating func xmlDeclaration(open: Int) throws(XMLReadError) {
        var sawVersion = false
        var seen: [String] = []
        while true {
            let hadSpace = skipWhitespace()
            guard position < bytes.count else { throw failure("unterminated XML declaration", at: open) }
            if hasPrefix(processingInstructionClose, at: position) {
                guard sawVersion else { throw failure("the XML declaration has no version", at: open) }
                position += processingInstructionClose.count
                return
            }
            guard hadSpace, let nameRange = scanName(at: position) else {
                throw failure("malformed XML declaration: expected 'version', 'encoding', 'standalone' or '?>'", at: position)
            }
            let name = string(nameRange)
            guard name == "version" || name == "encoding" || name == "standalone" else {
                throw failure("unknown XML declaration attribute '\(shown(nameRange))'", at: position)
            }
            guard !seen.contains(name) else { throw failure("duplicate attribute '\(name)' in the XML declaration", at: position) }
            seen.append(name)
            position = nameRange.upperBound
            skipWhitespace()
            guard byte(position) == ASCII.equals else {
                throw failure("expected '=' after '\(name)' in the XML declaration", at: position)
            }
            position += 1
            skipWhitespace()
            let quote = byte(position)
            guard quote == ASCII.doubleQuote || quote == ASCII.singleQuote else {
                throw failure("expected a quoted value for '\(name)' in the XML declaration", at: position)
            }
            let valueStart = position + 1
            var valueEnd = valueStart
            while valueEnd < bytes.count && bytes[valueEnd] != quote && bytes[valueEnd] != ASCII.lessThan
                && bytes[valueEnd] != ASCII.greaterThan
            {
                valueEnd += 1
            }
            guard byte(valueEnd) == quote else {
                throw failure("unterminated value for '\(name)' in the XML declaration", at: position)
            }
            let value = string(valueStart..<valueEnd)
            switch name {
            case "version":
                guard value.hasPrefix("1.") else {
                    throw failure("unsupported XML version '\(shown(value))'", at: valueStart)
                }
                sawVersion = true
            case "encoding":
                let lower = value.lowercased()
                guard lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii" else {
                    throw failure("unsupported encoding '\(shown(value))'; the document must be UTF-8", at: valueStart)
                }
            default:
                guard value == "yes" || value == "no" else {
                    throw failure("standalone must be 'yes' or 'no', not '\(shown(value))'", at: valueStart)
                }
            }
            position = valueEnd + 1
        }
    }

    /// Skips `<!DOCTYPE ...>` including an internal subset in `[...]`.
    mutating func doctype() throws(XMLReadError) {
        let open = position
        position += doctypeOpen.count
        guard Self.isWhitespace(byte(position)) else {
            throw failure("expected whitespace after '<!DOCTYPE'", at: position)
        }
        var inSubset = false
        while position < bytes.count {
            let current = bytes[position]
            switch current {
            case ASCII.doubleQuote, ASCII.singleQuote:
                var end = position + 1
                while end < bytes.count && bytes[end] != current { end += 1 }
                guard end < bytes.count else { throw failure("unterminated quoted string in DOCTYPE", at: position) }
                position = end + 1
            case ASCII.openBracket where !inSubset:
                inSubset = true
                position += 1
            case ASCII.closeBracket where inSubset:
                inSubset = false
                position += 1
            case ASCII.greaterThan where !inSubset:
                position += 1
                return
            case ASCII.lessThan where inSubset:
                if hasPrefix(commentOpen, at: position) {
                    try comment()
                } else if hasPrefix(processingInstructionOpen, at: position) {
                    try processingInstruction(atDocumentStart: false)
                } else {
                    position += 1
                }
            default:
                position += 1
            }
        }
        throw failure("unterminated DOCTYPE", at: open)
    }

    // MARK: Content

    /// Appends the character that the entity or character reference at `position` stands for.
    mutating func reference(into output: inout [UInt8]) throws(XMLReadError) {
        let ampersand = position
        position += 1
        if byte(position) == ASCII.hash {
            position += 1
            var isHex = false
            if byte(position) == ASCII.lowerX {
                isHex = true
                position += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while true {
                let current = byte(position)
                let digit: UInt32
                if current >= ASCII.zero && current <= ASCII.nine {
                    digit = UInt32(current - ASCII.zero)
                } else if isHex && (current | 0x20) >= ASCII.lowerA && (current | 0x20) <= ASCII.lowerF {
                    digit = UInt32((current | 0x20) - ASCII.lowerA) + 10
                } else {
                    break
                }
                // Saturate above the largest code point so long digit runs cannot overflow.
                value = min(value * (isHex ? 16 : 10) + digit, 0x110000)
                digits += 1
                position += 1
            }
            guard digits > 0 else {
                throw failure("expected \(isHex ? "hexadecimal" : "decimal") digits in character reference", at: position)
            }
            guard byte(position) == ASCII.semicolon else {
                throw failure("expected ';' to end character reference", at: position)
            }
            position += 1
            guard Self.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw failure("character reference '\(shown(ampersand..<position))' is not a valid XML character", at: ampersand)
            }
            UTF8.encode(scalar) { output.append($0) }
            return
        }
        guard let name = scanName(at: position) else {
            throw failure("'&' must start an entity such as '&amp;' (write '&amp;' for a literal '&')", at: ampersand)
        }
        position = name.upperBound
        guard byte(position) == ASCII.semicolon else {
            throw failure("expected ';' after entity '&\(shown(name))'", at: position)
        }
        position += 1
        let character: UInt8
        if equals(name, entityAmp) {
            character = ASCII.ampersand
        } else if equals(name, entityLt) {
            character = ASCII.lessThan
        } else if equals(name, entityGt) {
            character = ASCII.greaterThan
        } else if equals(name, entityQuot) {
            character = ASCII.doubleQuote
        } else if equals(name, entityApos) {
            character = ASCII.singleQuote
        } else {
            throw failure("unknown entity '&\(shown(name));'", at: ampersand)
        }
        output.append(character)
    }

    /// Appends the text of `<![CDATA[ ... ]]>` at `position`.
    mutating func cdata(into output: inout [UInt8]) throws(XMLReadError) {
        let open = position
        position += cdataOpen.count
        var start = position
        while true {
            guard position < bytes.count else { throw failure("unterminated CDATA section", at: open) }
            let current = bytes[position]
            if current == ASCII.closeBracket && hasPrefix(cdataClose, at: position) {
                output.append(contentsOf: bytes[start..<position])
                position += cdataClose.count
                return
            }
            if current == ASCII.carriageReturn {
                output.append(contentsOf: bytes[start..<position])
                output.append(ASCII.lineFeed)
                position += 1
                if byte(position) == ASCII.lineFeed { position += 1 }
                start = position
                continue
            }
            position += 1
        }
    }

    /// Reads a quoted attribute value at `position`, decoding references and normalising whitespace.
    mutating func attributeValue(attribute: Range<Int>, element: String) throws(XMLReadError) -> String {
        let quote = bytes[position]
        let open = position
        position += 1
        var start = position
        var output: [UInt8] = []
        var usedOutput = false
        while true {
            guard position < bytes.count else {
                throw failure("unterminated value for attribute '\(shown(attribute))' of <\(shown(element))", at: open)
            }
            let current = bytes[position]
            if current == quote {
                let value: String
                if usedOutput {
                    output.append(contentsOf: bytes[start..<position])
                    value = String(decoding: output, as: UTF8.self)
                } else {
                    value = string(start..<position)
                }
                position += 1
                return value
            }
            switch current {
            case ASCII.lessThan:
                throw failure("'<' is not allowed in an attribute value (write '&lt;')", at: position)
            case ASCII.ampersand:
                output.append(contentsOf: bytes[start..<position])
                usedOutput = true
                try reference(into: &output)
                start = position
            case ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn:
                output.append(contentsOf: bytes[start..<position])
                usedOutput = true
                output.append(ASCII.space)
                position += 1
                if current == ASCII.carriageReturn && byte(position) == ASCII.lineFeed { position += 1 }
                start = position
            default:
                position += 1
            }
        }
    }

    /// Reads a start tag at `position` (a '<' followed by a name start); tells whether it was an empty-element tag.
    mutating func startTag() throws(XMLReadError) -> (element: OpenElement, isEmpty: Bool) {
        let open = position
        let line = lineNumber(at: open)
        position += 1
        guard let nameRange = scanName(at: position) else {
            throw failure("expected an element name after '<'", at: position)
        }
        position = nameRange.upperBound
        let name = string(nameRange)
        var attributes: [XMLAttribute] = []
        var manyAttributeNames: Set<String>? = nil
        while true {
            let hadSpace = skipWhitespace()
            let current = byte(position)
            if current == ASCII.greaterThan {
                position += 1
                return (OpenElement(name: name, nameBytes: nameRange, attributes: attributes, line: line), false)
            }
            if current == ASCII.slash {
                guard byte(position + 1) == ASCII.greaterThan else {
                    throw failure("expected '>' after '/' to close <\(shown(name))", at: position + 1)
                }
                position += 2
                return (OpenElement(name: name, nameBytes: nameRange, attributes: attributes, line: line), true)
            }
            guard let attributeRange = scanName(at: position) else {
                throw failure("expected '>' to close <\(shown(name))", at: position)
            }
            guard hadSpace else {
                throw failure("expected whitespace before attribute '\(shown(attributeRange))' in <\(shown(name))", at: position)
            }
            position = attributeRange.upperBound
            skipWhitespace()
            guard byte(position) == ASCII.equals else {
                throw failure("expected '=' after attribute '\(shown(attributeRange))' in <\(shown(name))", at: position)
            }
            position += 1
            skipWhitespace()
            let quote = byte(position)
            guard quote == ASCII.doubleQuote || quote == ASCII.singleQuote else {
                throw failure("expected a quoted value for attribute '\(shown(attributeRange))' in <\(shown(name))", at: position)
            }
            let attributeName = string(attributeRange)
            // A linear search suits the usual handful of attributes; a set keeps many attributes linear overall.
            let isDuplicate: Bool
            if let inserted = manyAttributeNames?.insert(attributeName).inserted {
                isDuplicate = !inserted
            } else {
                isDuplicate = attributes.contains { $0.name == attributeName }
                if !isDuplicate && attributes.count >= 16 {
                    manyAttributeNames = Set(attributes.map(\.name) + [attributeName])
                }
            }
            guard !isDuplicate else {
                throw failure("duplicate attribute '\(shown(attributeName))' in <\(shown(name))", at: attributeRange.lowerBound)
            }
            let value = try attributeValue(attribute: attributeRange, element: name)
            attributes.append(XMLAttribute(name: attributeName, value: value))
        }
    }

    /// Reads the root element at `position` and everything inside it, without recursion.
    mutating func rootElement() throws(XMLReadError) -> XMLElement {
        let root = try startTag()
        if root.isEmpty { return root.element.finished() }
        var current = root.element
        var ancestors: [OpenElement] = []
        while true {
            guard position < bytes.count else {
                throw failure(
                    "unexpected end of the document: <\(shown(current.name))> opened on line \(current.line) is not closed",
                    at: position)
            }
            let lead = bytes[position]
            if lead == ASCII.lessThan {
                let next = byte(position + 1)
                if next == ASCII.slash {
                    let open = position
                    position += 2
                    guard let nameRange = scanName(at: position) else {
                        throw failure("expected an element name after '</'", at: position)
                    }
                    position = nameRange.upperBound
                    skipWhitespace()
                    guard byte(position) == ASCII.greaterThan else {
                        throw failure("expected '>' to close </\(shown(nameRange))", at: position)
                    }
                    guard sameBytes(nameRange, current.nameBytes) else {
                        throw failure(
                            "end tag </\(shown(nameRange))> does not match <\(shown(current.name))> opened on line \(current.line)",
                            at: open)
                    }
                    position += 1
                    let finished = current.finished()
                    guard let parent = ancestors.popLast() else { return finished }
                    current = parent
                    current.children.append(finished)
                } else if Self.isNameStart(next) {
                    guard ancestors.count + 1 < XMLReader.maximumDepth else {
                        throw failure("elements are nested more than \(XMLReader.maximumDepth) deep", at: position)
                    }
                    let (child, childIsEmpty) = try startTag()
                    if childIsEmpty {
                        current.children.append(child.finished())
                    } else {
                        ancestors.append(current)
                        current = child
                    }
                } else if next == ASCII.bang {
                    if hasPrefix(commentOpen, at: position) {
                        try comment()
                    } else if hasPrefix(cdataOpen, at: position) {
                        try cdata(into: &current.text)
                    } else if hasPrefix(doctypeOpen, at: position) {
                        throw failure("a DOCTYPE is only allowed before the root element", at: position)
                    } else {
                        throw failure("expected '<!--' or '<![CDATA[' after '<!'", at: position)
                    }
                } else if next == ASCII.question {
                    try processingInstruction(atDocumentStart: false)
                } else {
                    throw failure("expected an element name, '/', '!' or '?' after '<'", at: position + 1)
                }
            } else if lead == ASCII.ampersand {
                try reference(into: &current.text)
            } else {
                let start = position
                while position < bytes.count {
                    let character = bytes[position]
                    if character == ASCII.lessThan || character == ASCII.ampersand
                        || character == ASCII.carriageReturn || character == ASCII.closeBracket
                    {
                        break
                    }
                    position += 1
                }
                if position > start { current.text.append(contentsOf: bytes[start..<position]) }
                guard position < bytes.count else { continue }
                let stop = bytes[position]
                if stop == ASCII.carriageReturn {
                    current.text.append(ASCII.lineFeed)
                    position += 1
                    if byte(position) == ASCII.lineFeed { position += 1 }
                } else if stop == ASCII.closeBracket {
                    if hasPrefix(cdataClose, at: position) {
                        throw failure("']]>' is not allowed in text (write ']]&gt;')", at: position)
                    }
                    current.text.append(ASCII.closeBracket)
                    position += 1
                }
            }
        }
    }
}
