import FIX

/// One FIX message read from a log: where it was, when it was logged, and the message.
public struct LogRecord: Sendable {
    /// The file, as given, and its position among the files read.
    public var file: String
    public var fileIndex: Int
    /// The line the message starts on (1-based).
    public var line: Int
    /// The time the log line carries, if any.
    public var loggedAt: UTCTimestamp?
    /// The message (its header has BeginString, MsgType, SenderCompID, TargetCompID and
    /// MsgSeqNum: a message without them is a diagnostic, not a record).
    public var message: FIXMessage
    /// The side that wrote the log, when the file's name says it (`FIX.4.4-SENDER-TARGET...`).
    public var loggedBy: String?

    /// MsgType (35).
    public var msgType: String
    /// SenderCompID (49), TargetCompID (56), MsgSeqNum (34).
    public var senderCompID: String
    public var targetCompID: String
    public var msgSeqNum: Int
    /// PossDupFlag (43) is Y.
    public var possDup: Bool

    /// The time used to order records: the log's time, else SendingTime (52).
    public var time: UTCTimestamp? { loggedAt ?? message.timestamp(Tag.sendingTime) }

    /// Reads the header fields; nil with the reason when one is missing.
    static func make(file: String, fileIndex: Int, line: Int, loggedAt: UTCTimestamp?, message: FIXMessage,
                     loggedBy: String?) -> Result<LogRecord, LogRecordProblem> {
        guard let beginString = message.beginString, !beginString.isEmpty else { return .failure(.missing("BeginString (8)")) }
        guard let msgType = message.msgType, !msgType.isEmpty else { return .failure(.missing("MsgType (35)")) }
        guard let sender = message.string(Tag.senderCompID), !sender.isEmpty else { return .failure(.missing("SenderCompID (49)")) }
        guard let target = message.string(Tag.targetCompID), !target.isEmpty else { return .failure(.missing("TargetCompID (56)")) }
        guard let seq = message.int(Tag.msgSeqNum) else {
            return .failure(message.has(Tag.msgSeqNum) ? .bad("MsgSeqNum (34) is not a number") : .missing("MsgSeqNum (34)"))
        }
        return .success(LogRecord(file: file, fileIndex: fileIndex, line: line, loggedAt: loggedAt, message: message,
                                  loggedBy: loggedBy, msgType: msgType, senderCompID: sender, targetCompID: target,
                                  msgSeqNum: seq, possDup: message.bool(Tag.possDupFlag) == true))
    }
}

/// Why a framed message is not a usable record.
enum LogRecordProblem: Error, CustomStringConvertible {
    case missing(String)
    case bad(String)

    var description: String {
        switch self {
        case .missing(let field): return "message without \(field)"
        case .bad(let text): return text
        }
    }
}
