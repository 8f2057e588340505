import Market
import MarketData

/// Where orders go: the exchange's own books (``MatchingEngine``), or our orders inside a
/// recorded market (``ReplayVenue``). The FIX gateway and the backtest drive either through this.
public protocol Venue {
    /// The instruments, in book order.
    var instruments: [Instrument] { get }
    /// The book of `symbol`, if it is listed.
    func bookIndex(symbol: String) -> Int?
    mutating func submit(_ request: OrderRequest, book: Int, events: inout [ExchangeEvent])
    mutating func cancel(_ id: OrderID, owner: OwnerID, book: Int, events: inout [ExchangeEvent])
    mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, book: Int,
                          events: inout [ExchangeEvent])
    /// The best `depth` levels of `side` of book `book` as the market shows them, best first.
    func depth(book: Int, side: Side, levels depth: Int) -> [PriceLevel]
    /// The market's own clock (ns since the epoch) when it differs from the wall clock: the
    /// time of the last recorded event of a replay; nil for a live book.
    var marketTime: Int64? { get }
}

/// One level of a market-data view: price (ticks) and size (lots).
public struct PriceLevel: Hashable, Sendable {
    public var price: Int64
    public var size: Int64

    public init(price: Int64, size: Int64) {
        self.price = price
        self.size = size
    }
}

extension MatchingEngine: Venue {
    public var marketTime: Int64? { nil }

    public func depth(book: Int, side: Side, levels depth: Int) -> [PriceLevel] {
        books[book].levels(side, depth: depth).map { PriceLevel(price: $0.price, size: $0.quantity) }
    }
}

/// A ``ReplayExchange`` as a venue with one book: the recorded market plus our resting orders.
public struct ReplayVenue: Venue, Sendable {
    public var exchange: ReplayExchange

    public init(_ exchange: ReplayExchange) {
        self.exchange = exchange
    }

    public var instruments: [Instrument] { [exchange.instrument] }

    public var marketTime: Int64? { exchange.time > 0 ? exchange.time : nil }

    public func bookIndex(symbol: String) -> Int? { symbol == exchange.instrument.symbol ? 0 : nil }

    public mutating func submit(_ request: OrderRequest, book: Int, events: inout [ExchangeEvent]) {
        exchange.submit(request, events: &events)
    }

    public mutating func cancel(_ id: OrderID, owner: OwnerID, book: Int, events: inout [ExchangeEvent]) {
        exchange.cancel(id, owner: owner, events: &events)
    }

    public mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, book: Int,
                                 events: inout [ExchangeEvent]) {
        exchange.replace(id, owner: owner, price: price, quantity: quantity, events: &events)
    }

    /// Applies one recorded event (see ``ReplayExchange/apply(_:events:)``).
    public mutating func apply(_ event: MarketEvent, events: inout [ExchangeEvent]) {
        exchange.apply(event, events: &events)
    }

    /// The recorded levels (or, for trades only, the quotes around the last trade with no size),
    /// with our resting orders added to their levels.
    public func depth(book: Int, side: Side, levels depth: Int) -> [PriceLevel] {
        var sizes: [Int64: Int64] = [:]
        if exchange.hasQuotes {
            for level in exchange.book.levels(side, depth: depth) { sizes[level.price, default: 0] += level.size }
        } else if let quote = side == .buy ? exchange.bestBid : exchange.bestAsk {
            sizes[quote, default: 0] += 0
        }
        for o in exchange.orders where o.side == side { sizes[o.price, default: 0] += o.leaves }
        let prices = sizes.keys.sorted(by: side == .buy ? (>) : (<))
        return prices.prefix(depth).map { PriceLevel(price: $0, size: sizes[$0]!) }
    }
}

/// Several ``ReplayVenue``s, one a book: the recorded (or generated) markets of several
/// instruments, each with our orders inside it, as one venue. Each book behaves as a
/// ``ReplayVenue`` alone would (its own ``ReplayExchange`` and queue model); a recorded event goes
/// to its instrument's book (``apply(_:book:events:)``).
public struct MultiReplayVenue: Venue, Sendable {
    public var venues: [ReplayVenue]
    public let instruments: [Instrument]
    /// The time of the last recorded event applied, of any book (0: none yet).
    public private(set) var lastEventTime: Int64 = 0

    /// The books of `venues`, whose ids must not overlap (see ``init(instruments:rankCoefficient:queueModel:)``).
    public init(_ venues: [ReplayVenue]) {
        precondition(!venues.isEmpty, "a venue has a book")
        self.venues = venues
        instruments = venues.map(\.exchange.instrument)
        precondition(Set(instruments.map(\.symbol)).count == instruments.count, "one book a symbol")
    }

    /// A book for each instrument, with the same rank coefficient and queue model; book `b` of
    /// `n` gives its orders the ids b + 1, b + 1 + n, ...
    public init(instruments: [Instrument], rankCoefficient: Double, queueModel: any QueueModel) {
        let n = OrderID(instruments.count)
        self.init(instruments.enumerated().map { b, instrument in
            ReplayVenue(ReplayExchange(instrument: instrument, rankCoefficient: rankCoefficient, queueModel: queueModel,
                                       firstOrderID: OrderID(b) + 1, orderIDStep: n))
        })
    }

    public var marketTime: Int64? { lastEventTime > 0 ? lastEventTime : nil }

    public func bookIndex(symbol: String) -> Int? { instruments.firstIndex { $0.symbol == symbol } }

    public mutating func submit(_ request: OrderRequest, book: Int, events: inout [ExchangeEvent]) {
        venues[book].submit(request, book: 0, events: &events)
    }

    public mutating func cancel(_ id: OrderID, owner: OwnerID, book: Int, events: inout [ExchangeEvent]) {
        venues[book].cancel(id, owner: owner, book: 0, events: &events)
    }

    public mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, book: Int,
                                 events: inout [ExchangeEvent]) {
        venues[book].replace(id, owner: owner, price: price, quantity: quantity, book: 0, events: &events)
    }

    /// Applies one recorded event to book `book`.
    public mutating func apply(_ event: MarketEvent, book: Int, events: inout [ExchangeEvent]) {
        venues[book].apply(event, events: &events)
        lastEventTime = max(lastEventTime, event.time)
    }

    public func depth(book: Int, side: Side, levels depth: Int) -> [PriceLevel] {
        venues[book].depth(book: 0, side: side, levels: depth)
    }
}
