import Exchange
import MarketFIX
import FIX
import FIXSessionCore
import FIXTransport

/// Market-data subscriptions of the gateway's sessions: a MarketDataRequest gets a snapshot (W)
/// per symbol, then, for a subscription, incremental refreshes (X) of the levels that changed
/// within the requested depth and of the trades, after every change of the book.
final class MarketDataPublisher {
    struct Subscription {
        var session: FIXSession
        var mdReqID: String
        var book: Int
        /// Levels per side (0 in the request: the whole book, kept as a large number).
        var depth: Int
        var bids: Bool
        var offers: Bool
        var trades: Bool
        var lastBids: [PriceLevel]
        var lastOffers: [PriceLevel]
    }

    private var subscriptions: [Subscription] = []
    var subscriptionCount: Int { subscriptions.count }
    /// Messages sent (snapshots, increments, rejects).
    private(set) var messagesSent = 0
    /// Trades since the last publication: book, price, size.
    private var trades: [(book: Int, price: Int64, size: Int64)] = []
    static let wholeBook = 10_000

    func trade(book: Int, price: Int64, size: Int64) {
        if subscriptions.contains(where: { $0.book == book && $0.trades }) { trades.append((book, price, size)) }
    }

    /// Answers a MarketDataRequest.
    func request<V: Venue>(_ r: MarketDataRequest, session: FIXSession, venue: V) {
        func reject(_ reason: MDReqRejReason, _ text: String) {
            _ = session.send(MarketDataRequestReject(mdReqID: r.mdReqID, reason: reason, text: text))
            messagesSent += 1
        }
        if r.subscriptionRequestType == .disablePreviousSnapshotPlusUpdateRequest {
            subscriptions.removeAll { $0.session === session && $0.mdReqID == r.mdReqID }
            return
        }
        if subscriptions.contains(where: { $0.session === session && $0.mdReqID == r.mdReqID }) {
            return reject(.duplicateMDReqID, "MDReqID \(r.mdReqID) is already subscribed")
        }
        var books: [Int] = []
        for symbol in r.symbols {
            guard let book = venue.bookIndex(symbol: symbol) else { return reject(.unknownSymbol, "Unknown symbol \(symbol)") }
            books.append(book)
        }
        guard r.marketDepth >= 0 else { return reject(.unsupportedMarketDepth, "MarketDepth must be 0 (whole book) or more") }
        if let other = r.entryTypes.first(where: { ![.bid, .offer, .trade].contains($0) }) {
            return reject(.unsupportedMDEntryType, "MDEntryType \(other.rawValue) is not published (0, 1 and 2 are)")
        }
        if r.subscriptionRequestType == .snapshotPlusUpdates && r.mdUpdateType == .fullRefresh {
            return reject(.unsupportedMDUpdateType, "Updates are incremental (MDUpdateType 1)")
        }
        let depth = r.marketDepth == 0 ? Self.wholeBook : r.marketDepth
        for book in books {
            var s = Subscription(session: session, mdReqID: r.mdReqID, book: book, depth: depth,
                                 bids: r.entryTypes.contains(.bid), offers: r.entryTypes.contains(.offer),
                                 trades: r.entryTypes.contains(.trade), lastBids: [], lastOffers: [])
            let instrument = venue.instruments[book]
            var entries: [MDEntry] = []
            if s.bids {
                s.lastBids = venue.depth(book: book, side: .buy, levels: depth)
                entries += s.lastBids.map { MDEntry(type: .bid, price: instrument.price($0.price), size: instrument.quantity($0.size)) }
            }
            if s.offers {
                s.lastOffers = venue.depth(book: book, side: .sell, levels: depth)
                entries += s.lastOffers.map { MDEntry(type: .offer, price: instrument.price($0.price), size: instrument.quantity($0.size)) }
            }
            _ = session.send(MarketDataSnapshotFullRefresh(mdReqID: r.mdReqID, symbol: instrument.symbol, entries: entries))
            messagesSent += 1
            if r.subscriptionRequestType == .snapshotPlusUpdates { subscriptions.append(s) }
        }
    }

