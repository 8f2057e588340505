@testable import MakerCore
import Market
import Quoting
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
