/// Names a FIX session: BeginString and the two CompIDs, seen from this side
/// (`senderCompID` is ours).
public struct SessionID: Hashable, Sendable, CustomStringConvertible {
    public var beginString: String
    public var senderCompID: String
    public var targetCompID: String

    public init(beginString: String = "FIX.4.4", senderCompID: String, targetCompID: String) {
        self.beginString = beginString
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
    }

    /// The same session seen from the other side.
    public var reversed: SessionID {
        SessionID(beginString: beginString, senderCompID: targetCompID, targetCompID: senderCompID)
    }

    /// `FIX.4.4:SENDER->TARGET`.
    public var description: String { "\(beginString):\(senderCompID)->\(targetCompID)" }

    /// A name usable in file names: `FIX.4.4-SENDER-TARGET`.
    public var fileName: String { "\(beginString)-\(senderCompID)-\(targetCompID)" }
}
