/// One direction of a session while its messages are read.
final class DirectionState {
    let sender: String
    let target: String
    var messages = 0
    var types: [String: Int] = [:]
    var heartbeats = 0
    var testRequests = 0
    var tracker = SequenceTracker()
    var resendRequests: [ResendRequestReport] = []
    var sequenceResets: [SequenceResetReport] = []
    var possDupResends = 0

    init(sender: String, target: String) {
        self.sender = sender
        self.target = target
    }

    var report: DirectionReport {
        DirectionReport(sender: sender, target: target, messages: messages, messageTypes: types, firstSeqNum: tracker.first,
                        lastSeqNum: tracker.last, heartbeats: heartbeats, testRequests: testRequests, gaps: tracker.gapReports,
                        resendRequests: resendRequests, sequenceResets: sequenceResets, possDupResends: possDupResends,
                        sequenceTooLow: tracker.tooLow, resets: tracker.resets)
    }
}
