import Market
/// Positions, profit and fees of one instrument, from the fills of our orders.
///
/// Trading profit is kept exactly in ticks x lots (the study's unit with one-lot orders is ticks)
/// by the average-cost method: a fill that reduces the position realizes (fill price - average
/// entry price) x quantity on the side of the position; one that adds to it moves the average.
/// Fees are ``Money`` (10^-8 currency units).
public struct PositionBook: Sendable, Equatable {
    public let instrument: Instrument
    /// Net position in lots: positive long, negative short.
    public private(set) var position: Int64 = 0
    /// Sum of entry prices x lots of the open position (ticks x lots), for its average price.
    public private(set) var openCost: Int64 = 0
    /// Realized trading profit, ticks x lots.
    public private(set) var realized: Int64 = 0
    /// Fees paid (negative: rebates received).
    public private(set) var fees: Money = 0
    public private(set) var fills = 0
    /// Lots traded.
    public private(set) var volume: Int64 = 0
    /// Lots traded as maker (resting) and as taker.
    public private(set) var makerVolume: Int64 = 0
    /// The largest |position| reached.
    public private(set) var maxAbsPosition: Int64 = 0
    /// Fees the trades would have cost (positive) irrespective of rebates: sum of |fee|.
    public private(set) var feesPaidGross: Money = 0

    public init(instrument: Instrument) {
        self.instrument = instrument
    }

    /// A book as saved before a restart: every figure as given.
    public init(restoring instrument: Instrument, position: Int64, openCost: Int64, realized: Int64, fees: Money, fills: Int,
                volume: Int64, makerVolume: Int64, maxAbsPosition: Int64, feesPaidGross: Money) {
        self.instrument = instrument
        self.position = position
        self.openCost = openCost
        self.realized = realized
        self.fees = fees
        self.fills = fills
        self.volume = volume
        self.makerVolume = makerVolume
        self.maxAbsPosition = maxAbsPosition
        self.feesPaidGross = feesPaidGross
    }

    /// Books a fill of `quantity` lots at `price` ticks on `side`, with its fee.
    public mutating func fill(side: Side, price: Int64, quantity: Int64, fee: Money, maker: Bool) {
        fills += 1
        volume += quantity
        if maker { makerVolume += quantity }
        fees += fee
        feesPaidGross += Swift.max(fee, 0)
        let signed = side == .buy ? quantity : -quantity
        if position == 0 || (position > 0) == (signed > 0) {
            // Opening or adding.
            position += signed
            openCost += price * quantity
        } else {
            let closing = Swift.min(abs(signed), abs(position))
            let average = Double(openCost) / Double(abs(position))
            // Realize on the closed part, exactly when the average is whole.
            let closedCost = abs(position) == closing ? openCost : (average * Double(closing)).roundedToInt64
            let proceeds = price * closing
            realized += position > 0 ? proceeds - closedCost : closedCost - proceeds
            openCost -= closedCost
            position += position > 0 ? -closing : closing
            let rest = abs(signed) - closing
            if rest > 0 {
                // Reversed through zero: the rest opens the other way.
                position = signed > 0 ? rest : -rest
                openCost = price * rest
            }
        }
        if position == 0 { openCost = 0 }
        maxAbsPosition = Swift.max(maxAbsPosition, abs(position))
    }

    /// Unrealized profit at `mark` (ticks), ticks x lots.
    public func unrealized(at mark: Int64) -> Int64 {
        position > 0 ? mark * position - openCost : openCost - mark * (-position)
    }

    /// Trading profit (realized + unrealized at `mark`), ticks x lots.
    public func tradingProfit(at mark: Int64) -> Int64 {
        realized + unrealized(at: mark)
    }

    /// `ticks x lots` as currency (10^-8 units): x tick size x lot size x multiplier.
    public func money(_ tickLots: Int64) -> Money {
        let t = instrument.tickSize, l = instrument.lotSize
        var value = Double(tickLots) * Double(t.units) * Double(l.units) * Double(instrument.contractMultiplier)
        let exponent = 8 - Int(t.scale) - Int(l.scale)
        for _ in 0..<abs(exponent) { value = exponent > 0 ? value * 10 : value / 10 }
        return value.roundedToInt64
    }
}
