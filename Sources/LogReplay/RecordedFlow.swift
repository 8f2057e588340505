import FIX

/// What one side of a recorded session sent and got back, ready to be sent again: its
/// application messages in order, each with the number of market-data messages it had received
/// before it, and the responses to its orders (ExecutionReports and OrderCancelRejects) by
/// ClOrdID.
public struct RecordedFlow: Sendable {
    /// The side whose messages are sent again, and its counterparty, as recorded.
    public var senderCompID: String
    public var targetCompID: String
    public var messages: [RecordedMessage]
    /// Responses by ClOrdID, each list in the order received.
    public var responses: [String: [RecordedResponse]]
    /// Market-data messages the side received in the whole recording.
    public var marketDataMessages: Int
    /// Problems met reading the logs.
    public var diagnostics: [LogDiagnostic]

    /// Responses in all.
    public var responseCount: Int { responses.values.reduce(0) { $0 + $1.count } }

    /// Header and trailer fields: written anew when a message is sent again.
    static let envelopeTags: Set<Int> = [8, 9, 35, 49, 56, 115, 128, 90, 91, 34, 50, 142, 57, 143, 116, 144, 129, 145, 43, 97, 52,
                                         122, 212, 213, 347, 369, 627, 628, 629, 630, 93, 89, 10]
    /// Session-level message types: not sent again (the live session makes its own).
    static let adminTypes: Set<String> = ["0", "1", "2", "3", "4", "5", "A"]

    /// Reads the logs and takes the flow of `sender` (towards `target`, or towards its only
    /// counterparty in the logs when `target` is nil or not in them).
    public static func read(files: [String], sender: String, target: String?,
                            maxMessageSize: Int = 1 << 20) throws(RecordedFlowError) -> RecordedFlow {
        let merger: LogMerger
        do {
            merger = try LogMerger(files: files, maxMessageSize: maxMessageSize)
        } catch {
            throw RecordedFlowError(description: "\(error)")
        }
        // Messages of every counterparty of `sender`, kept apart until the counterparty is chosen.
        var flows: [String: RecordedFlow] = [:]
        var order: [String] = []
        var seenSeq: [String: Set<Int>] = [:]
        var seenResponses: [String: Set<Int>] = [:]
        var responsesSoFar: [String: Int] = [:]
        while let item = merger.next() {
            guard case .record(let r) = item else { continue }
            let outgoing = r.senderCompID == sender
            guard outgoing || r.targetCompID == sender else { continue }
            let peer = outgoing ? r.targetCompID : r.senderCompID
            if flows[peer] == nil {
                flows[peer] = RecordedFlow(senderCompID: sender, targetCompID: peer, messages: [], responses: [:],
                                           marketDataMessages: 0, diagnostics: [])
                order.append(peer)
            }
            // A Logon with ResetSeqNumFlag starts the numbers again.
            if r.msgType == "A", r.message.bool(Tag.resetSeqNumFlag) == true {
                seenSeq[peer] = []
                seenResponses[peer] = []
            }
            if outgoing {
                guard !adminTypes.contains(r.msgType) else { continue }
                // A resend of a message already read is not sent twice.
                if r.possDup, seenSeq[peer, default: []].contains(r.msgSeqNum) { continue }
                seenSeq[peer, default: []].insert(r.msgSeqNum)
                flows[peer]!.messages.append(RecordedMessage(r, marketDataBefore: flows[peer]!.marketDataMessages,
                                                             responsesBefore: responsesSoFar[peer, default: 0]))
            } else {
                if r.possDup, seenResponses[peer, default: []].contains(r.msgSeqNum) { continue }
                seenResponses[peer, default: []].insert(r.msgSeqNum)
                switch r.msgType {
                case "W", "X":
                    flows[peer]!.marketDataMessages += 1
                case "8", "9":
                    responsesSoFar[peer, default: 0] += 1
                    let response = RecordedResponse(r.message, file: r.file, line: r.line)
                    flows[peer]!.responses[response.clOrdID, default: []].append(response)
                default:
                    break
                }
            }
        }
        let diagnostics = merger.diagnostics
        let chosen: String
        if let target, flows[target] != nil {
            chosen = target
        } else if order.count == 1 {
            chosen = order[0]
        } else if order.isEmpty {
            throw RecordedFlowError(description: "no message from or to \(sender) in " + files.joined(separator: ", "))
        } else {
            throw RecordedFlowError(description: "\(sender) has sessions with " + order.joined(separator: ", ")
                                    + " in the logs; name one with --session \(sender)-TARGET")
        }
        var flow = flows[chosen]!
        flow.diagnostics = diagnostics
        guard !flow.messages.isEmpty else {
            throw RecordedFlowError(description: "\(sender) sent no application message to \(chosen) in " + files.joined(separator: ", "))
        }
        return flow
    }
}

/// An application message as recorded, to be sent again with a new header.
public struct RecordedMessage: Sendable {
    public var msgType: String
    /// When it was logged (or sent), ns since the epoch.
    public var time: Int64?
    /// Market-data messages received before it in the recording.
    public var marketDataBefore: Int
    /// Responses to orders (execution reports, cancel rejects) received before it in the
    /// recording: a message sent in reaction to a fill waits for that fill.
    public var responsesBefore: Int
    /// The body fields, in order.
    public var body: [(tag: Int, value: [UInt8])]
    public var clOrdID: String?
    public var file: String
    public var line: Int

    init(_ r: LogRecord, marketDataBefore: Int, responsesBefore: Int) {
        msgType = r.msgType
        time = r.time?.nanosecondsSinceEpoch
        self.marketDataBefore = marketDataBefore
        self.responsesBefore = responsesBefore
        let m = r.message
        body = m.fields.filter { !RecordedFlow.envelopeTags.contains(Int($0.tag)) }.map { f in
            (Int(f.tag), m.withValue(f) { Array($0) })
        }
        clOrdID = m.string(Tag.clOrdID)
        file = r.file
        line = r.line
    }
}

/// Logs that cannot give a flow to send.
public struct RecordedFlowError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
