import Exchange
/// A venue that can say its best bid and ask cheaply, as its market-data view shows them: what
/// ``InProcessRun`` hands the market maker after every event.
///
/// The answer must be the first level of ``Venue/depth(book:side:levels:)`` on each side; a
/// conformance only avoids building that view on every event.
public protocol TopOfBookVenue: Venue {
    /// The best bid and ask of book `book` (nil: that side is empty).
    func topOfBook(book: Int) -> (bid: Int64?, ask: Int64?)
}

extension ReplayVenue: TopOfBookVenue {
    /// The recorded best prices (or, for trades only, last -/+ 1 tick), improved by our own
    /// resting orders where they are better: the first level of ``depth(book:side:levels:)``.
    @inlinable
    public func topOfBook(book: Int) -> (bid: Int64?, ask: Int64?) {
        var bid = exchange.bestBid
        var ask = exchange.bestAsk
        if let own = exchange.ownBestBid, bid.map({ own > $0 }) ?? true { bid = own }
        if let own = exchange.ownBestAsk, ask.map({ own < $0 }) ?? true { ask = own }
        return (bid, ask)
    }
}

extension MatchingEngine: TopOfBookVenue {
    /// The best prices of the book.
    public func topOfBook(book: Int) -> (bid: Int64?, ask: Int64?) {
        (books[book].bestBid?.price, books[book].bestAsk?.price)
    }
}
