import Market
import FIXTestSupport
import Testing
@testable import Quoting

/// Long random best-price paths against a venue that acknowledges at once and fills what the
/// market trades through: every step sends exactly one message per uncovered level, never a
/// cancel, and the invariants hold throughout.
struct FewestMessagesTests {
    struct Path: CustomTestStringConvertible, Sendable {
        var seed: UInt64
        var levels: Int
        var offset: Int64
        var quantity: Int64
        var testDescription: String { "seed \(seed), \(levels) levels, offset \(offset), \(quantity) lots" }
    }

    static let paths: [Path] = [
        Path(seed: 1, levels: 5, offset: 0, quantity: 1),
        Path(seed: 2, levels: 5, offset: 1, quantity: 1),
        Path(seed: 3, levels: 1, offset: 0, quantity: 1),
        Path(seed: 4, levels: 8, offset: 2, quantity: 3),
        Path(seed: 5, levels: 3, offset: 0, quantity: 2),
    ]

    @Test(arguments: paths)
    func oneMessagePerUncoveredLevelAndNoChurn(_ path: Path) {
        var rng = SplitMix64(seed: path.seed)
        var m = ImmediateMarket(QuoteConfiguration(levels: path.levels, quantity: path.quantity, offset: path.offset))
        var last: Int64 = 10_000
        var kinds: [QuoteIntent.Kind: Int] = [:]
        for step in 0..<4_000 {
            // Mostly small moves, now and then a jump past the whole ladder.
            let jump = rng.below(50) == 0
            let move = Int64(jump ? rng.below(2 * path.levels + 9) - path.levels - 4 : rng.below(7) - 3)
            last += move
            var reports: [OrderUpdate] = []
            m.venue.trade(at: last, into: &reports)
            m.deliver(reports)
            let bid = last - Int64(1 + rng.below(3))
            let ask = last + Int64(1 + rng.below(3))

            var uncovered = 0
            for side in [Side.buy, .sell] {
                let targets = LadderInvariants.targets(side, bid: bid, ask: ask, levels: path.levels, offset: path.offset)
                let have = Set(m.venue.prices(side))
                uncovered += targets.filter { !have.contains($0) }.count
            }
            let intents = m.quote(bid: bid, ask: ask)
            #expect(intents.count == uncovered, "step \(step): \(intents.count) messages for \(uncovered) uncovered levels")
            #expect(!intents.contains { $0.kind == .cancel }, "step \(step): a cancel")
            for i in intents { kinds[i.kind, default: 0] += 1 }
            guard LadderInvariants.check(m.quoter, levels: path.levels, "step \(step)") else { return }
            // Acknowledged at once: the ladder is complete and the venue agrees with the quoter.
            for side in [Side.buy, .sell] {
                let targets = LadderInvariants.targets(side, bid: bid, ask: ask, levels: path.levels, offset: path.offset)
                #expect(m.venue.prices(side) == targets, "step \(step) \(side)")
                #expect(m.quoter.prices(side) == targets, "step \(step) \(side)")
            }
            #expect(m.venue.selfCrosses == 0)
        }
        // The path exercised every way of reaching the target but the cancel.
        #expect(kinds[.replace, default: 0] > 500)
        #expect(kinds[.new, default: 0] > 300)
        #expect(m.quoter.statistics.cancels == 0)
        #expect(m.quoter.statistics.heldBackBySelfCross == 0)
        #expect(m.quoter.statistics.unknownUpdates == 0 && m.quoter.statistics.staleUpdates == 0)
    }

    /// The study's profit identity (Chakraborty & Kearns 2011): one lot per tick level, levels at
    /// least the largest one-step move, a touch fills, no fees: profit in ticks is (K - z^2)/2 with
    /// K = sum |P(t+1) - P(t)| and z = P(T) - P(0), and the net position is -(P(t) - P(0)).
    static func profit(of steps: [Int64], levels: Int = 5) -> (profit: Int64, positions: [Int64]) {
        var m = ImmediateMarket(QuoteConfiguration(levels: levels))
        let base: Int64 = 1_000
        var positions: [Int64] = []
        var last = base + steps[0]
        m.quote(bid: last - 1, ask: last + 1)
        for p in steps.dropFirst() {
            last = base + p
            var reports: [OrderUpdate] = []
            m.venue.trade(at: last, into: &reports)
            m.deliver(reports)
            m.quote(bid: last - 1, ask: last + 1)
            positions.append(m.venue.position)
        }
        return (m.venue.cash + m.venue.position * last, positions)
    }

    @Test(arguments: [([0, 1, 0], 1), ([0, 1], 0), ([0, 2], -1), ([0, 1, 2, 1, 0], 2), ([0, 3, -2, 1], 5)] as [([Int64], Int64)])
    func studyExamples(_ steps: [Int64], _ expected: Int64) {
        #expect(Self.profit(of: steps).profit == expected)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func profitIdentityOnRandomPaths(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var steps: [Int64] = [0]
        for _ in 0..<2_000 { steps.append(steps.last! + Int64(rng.below(9) - 4)) }
        let (profit, positions) = Self.profit(of: steps)
        let k = zip(steps, steps.dropFirst()).reduce(0) { $0 + abs($1.1 - $1.0) }
        let z = steps.last! - steps[0]
        #expect(2 * profit == k - z * z)
        #expect(positions == steps.dropFirst().map { -($0 - steps[0]) })
    }

    /// Random market paths with the sides pulled and restored, the ladder resized, a market that
    /// locks, crosses and loses a side: the invariants hold after every step.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func invariantsUnderEverythingAtOnce(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var m = ImmediateMarket()
        var last: Int64 = 500
        for step in 0..<3_000 {
            switch rng.below(20) {
            case 0:
                m.settle(m.quoter.setSides(buy: rng.below(4) != 0, sell: rng.below(4) != 0))
            case 1:
                m.quoter.configuration.levels = rng.below(7)
            case 2:
                m.settle(m.quoter.cancelAll())
            default:
                break
            }
            last = max(1, last + Int64(rng.below(9) - 4))
            var reports: [OrderUpdate] = []
            m.venue.trade(at: last, into: &reports)
            m.deliver(reports)
            var bid: Int64? = last - Int64(rng.below(3))
            var ask: Int64? = last + Int64(rng.below(3)) - (rng.below(10) == 0 ? 3 : 0)
            if rng.below(30) == 0 { bid = nil }
            if rng.below(30) == 0 { ask = nil }
            m.quote(bid: bid, ask: ask)
            guard LadderInvariants.check(m.quoter, levels: m.quoter.configuration.levels, "step \(step)") else { return }
            #expect(m.venue.selfCrosses == 0)
            for side in [Side.buy, .sell] where !m.quoter.isEnabled(side) {
                #expect(m.quoter.tracker.liveCount(side) == 0, "step \(step): \(side) pulled but quoted")
            }
        }
    }
}
