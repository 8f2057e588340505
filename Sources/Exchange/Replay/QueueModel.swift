import Foundation

/// How a shrink of a price level's recorded size splits between the volume ahead of one of our
/// orders and the volume behind it.
///
/// A recording shows a level's total size, not who canceled: when it drops by `d` lots (beyond
/// what traded there), some of `d` may have been ahead of us and the rest behind. A model says
/// which share was ahead; the order's queue position improves by that much. Trades always take
/// the volume ahead first, whatever the model.
public protocol QueueModel: Sendable {
    /// The share (0...1) of a decrease that came from ahead of an order with `ahead` lots in
    /// front of it and `behind` lots after it at the same level.
    func aheadShare(ahead: Int64, behind: Int64) -> Double
}

/// Cancels never come from ahead of us: only trades move an order up (the most conservative
/// model; the queue ahead is still capped by the level's size).
public struct RiskAverseQueueModel: QueueModel {
    public init() {}
    public func aheadShare(ahead: Int64, behind: Int64) -> Double { 0 }
}

/// A decrease comes from ahead of us with probability f(ahead) / (f(ahead) + f(behind)), where
/// f(x) = x^power: power 1 spreads cancels evenly over the queue; a larger power makes cancels
/// come mostly from the longer part of the queue.
public struct PowerProbabilityQueueModel: QueueModel {
    public var power: Double

    public init(power: Double = 1) {
        precondition(power > 0, "the power of a queue model is positive")
        self.power = power
    }

    public func aheadShare(ahead: Int64, behind: Int64) -> Double {
        let a = Self.f(Double(ahead), power)
        let b = Self.f(Double(behind), power)
        return a + b > 0 ? a / (a + b) : 0
    }

    private static func f(_ x: Double, _ power: Double) -> Double {
        power == 1 ? x : (x <= 0 ? 0 : pow(x, power))
    }
}
