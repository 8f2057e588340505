import FIX

/// A response to an order (ExecutionReport 8 or OrderCancelReject 9), recorded or live, with
/// the fields a replay compares.
public struct RecordedResponse: Sendable, Equatable {
    /// The fields compared: ExecType, OrdStatus, LastPx, LastQty, CumQty, LeavesQty, AvgPx,
    /// OrdRejReason, CxlRejReason.
    public static let comparedTags: [(tag: Int, name: String, decimal: Bool)] = [
        (150, "ExecType", false), (39, "OrdStatus", false), (31, "LastPx", true), (32, "LastQty", true),
        (14, "CumQty", true), (151, "LeavesQty", true), (6, "AvgPx", true), (103, "OrdRejReason", false),
        (102, "CxlRejReason", false),
    ]

    public var msgType: String
    /// ClOrdID (11); `""` when absent.
    public var clOrdID: String
    /// Values of ``comparedTags`` (absent ones left out).
    public var values: [Int: String]
    /// Where it was read (recorded), or empty (live).
    public var file: String
    public var line: Int

    public init(_ m: FIXMessage, file: String = "", line: Int = 0) {
        msgType = m.msgType ?? "?"
        clOrdID = m.string(Tag.clOrdID) ?? ""
        var values: [Int: String] = [:]
        for c in Self.comparedTags {
            if let v = m.string(c.tag) { values[c.tag] = v }
        }
        self.values = values
        self.file = file
        self.line = line
    }

    /// The fields that differ between a recorded response and a live one (MsgType first).
    public static func differences(recorded: RecordedResponse, live: RecordedResponse) -> [FieldDifference] {
        var out: [FieldDifference] = []
        if recorded.msgType != live.msgType {
            out.append(FieldDifference(tag: 35, name: "MsgType", recorded: recorded.msgType, live: live.msgType))
        }
        for c in comparedTags {
            let a = recorded.values[c.tag], b = live.values[c.tag]
            let same: Bool
            if c.decimal, let a, let b, let x = FIXDecimal(a), let y = FIXDecimal(b) {
                same = x == y
            } else {
                same = a == b
            }
            if !same { out.append(FieldDifference(tag: c.tag, name: c.name, recorded: a, live: b)) }
        }
        return out
    }
}

/// A field whose value differs: its tag and name, the recorded and the live value (nil: absent).
public struct FieldDifference: Sendable, Codable, Equatable, CustomStringConvertible {
    public var tag: Int
    public var name: String
    public var recorded: String?
    public var live: String?

    /// `Name (tag) recorded X, live Y`.
    public var description: String { "\(name) (\(tag)) recorded \(recorded ?? "absent"), live \(live ?? "absent")" }
}
