import Foundation
import Market
@testable import MarketData
import Exchange
import Testing

/// Markets of several instruments: recordings merged in time, and the correlated built-in market.
struct MultiMarketTests {
    /// A source of given events.
    struct Listed: MarketDataSource {
        var events: [MarketEvent]
        var skipped: Int { 0 }
        mutating func next() -> MarketEvent? { events.isEmpty ? nil : events.removeFirst() }
    }

    static func quote(_ t: Int64) -> MarketEvent { .quote(time: t, bid: 100, bidSize: 1, ask: 101, askSize: 1) }

    @Test func mergesByTimeAndTheFirstSourceFirstOnTies() throws {
        let a = Instrument(symbol: "A", tickSize: DecimalStep(units: 1, scale: 2))
        let b = Instrument(symbol: "B", tickSize: DecimalStep(units: 1, scale: 2))
        var merged = MergedMarketData([(a, Listed(events: [1, 3, 3, 7].map(Self.quote))),
                                       (b, Listed(events: [2, 3, 8, 9].map(Self.quote)))])
        var out: [(Int, Int64)] = []
        while let e = try merged.next() { out.append((e.instrument, e.event.time)) }
        #expect(out.map(\.0) == [0, 1, 0, 0, 1, 0, 1, 1])
        #expect(out.map(\.1) == [1, 2, 3, 3, 3, 7, 8, 9])
        #expect(merged.instruments.map(\.symbol) == ["A", "B"])
        #expect(try merged.next() == nil)
    }

