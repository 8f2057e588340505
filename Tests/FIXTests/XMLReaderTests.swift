import Foundation
import Testing

@testable import FIX
import FIXTestSupport

// Note: the type `XMLElement` is never written out here, because on Apple
// platforms Foundation has a class of the same name.

@Suite("XMLReader")
struct XMLReaderTests {

    // MARK: Well-formed documents

    static let sample = """
        <?xml version="1.0" encoding="UTF-8" standalone='yes'?>
        <!-- a comment before the DOCTYPE -->
        <?xml-stylesheet type="text/xsl" href="fix.xsl"?>
        <!DOCTYPE fix SYSTEM "fix.dtd" [
          <!ELEMENT fix ANY>
          <!ENTITY greeting "hello > world ]">
          <!-- a comment in the subset with ] and > -->
          <?subset-pi data?>
        ]>
        <fix type='FIX' major = "4"	minor='4'>
          <header>
            <field name='BeginString' required='Y' />
          </header>
          <!-- a comment inside -->
          <field number="1" name="A&amp;B" note='it&apos;s &lt;x&gt; &quot;q&quot; &#65;&#x42;&#x20AC;'/>
          <text>café &#8364; <![CDATA[<raw> & ]]> stuff]]done</text><?inside processing instruction?>
          <empty></empty>
          <spaced a="line
        break	tab"/>
        </fix>
        <!-- trailing comment -->
        <?trailing pi?>

        """

    @Test func readsAllConstructs() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array(Self.sample.utf8)
        let root = try XMLReader.parse(bytes)

        #expect(root.name == "fix")
        #expect(root.line == 10)
        #expect(root.attributes.map(\.name) == ["type", "major", "minor"])
        #expect(root.attribute("type") == "FIX")
        #expect(root.attribute("major") == "4")
        #expect(root.attribute("minor") == "4")
        #expect(root.attribute("missing") == nil)
        #expect(root.children.map(\.name) == ["header", "field", "text", "empty", "spaced"])

        let header = try #require(root.firstChild(named: "header"))
        #expect(header.line == 11)
        #expect(header.children.count == 1)
        #expect(header.children[0].attribute("name") == "BeginString")
        #expect(header.children[0].attribute("required") == "Y")
        #expect(header.children[0].line == 12)
        #expect(header.text == "\n    \n  ")

        let field = try #require(root.children(named: "field").first)
        #expect(field.line == 15)
        #expect(field.attribute("name") == "A&B")
        #expect(field.attribute("note") == "it's <x> \"q\" AB€")
        #expect(field.children.isEmpty)
        #expect(field.text == "")

        let text = try #require(root.firstChild(named: "text"))
        #expect(text.line == 16)
        #expect(text.text == "café € <raw> &  stuff]]done")

        let empty = try #require(root.firstChild(named: "empty"))
        #expect(empty.text == "")
        #expect(empty.children.isEmpty)
        #expect(empty.line == 17)

        let spaced = try #require(root.firstChild(named: "spaced"))
        #expect(spaced.attribute("a") == "line break tab")
        #expect(spaced.line == 18)

