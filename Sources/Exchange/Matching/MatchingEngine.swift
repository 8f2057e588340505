import Market

/// The order books of every instrument an exchange lists, and the order ids it hands out.
///
/// Orders are addressed by the index of their book (``bookIndex(symbol:)``) and the id the
/// engine gave them. Every call reports what happened by appending ``ExchangeEvent``s to the
/// caller's buffer, which the caller clears and reuses.
public struct MatchingEngine: Sendable {
    public private(set) var books: [OrderBook]
    private var indexBySymbol: [String: Int]
    /// The id the next accepted order gets.
    public private(set) var nextOrderID: OrderID = 1

    public init(instruments: [Instrument], referencePrices: [String: Int64] = [:]) {
        books = instruments.map { OrderBook(instrument: $0, referencePrice: referencePrices[$0.symbol]) }
        indexBySymbol = Dictionary(instruments.enumerated().map { ($1.symbol, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The book of `symbol`, if it is listed.
    public func bookIndex(symbol: String) -> Int? { indexBySymbol[symbol] }

    /// The instruments, in book order.
    public var instruments: [Instrument] { books.map(\.instrument) }

    /// Enters a new order in book `book`; it is given the next order id when accepted.
    public mutating func submit(_ request: OrderRequest, book: Int, events: inout [ExchangeEvent]) {
        let before = events.count
        books[book].submit(request, id: nextOrderID, events: &events)
        if events.count > before, case .accepted = events[before] { nextOrderID += 1 }
    }

    /// Cancels order `id` of `owner` in book `book`.
    public mutating func cancel(_ id: OrderID, owner: OwnerID, book: Int, events: inout [ExchangeEvent]) {
        books[book].cancel(id, owner: owner, events: &events)
    }

    /// Changes the price and total quantity of order `id` of `owner` in book `book`.
    public mutating func replace(_ id: OrderID, owner: OwnerID, price: Int64, quantity: Int64, book: Int,
                                 events: inout [ExchangeEvent]) {
        books[book].replace(id, owner: owner, price: price, quantity: quantity, events: &events)
    }

    /// Cancels every working order of `owner` (a session that logs out, a kill switch).
    public mutating func cancelAll(owner: OwnerID, events: inout [ExchangeEvent]) {
        for b in books.indices {
            for id in books[b].orderIDs(owner: owner) {
                books[b].cancel(id, owner: owner, events: &events)
            }
        }
    }
}

extension OrderBook {
    /// The ids of `owner`'s working orders, best price first on each side.
    public func orderIDs(owner: OwnerID) -> [OrderID] {
        var out: [OrderID] = []
        for side in [Side.buy, .sell] {
            for level in levels(side, depth: .max) {
                for id in queue(side, price: level.price) where order(id)?.owner == owner {
                    out.append(id)
                }
            }
        }
        return out
    }
}
