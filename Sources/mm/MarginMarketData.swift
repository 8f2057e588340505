import FIX
import FIXSessionCore
import FirmRisk
import FIXTransport
import Foundation
import MakerCore
import Market
import Risk
import Synchronization

/// The margin service's market data over FIX: an initiator session's application that subscribes
/// to each symbol once logged on (MarketDataRequest, snapshot plus updates: bids, offers,
/// trades), keeps each symbol's best bid and offer, and feeds each symbol's margin model with its
/// trades, or its mid when an incremental refresh carries no trade (a snapshot sets the book only). The models run on the session's event loop;
/// what they decide (a rate accepted or refused) goes to ``decisions``, for the task that
/// publishes to Redis.
///
/// Prices are read as decimals (the models work on returns: no tick size is needed). The bars'
/// time is the market's, from the entries' MDEntryDate (272) and MDEntryTime (273) when they have
/// them, else the time the message arrived. Each decision carries the time the message that led to
/// it arrived (`receivedAt`, this machine's clock): the rate is published with it, so the delay an
/// engine measures runs from the market move reaching the margin service.
final class MarginMarketData: FIXApplication, @unchecked Sendable {
    /// A margin model's decision, with the symbol's index and when its market data arrived.
    struct Decision: Sendable {
        var index: Int
        var update: MarginModel.Update
        var marketTime: Int64
        var receivedAt: Int64
        /// The rate published before (for the alert of a refused one).
        var previous: Double
    }

    let symbols: [String]
    private let symbolBytes: [[UInt8]]
    private var books: [QuoteBook]
    private var models: [MarginModel]
    private let continuation: AsyncStream<Decision>.Continuation
    /// The decisions, in order; the newest 1,024 are kept if the publisher falls behind.
    let decisions: AsyncStream<Decision>
    private let counts = Mutex<(messages: Int, prices: Int, unreadable: Int, unreadPrices: Int)>((0, 0, 0, 0))

    init(symbols: [String], model: MarginModel.Configuration) {
        self.symbols = symbols
        symbolBytes = symbols.map { Array($0.utf8) }
        books = symbols.map { _ in QuoteBook() }
        models = symbols.map { _ in MarginModel(model) }
        (decisions, continuation) = AsyncStream.makeStream(of: Decision.self, bufferingPolicy: .bufferingNewest(1_024))
    }

    /// Market-data messages read, prices given to the models, messages that could not be read,
    /// and entry prices not read (not positive, or more than 8 decimals).
    var figures: (messages: Int, prices: Int, unreadable: Int, unreadPrices: Int) { counts.withLock { $0 } }

    /// No more decisions (the session stopped).
    func finish() { continuation.finish() }

    func onEvent(_ event: SessionEvent, session: FIXSession) {
        guard event == .loggedOn else { return }
        for (i, symbol) in symbols.enumerated() {
            books[i].clear()
            _ = session.send(MarketDataRequest(mdReqID: "MARGIN-\(symbol)", subscriptionRequestType: .snapshotPlusUpdates,
                                               marketDepth: 1, mdUpdateType: .incrementalRefresh,
                                               entryTypes: [.bid, .offer, .trade], symbols: [symbol]))
        }
    }

    func fromApp(_ message: FIXMessage, session: FIXSession) {
        let isSnapshot = message.value(Tag.msgType, equals: "W")
        guard isSnapshot || message.value(Tag.msgType, equals: "X") else { return }
        let receivedAt = MarginFeed.wallClock()
        var snapshotIndex: Int?
        if isSnapshot {
            guard let snapshot = try? MarketDataSnapshotFullRefresh(message),
                  let i = symbols.firstIndex(of: snapshot.symbol) else {
                counts.withLock { $0.unreadable += 1 }
                return
            }
            books[i].clear()
            snapshotIndex = i
        }
        // Per symbol: the last trade of the message, and whether its book changed.
        var trades = [Double?](repeating: nil, count: symbols.count)
        var touched = [Bool](repeating: false, count: symbols.count)
        var date: String?, time: String?
        var unreadPrices = 0
        message.forEachMarketDataEntry { e, bytes in
                let index: Int?
                if let symbol = e.symbol {
                    let value = Array(UnsafeRawBufferPointer(rebasing: bytes[symbol.valueRange]))
                    index = symbolBytes.firstIndex(of: value)
                } else {
                    index = snapshotIndex
                }
                if let d = e.date { date = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[d.valueRange]), as: UTF8.self) }
                if let t = e.time { time = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[t.valueRange]), as: UTF8.self) }
                guard let i = index, let price = e.price else { return }
                guard let units = Self.units(price) else {
                    unreadPrices += 1
                    return
                }
                switch e.type {
                case UInt8(ascii: "0"), UInt8(ascii: "1"):
                    let side: Market.Side = e.type == UInt8(ascii: "0") ? .buy : .sell
                    if e.action == UInt8(ascii: "2") { books[i].remove(side, price: units) } else { books[i].set(side, price: units, size: 1) }
                    touched[i] = true
                case UInt8(ascii: "2"):
                    trades[i] = Double(units)
                default:
                    break
                }
        }
        var marketTime = receivedAt
        if let date, let time, let t = UTCTimestamp("\(date)-\(time)") { marketTime = t.nanosecondsSinceEpoch }
        // A snapshot sets the book; it is not a move (and carries no time of its own).
        if isSnapshot {
            counts.withLock { c in
                c.messages += 1
                c.unreadPrices += unreadPrices
            }
            return
        }
        var prices = 0
        for i in symbols.indices {
            let price: Double
            if let trade = trades[i] {
                price = trade
            } else if touched[i], let bid = books[i].bestBid, let ask = books[i].bestAsk {
                price = (Double(bid) + Double(ask)) / 2
            } else {
                continue
            }
            prices += 1
            let previous = models[i].report(at: marketTime).rate
            let update = models[i].record(price: price, at: marketTime)
            switch update {
            case .accepted, .refused:
                continuation.yield(Decision(index: i, update: update, marketTime: marketTime, receivedAt: receivedAt, previous: previous))
            default:
                break
            }
        }
        counts.withLock { c in
            c.messages += 1
            c.prices += prices
            c.unreadPrices += unreadPrices
        }
    }

    /// A price in units of 10^-8 (whole numbers, for the book); nil when it does not fit.
    static func units(_ price: FIXDecimal) -> Int64? {
        guard price.mantissa > 0, price.scale >= 0, price.scale <= 8 else { return nil }
        var factor: Int64 = 1
        for _ in 0..<(8 - Int(price.scale)) { factor *= 10 }
        let (units, overflow) = price.mantissa.multipliedReportingOverflow(by: factor)
        return overflow ? nil : units
    }
}
