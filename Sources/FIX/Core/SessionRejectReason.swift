/// FIX 4.4 SessionRejectReason (373): why a message was rejected at the session level,
/// with the standard text that goes in Text (58).
public struct SessionRejectReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let invalidTagNumber = SessionRejectReason(rawValue: 0)
    public static let requiredTagMissing = SessionRejectReason(rawValue: 1)
    public static let tagNotDefinedForMessageType = SessionRejectReason(rawValue: 2)
    public static let undefinedTag = SessionRejectReason(rawValue: 3)
    public static let tagSpecifiedWithoutValue = SessionRejectReason(rawValue: 4)
    public static let valueIncorrect = SessionRejectReason(rawValue: 5)
    public static let incorrectDataFormat = SessionRejectReason(rawValue: 6)
    public static let decryptionProblem = SessionRejectReason(rawValue: 7)
    public static let signatureProblem = SessionRejectReason(rawValue: 8)
    public static let compIDProblem = SessionRejectReason(rawValue: 9)
    public static let sendingTimeAccuracyProblem = SessionRejectReason(rawValue: 10)
    public static let invalidMsgType = SessionRejectReason(rawValue: 11)
    public static let xmlValidationError = SessionRejectReason(rawValue: 12)
    public static let tagAppearsMoreThanOnce = SessionRejectReason(rawValue: 13)
    public static let tagSpecifiedOutOfRequiredOrder = SessionRejectReason(rawValue: 14)
    public static let repeatingGroupFieldsOutOfOrder = SessionRejectReason(rawValue: 15)
    public static let incorrectNumInGroupCount = SessionRejectReason(rawValue: 16)
    public static let nonDataValueIncludesFieldDelimiter = SessionRejectReason(rawValue: 17)
    public static let other = SessionRejectReason(rawValue: 99)

    /// The standard text for this reason, as FIX engines put it in Text (58).
    public var text: String {
        switch rawValue {
        case 0: return "Invalid tag number"
        case 1: return "Required tag missing"
        case 2: return "Tag not defined for this message type"
        case 3: return "Undefined Tag"
        case 4: return "Tag specified without a value"
        case 5: return "Value is incorrect (out of range) for this tag"
        case 6: return "Incorrect data format for value"
        case 7: return "Decryption problem"
        case 8: return "Signature problem"
        case 9: return "CompID problem"
        case 10: return "SendingTime accuracy problem"
        case 11: return "Invalid MsgType"
        case 12: return "XML Validation error"
        case 13: return "Tag appears more than once"
        case 14: return "Tag specified out of required order"
        case 15: return "Repeating group fields out of order"
        case 16: return "Incorrect NumInGroup count for repeating group"
        case 17: return "Non Data value includes field delimiter (SOH character)"
        default: return "Other"
        }
    }

    public var description: String { "\(rawValue) (\(text))" }
}

/// A session-level rejection of one message: the SessionRejectReason (373), the tag it concerns
/// (RefTagID, 371, when there is one), the message type (RefMsgType, 372, when it could be read)
/// and the text for Text (58).
///
/// Also records where in the engine's source the reject was raised (`file`, `line`), for
/// diagnostics; two rejects are equal when their FIX content is.
public struct FIXReject: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: SessionRejectReason
    public var refTagID: Int?
    public var refMsgType: String?
    public var text: String
    /// Source file of the engine that raised the reject.
    public var file: StaticString
    /// Source line of the engine that raised the reject.
    public var line: UInt

    public init(_ reason: SessionRejectReason, tag: Int? = nil, msgType: String? = nil, text: String? = nil,
                file: StaticString = #fileID, line: UInt = #line) {
        self.reason = reason
        self.refTagID = tag
        self.refMsgType = msgType
        self.text = text ?? reason.text
        self.file = file
        self.line = line
    }

    public static func == (lhs: FIXReject, rhs: FIXReject) -> Bool {
        lhs.reason == rhs.reason && lhs.refTagID == rhs.refTagID && lhs.refMsgType == rhs.refMsgType
            && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reason)
        hasher.combine(refTagID)
        hasher.combine(refMsgType)
        hasher.combine(text)
    }

    public var description: String {
        var s = "373=\(reason.rawValue)"
        if let refTagID { s += " 371=\(refTagID)" }
        if let refMsgType { s += " 372=\(refMsgType)" }
        return s + " \(text)"
    }
}
