import Market
// A seeded synthetic market: quotes and trades of one instrument over several trading days,
// generated on the fly from a tick-level price path with alternating trending and
// mean-reverting spells. Same parameters, same events. See ``SyntheticMarket``.

/// A synthetic market that needs no data file: a deterministic stream of `.quote` and `.trade`
/// events, generated one at a time in constant memory.
///
/// **Days.** ``Parameters/days`` trading days (Monday to Friday, starting at
/// ``Parameters/firstDay`` or the next weekday), each with exactly
/// ``Parameters/eventsPerDay`` events spread over the session
/// ``Parameters/sessionStart``..<``Parameters/sessionEnd`` (UTC time of day): event *i* of a
/// day falls at a random instant of the *i*-th equal slice of the session, so times strictly
/// increase. The price gaps by up to 10 ticks overnight.
///
/// **Price path.** The best bid moves by whole ticks through spells that alternate between
/// *trending* (up or down, chosen at random: a move goes with the trend with probability 0.65)
/// and *mean-reverting* (moves lean back to the price the spell started at, more strongly the
/// further away it is). Spell lengths are uniform in 1/2 to 3/2 of
/// ``Parameters/meanSpellLength`` events. The ask is the bid plus a spread of 1 tick (90% of
/// the time) or 2; level sizes are 1 to ``Parameters/maxLevelSize`` lots. The price stays at
/// 1 tick or more.
///
/// **Events.** Each event is a trade with probability ``Parameters/tradeProbability``,
/// otherwise a quote (the first event of each day is always a quote). A trade is at the ask
/// with a buy aggressor or at the bid with a sell aggressor — buyers are more likely in an
/// up-trend, sellers in a down-trend, and in a mean-reverting spell whoever pushes the price
/// back — for 1 to 3 lots (now and then up to ``Parameters/maxLevelSize``), never more than the
/// level holds. A trade that empties the level moves the price one tick its way, and the next
/// event is the quote that shows it. ``skipped`` is always 0.
///
/// The random numbers come from ``Xoshiro256StarStar`` seeded with ``Parameters/seed``; the
/// process uses only arithmetic and comparisons, so a seed gives the same events everywhere.
public struct SyntheticMarket: MarketDataSource, Sendable {
    /// What to generate.
    public struct Parameters: Hashable, Sendable {
        /// The instrument the prices (ticks) and sizes (lots) are of.
        public var instrument: Instrument
        public var seed: UInt64
        /// Trading days (weekdays) to generate.
        public var days: Int
        /// Events in each day.
        public var eventsPerDay: Int
        /// The first trading day (moved to the next Monday when it is a weekend day).
        public var firstDay: CivilDate
        /// Session open, nanoseconds after midnight UTC.
        public var sessionStart: Int64
        /// Session close, nanoseconds after midnight UTC (after the open, on the same day).
        public var sessionEnd: Int64
        /// The first best bid, in ticks.
        public var startPrice: Int64
        /// The average length of a spell, in events.
        public var meanSpellLength: Int
        /// The fraction of events that are trades.
        public var tradeProbability: Double
        /// The largest size of a price level, in lots.
        public var maxLevelSize: Int64

        public init(instrument: Instrument = SyntheticMarket.defaultInstrument, seed: UInt64 = 1, days: Int = 5,
                    eventsPerDay: Int = 100_000, firstDay: CivilDate = CivilDate(year: 2024, month: 1, day: 2)!,
                    sessionStart: Int64 = 9 * 3_600_000_000_000, sessionEnd: Int64 = 15 * 3_600_000_000_000,
                    startPrice: Int64 = 100_000, meanSpellLength: Int = 2_000, tradeProbability: Double = 0.25,
                    maxLevelSize: Int64 = 20) {
            self.instrument = instrument
            self.seed = seed
            self.days = days
            self.eventsPerDay = eventsPerDay
            self.firstDay = firstDay
            self.sessionStart = sessionStart
            self.sessionEnd = sessionEnd
            self.startPrice = startPrice
            self.meanSpellLength = meanSpellLength
            self.tradeProbability = tradeProbability
            self.maxLevelSize = maxLevelSize
        }
    }

    /// The kind of spell the price path is in.
    public enum Regime: Hashable, Sendable {
        case trendingUp
        case trendingDown
        case meanReverting
    }

    /// `SYNTH`: tick 0.01, lot 1.
    public static let defaultInstrument = Instrument(symbol: "SYNTH", tickSize: DecimalStep(units: 1, scale: 2))

    public let parameters: Parameters
    public var skipped: Int { 0 }
    /// The spell the last event was generated in (before the first event: the kind before
    /// the first spell).
    public private(set) var regime: Regime = .meanReverting
    /// The trading day (0-based) of the last event.
    public private(set) var day = 0