        #expect(root.children(named: "nothing").isEmpty)
    }

    @Test func textIncludesCDataAndDecodedEntities() throws {
        let root = try XMLReader.parse("<a>x &lt; y<![CDATA[ & <z> ]]>&#x41;<b>inner</b>tail</a>")
        #expect(root.text == "x < y & <z> Atail")
        #expect(root.children.count == 1)
        #expect(root.children[0].text == "inner")
    }

    @Test func stringAndBytesAgree() throws {
        let fromString = try XMLReader.parse(Self.sample)
        let fromBytes = try XMLReader.parse(Array(Self.sample.utf8))
        #expect(fromString == fromBytes)
    }

    @Test func lineEndingsAreCountedAndNormalised() throws {
        let root = try XMLReader.parse("<a>\r\n<b/>\r<c>x\r\ny\rz</c>\n<d a='1\r\n2'/></a>")
        #expect(root.children.map(\.line) == [2, 3, 6])
        #expect(root.children[1].text == "x\ny\nz")
        #expect(root.children[2].attribute("a") == "1 2")
        // A character reference keeps a carriage return.
        let kept = try XMLReader.parse("<a b='&#13;'>&#13;</a>")
        #expect(kept.attribute("b") == "\r")
        #expect(kept.text == "\r")
    }

    @Test func minimalDocuments() throws {
        let root = try XMLReader.parse("<a/>")
        #expect(root.name == "a")
        #expect(root.attributes.isEmpty)
        #expect(root.children.isEmpty)
        #expect(root.line == 1)
        let spaced = try XMLReader.parse("  \n\t<x:y-z.1 _a='' >  </x:y-z.1  >\n")
        #expect(spaced.name == "x:y-z.1")
        #expect(spaced.attribute("_a") == "")
        #expect(spaced.line == 2)
        #expect(spaced.text == "  ")
        let unicode = try XMLReader.parse("<données clé=\"valeur ✓\">😀</données>")
        #expect(unicode.name == "données")
        #expect(unicode.attribute("clé") == "valeur ✓")
        #expect(unicode.text == "😀")
    }

    @Test func deepButAllowedNesting() throws {
        let depth = XMLReader.maximumDepth
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        var element = try XMLReader.parse(text)
        var levels = 1
        while let child = element.children.first {
            element = child
            levels += 1
        }
        #expect(levels == depth)
    }

    // MARK: Errors

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var document: String
        var line: Int
        var column: Int?
        var reason: String
        var testDescription: String { reason }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(document: "<fix>\n<field name='a'\n<x/></fix>", line: 3, column: 1,
                  reason: "expected '>' to close <field"),
        ErrorCase(document: "<fix>\n<field name='a' /\n</fix>", line: 2, column: 18,
                  reason: "expected '>' after '/' to close <field"),
        ErrorCase(document: "<fix>\n<messages>\n<message>\n</messages>\n</fix>", line: 4, column: 1,
                  reason: "end tag </messages> does not match <message> opened on line 3"),
        ErrorCase(document: "<fix>\n  <!-- never closed\n</fix>", line: 2, column: 3, reason: "unterminated comment"),
        ErrorCase(document: "<fix>\n<!-- a -- b -->\n</fix>", line: 2, column: 8,
                  reason: "'--' is not allowed inside a comment"),
        ErrorCase(document: "<fix>\n<field\n  name='a' name='b'/></fix>", line: 3, column: 12,
                  reason: "duplicate attribute 'name' in <field"),
        ErrorCase(document: "<fix>\n  <a>&foo;</a></fix>", line: 2, column: 6, reason: "unknown entity '&foo;'"),
        ErrorCase(document: "<fix a='&bar;'/>", line: 1, column: 9, reason: "unknown entity '&bar;'"),
        ErrorCase(document: "<fix>é&foo;</fix>", line: 1, column: 7, reason: "unknown entity '&foo;'"),
        ErrorCase(document: "<fix/>\n<fix/>", line: 2, column: 1, reason: "content after the root element"),
        ErrorCase(document: "<fix/>\ntext", line: 2, column: 1, reason: "content after the root element"),
        ErrorCase(document: "<?xml version='1.0'?>\n<!-- only a comment -->\n", line: 3, column: 1,
                  reason: "no root element"),
        ErrorCase(document: "", line: 1, column: 1, reason: "no root element"),
        ErrorCase(document: "  \n  ", line: 2, column: 3, reason: "no root element"),
        ErrorCase(document: "<fix>\n<messages>\n", line: 3, column: 1,
                  reason: "<messages> opened on line 2 is not closed"),
        ErrorCase(document: "<fix>\n<![CDATA[ abc", line: 2, column: 1, reason: "unterminated CDATA section"),
        ErrorCase(document: "<fix>\n<?pi abc", line: 2, column: 1, reason: "unterminated processing instruction"),
        ErrorCase(document: "<!DOCTYPE fix [\n<!ENTITY a 'b'>\n<fix/>", line: 1, column: 1,
                  reason: "unterminated DOCTYPE"),
        ErrorCase(document: "<!DOCTYPE fix>\n<!DOCTYPE fix>\n<fix/>", line: 2, column: 1,
                  reason: "only one DOCTYPE"),
        ErrorCase(document: "<fix>\n<!DOCTYPE fix>\n</fix>", line: 2, column: 1,
                  reason: "DOCTYPE is only allowed before the root element"),
        ErrorCase(document: "<fix>\n<a b='unterminated/>", line: 2, column: 6,
                  reason: "unterminated value for attribute 'b' of <a"),
        ErrorCase(document: "<fix>\n<a b='x<y'/></fix>", line: 2, column: 8,
                  reason: "'<' is not allowed in an attribute value"),
        ErrorCase(document: "<fix>\n<a b 'x'/></fix>", line: 2, column: 6, reason: "expected '=' after attribute 'b'"),
        ErrorCase(document: "<fix>\n<a b=x/></fix>", line: 2, column: 6, reason: "expected a quoted value for attribute 'b'"),
        ErrorCase(document: "<fix>\n<a b='1'c='2'/></fix>", line: 2, column: 9, reason: "expected whitespace before attribute 'c'"),
        ErrorCase(document: "<fix>\n&#xD800;</fix>", line: 2, column: 1,
                  reason: "character reference '&#xD800;' is not a valid XML character"),
        ErrorCase(document: "<fix>\n&#0;</fix>", line: 2, column: 1, reason: "is not a valid XML character"),
        ErrorCase(document: "<fix>\n&#99999999999999999999;</fix>", line: 2, column: 1,
                  reason: "is not a valid XML character"),
        ErrorCase(document: "<fix>\n&#x;</fix>", line: 2, column: 4, reason: "expected hexadecimal digits"),
        ErrorCase(document: "<fix>\n&#12</fix>", line: 2, column: 5, reason: "expected ';' to end character reference"),
        ErrorCase(document: "<fix>\n&amp</fix>", line: 2, column: 5, reason: "expected ';' after entity '&amp'"),
        ErrorCase(document: "<fix>\nA & B</fix>", line: 2, column: 3, reason: "'&' must start an entity"),
        ErrorCase(document: "<fix>\na ]]> b</fix>", line: 2, column: 3, reason: "']]>' is not allowed in text"),
        ErrorCase(document: "hello <fix/>", line: 1, column: 1, reason: "text is not allowed before the root element"),
        ErrorCase(document: "\n<?xml version='1.0'?><fix/>", line: 2, column: 1,
                  reason: "only allowed at the very start of the document"),
        ErrorCase(document: "<fix>\n<?xml version='1.0'?></fix>", line: 2, column: 1,
                  reason: "only allowed at the very start of the document"),
        ErrorCase(document: "<?xml version='1.0' encoding='ISO-8859-1'?><fix/>", line: 1, column: 31,
                  reason: "unsupported encoding 'ISO-8859-1'"),
        ErrorCase(document: "<?xml encoding='UTF-8'?><fix/>", line: 1, column: 1, reason: "has no version"),
        ErrorCase(document: "<?xml version='1.0' foo='x'?><fix/>", line: 1, column: 21,
                  reason: "unknown XML declaration attribute 'foo'"),
        ErrorCase(document: "</fix>", line: 1, column: 1, reason: "end tag before the root element"),
        ErrorCase(document: "<fix>\n<1a/></fix>", line: 2, column: 2, reason: "expected an element name, '/', '!' or '?' after '<'"),
        ErrorCase(document: "<fix>\n</ fix>", line: 2, column: 3, reason: "expected an element name after '</'"),
        ErrorCase(document: "<fix>\n</fix x>", line: 2, column: 7, reason: "expected '>' to close </fix"),
        ErrorCase(document: "<fix>\n<!ELEMENT x ANY></fix>", line: 2, column: 1, reason: "expected '<!--' or '<![CDATA[' after '<!'"),
        ErrorCase(document: "<fix>\n<field name='a'", line: 2, column: 16, reason: "expected '>' to close <field"),
        ErrorCase(document: "<fix>\n<fi", line: 2, column: 4, reason: "expected '>' to close <fi"),
        ErrorCase(document: "<fix>\n\u{01}</fix>", line: 2, column: 1, reason: "invalid character U+0001"),
        ErrorCase(document: "<fix>\n\u{FFFF}</fix>", line: 2, column: 1, reason: "invalid character U+FFFF"),
    ]

    @Test(arguments: errorCases)
    func rejectsMalformedDocument(_ errorCase: ErrorCase) {
        let error = #expect(throws: XMLReadError.self) {
            try XMLReader.parse(errorCase.document)
        }
        guard let error else { return }
        #expect(error.line == errorCase.line, "\(error)")
        if let column = errorCase.column {
            #expect(error.column == column, "\(error)")
        }
        #expect(error.reason.contains(errorCase.reason), "\(error)")
        #expect(error.description.hasPrefix("line \(error.line), column \(error.column): "))
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [([UInt8], Int, String)] = [
            (Array("<a>\n".utf8) + [0xFF] + Array("</a>".utf8), 2, "invalid UTF-8 byte 0xFF"),
            (Array("<a>\n".utf8) + [0xC3, 0x28] + Array("</a>".utf8), 2, "invalid UTF-8 sequence"),
            (Array("<a>\n".utf8) + [0xC0, 0xAF] + Array("</a>".utf8), 2, "invalid UTF-8 byte 0xC0"),
            (Array("<a>\n".utf8) + [0xED, 0xA0, 0x80] + Array("</a>".utf8), 2, "invalid UTF-8 sequence"),
            (Array("<a>\n\n".utf8) + [0xE2, 0x82], 3, "truncated UTF-8 sequence"),
            ([0xFF, 0xFE, 0x3C, 0x00], 1, "UTF-16 documents are not supported"),
            (Array("<a>\n".utf8) + [0x00] + Array("</a>".utf8), 2, "invalid character U+0000"),
        ]
        for (bytes, line, reason) in cases {
            let error = #expect(throws: XMLReadError.self) { try XMLReader.parse(bytes) }
            #expect(error?.line == line, "\(String(describing: error))")
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        }
    }

    @Test func rejectsTooDeepNesting() {
        let depth = XMLReader.maximumDepth + 1
        let text = String(repeating: "<a>\n", count: depth) + String(repeating: "</a>", count: depth)
        let error = #expect(throws: XMLReadError.self) { try XMLReader.parse(text) }
        #expect(error?.line == depth)
        #expect(error?.reason.contains("nested more than") == true)
    }

    @Test func manyAttributes() throws {
        let names = (0..<5000).map { "a\($0)" }
        let text = "<e " + names.map { "\($0)='\($0)'" }.joined(separator: " ") + "/>"
        let element = try XMLReader.parse(text)
        #expect(element.attributes.map(\.name) == names)
        #expect(element.attribute("a4999") == "a4999")

        let duplicate = "<e " + names.prefix(100).map { "\($0)='1'" }.joined(separator: "\n") + "\na17='2'/>"
        let error = #expect(throws: XMLReadError.self) { try XMLReader.parse(duplicate) }
        #expect(error?.line == 101)
        #expect(error?.reason == "duplicate attribute 'a17' in <e")
    }

    @Test func hugeNamesAreShortenedInMessages() {
        let name = String(repeating: "n", count: 10_000)
        let error = #expect(throws: XMLReadError.self) { try XMLReader.parse("<a>&\(name);</a>") }
        #expect((error?.reason.count ?? .max) < 200)
    }

    // MARK: The QuickFIX FIX 4.4 dictionary

    static let fix44Path: String = {
        let repositoryRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Tests/FIXTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
        return repositoryRoot
            .deletingLastPathComponent()
            .appendingPathComponent("shared/quickfix-at/spec/FIX44.xml")
            .standardizedFileURL.path
    }()

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: fix44Path),
            "QuickFIX's FIX44.xml is absent (expected at ../shared/quickfix-at/spec/FIX44.xml beside the repository)"
        )
    )
    func readsQuickFIXDictionary() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.fix44Path))
        let root = try XMLReader.parse([UInt8](data))

        #expect(root.name == "fix")
        #expect(root.attribute("major") == "4")
        #expect(root.attribute("minor") == "4")
        #expect(root.line == 1)
        let sections = Set(root.children.map(\.name))
        #expect(sections.isSuperset(of: ["header", "trailer", "messages", "components", "fields"]))

        let messages = try #require(root.firstChild(named: "messages"))
        let newOrderSingle = try #require(
            messages.children(named: "message").first { $0.attribute("name") == "NewOrderSingle" })
        #expect(newOrderSingle.attribute("msgtype") == "D")
        #expect(newOrderSingle.attribute("msgcat") == "app")
        #expect(newOrderSingle.line > 1)
        let orderFields = newOrderSingle.children(named: "field").compactMap { $0.attribute("name") }
        #expect(orderFields.contains("ClOrdID"))
        #expect(orderFields.contains("Side"))

        let header = try #require(root.firstChild(named: "header"))
        #expect(header.children.first?.attribute("name") == "BeginString")
        #expect(header.line == 2)

        let fields = try #require(root.firstChild(named: "fields"))
        let side = try #require(fields.children(named: "field").first { $0.attribute("name") == "Side" })
        #expect(side.attribute("number") == "54")
        #expect(side.attribute("type") == "CHAR")
        #expect(side.children(named: "value").contains { $0.attribute("enum") == "1" && $0.attribute("description") == "BUY" })

        // Lines are exact: the line recorded for each <message> holds its start tag.
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for message in messages.children(named: "message").prefix(20) {
            let line = lines[message.line - 1]
            #expect(line.contains("<message") && line.contains("name='\(message.attribute("name") ?? "")'"))
        }
    }

    // MARK: Robustness

    @Test func randomMutationsNeverCrash() {
        let original = Array(Self.sample.utf8)
        let interesting: [UInt8] = Array("<>/&;#x'\"=!-[]?CDATA \n\r\tamp".utf8) + [0x00, 0xC3, 0xA9, 0xFF, 0xE2, 0x80]
        var random = SplitMix64(seed: 0x5EED_F1C5_2024)
        var parsed = 0
        var rejected = 0
        let lineCount = original.count(where: { $0 == 0x0A }) + 1
        for _ in 0..<4000 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) {
                guard !bytes.isEmpty else { break }
                let index = random.below(bytes.count)
                let value = random.below(2) == 0 ? interesting[random.below(interesting.count)] : UInt8(random.below(256))
                switch random.below(6) {
                case 0, 1: bytes[index] = value
                case 2: bytes.insert(value, at: index)
                case 3: bytes.remove(at: index)
                case 4: bytes.removeSubrange(index...)
                default:
                    let end = min(bytes.count, index + 1 + random.below(40))
                    let copy = bytes[index..<end]
                    bytes.insert(contentsOf: copy, at: random.below(bytes.count + 1))
                }
            }
            do throws(XMLReadError) {
                _ = try XMLReader.parse(bytes)
                parsed += 1
            } catch {
                rejected += 1
                #expect(error.line >= 1 && error.line <= lineCount + 50, "\(error)")
                #expect(error.column >= 1, "\(error)")
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(parsed + rejected == 4000)
        #expect(parsed > 0)
        #expect(rejected > 0)
    }
}
