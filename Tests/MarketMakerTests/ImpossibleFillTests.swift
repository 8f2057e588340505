@testable import MakerCore
import Market
import Quoting
import Risk
import Testing
/// Fills a venue could not have made (a buggy or hostile one): refused and counted, the position
/// untouched, nothing trapping in the accounting.
struct ImpossibleFillTests {
    static let instrument = Instrument(symbol: "X", tickSize: DecimalStep("0.01")!, lotSize: DecimalStep("1")!)

    /// A market maker quoting around 100.00 / 100.02, and the key of one of its buy orders.
    static func quoting() -> (MarketMaker, OrderKey) {
        var maker = MarketMaker(configuration: MarketMakerConfiguration(instrument: instrument))
        var commands: [VenueCommand] = []
        maker.marketChanged(bestBid: 10_000, bestAsk: 10_002, now: 1, into: &commands)
        let key = commands.compactMap { c -> OrderKey? in
            if case let .new(key, side, _, _, _, _) = c, side == .buy { return key }
            return nil
        }.first!
        return (maker, key)
    }

    static let impossible: [(Int64, Int64)] = [
        (Int64.max, 1), (Int64(1) << 41, 1), (0, 1), (-5, 1), (10_000, 0), (10_000, 1_000_000), (10_000, -1),
    ]

    @Test(arguments: impossible)
    func refused(_ price: Int64, _ quantity: Int64) {
        var (maker, key) = Self.quoting()
        var commands: [VenueCommand] = []
        maker.execution(.accepted(key), now: 2, into: &commands)
        maker.execution(.fill(key, price: price, quantity: quantity, leaves: 0, fee: nil), now: 3, into: &commands)
        #expect(maker.statistics.impossibleFills == 1)
        #expect(maker.positions.position == 0)
        #expect(maker.order(key) != nil)
    }

    @Test func aPlausibleFillCounts() {
        var (maker, key) = Self.quoting()
        var commands: [VenueCommand] = []
        maker.execution(.accepted(key), now: 2, into: &commands)
        maker.execution(.fill(key, price: 10_000, quantity: 1, leaves: 0, fee: nil), now: 3, into: &commands)
        #expect(maker.statistics.impossibleFills == 0)
        #expect(maker.positions.position == 1)
    }
}

/// A market maker under a share of a firm limit quotes no more than the share leaves each side.
struct FirmShareLadderTests {
    final class Share: FirmAllowance, @unchecked Sendable {
        var lots: Int64
        init(_ lots: Int64) { self.lots = lots }
        func lots(instrument: Int) -> Int64 { lots }
        func value(group: Int) -> Double { .infinity }
    }

    static func news(_ commands: [VenueCommand], _ side: Side) -> Int {
        commands.filter { if case let .new(_, s, _, _, _, _) = $0 { s == side } else { false } }.count
    }

    @Test func theLadderFollowsTheShare() {
        let share = Share(3)
        var configuration = MarketMakerConfiguration(instrument: ImpossibleFillTests.instrument)
        configuration.firmAllowance = share
        var maker = MarketMaker(configuration: configuration)
        var commands: [VenueCommand] = []
        maker.marketChanged(bestBid: 10_000, bestAsk: 10_002, now: 1, into: &commands)
        // Three a side, and no order denied.
        #expect(Self.news(commands, .buy) == 3 && Self.news(commands, .sell) == 3)
        #expect(maker.gate.denials(.firmLimit) == 0)
        // Two bought: long 2, one buy left open; the ladder may add no buy (3 - 2 = 1 order is
        // what is open), and sells up to 3 + 2 = 5.
        let buys = commands.compactMap { c -> OrderKey? in if case let .new(key, .buy, _, _, _, _) = c { key } else { nil } }
        var more: [VenueCommand] = []
        for key in buys { maker.execution(.accepted(key), now: 2, into: &more) }
        for key in commands.compactMap({ c -> OrderKey? in if case let .new(key, .sell, _, _, _, _) = c { key } else { nil } }) {
            maker.execution(.accepted(key), now: 2, into: &more)
        }
        for key in buys.prefix(2) { maker.execution(.fill(key, price: 10_000, quantity: 1, leaves: 0, fee: nil), now: 3, into: &more) }
        more.removeAll()
        maker.marketChanged(bestBid: 10_000, bestAsk: 10_002, now: 4, into: &more)
        #expect(Self.news(more, .buy) == 0 && Self.news(more, .sell) == 2, "\(more)")
        #expect(maker.gate.denials(.firmLimit) == 0)
        // The share ends: buys are pulled, sells kept up to the position (2). Orders with a
        // request in flight (a replace of the buy, the two new sells) are canceled once the
        // venue answers them.
        share.lots = 0
        more.removeAll()
        maker.marketChanged(bestBid: 10_000, bestAsk: 10_002, now: 5, into: &more)
        #expect(!maker.quoter.buyEnabled)
        for order in maker.quoter.orders {
            switch order.state {
            case .pendingReplace(let newKey, let price, let quantity):
                maker.execution(.replaced(newKey: newKey, origKey: order.key, price: price, quantity: quantity, leaves: quantity),
                                now: 6, into: &more)
            case .pendingNew:
                maker.execution(.accepted(order.key), now: 6, into: &more)
            default:
                break
            }
        }
        maker.marketChanged(bestBid: 10_000, bestAsk: 10_002, now: 7, into: &more)
        var canceled: [Side] = []
        for case let .cancel(_, _, side) in more { canceled.append(side) }
        #expect(canceled.filter { $0 == .buy }.count == 1 && canceled.filter { $0 == .sell }.count == 3, "\(more)")
        let live = maker.quoter.orders.filter { if case .working = $0.state { true } else { false } }
        #expect(live.allSatisfy { $0.side == .sell } && live.map(\.price).sorted() == [10_002, 10_003], "\(live)")
        #expect(maker.gate.denials(.firmLimit) == 0)
    }
}
