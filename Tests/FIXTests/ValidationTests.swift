import Foundation
import Testing
@testable import FIX
import FIXTestSupport

/// The session-level validation failures, each with its SessionRejectReason, RefTagID,
/// RefMsgType and standard text.
struct ValidationTests {
    static let header = "49=TW44|56=ISLD|34=2|52=20240808-12:00:00.000|"

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var reason: Int?
        var tag: Int?
        var msgType: String?
        var text: String?
        var settings = ValidationSettings.strict
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "valid NewOrderSingle",
             body: "35=D|\(header)11=ID|21=1|40=2|44=10.5|54=1|38=200.00|55=INTC|60=20240808-12:00:00|",
             reason: nil),
        Case(name: "valid with fields in another order inside header and body",
             body: "35=D|56=ISLD|52=20240808-12:00:00.000|49=TW44|34=2|40=1|55=MSFT|60=20240808-12:00:00|54=1|21=3|11=id|38=1|",
             reason: nil),
        Case(name: "required tag missing in header",
             body: "35=0|49=TW44|34=2|52=20240808-12:00:00|", reason: 1, tag: 56, msgType: "0",
             text: "Required tag missing"),
        Case(name: "required tag missing in body",
             body: "35=D|\(header)40=1|60=20240808-12:00:00|54=1|21=3|38=1|", reason: 1, tag: 11, msgType: "D",
             text: "Required tag missing"),
        Case(name: "tag not defined for this message type",
             body: "35=0|\(header)55=MSFT|", reason: 2, tag: 55, msgType: "0",
             text: "Tag not defined for this message type"),
        Case(name: "undefined tag",
             body: "35=0|\(header)999=X|", reason: 0, tag: 999, msgType: "0", text: "Invalid tag number"),
        Case(name: "tag zero",
             body: "35=0|\(header)0=X|", reason: 0, tag: 0, msgType: "0", text: "Invalid tag number"),
        Case(name: "negative tag",
             body: "35=0|\(header)-1=X|", reason: 0, tag: -1, msgType: "0", text: "Invalid tag number"),
        Case(name: "user-defined tag not defined",
             body: "35=0|\(header)5000=X|", reason: 0, tag: 5000, msgType: "0", text: "Invalid tag number"),
        Case(name: "user-defined tag skipped when not checked",
             body: "35=0|\(header)5000=X|", reason: nil,
             settings: ValidationSettings(checkUserDefinedFields: false)),
        Case(name: "tag specified without a value",
             body: "35=0|49=TW44|56=|34=2|52=20240808-12:00:00|", reason: 4, tag: 56, msgType: "0",
             text: "Tag specified without a value"),
        Case(name: "empty value allowed when values are not checked",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=1|55=INTC|60=20240808-12:00:00|58=|", reason: nil,
             settings: ValidationSettings(checkFieldsHaveValues: false)),
        Case(name: "value out of range",
             body: "35=D|\(header)11=ID|21=4|40=1|54=1|38=2000|55=INTC|60=20240808-12:00:00|", reason: 5, tag: 21,
             msgType: "D", text: "Value is incorrect (out of range) for this tag"),
        Case(name: "incorrect data format",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=abc|55=INTC|60=20240808-12:00:00|", reason: 6, tag: 38,
             msgType: "D", text: "Incorrect data format for value"),
        Case(name: "bad timestamp format",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=1|55=INTC|60=20241308-12:00:00|", reason: 6, tag: 60,
             msgType: "D", text: "Incorrect data format for value"),
        Case(name: "header field after the body",
             body: "35=D|11=id|21=3|40=1|54=1|55=MSFT|60=20240808-12:00:00|38=1|34=2|49=TW44|52=20240808-12:00:00|56=ISLD|",
             reason: 14, tag: 34, msgType: "D", text: "Tag specified out of required order"),
        Case(name: "header field after the body accepted when order is not checked",
             body: "35=D|11=id|21=3|40=1|54=1|55=MSFT|60=20240808-12:00:00|38=1|34=2|49=TW44|52=20240808-12:00:00|56=ISLD|",
             reason: nil, settings: ValidationSettings(checkFieldsOutOfOrder: false)),
        Case(name: "body field after the trailer",
             body: "35=0|\(header)93=2|89=ab|112=X|", reason: 14, tag: 112, msgType: "0",
             text: "Tag specified out of required order"),
        Case(name: "tag appears more than once",
             body: "35=D|\(header)11=ID|21=1|40=1|40=2|54=1|38=200.00|55=INTC|60=20240808-12:00:00|", reason: 13,
             tag: 40, msgType: "D", text: "Tag appears more than once"),
        Case(name: "NumInGroup count differs from the instances",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=200.00|55=INTC|386=3|336=PRE-OPEN|336=AFTER-HOURS|60=20240808-12:00:00|",
             reason: 16, tag: 386, msgType: "D", text: "Incorrect NumInGroup count for repeating group"),
        Case(name: "NumInGroup of zero",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=200.00|55=INTC|386=0|60=20240808-12:00:00|", reason: nil),
        Case(name: "group instance that does not start with the delimiter",
             body: "35=D|\(header)11=ID|21=1|40=1|54=1|38=1|55=X|453=1|447=D|448=P|452=1|60=20240808-12:00:00|",
             reason: 15, tag: 447, msgType: "D", text: "Repeating group fields out of order"),
        Case(name: "repeated tag inside one group instance",
             body: "35=V|\(header)262=R1|263=1|264=5|267=2|269=0|269=1|146=1|55=BTCUSDT|48=A|48=B|",
             reason: 13, tag: 48, msgType: "V", text: "Tag appears more than once"),
        Case(name: "invalid MsgType",
             body: "35=*|\(header)", reason: 11, tag: nil, msgType: "*", text: "Invalid MsgType"),
    ]

    static func check(_ c: Case, with dictionary: DataDictionary) throws {
        var m = try parsed(c.body)
        let reject = dictionary.validate(&m, settings: c.settings)
        if let reason = c.reason {
            let r = try #require(reject, "expected a reject")
            #expect(r.reason.rawValue == reason)
            #expect(r.refTagID == c.tag)
            #expect(r.refMsgType == c.msgType)
            #expect(r.text == c.text)
        } else {
            #expect(reject == nil, "\(String(describing: reject))")
        }
    }

    @Test("with the engine's dictionary", arguments: cases)
    func validation(_ c: Case) throws {
        try Self.check(c, with: try DataDictionary.fix44())
    }

    @Test("with the conformance suite's dictionary", .enabled(if: sharedDictionaryPresent,
          "the conformance suite's dictionary is absent (../shared/quickfix-at/spec/FIX44.xml); skipped"),
          arguments: cases)
    func validationWithConformanceDictionary(_ c: Case) throws {
        try Self.check(c, with: try Self.conformanceDictionary())
    }

    static let conformance = Result { try DataDictionary(contentsOfFile: sharedDictionaryPath) }

    static func conformanceDictionary() throws -> DataDictionary {
        try conformance.get()
    }

    /// A validator remembers the structure of valid messages and then checks only the values of
    /// messages with the same tags: the answers must be those of a fresh validator.
    @Test func repeatedShapesGiveTheSameAnswers() throws {
        let dictionary = try DataDictionary.fix44()
        let reused = FIXValidator(dictionary: dictionary)
        let order = "11=ID|21=1|40=2|44=10.5|54=1|38=200|55=INTC|60=20240808-12:00:00|"
        let bodies = [
            order,
            order.replacingOccurrences(of: "21=1", with: "21=4"),
            order.replacingOccurrences(of: "38=200", with: "38=2x0"),
            order.replacingOccurrences(of: "55=INTC", with: "55="),
            order.replacingOccurrences(of: "60=20240808-12:00:00", with: "60=20241308-12:00:00"),
            order,
            order.replacingOccurrences(of: "11=ID|", with: ""),
            order.replacingOccurrences(of: "55=INTC|", with: "55=INTC|55=X|"),
            order,
        ]
        for (k, b) in bodies.enumerated() {
            var first = try parsed("35=D|\(Self.header)\(b)")
            var second = first
            let expected = FIXValidator(dictionary: dictionary).validate(&first)
            #expect(reused.validate(&second) == expected, "message \(k): \(b)")
            #expect(second.groupsResolved)
        }
    }

    @Test func groupsAreResolvedWithNesting() throws {
        let dictionary = try DataDictionary.fix44()
        var m = try parsed("35=W|\(Self.header)262=R|55=BTCUSDT|268=3|269=0|270=100.5|271=2|269=1|270=101|271=3|269=2|270=100.75|271=1|")
        #expect(dictionary.validate(&m) == nil)
        let entries = m.group(Tag.noMDEntries)
        #expect(entries.count == 3)
        #expect(entries.declaredCount == 3)
        #expect(entries[1].decimal(Tag.mdEntryPx) == FIXDecimal(mantissa: 101, scale: 0))
        #expect(entries[2].string(Tag.mdEntryType) == "2")
        #expect(m.string(Tag.symbol) == "BTCUSDT")
        // A field inside a group is not seen at the top level.
        #expect(m.has(Tag.mdEntryPx) == false)

        var d = try parsed("35=D|\(Self.header)11=ID|21=1|40=1|54=1|38=1|55=X|454=2|455=A1|456=4|455=B2|456=8|453=1|448=P|447=D|452=1|802=1|523=S|803=1|60=20240808-12:00:00|")
        #expect(dictionary.validate(&d) == nil)
        let parties = d.group(453)
        #expect(parties.count == 1)
        let subIDs = parties[0].group(802)
        #expect(subIDs.count == 1)
        #expect(subIDs[0].string(523) == "S")
        #expect(d.group(454).map { $0.string(455) } == ["A1", "B2"])
    }
}