    /// A time as MDEntryDate (`YYYYMMDD`) and MDEntryTime (`HH:MM:SS.sss`).
    static func stamp(_ nanoseconds: Int64) -> (date: String, time: String) {
        let text = UTCTimestamp(nanosecondsSinceEpoch: nanoseconds, fractionDigits: 3).description  // YYYYMMDD-HH:MM:SS.sss
        let parts = text.split(separator: "-", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "00:00:00.000")
    }

    /// Whether ``publish(venue:)`` is running, and whether it was asked again meanwhile.
    private var publishing = false
    private var publishAgain = false

    /// Sends each subscription what changed since the last time.
    ///
    /// Sending can call back into the gateway: a write that finds the peer gone logs the session
    /// out, and with CancelOnDisconnect=Y its orders are canceled, which publishes the book
    /// again. Such a call is not run inside this one (it would change the subscriptions while
    /// they are read): it is remembered, and run once the messages are out.
    func publish<V: Venue>(venue: V) {
        if publishing {
            publishAgain = true
            return
        }
        publishing = true
        defer { publishing = false }
        repeat {
            publishAgain = false
            publishOnce(venue: venue)
        } while publishAgain
    }

    private func publishOnce<V: Venue>(venue: V) {
        defer { trades.removeAll(keepingCapacity: true) }
        guard !subscriptions.isEmpty else { return }
        subscriptions.removeAll { !$0.session.isLoggedOn }
        var outgoing: [(session: FIXSession, message: MarketDataIncrementalRefresh)] = []
        for i in subscriptions.indices {
            let s = subscriptions[i]
            let instrument = venue.instruments[s.book]
            var entries: [MDIncrementalEntry] = []
            // A replay stamps its entries with the recording's time (MDEntryDate, MDEntryTime).
            let stamp = venue.marketTime.map { Self.stamp($0) }
            func changes(_ type: MDEntryType, from old: [PriceLevel], to new: [PriceLevel]) {
                let before = Dictionary(old.map { ($0.price, $0.size) }, uniquingKeysWith: +)
                let after = Dictionary(new.map { ($0.price, $0.size) }, uniquingKeysWith: +)
                for level in old where after[level.price] == nil {
                    entries.append(MDIncrementalEntry(action: .delete, type: type, symbol: instrument.symbol,
                                                      price: instrument.price(level.price), date: stamp?.date, time: stamp?.time))
                }
                for level in new where before[level.price] != level.size {
                    entries.append(MDIncrementalEntry(action: before[level.price] == nil ? .new : .change, type: type,
                                                      symbol: instrument.symbol, price: instrument.price(level.price),
                                                      size: instrument.quantity(level.size), date: stamp?.date, time: stamp?.time))
                }
            }
            if s.bids {
                let now = venue.depth(book: s.book, side: .buy, levels: s.depth)
                changes(.bid, from: s.lastBids, to: now)
                subscriptions[i].lastBids = now
            }
            if s.offers {
                let now = venue.depth(book: s.book, side: .sell, levels: s.depth)
                changes(.offer, from: s.lastOffers, to: now)
                subscriptions[i].lastOffers = now
            }
            if s.trades {
                for t in trades where t.book == s.book {
                    entries.append(MDIncrementalEntry(action: .new, type: .trade, symbol: instrument.symbol,
                                                      price: instrument.price(t.price), size: instrument.quantity(t.size),
                                                      date: stamp?.date, time: stamp?.time))
                }
            }
            if !entries.isEmpty { outgoing.append((s.session, MarketDataIncrementalRefresh(mdReqID: s.mdReqID, entries: entries))) }
        }
        for (session, message) in outgoing {
            _ = session.send(message)
            messagesSent += 1
        }
    }
}
