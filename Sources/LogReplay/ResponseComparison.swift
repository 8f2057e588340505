/// Recorded responses against live ones, matched by ClOrdID and by their order under it.
public struct ResponseComparison: Sendable, Codable, Equatable {
    /// Pairs with every compared field equal, pairs with a difference, recorded responses with no
    /// live one, live responses with no recorded one.
    public var matching = 0
    public var differing = 0
    public var missing = 0
    public var extra = 0
    /// Each pair that differs and each missing or extra response, in the order of the recording
    /// (ClOrdIDs not in it last).
    public var differences: [ResponseDifference] = []

    /// Whether everything matched.
    public var allMatch: Bool { differing == 0 && missing == 0 && extra == 0 }

    /// Compares `live` with `recorded`, both by ClOrdID; `order` is the order of the ClOrdIDs to
    /// report in (others follow, sorted).
    public init(recorded: [String: [RecordedResponse]], live: [String: [RecordedResponse]], order: [String]) {
        var ids = order.filter { recorded[$0] != nil || live[$0] != nil }
        var listed = Set(ids)
        for id in (Array(recorded.keys) + Array(live.keys)).sorted() where !listed.contains(id) {
            ids.append(id)
            listed.insert(id)
        }
        for id in ids {
            let rec = recorded[id] ?? [], got = live[id] ?? []
            for i in 0..<max(rec.count, got.count) {
                if i < rec.count, i < got.count {
                    let fields = RecordedResponse.differences(recorded: rec[i], live: got[i])
                    if fields.isEmpty {
                        matching += 1
                    } else {
                        differing += 1
                        differences.append(ResponseDifference(clOrdID: id, index: i + 1, kind: .differs, msgType: rec[i].msgType,
                                                              recordedAt: "\(rec[i].file):\(rec[i].line)", fields: fields))
                    }
                } else if i < rec.count {
                    missing += 1
                    differences.append(ResponseDifference(clOrdID: id, index: i + 1, kind: .missing, msgType: rec[i].msgType,
                                                          recordedAt: "\(rec[i].file):\(rec[i].line)", fields: []))
                } else {
                    extra += 1
                    differences.append(ResponseDifference(clOrdID: id, index: i + 1, kind: .extra, msgType: got[i].msgType,
                                                          recordedAt: nil, fields: []))
                }
            }
        }
    }
}

/// A response that differs, is missing or was not recorded.
public struct ResponseDifference: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case differs, missing, extra
    }

    public var clOrdID: String
    /// Its position among the responses of its ClOrdID (1-based).
    public var index: Int
    public var kind: Kind
    public var msgType: String
    /// `FILE:LINE` of the recorded response.
    public var recordedAt: String?
    public var fields: [FieldDifference]

    public var description: String {
        let what = "\(clOrdID.isEmpty ? "(no ClOrdID)" : clOrdID) response \(index) (MsgType \(msgType))"
        switch kind {
        case .differs:
            return "\(what), recorded at \(recordedAt ?? "?"): " + fields.map(\.description).joined(separator: "; ")
        case .missing:
            return "\(what), recorded at \(recordedAt ?? "?"): no live response"
        case .extra:
            return "\(what): live response not in the recording"
        }
    }
}