    private var random: Xoshiro256StarStar
    private var eventInDay = 0
    /// Midnight of the current trading day plus the session open, ns since the epoch.
    private var sessionOpen: Int64
    private var calendarDay: Int64
    private let slice: Int64
    private var bid: Int64
    private var spread: Int64 = 1
    private var bidSize: Int64
    private var askSize: Int64
    private var spellLeft = 0
    /// The price a mean-reverting spell leans back to.
    private var anchor: Int64
    /// The next event is a quote.
    private var quoteDue = true
    /// A tick move owed to a trade that emptied a level.
    private var forcedMove: Int64 = 0

    public init(_ parameters: Parameters = Parameters()) {
        let p = parameters
        precondition(p.days >= 0, "days must not be negative")
        precondition(p.eventsPerDay > 0, "eventsPerDay must be positive")
        precondition(p.sessionStart >= 0 && p.sessionStart < p.sessionEnd && p.sessionEnd <= 86_400_000_000_000,
                     "the session must be within one day")
        precondition(p.sessionEnd - p.sessionStart >= Int64(p.eventsPerDay), "more events than nanoseconds in the session")
        precondition(p.startPrice > 0 && p.meanSpellLength > 0 && p.maxLevelSize > 0, "start price, spell length and level size must be positive")
        precondition((0...1).contains(p.tradeProbability), "tradeProbability must be in 0...1")
        self.parameters = p
        random = Xoshiro256StarStar(seed: p.seed)
        calendarDay = CivilDate.weekday(onOrAfter: p.firstDay.daysSinceEpoch)
        sessionOpen = calendarDay * 86_400_000_000_000 + p.sessionStart
        slice = (p.sessionEnd - p.sessionStart) / Int64(p.eventsPerDay)
        bid = p.startPrice
        anchor = p.startPrice
        bidSize = 1 + (p.maxLevelSize - 1) / 2
        askSize = bidSize
        // startSpell switches kinds, so the first spell is the other kind than this.
        regime = random.chance(0.5) ? .meanReverting : .trendingUp
    }

    public mutating func next() -> MarketEvent? {
        guard day < parameters.days else { return nil }
        if eventInDay == parameters.eventsPerDay {
            day += 1
            guard day < parameters.days else { return nil }
            eventInDay = 0
            calendarDay = CivilDate.weekday(onOrAfter: calendarDay + 1)
            sessionOpen = calendarDay * 86_400_000_000_000 + parameters.sessionStart
            bid = max(1, bid + random.integer(in: -10...10))
            quoteDue = true
        }
        let time = sessionOpen + Int64(eventInDay) * slice + Int64(random.below(UInt64(slice)))
        eventInDay += 1
        if spellLeft == 0 { startSpell() }
        spellLeft -= 1
        if quoteDue || !random.chance(parameters.tradeProbability) {
            quoteDue = false
            return quote(time)
        }
        return trade(time)
    }

    // MARK: - The process

    /// The next spell: the other kind than the last.
    private mutating func startSpell() {
        let mean = Int64(parameters.meanSpellLength)
        spellLeft = Int(max(1, random.integer(in: mean / 2...(mean * 3) / 2)))
        if regime == .meanReverting {
            regime = random.chance(0.5) ? .trendingUp : .trendingDown
        } else {
            regime = .meanReverting
            anchor = bid
        }
    }

    /// The probability that a move of the price (or a trade's aggressor) goes up.
    private func upward(strength: Double, pull: Double) -> Double {
        switch regime {
        case .trendingUp: return 0.5 + strength
        case .trendingDown: return 0.5 - strength
        case .meanReverting: return min(0.95, max(0.05, 0.5 - pull * Double(bid - anchor)))
        }
    }

    private mutating func quote(_ time: Int64) -> MarketEvent {
        var move: Int64 = 0
        if forcedMove != 0 {
            move = forcedMove
            forcedMove = 0
        } else if random.chance(0.4) {
            move = random.chance(upward(strength: 0.15, pull: 0.15)) ? 1 : -1
        }
        if bid + move < 1 { move = 1 }
        let maxSize = parameters.maxLevelSize
        if move != 0 {
            bid += move
            spread = random.chance(0.9) ? 1 : 2
            bidSize = random.integer(in: 1...maxSize)
            askSize = random.integer(in: 1...maxSize)
        } else {
            bidSize = min(maxSize, max(1, bidSize + random.integer(in: -2...2)))
            askSize = min(maxSize, max(1, askSize + random.integer(in: -2...2)))
        }
        return .quote(time: time, bid: bid, bidSize: bidSize, ask: bid + spread, askSize: askSize)
    }

    private mutating func trade(_ time: Int64) -> MarketEvent {
        let buy = random.chance(upward(strength: 0.1, pull: 0.05))
        var size = random.chance(0.1) ? random.integer(in: 1...parameters.maxLevelSize) : random.integer(in: 1...3)
        if buy {
            size = min(size, askSize)
            askSize -= size
            if askSize == 0 {
                forcedMove = 1
                quoteDue = true
            }
            return .trade(time: time, price: bid + spread, size: size, aggressor: .buy)
        }
        size = min(size, bidSize)
        bidSize -= size
        if bidSize == 0 {
            forcedMove = -1
            quoteDue = true
        }
        return .trade(time: time, price: bid, size: size, aggressor: .sell)
    }
}
