/// A group of instruments whose concentration is limited together (an asset class, one
/// underlying's futures and perpetuals): the worst-case position values of its instruments,
/// summed, as a share of the account's net value and of its gross exposure.
public struct RiskGroup: Hashable, Sendable {
    /// The group's name, for logs and the instruments file.
    public var name: String
    /// Largest summed worst-case position value of the group's instruments, as a fraction of
    /// the account's net value (equity).
    public var maxConcentration: Double
    /// Largest summed worst-case position value of the group's instruments, as a fraction of the
    /// account's gross exposure (see ``RiskGate/Configuration/grossShareFloor``).
    public var maxGrossShare: Double

    /// A group; the limits default to none.
    public init(name: String, maxConcentration: Double = .infinity, maxGrossShare: Double = .infinity) {
        self.name = name
        self.maxConcentration = maxConcentration
        self.maxGrossShare = maxGrossShare
    }
}
