/// Whether a paper run is done: the replay has ended and the market maker has caught up (no
/// market-data message for half a second).
final class PaperWatch: @unchecked Sendable {
    // Used by one task at a time (the progress monitor's).
    private var lastMessages = -1
    private var quietSince = ContinuousClock.now

    /// Whether the run is done, given the market-data messages received so far.
    func ended(messages: Int, replayFinished: Bool) -> Bool {
        if messages != lastMessages {
            lastMessages = messages
            quietSince = .now
        }
        return replayFinished && ContinuousClock.now - quietSince > .milliseconds(500)
    }
}
