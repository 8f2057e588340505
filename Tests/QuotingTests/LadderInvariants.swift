import Market
import Testing
@testable import Quoting

/// The invariants every quoter state must satisfy.
enum LadderInvariants {
    /// No side above `levels` live orders; our bids below our asks at the prices the orders will
    /// have (unless `ownCross` is false); every price positive. Records an issue for each breach
    /// and returns whether all hold.
    ///
    /// `ownCross: false` is for venues whose reports arrive out of order: there a refused replace
    /// can reach the quoter before the fill that made the venue refuse it, and put the order
    /// back, for a moment, at an old price our other side has since moved to. Only the venue's
    /// own book says then whether we crossed ourselves.
    @discardableResult
    static func check(_ q: LadderQuoter, levels: Int, ownCross: Bool = true, _ context: @autoclosure () -> String,
                      sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        var ok = true
        for side in [Side.buy, .sell] where q.tracker.liveCount(side) > levels {
            Issue.record("\(context()): \(q.tracker.liveCount(side)) live \(side) orders", sourceLocation: sourceLocation)
            ok = false
        }
        let bids = q.orders.filter { $0.side == .buy }.map(\.targetPrice)
        let asks = q.orders.filter { $0.side == .sell }.map(\.targetPrice)
        if ownCross, let b = bids.max(), let a = asks.min(), b >= a {
            Issue.record("\(context()): our bid \(b) at or above our ask \(a)", sourceLocation: sourceLocation)
            ok = false
        }
        for o in q.orders where o.price <= 0 || o.targetPrice <= 0 {
            Issue.record("\(context()): price \(o.price) -> \(o.targetPrice)", sourceLocation: sourceLocation)
            ok = false
        }
        for side in [Side.buy, .sell] {
            let prices = q.orders.filter { $0.side == side }.map(\.targetPrice)
            if ownCross && Set(prices).count != prices.count && q.orders.allSatisfy({ !$0.state.isPending }) {
                Issue.record("\(context()): two working \(side) orders at one price: \(prices)", sourceLocation: sourceLocation)
                ok = false
            }
        }
        return ok
    }

    /// Every price `intents` (just returned by `q`) quote is positive and clear of our orders on
    /// the other side as `q` now knows them: a bid below all our asks, an ask above all our bids.
    /// This holds whatever order reports arrive in.
    @discardableResult
    static func checkSent(_ intents: [QuoteIntent], _ q: LadderQuoter, _ context: @autoclosure () -> String,
                          sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let lowestAsk = q.orders.filter { $0.side == .sell }.map(\.targetPrice).min() ?? .max
        let highestBid = q.orders.filter { $0.side == .buy }.map(\.targetPrice).max() ?? .min
        for i in intents {
            guard let p = i.price else { continue }
            if p <= 0 || (i.side == .buy ? p >= lowestAsk : p <= highestBid) {
                Issue.record("\(context()): sent \(i) against bids up to \(highestBid), asks from \(lowestAsk)",
                             sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    /// The study's target prices of one side: `levels` from the best price, positive, not
    /// crossing the other side's best.
    static func targets(_ side: Side, bid: Int64, ask: Int64, levels: Int, offset: Int64) -> [Int64] {
        (0..<Int64(levels)).map { side == .buy ? bid - offset - $0 : ask + offset + $0 }
            .filter { $0 > 0 && (side == .buy ? $0 < ask : $0 > bid) }
    }
}
