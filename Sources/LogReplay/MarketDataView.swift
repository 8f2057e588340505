import FIX

/// The market as market-data messages show it, per symbol: the bid and offer levels (from
/// snapshots, W, and incremental refreshes, X) and the last trade, for marking positions.
struct MarketDataView {
    private struct Book {
        var bids: [FIXDecimal: FIXDecimal] = [:]
        var offers: [FIXDecimal: FIXDecimal] = [:]
        var lastTrade: FIXDecimal?
    }

    private var books: [String: Book] = [:]
    /// The last trade seen, as `PRICE SYMBOL`.
    private(set) var lastTradeText: String?

    /// Applies a snapshot (W) or an incremental refresh (X).
    mutating func apply(_ m: FIXMessage) {
        let top = m.string(Tag.symbol)
        if m.msgType == "W", let top {
            let last = books[top]?.lastTrade
            books[top] = Book(lastTrade: last)
        }
        m.forEachMarketDataEntry { e, raw in
            let own = e.symbol.map { String(decoding: raw[$0.valueRange], as: UTF8.self) }
            guard let symbol = own ?? top, let price = e.price else { return }
            var book = books[symbol] ?? Book()
            let delete = e.action == UInt8(ascii: "2")
            switch e.type {
            case UInt8(ascii: "0"):
                book.bids[price] = delete ? nil : (e.size ?? 0)
            case UInt8(ascii: "1"):
                book.offers[price] = delete ? nil : (e.size ?? 0)
            case UInt8(ascii: "2") where !delete:
                book.lastTrade = price
                lastTradeText = "\(price.plain) \(symbol)"
            default:
                break
            }
            books[symbol] = book
        }
    }

    /// The price to mark `symbol` at: the mid of the best bid and offer, else the one side,
    /// else the last trade; with where it came from.
    func mark(_ symbol: String) -> (price: FIXDecimal, source: String)? {
        guard let book = books[symbol] else { return nil }
        let bid = book.bids.keys.max(), offer = book.offers.keys.min()
        if let bid, let offer, let sum = bid.adding(offer), let mid = sum.multiplied(by: FIXDecimal(mantissa: 5, scale: 1)) {
            return (mid, "mid of market data")
        }
        if let side = bid ?? offer { return (side, "best quote in market data") }
        return book.lastTrade.map { ($0, "last trade in market data") }
    }
}
