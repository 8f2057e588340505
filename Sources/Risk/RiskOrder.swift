import Market
/// How an order to be checked is priced and how long it lives.
public enum RiskOrderKind: UInt8, Hashable, Sendable {
    /// A limit order that rests in the book until filled or canceled (a quote of the ladder).
    case limit
    /// A market order: priced, for every check, at the instrument's reference price.
    case market
    /// A limit order that fills what it can at once and cancels the rest (a marketable IOC is
    /// how the stop flattens on a venue without market orders). It never rests.
    case immediateOrCancel

    /// Whether an order of this kind rests in the book (and so counts against the open-order limits).
    @inlinable
    public var rests: Bool { self == .limit }
}

/// The working order a cancel/replace changes: its price (ticks) and its open quantity (leaves,
/// in lots) before the replace.
public struct ReplacedOrder: Hashable, Sendable {
    /// The working order's price, in ticks. Carried for the denial log; exposure is valued at
    /// the reference price, so only the quantity enters the checks.
    public var price: Int64
    /// The working order's open quantity (leaves) in lots: what the replace takes out of the
    /// open-order exposure before it adds the new quantity.
    public var quantity: Int64

    /// A working order of `quantity` open lots at `price` ticks.
    public init(price: Int64, quantity: Int64) {
        self.price = price
        self.quantity = quantity
    }
}

/// What the risk gate checks: one new order or one cancel/replace of the market maker.
///
/// Prices are integer ticks and quantities integer lots of the instrument at index
/// ``instrument`` of the gate. For a replace, ``quantity`` is the open quantity the order will
/// have after the replace (its new leaves) and ``replacing`` the working order as it is; the
/// exposure delta is `quantity - replacing.quantity` on the order's side.
public struct RiskOrder: Hashable, Sendable {
    /// Index of the instrument in the gate's instrument list.
    public var instrument: Int
    /// Buy or sell.
    public var side: Side
    /// Limit, market or immediate-or-cancel.
    public var kind: RiskOrderKind
    /// Limit price in ticks; ignored for a market order (the reference price is used instead).
    public var price: Int64
    /// Quantity in lots (for a replace: the open quantity after the replace).
    public var quantity: Int64
    /// The order may only reduce the position (a flattening order). The gate verifies it: a
    /// reduce-only order that would not reduce the position is denied.
    public var reduceOnly: Bool
    /// The working order this one replaces (a cancel/replace, 35=G), or nil for a new order.
    public var replacing: ReplacedOrder?

    /// An order with every field given.
    public init(instrument: Int, side: Side, kind: RiskOrderKind, price: Int64, quantity: Int64,
                reduceOnly: Bool = false, replacing: ReplacedOrder? = nil) {
        self.instrument = instrument
        self.side = side
        self.kind = kind
        self.price = price
        self.quantity = quantity
        self.reduceOnly = reduceOnly
        self.replacing = replacing
    }

    /// A new resting limit order (a quote).
    public static func limit(_ side: Side, price: Int64, quantity: Int64, instrument: Int = 0) -> RiskOrder {
        RiskOrder(instrument: instrument, side: side, kind: .limit, price: price, quantity: quantity)
    }

    /// A cancel/replace of the working order `old` to `price` and `quantity` open lots.
    public static func replace(_ side: Side, price: Int64, quantity: Int64, replacing old: ReplacedOrder,
                               instrument: Int = 0) -> RiskOrder {
        RiskOrder(instrument: instrument, side: side, kind: .limit, price: price, quantity: quantity,
                  replacing: old)
    }

    /// A market order.
    public static func market(_ side: Side, quantity: Int64, instrument: Int = 0,
                              reduceOnly: Bool = false) -> RiskOrder {
        RiskOrder(instrument: instrument, side: side, kind: .market, price: 0, quantity: quantity,
                  reduceOnly: reduceOnly)
    }

    /// An immediate-or-cancel limit order.
    public static func immediateOrCancel(_ side: Side, price: Int64, quantity: Int64, instrument: Int = 0,
                                         reduceOnly: Bool = false) -> RiskOrder {
        RiskOrder(instrument: instrument, side: side, kind: .immediateOrCancel, price: price, quantity: quantity,
                  reduceOnly: reduceOnly)
    }

    /// The reduce-only order that carries out a stop's flattening intent: a market order, or,
    /// when `limitPrice` is given (a venue without market orders), a marketable IOC at that price.
    public static func flatten(_ intent: FlattenIntent, instrument: Int = 0, limitPrice: Int64? = nil) -> RiskOrder {
        if let limitPrice {
            return .immediateOrCancel(intent.side, price: limitPrice, quantity: intent.quantity,
                                      instrument: instrument, reduceOnly: true)
        }
        return .market(intent.side, quantity: intent.quantity, instrument: instrument, reduceOnly: true)
    }

    /// The order an exchange ``OrderRequest`` describes, for instrument `instrument`: immediate
    /// or cancel and fill or kill limit orders are checked as ``RiskOrderKind/immediateOrCancel``.
    public init(_ request: OrderRequest, instrument: Int, reduceOnly: Bool = false) {
        let kind: RiskOrderKind
        switch (request.kind, request.timeInForce) {
        case (.market, _): kind = .market
        case (.limit, .day): kind = .limit
        case (.limit, .immediateOrCancel), (.limit, .fillOrKill): kind = .immediateOrCancel
        }
        self.init(instrument: instrument, side: request.side, kind: kind, price: request.price,
                  quantity: request.quantity, reduceOnly: reduceOnly)
    }

    /// Whether this is a cancel/replace.
    @inlinable
    public var isReplace: Bool { replacing != nil }
}
