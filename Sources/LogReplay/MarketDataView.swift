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

    private struct Entry {
        var action = "0"
        var type: String?
        var symbol: String?
        var price: FIXDecimal?
        var size: FIXDecimal?
    }

    /// Applies a snapshot (W) or an incremental refresh (X).
    mutating func apply(_ m: FIXMessage) {
        let snapshot = m.msgType == "W"
        let top = m.string(Tag.symbol)
        var entries: [Entry] = []
        var inEntries = false
        for f in m.fields {
            let tag = Int(f.tag)
            let value = { m.withValue(f) { String(decoding: $0, as: UTF8.self) } }
            switch tag {
            case Tag.noMDEntries:
                inEntries = true
            case Tag.mdUpdateAction where inEntries && !snapshot:
                entries.append(Entry(action: value()))
            case Tag.mdEntryType where inEntries:
                if snapshot || entries.isEmpty { entries.append(Entry()) }
                entries[entries.count - 1].type = value()
            case Tag.symbol where inEntries && !entries.isEmpty:
                entries[entries.count - 1].symbol = value()
            case Tag.mdEntryPx where !entries.isEmpty:
                entries[entries.count - 1].price = FIXDecimal(value())
            case Tag.mdEntrySize where !entries.isEmpty:
                entries[entries.count - 1].size = FIXDecimal(value())
            default:
                break
            }
        }
        if snapshot, let top {
            let last = books[top]?.lastTrade
            books[top] = Book(lastTrade: last)
        }
        for e in entries {
            guard let symbol = e.symbol ?? top, let price = e.price else { continue }
            var book = books[symbol] ?? Book()
            switch e.type {
            case "0":
                book.bids[price] = e.action == "2" ? nil : (e.size ?? 0)
            case "1":
                book.offers[price] = e.action == "2" ? nil : (e.size ?? 0)
            case "2" where e.action != "2":
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
