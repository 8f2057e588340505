import MakerCore
import Quoting
import Market
import Exchange
import MarketData
/// The market maker trading on an in-process venue: each recorded event is applied to the
/// venue, the reports it causes go to the market maker, the commands that come back go to the
/// venue, until it settles; then the market maker sees the new best prices.
///
/// Time is whatever the caller passes as `now`: a backtest passes the market's own time (the
/// time of the event), so a run depends on its data and settings only.
///
/// An event that brings no report and leaves the best prices as they were is not shown to the
/// market maker when that could change nothing (its last reaction sent no command, and
/// ``MarketMaker/reactsTheSame(at:as:)``): such steps are only counted (``quietSteps``). The
/// figures are the same as if it had been told; only the ladder's count of updates differs.
///
/// With a ``latency``, the market maker's commands reach the venue that long after they are
/// sent: they wait in flight, in order, and each is sent to the venue, and its answers given to
/// the market maker (at the time it arrives), before the first event at or after that time.
/// Meanwhile the market moves without them, as it does on a real connection: a refill after a
/// fill misses the rest of a sweep that printed within the latency. Without (0, the default)
/// every command reaches the venue at once, the study's model.
///
/// Over a ``ReplayVenue`` (a backtest), ``apply(_:)`` is the concrete path: it is compiled for
/// that venue in this module, so the loop calls no generic code.
public struct InProcessRun<V: TopOfBookVenue & Sendable>: Sendable {
    public private(set) var maker: MarketMaker
    public private(set) var venue: InProcessVenue<V>
    /// The largest |net position| since the run began or since the last
    /// ``resetPeakPosition()``, counting positions reached between two events (a fill that the
    /// net-position stop flattens at once still counts).
    public private(set) var peakPosition: Int64 = 0
    /// Events the market maker was not shown because they could change nothing for it.
    public private(set) var quietSteps = 0
    /// The best prices and time the market maker was last shown, and whether nothing has
    /// happened since its reaction to them.
    private var shownBid: Int64?
    private var shownAsk: Int64?
    private var shownAt: Int64 = .min
    private var settled = false
    /// Times around `shownAt` at which the market maker surely reacts as it did then (see
    /// ``MarketMaker/quietSpan(around:)``); nil until a quiet step asks.
    private var quietSpan: ClosedRange<Int64>?
    private var quietSpanKnown = false
    private var updates: [ExecutionUpdate] = []
    private var commands: [VenueCommand] = []
    /// The commands being sent (swapped with `commands`, so neither is copied).
    private var batch: [VenueCommand] = []

    /// Whether quiet steps are skipped (see the type's discussion); without, every event is
    /// shown to the market maker.
    public let skipsQuietSteps: Bool
    /// Nanoseconds from a command leaving the market maker to its reaching the venue (0: at once).
    public let latency: Int64
    /// The fills of the ladder's orders (not the stop's flattening orders) since the last
    /// ``clearLadderFills()``, each with the ladder level its order was placed at.
    public private(set) var ladderFills: [LadderFill] = []
    /// The ladder level each working order was placed or last moved at, by order key.
    private var entryLevels = UInt64Map<Int>(capacity: 64)
    /// Orders whose level is kept at most (a venue that never ends orders cannot grow it).
    static var maxEntryLevels: Int { 1 << 14 }
    /// Commands on their way to the venue, with the time each arrives; those before
    /// `inFlightStart` have arrived.
    private var inFlight: [(arrives: Int64, command: VenueCommand)] = []
    private var inFlightStart = 0

    /// A run of `maker` on `venue`; `latency` (nanoseconds, not negative) delays every command
    /// on its way to the venue.
    public init(maker: MarketMaker, venue: InProcessVenue<V>, skipsQuietSteps: Bool = true, latency: Int64 = 0) {
        precondition(latency >= 0, "a latency is not negative")
        self.maker = maker
        self.venue = venue
        self.skipsQuietSteps = skipsQuietSteps
        self.latency = latency
        updates.reserveCapacity(64)
        commands.reserveCapacity(64)
        batch.reserveCapacity(64)
        if latency > 0 { inFlight.reserveCapacity(64) }
    }

