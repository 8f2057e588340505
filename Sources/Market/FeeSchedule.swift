/// Trading fees: one for the maker (the resting order) and one for the taker of each fill, per
/// lot or per notional; a negative fee is a rebate paid to the trader.
///
/// Amounts are ``Money``: whole 10^-8 units of the quote currency, so sums are exact. The study's
/// rebate ratio k (the share of fees paid back by the venue, net = profit - (1 - k) x fees) is
/// not applied here: fees are reported gross and k separately (see ``rebateRatio``).
public struct FeeSchedule: Hashable, Sendable {
    public var maker: Fee
    public var taker: Fee
    /// The share of fees the venue pays back, in [0, 1], reported beside gross fees.
    public var rebateRatio: Double

    public init(maker: Fee = .none, taker: Fee = .none, rebateRatio: Double = 0) {
        self.maker = maker
        self.taker = taker
        self.rebateRatio = rebateRatio
    }

    /// No fees.
    public static let free = FeeSchedule()

    /// The fee of `quantity` lots at `price` ticks of `instrument`, as maker or taker.
    public func fee(price: Int64, quantity: Int64, maker isMaker: Bool, instrument: Instrument) -> Money {
        (isMaker ? maker : taker).amount(price: price, quantity: quantity, instrument: instrument)
    }
}

/// An amount of the quote currency in whole 10^-8 units (1 USDT is 100,000,000).
public typealias Money = Int64

/// Money per unit of the quote currency.
public let moneyPerUnit: Money = 100_000_000

/// One fee rule.
public enum Fee: Hashable, Sendable {
    case none
    /// A fixed amount per lot.
    case perLot(Money)
    /// A rate on the notional (price x quantity x contract multiplier), as a decimal:
    /// `DecimalStep`-style units and scale, so 0.0002 (2 basis points) is units 2, scale 4. A
    /// negative `units` is a rebate.
    case perNotional(units: Int64, scale: Int8)

    /// A rate on the notional written as decimal text, such as `0.0002` or `-0.0001`.
    public static func rate(_ text: String) -> Fee? {
        let negative = text.hasPrefix("-")
        guard let step = DecimalStep(negative ? String(text.dropFirst()) : text) else {
            return text.trimmingZeros == "0" ? Fee.none : nil
        }
        return .perNotional(units: negative ? -step.units : step.units, scale: step.scale)
    }

    /// The fee of `quantity` lots at `price` ticks, rounded to the nearest 10^-8 unit.
    public func amount(price: Int64, quantity: Int64, instrument: Instrument) -> Money {
        switch self {
        case .none:
            return 0
        case .perLot(let fee):
            return fee * quantity
        case let .perNotional(units, scale):
            // notional = price x tick x quantity x lot x multiplier; in 10^-8 units times the rate.
            let tick = instrument.tickSize
            let lot = instrument.lotSize
            var value = Double(price) * Double(tick.units) * Double(quantity) * Double(lot.units)
            value *= Double(instrument.contractMultiplier) * Double(units)
            let exponent = 8 - Int(tick.scale) - Int(lot.scale) - Int(scale)
            value *= Self.powerOfTen(exponent)
            return value.roundedToInt64
        }
    }

    private static func powerOfTen(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(n) { r *= 10 }
        return n >= 0 ? r : 1 / r
    }
}

extension String {
    /// The text with trailing zeros (and a trailing point) of a decimal removed: `0.000` -> `0`.
    fileprivate var trimmingZeros: String {
        guard contains(".") else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
