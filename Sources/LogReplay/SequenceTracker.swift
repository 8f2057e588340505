/// The MsgSeqNums of one direction of a session: which were expected, which were skipped, and
/// which of the skipped were made good by resends or gap fills.
struct SequenceTracker {
    /// The next MsgSeqNum expected (nil before the first message).
    private(set) var expected: Int?
    private(set) var first: Int?
    private(set) var last: Int?
    /// Gaps found, each with the numbers of it not yet made good.
    private(set) var gaps: [(gap: SequenceGap, missing: [ClosedRange<Int>])] = []
    private(set) var tooLow = 0
    private(set) var resets = 0

    /// What a message did to the sequence.
    enum Outcome: Equatable {
        case inOrder
        /// Numbers skipped (from...to).
        case gap(ClosedRange<Int>)
        /// Lower than expected, without PossDupFlag or a reset.
        case tooLow(expected: Int)
        /// A resend (PossDupFlag Y).
        case resent
    }

    private mutating func see(_ seq: Int) {
        first = min(first ?? seq, seq)
        last = max(last ?? seq, seq)
    }

    /// A message that is neither a resend nor a SequenceReset; `resetLogon`: a Logon with
    /// ResetSeqNumFlag Y (the numbers start again).
    mutating func message(_ seq: Int, resetLogon: Bool, at: GapPlace) -> Outcome {
        see(seq)
        if resetLogon {
            if expected != nil { resets += 1 }
            expected = seq + 1
            return .inOrder
        }
        guard let e = expected else {
            expected = seq + 1
            return .inOrder
        }
        if seq == e {
            expected = seq + 1
            return .inOrder
        }
        if seq > e {
            openGap(e...(seq - 1), at: at)
            expected = seq + 1
            return .gap(e...(seq - 1))
        }
        tooLow += 1
        return .tooLow(expected: e)
    }

    /// A message with PossDupFlag Y: its number is made good.
    mutating func resent(_ seq: Int) -> Outcome {
        see(seq)
        cover(seq...seq)
        if let e = expected, seq >= e { expected = seq + 1 }
        return .resent
    }

    /// A SequenceReset: a gap fill covers `seq..<newSeqNo`; a reset moves the expected number
    /// to `newSeqNo` (the numbers jumped over count as made good).
    mutating func sequenceReset(_ seq: Int, newSeqNo: Int, gapFill: Bool, possDup: Bool, at: GapPlace) -> Outcome {
        see(seq)
        var outcome = Outcome.inOrder
        if gapFill {
            if !possDup, let e = expected, seq > e {
                openGap(e...(seq - 1), at: at)
                outcome = .gap(e...(seq - 1))
            }
            if newSeqNo > seq { cover(seq...(newSeqNo - 1)) }
            if newSeqNo > (expected ?? 0) { expected = newSeqNo }
            if possDup { outcome = .resent }
        } else {
            if let e = expected, newSeqNo > e { cover(e...(newSeqNo - 1)) }
            expected = newSeqNo
        }
        return outcome
    }

    private mutating func openGap(_ range: ClosedRange<Int>, at: GapPlace) {
        gaps.append((SequenceGap(from: range.lowerBound, to: range.upperBound, detectedAt: at.time, file: at.file, line: at.line,
                                 stillMissing: range.count, state: "open"), [range]))
    }

    private mutating func cover(_ range: ClosedRange<Int>) {
        for i in gaps.indices where !gaps[i].missing.isEmpty {
            var rest: [ClosedRange<Int>] = []
            for m in gaps[i].missing {
                guard m.overlaps(range) else {
                    rest.append(m)
                    continue
                }
                if m.lowerBound < range.lowerBound { rest.append(m.lowerBound...(range.lowerBound - 1)) }
                if m.upperBound > range.upperBound { rest.append((range.upperBound + 1)...m.upperBound) }
            }
            gaps[i].missing = rest
        }
    }

    /// The gaps with how much of each is still missing.
    var gapReports: [SequenceGap] {
        gaps.map { g, missing in
            var r = g
            r.stillMissing = missing.reduce(0) { $0 + $1.count }
            r.state = r.stillMissing == 0 ? "recovered" : (r.stillMissing < g.to - g.from + 1 ? "partly recovered" : "open")
            return r
        }
    }
}

/// Where a gap was seen.
struct GapPlace {
    var time: String
    var file: String
    var line: Int
}