    /// Commands sent and not yet at the venue.
    public var commandsInFlight: Int { inFlight.count - inFlightStart }

    /// The best bid and ask the venue shows.
    public var quotes: (bid: Int64?, ask: Int64?) {
        venue.venue.topOfBook(book: venue.book)
    }

    /// Changes the venue (`body` applies a recorded event), then lets the market maker react.
    public mutating func step(now: Int64, _ body: (inout V, inout [ExchangeEvent]) -> Void) {
        if latency > 0 { arrive(upTo: now) }
        if !updates.isEmpty { updates.removeAll(keepingCapacity: true) }
        venue.drive(into: &updates, body)
        react(now: now)
    }

    /// The market maker's turn after the venue changed: the reports in `updates` first, then
    /// the best prices, unless the step is quiet.
    @inline(__always)
    private mutating func react(now: Int64) {
        let (bid, ask): (Int64?, Int64?)
        if updates.isEmpty {
            (bid, ask) = quotes
            if skipsQuietSteps && settled && bid == shownBid && ask == shownAsk && isQuiet(at: now) {
                quietSteps += 1
                return
            }
        } else {
            settle(now: now)
            (bid, ask) = quotes
        }
        if !commands.isEmpty { commands.removeAll(keepingCapacity: true) }
        maker.marketChanged(bestBid: bid, bestAsk: ask, now: now, into: &commands)
        shownBid = bid
        shownAsk = ask
        shownAt = now
        quietSpanKnown = false
        settled = commands.isEmpty
        flush(now: now)
    }

    /// Whether showing the market maker the same prices at `now` would change nothing.
    @inline(__always)
    private mutating func isQuiet(at now: Int64) -> Bool {
        if !quietSpanKnown {
            quietSpan = maker.quietSpan(around: shownAt)
            quietSpanKnown = true
        }
        if let span = quietSpan, span.contains(now) { return true }
        return maker.reactsTheSame(at: now, as: shownAt)
    }

    /// Cancels everything (the end of a run) and settles: with a latency, every command in
    /// flight arrives, in order, at its time.
    public mutating func finish(now: Int64) {
        settled = false
        if !commands.isEmpty { commands.removeAll(keepingCapacity: true) }
        maker.cancelAll(now: now, into: &commands)
        flush(now: now)
        if latency > 0 { arrive(upTo: .max) }
    }

