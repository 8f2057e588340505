/// What a replay found out about one FIX session (BeginString and two CompIDs).
public struct SessionReport: Sendable, Codable, Equatable {
    /// `BEGINSTRING:FIRST-SECOND`, FIRST being the side that logged on first (else the side whose
    /// log was read, else the first sender).
    public var name: String
    public var beginString: String
    /// The two CompIDs, the one that logged on first (the initiator) first.
    public var sides: [String]
    /// The times of the first and last message.
    public var firstTime: String?
    public var lastTime: String?
    /// Messages read in each direction.
    public var directions: [DirectionReport]
    /// Logons and logouts in order: time, sender, details.
    public var logons: [SessionEventReport]
    public var logouts: [SessionEventReport]
    /// Session-level rejects (3) and business message rejects (j).
    public var rejects: [RejectReport]
    /// Order chains, fills, order rejects (ExecType 8) and cancel rejects (9) in this session.
    public var orders: Int
    public var fills: Int
    public var orderRejects: Int
    public var cancelRejects: Int
    /// Market-data messages (W, X).
    public var marketDataMessages: Int
    /// The orders by final status (OrdStatus by name): for the text summary, not in JSON (the
    /// orders themselves are).
    public var orderStatuses: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case name, beginString, sides, firstTime, lastTime, directions, logons, logouts, rejects, orders, fills, orderRejects,
             cancelRejects, marketDataMessages
    }
}

/// One direction of a session: SENDER -> TARGET.
public struct DirectionReport: Sendable, Codable, Equatable {
    public var sender: String
    public var target: String
    /// Messages (resends included), and per MsgType.
    public var messages: Int
    public var messageTypes: [String: Int]
    /// The lowest and highest MsgSeqNum seen.
    public var firstSeqNum: Int?
    public var lastSeqNum: Int?
    /// Heartbeats (0) and TestRequests (1): counted, not listed in the timeline.
    public var heartbeats: Int
    public var testRequests: Int
    /// Sequence numbers that were skipped, and whether they were made good later.
    public var gaps: [SequenceGap]
    /// ResendRequests (2) this side sent.
    public var resendRequests: [ResendRequestReport]
    /// SequenceResets (4) this side sent.
    public var sequenceResets: [SequenceResetReport]
    /// Messages sent again with PossDupFlag Y.
    public var possDupResends: Int
    /// Messages with a MsgSeqNum lower than expected (without PossDupFlag or a reset).
    public var sequenceTooLow: Int
    /// Times the sequence numbers went back to 1 by Logon with ResetSeqNumFlag.
    public var resets: Int
}

/// A run of MsgSeqNums not seen when a higher one came.
public struct SequenceGap: Sendable, Codable, Equatable {
    public var from: Int
    public var to: Int
    /// When the higher message came, and where it was read.
    public var detectedAt: String
    public var file: String
    public var line: Int
    /// Numbers of the gap still missing at the end (resends and gap fills make them good).
    public var stillMissing: Int
    /// `recovered` (all resent or gap-filled), `partly recovered` or `open`.
    public var state: String
}

/// A ResendRequest: who asked, for what.
public struct ResendRequestReport: Sendable, Codable, Equatable {
    public var time: String
    public var beginSeqNo: Int
    /// 0: up to the latest.
    public var endSeqNo: Int
}

/// A SequenceReset: a gap fill (over resent numbers) or a reset.
public struct SequenceResetReport: Sendable, Codable, Equatable {
    public var time: String
    public var msgSeqNum: Int
    public var newSeqNo: Int
    public var gapFill: Bool
}

/// A Logon or Logout.
public struct SessionEventReport: Sendable, Codable, Equatable {
    public var time: String
    public var sender: String
    public var msgSeqNum: Int
    public var text: String?
}

/// A Reject (3) or BusinessMessageReject (j).
public struct RejectReport: Sendable, Codable, Equatable {
    public var time: String
    public var sender: String
    public var msgType: String
    public var refSeqNum: Int?
    public var refMsgType: String?
    public var refTagID: Int?
    /// SessionRejectReason (373) or BusinessRejectReason (380).
    public var reason: Int?
    public var text: String?
}
