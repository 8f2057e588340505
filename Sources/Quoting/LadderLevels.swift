import Market
/// The target levels of one side of the ladder: rank 0 is the level nearest the other side, at
/// `near`; rank k is k ticks farther away. Only ranks in `allowed` may be quoted: those with a
/// positive price that do not meet the other side's best price (a bid at or above the best ask,
/// an ask at or below the best bid: the crossing levels of a crossed or locked market).
struct LadderLevels {
    let side: Side
    /// The price of rank 0.
    let near: Int64
    /// The ranks that may be quoted; empty when the side quotes nothing.
    let allowed: Range<Int>

    /// No levels.
    init(empty side: Side) {
        self.side = side
        near = 0
        allowed = 0..<0
    }

    /// `levels` levels from `near` away from the other side, whose best price is `otherBest`.
    init(side: Side, near: Int64, levels: Int, otherBest: Int64?) {
        self.side = side
        self.near = near
        var lo: Int64 = 0
        var hi = Int64(levels)
        switch side {
        case .buy:
            // price = near - r > 0  <=>  r < near
            hi = min(hi, max(0, near))
            // price < otherBest  <=>  r > near - otherBest
            if let ask = otherBest { lo = max(lo, near - ask + 1) }
        case .sell:
            // price = near + r > 0  <=>  r > -near
            lo = max(lo, 1 - near)
            // price > otherBest  <=>  r > otherBest - near
            if let bid = otherBest { lo = max(lo, bid - near + 1) }
        }
        lo = min(lo, hi)
        allowed = Int(lo)..<Int(hi)
    }

    /// The price of rank `rank`.
    @inline(__always)
    func price(_ rank: Int) -> Int64 {
        side == .buy ? near - Int64(rank) : near + Int64(rank)
    }

    /// The allowed rank of `price`, if it has one.
    @inline(__always)
    func rank(_ price: Int64) -> Int? {
        let r = side == .buy ? near &- price : price &- near
        guard r >= Int64(allowed.lowerBound), r < Int64(allowed.upperBound) else { return nil }
        return Int(r)
    }
}
