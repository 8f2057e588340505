import FIXTestSupport
import Testing
@testable import Risk

/// The net-position stop as a state machine, and on a random walk quoted by a 5-level ladder.
@Suite struct NetPositionStopTests {
    @Test func defaults() {
        let configuration = NetPositionStop.Configuration()
        #expect(configuration.limit == 50)
        #expect(configuration.restartThreshold == 25)
        var disabled = NetPositionStop(.disabled)
        #expect(disabled.update(position: 1_000_000_000) == .none)
        #expect(disabled.update(position: .min) == .none)
        #expect(!disabled.isStopped)
    }

    @Test func triggersAtTheLimitAndPullsTheAddingSide() {
        var stop = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        for position in Int64(0)..<50 {
            #expect(stop.update(position: position) == .none)
        }
        #expect(stop.quoteSides == .both)
        #expect(stop.update(position: 50) == .stop(FlattenIntent(side: .sell, quantity: 50)))
        #expect(stop.isStopped)
        #expect(stop.events == 1)
        // Long: the bids add to the position and are pulled; the asks still quote.
        #expect(stop.quoteSides == .askOnly)
        #expect(FlattenIntent(side: .sell, quantity: 50).pulledSide == .buy)

        var short = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        #expect(short.update(position: -49) == .none)
        #expect(short.update(position: -53) == .stop(FlattenIntent(side: .buy, quantity: 53)))
        #expect(short.quoteSides == .bidOnly)
    }

    @Test func flattensWhatFillsAfterTheTrigger() {
        var stop = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        #expect(stop.update(position: 50) == .stop(FlattenIntent(side: .sell, quantity: 50)))
        // Two pulled bids fill before their cancels land.
        #expect(stop.update(position: 52) == .flattenMore(FlattenIntent(side: .sell, quantity: 2)))
        #expect(stop.update(position: 51) == .none)
        #expect(stop.update(position: 53) == .flattenMore(FlattenIntent(side: .sell, quantity: 1)))
        // The intents add up to the peak, 53.
        #expect(stop.events == 1)
    }

    @Test func resumesWithinTheRestartThreshold() {
        var stop = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        _ = stop.update(position: 50)
        #expect(stop.update(position: 30) == .none)
        #expect(stop.remainingFlatten() == FlattenIntent(side: .sell, quantity: 30))
        #expect(stop.update(position: 11) == .none)
        #expect(stop.isStopped)
        #expect(stop.update(position: 10) == .resume)
        #expect(!stop.isStopped)
        #expect(stop.quoteSides == .both)
        #expect(stop.remainingFlatten() == nil)
        // A second event.
        #expect(stop.update(position: 49) == .none)
        #expect(stop.update(position: -2) == .none)
        #expect(stop.update(position: -50) == .stop(FlattenIntent(side: .buy, quantity: 50)))
        #expect(stop.events == 2)
    }

    @Test func flipsWhileStopped() {
        var stop = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        _ = stop.update(position: 50)
        // The flatten and the remaining asks overshoot to -30: still stopped, now only bids reduce.
        #expect(stop.update(position: -30) == .none)
        #expect(stop.quoteSides == .bidOnly)
        #expect(stop.update(position: -5) == .resume)
        // Overshooting past the limit on the other side is a new event.
        _ = stop.update(position: 50)
        #expect(stop.update(position: -60) == .stop(FlattenIntent(side: .buy, quantity: 60)))
        #expect(stop.events == 3)
    }

    /// A random walk of the price, quoted by a 5-level one-lot ladder on each side. By the seed
    /// study's identity (levels one tick apart, a touch fills) a move of d ticks fills min(|d|, 5)
    /// lots of the side it moves into: the position moves against the price. The stop's flatten
    /// fills one step after it is asked for, while the other side keeps quoting. The position must
    /// never exceed the limit plus one side of the ladder: before a step it is below the limit
    /// (or the adding side is pulled), and one step fills at most 5 lots.
    @Test func randomWalkStaysWithinTheLimitPlusOneLadderSide() {
        var generator = SplitMix64(seed: 0x5EED)
        var stop = NetPositionStop(.init(limit: 50, restartThreshold: 10))
        var position: Int64 = 0
        var pending: FlattenIntent?
        var largest: Int64 = 0
        var stopActions = 0
        var resumes = 0
        var flattened: Int64 = 0

        func handle(_ action: StopAction) {
            switch action {
            case .none:
                break
            case .stop(let intent):
                stopActions += 1
                pending = intent
            case .flattenMore(let intent):
                pending = FlattenIntent(side: intent.side, quantity: (pending?.quantity ?? 0) + intent.quantity)
            case .resume:
                resumes += 1
            }
        }

        for _ in 0..<200_000 {
            let sides = stop.quoteSides
            let move = Int64(generator.below(15)) - 7  // -7...7 ticks
            if move > 0, sides.ask {
                position -= min(move, 5)  // the asks are lifted
            } else if move < 0, sides.bid {
                position += min(-move, 5)  // the bids are hit
            }
            handle(stop.update(position: position))
            largest = max(largest, abs(position))
            // The flattening order sent at the last step fills now.
            if let intent = pending {
                pending = nil
                position += intent.side == .buy ? intent.quantity : -intent.quantity
                flattened += intent.quantity
                handle(stop.update(position: position))
                largest = max(largest, abs(position))
            }
        }
        #expect(largest <= 55)
        #expect(largest >= 50)
        #expect(stop.events == stopActions)
        #expect(stop.events > 10)
        #expect(resumes >= stop.events - 1)
        #expect(flattened >= 50 * Int64(stop.events))
    }
}