    /// The commands in flight that arrive at or before `time` reach the venue, one by one in
    /// order, each at its own time, and the market maker gets the answers then (new commands it
    /// sends go in flight in turn, and arrive in this call when they are due by `time`).
    private mutating func arrive(upTo time: Int64) {
        while inFlightStart < inFlight.count, inFlight[inFlightStart].arrives <= time {
            let (arrives, command) = inFlight[inFlightStart]
            inFlightStart += 1
            if !updates.isEmpty { updates.removeAll(keepingCapacity: true) }
            venue.send(command, into: &updates)
            settle(now: arrives)
            // The market maker has heard from the venue since it last saw the market.
            settled = false
        }
        if inFlightStart > 0 && inFlightStart == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            inFlightStart = 0
        }
    }

    /// Starts a new peak of |net position| at the current |net position| (a new trading day).
    public mutating func resetPeakPosition() {
        peakPosition = abs(maker.positions.position)
    }

    /// Forgets the ladder fills taken.
    public mutating func clearLadderFills() { ladderFills.removeAll(keepingCapacity: true) }

    /// Notes the ladder level of each new or moved limit order in `commands`: 1 at the best
    /// price the market maker was last shown on its side, 2 a tick behind it, and so on (0:
    /// no best price was shown).
    private mutating func noteLevels() {
        for command in commands {
            let key: OrderKey, side: Side, price: Int64
            switch command {
            case let .new(k, s, kind, _, p, _) where kind == .limit && !MarketMaker.isFlattening(k): (key, side, price) = (k, s, p)
            case let .replace(_, k, s, p, _): (key, side, price) = (k, s, p)
            default: continue
            }
            let best = side == .buy ? shownBid : shownAsk
            let level = best.map { max(1, (side == .buy ? $0 - price : price - $0) &+ 1) } ?? 0
            if entryLevels.count >= Self.maxEntryLevels { entryLevels = UInt64Map<Int>(capacity: 64) }
            entryLevels.set(key.rawValue, Int(clamping: level))
        }
    }

    /// Records a ladder fill and forgets the levels of orders that ended.
    private mutating func noteUpdate(_ update: ExecutionUpdate, positionBefore: Int64, now: Int64) {
        switch update {
        case let .fill(key, price, _, leaves, _):
            let traded = maker.positions.position - positionBefore
            if traded != 0 && !MarketMaker.isFlattening(key) {
                ladderFills.append(LadderFill(time: now, side: traded > 0 ? .buy : .sell, price: price, quantity: abs(traded),
                                              level: entryLevels[key.rawValue] ?? 0))
            }
            if leaves == 0 { entryLevels.remove(key.rawValue) }
        case let .canceled(key, origKey, _):
            entryLevels.remove(key.rawValue)
            if let origKey { entryLevels.remove(origKey.rawValue) }
        case let .replaced(_, origKey, _, _, _):
            if let origKey { entryLevels.remove(origKey.rawValue) }
        case let .rejected(key, _), let .replaceRejected(key):
            entryLevels.remove(key.rawValue)
        case .accepted, .cancelRejected:
            break
        }
    }

    /// Sends the pending commands and feeds the answers back until nothing is left; with a
    /// latency, puts them in flight instead.
    private mutating func flush(now: Int64) {
        if !commands.isEmpty { noteLevels() }
        if latency > 0 {
            let (arrives, overflow) = now.addingReportingOverflow(latency)
            for command in commands { inFlight.append((overflow ? .max : arrives, command)) }
            if !commands.isEmpty { commands.removeAll(keepingCapacity: true) }
            return
        }
        while !commands.isEmpty {
            swap(&batch, &commands)
            if !commands.isEmpty { commands.removeAll(keepingCapacity: true) }
            if !updates.isEmpty { updates.removeAll(keepingCapacity: true) }
            var i = 0
            while i < batch.count {
                venue.send(batch[i], into: &updates)
                i += 1
            }
            if !batch.isEmpty { batch.removeAll(keepingCapacity: true) }
            settle(now: now)
        }
    }

    /// Feeds the pending reports to the market maker, collecting its commands.
    private mutating func settle(now: Int64) {
        var i = 0
        while i < updates.count {
            let before = maker.positions.position
            maker.execution(updates[i], now: now, into: &commands)
            noteUpdate(updates[i], positionBefore: before, now: now)
            if case .fill = updates[i] { peakPosition = max(peakPosition, abs(maker.positions.position)) }
            i += 1
        }
        if !updates.isEmpty { updates.removeAll(keepingCapacity: true) }
        if !commands.isEmpty { flush(now: now) }
    }
}

extension InProcessRun where V == ReplayVenue {
    /// The market's best bid and ask, without our orders (recorded, or last -/+ 1 tick for
    /// trades only).
    @inline(__always)
    public var marketBest: (bid: Int64?, ask: Int64?) {
        (venue.venue.exchange.bestBid, venue.venue.exchange.bestAsk)
    }

    /// Whether the recording has shown a book (quotes or depth).
    public var marketHasBook: Bool { venue.venue.exchange.hasQuotes }

    /// Applies one recorded event to the replayed market at the event's time and lets the
    /// market maker react: ``step(now:_:)`` with ``ReplayVenue/apply(_:events:)``, compiled for
    /// the replay venue.
    public mutating func apply(_ event: MarketEvent) {
        if latency > 0 { arrive(upTo: event.time) }
        if !updates.isEmpty { updates.removeAll(keepingCapacity: true) }
        venue.drive(into: &updates) { venue, events in venue.apply(event, events: &events) }
        react(now: event.time)
    }
}

/// A fill of one of the ladder's orders: when (market time), its side, price and lots, and the
/// ladder level its order was placed or last moved at (1: at the best price then; 0: unknown).
public struct LadderFill: Hashable, Sendable {
    public var time: Int64
    public var side: Side
    public var price: Int64
    public var quantity: Int64
    public var level: Int
}