    /// The two Binance captures of 8 August 2024: every event of both, in time order, each in
    /// its own instrument's ticks.
    @Test(.enabled(if: SourceTestFiles.capturesPresent, "the Binance captures are not in ../shared/data/binance"))
    func theTwoCapturesOfADay() throws {
        let btc = BinanceCaptureSource.instrument(for: "BTCUSDT")!, eth = BinanceCaptureSource.instrument(for: "ETHUSDT")!
        func count(_ path: String, _ instrument: Instrument) throws -> Int {
            var source = try BinanceCaptureSource(path: path, instrument: instrument, timeBase: .receive)
            var n = 0
            while try source.next() != nil { n += 1 }
            return n
        }
        var merged = MergedMarketData([
            (btc, try BinanceCaptureSource(path: SourceTestFiles.btcCapture, instrument: btc, timeBase: .receive)),
            (eth, try BinanceCaptureSource(path: SourceTestFiles.ethCapture, instrument: eth, timeBase: .receive)),
        ])
        var counts = [0, 0], last = Int64.min, backwards = 0
        var firstQuote: [Int64?] = [nil, nil]
        while let e = try merged.next() {
            counts[e.instrument] += 1
            if e.event.time < last { backwards += 1 }
            last = max(last, e.event.time)
            if case let .quote(_, bid?, _, _, _) = e.event, firstQuote[e.instrument] == nil { firstQuote[e.instrument] = bid }
        }
        #expect(counts == [try count(SourceTestFiles.btcCapture, btc), try count(SourceTestFiles.ethCapture, eth)])
        #expect(backwards == 0)
        // BTCUSDT near 56,000-60,000 USDT (tick 0.1), ETHUSDT near 2,300-2,700 (tick 0.01).
        #expect((550_000...620_000).contains(firstQuote[0] ?? 0) && (230_000...280_000).contains(firstQuote[1] ?? 0),
                "\(firstQuote)")
        #expect(merged.bytesRead > 0)
    }

    static func run(_ p: CorrelatedMarket.Parameters) -> [InstrumentEvent] {
        var m = CorrelatedMarket(p)
        var out: [InstrumentEvent] = []
        while let e = m.next() { out.append(e) }
        return out
    }

    @Test func theCorrelatedMarketIsDeterministicOrderedAndWellFormed() {
        let p = CorrelatedMarket.Parameters(days: 2, eventsPerDay: 3_000)
        let events = Self.run(p)
        #expect(events == Self.run(p))
        #expect(events != Self.run(CorrelatedMarket.Parameters(seed: 2, days: 2, eventsPerDay: 3_000)))
        // About 3,000 events an instrument a day, in time order, within the sessions.
        var perInstrument = [0, 0, 0]
        var last = Int64.min
        var shown: [(bid: Int64, ask: Int64)?] = [nil, nil, nil]
        for e in events {
            perInstrument[e.instrument] += 1
            #expect(e.event.time >= last)
            last = e.event.time
            let ns = e.event.time % 86_400_000_000_000
            #expect(ns >= p.sessionStart && ns < p.sessionEnd)
            switch e.event {
            case let .quote(_, bid?, bidSize, ask?, askSize):
                #expect(bid >= 1 && ask > bid && ask - bid <= 2 && bidSize >= 1 && askSize >= 1)
                shown[e.instrument] = (bid, ask)
            case let .trade(_, price, size, aggressor):
                // At the prices shown by the instrument's last quote.
                let s = shown[e.instrument]
                #expect(s != nil && size >= 1 && size <= 3)
                #expect(price == (aggressor == .buy ? s?.ask : s?.bid))
            default:
                Issue.record("unexpected \(e.event)")
            }
        }
        #expect(perInstrument.allSatisfy { (5_400...6_600).contains($0) }, "\(perInstrument)")
    }

    /// The returns of the mids over one minute of trading, over 20 days: their correlation is
    /// the one asked for (0.6, and 0 for independent instruments), within sampling error.
    @Test(arguments: [0.6, 0.0])
    func returnsAreCorrelatedAsAsked(rho: Double) {
        let p = CorrelatedMarket.Parameters(instruments: Array(CorrelatedMarket.defaultInstruments.prefix(2)),
                                            startPrices: [10_000, 5_000], volatilities: [0.02, 0.03], correlation: rho,
                                            seed: 7, days: 20, eventsPerDay: 6_000)
        var market = CorrelatedMarket(p)
        var mid: [Double?] = [nil, nil]
        var lastMinute: Int64 = -1
        var previous: [Double]?
        var returns: [[Double]] = [[], []]
        while let e = market.next() {
            let minute = e.event.time / 60_000_000_000
            if minute != lastMinute, let a = mid[0], let b = mid[1] {
                if let previous, minute == lastMinute + 1 {
                    returns[0].append(Foundation.log(a / previous[0]))
                    returns[1].append(Foundation.log(b / previous[1]))
                }
                previous = [a, b]
            }
            lastMinute = minute
            if case let .quote(_, bid?, _, ask?, _) = e.event { mid[e.instrument] = Double(bid + ask) / 2 }
        }
        let n = Double(returns[0].count)
        #expect(n > 5_000)
        let mean = returns.map { $0.reduce(0, +) / n }
        var cov = 0.0, v0 = 0.0, v1 = 0.0
        for k in returns[0].indices {
            let x = returns[0][k] - mean[0], y = returns[1][k] - mean[1]
            cov += x * y
            v0 += x * x
            v1 += y * y
        }
        let correlation = cov / (v0 * v1).squareRoot()
        // About 7,000 one-minute returns: a standard error near 0.01; ticks and the minute's
        // last quote blur a little.
        #expect(abs(correlation - rho) < 0.08, "correlation \(correlation) for rho \(rho)")
    }
}

/// The one-minute return correlation on hand-made mids.
struct MidReturnCorrelationTests {
    static func quote(_ instrument: Int, minute: Int64, mid: Int64) -> InstrumentEvent {
        InstrumentEvent(instrument: instrument, event: .quote(time: minute * 60_000_000_000 + 1, bid: mid - 1, bidSize: 1,
                                                               ask: mid + 1, askSize: 1))
    }

