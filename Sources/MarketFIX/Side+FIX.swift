import FIX
import Market

// Sides, order kinds and times in force between FIX's enumerations and the market's.

extension Market.Side {
    /// The side of a FIX Side (54); nil for the sides the market does not trade (sell short, ...).
    @inlinable
    public init?(_ side: FIX.Side) {
        switch side {
        case .buy: self = .buy
        case .sell: self = .sell
        default: return nil
        }
    }

    /// Side (54) as its one character: `1` buy, `2` sell.
    @inlinable
    public var fixCharacter: UInt8 { self == .buy ? UInt8(ascii: "1") : UInt8(ascii: "2") }
}

extension OrderKind {
    /// The kind of a FIX OrdType (40); nil for the types the market does not take.
    @inlinable
    public init?(_ type: OrdType) {
        switch type {
        case .limit: self = .limit
        case .market: self = .market
        default: return nil
        }
    }

    /// OrdType (40) as its one character: `1` market, `2` limit.
    @inlinable
    public var fixCharacter: UInt8 { self == .market ? UInt8(ascii: "1") : UInt8(ascii: "2") }
}

extension Market.TimeInForce {
    /// The time in force of a FIX TimeInForce (59): absent, Day and GoodTillCancel are a day
    /// order; nil for the ones the market does not take.
    @inlinable
    public init?(_ tif: FIX.TimeInForce?) {
        switch tif {
        case nil, .day?, .goodTillCancel?: self = .day
        case .immediateOrCancel?: self = .immediateOrCancel
        case .fillOrKill?: self = .fillOrKill
        default: return nil
        }
    }

    /// As a FIX TimeInForce (59): nil for a day order (the field left out).
    @inlinable
    public var fix: FIX.TimeInForce? {
        switch self {
        case .day: nil
        case .immediateOrCancel: .immediateOrCancel
        case .fillOrKill: .fillOrKill
        }
    }

    /// TimeInForce (59) as its one character (`3` IOC, `4` FOK); nil for a day order (the
    /// field left out).
    @inlinable
    public var fixCharacter: UInt8? {
        switch self {
        case .day: nil
        case .immediateOrCancel: UInt8(ascii: "3")
        case .fillOrKill: UInt8(ascii: "4")
        }
    }
}