    /// B moves with A (the same returns): 1; C against it: -1; a gap of a minute without any
    /// event (a night) gives no return across it.
    @Test func perfectAndOppositeMovesAndGaps() {
        var c = MidReturnCorrelation(instruments: 3)
        let path: [Int64] = [1_000, 1_010, 1_005, 1_020, 1_000, 990]
        for (minute, mid) in path.enumerated() {
            c.add(Self.quote(0, minute: Int64(minute), mid: mid))
            c.add(Self.quote(1, minute: Int64(minute), mid: mid * 2))
            c.add(Self.quote(2, minute: Int64(minute), mid: 1_000_000 / mid))
        }
        // A later day: minutes 10 and 11.
        c.add(Self.quote(0, minute: 10, mid: 500))
        c.add(Self.quote(1, minute: 10, mid: 1_000))
        c.add(Self.quote(2, minute: 10, mid: 7))
        c.add(Self.quote(0, minute: 11, mid: 600))  // closes minute 10: its return is counted
        let ab = c.correlation(0, 1), ac = c.correlation(0, 2)
        // The returns of minutes 1 to 5 (5); none for minute 10, which follows a gap.
        #expect(ab.returns == 5 && abs(ab.value! - 1) < 1e-9, "\(ab)")
        #expect(ac.returns == 5 && abs(ac.value! + 1) < 1e-3, "\(ac)")
        #expect(c.correlation(1, 0).value == ab.value)
    }
}

/// Several recorded books in one venue.
struct MultiReplayVenueTests {
    static let a = Instrument(symbol: "A", tickSize: DecimalStep(units: 1, scale: 2))
    static let b = Instrument(symbol: "B", tickSize: DecimalStep(units: 1, scale: 2))

    /// Each book gives ids of its own (A: 1, 3, 5; B: 2, 4), an event moves its own book only,
    /// and a fill names the order of the book it happened in.
    @Test func booksKeepTheirOrdersAndIdsApart() {
        var venue = MultiReplayVenue(instruments: [Self.a, Self.b], rankCoefficient: 1, queueModel: PowerProbabilityQueueModel())
        #expect(venue.bookIndex(symbol: "B") == 1 && venue.bookIndex(symbol: "C") == nil)
        var events: [ExchangeEvent] = []
        venue.apply(.quote(time: 10, bid: 100, bidSize: 5, ask: 101, askSize: 5), book: 0, events: &events)
        venue.apply(.quote(time: 20, bid: 200, bidSize: 5, ask: 201, askSize: 5), book: 1, events: &events)
        #expect(venue.marketTime == 20)
        var ids: [OrderID] = []
        for (book, price) in [(0, Int64(100)), (1, Int64(200)), (0, Int64(99)), (1, Int64(199)), (0, Int64(98))] {
            events.removeAll()
            venue.submit(OrderRequest(owner: 7, side: .buy, price: price, quantity: 1), book: book, events: &events)
            if case .accepted(let id, _)? = events.first { ids.append(id) }
        }
        #expect(ids == [1, 2, 3, 4, 5])
        #expect(venue.depth(book: 0, side: .buy, levels: 5).map(\.price) == [100, 99, 98])
        #expect(venue.depth(book: 1, side: .buy, levels: 5).map(\.price) == [200, 199])
        // A sell trade through 200 on book B fills B's order at 200 (id 2) and nothing of A's.
        events.removeAll()
        venue.apply(.trade(time: 30, price: 199, size: 20, aggressor: .sell), book: 1, events: &events)
        var filled: [OrderID] = []
        for event in events {
            if case .fill(let f) = event { filled.append(f.makerOwner == 7 ? f.makerOrderID : f.takerOrderID) }
        }
        #expect(!filled.isEmpty && filled.allSatisfy { $0 == 2 || $0 == 4 }, "\(events)")
        #expect(venue.depth(book: 0, side: .buy, levels: 5).map(\.price) == [100, 99, 98])
        // Cancels go to the book named.
        events.removeAll()
        venue.cancel(3, owner: 7, book: 0, events: &events)
        #expect(venue.depth(book: 0, side: .buy, levels: 5).map(\.price) == [100, 98])
    }
}
