import FirmRisk
import Logging
import Redis
import MakerCore
import Market
import ArgumentParser
import Quoting
import Risk
import Synchronization
import Operations

/// The market maker's settings on the command line, shared by `mm paper` and `mm quote`.
struct MakerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Price levels quoted on each side.", valueName: "n"))
    var levels = 5

    @Option(help: ArgumentHelp("Lots per level.", valueName: "lots"))
    var lots: Int64 = 1

    @Option(help: ArgumentHelp("Ticks between the best price and the first level.", valueName: "ticks"))
    var offset: Int64 = 0

    @Option(help: ArgumentHelp("Net-position stop: flatten at this many lots.", valueName: "lots"))
    var stopLimit: Int64 = 50

    @Option(help: ArgumentHelp("Quote again once |position| is back within this (default: half the stop).", valueName: "lots"))
    var restartThreshold: Int64?

    @OptionGroup var risk: RiskOptions

    @Option(help: ArgumentHelp("Take the margin rates from the margin service (mm margin) through this Redis, instead of the engine's own model; the conservative rate (the ceiling, 0.5) while they are stale (older than five bars of --margin-bar) or Redis is unreachable.",
                               valueName: "redis://host:port"))
    var marginFeed: String?

    @Option(help: ArgumentHelp("Trade under the firm's limits kept in this Redis: the engine leases its share of the firm's limit on the instrument (firm:SYMBOL:cap, in lots) and never holds a worst-case position beyond it; with no lease (Redis unreachable past the lease's end, or no cap set) it only reduces.",
                               valueName: "redis://host:port"))
    var firmLimits: String?

    @Option(help: ArgumentHelp("Lots of the firm's limit this engine asks for (default: --stop-limit + --levels x --lots, the most it can hold).", valueName: "lots"))
    var firmShare: Int64?

    @Option(help: ArgumentHelp("How long a lease of the firm's limit lasts, seconds; renewed every third of it.", valueName: "seconds"))
    var firmLeaseTtl = 3.0

    @Option(help: ArgumentHelp("With --firm-limits: the instrument belongs to this group of the firm's limits too (firm:group:NAME:cap, in whole units of the quote currency of worst-case position value); needs --firm-group-share.",
                               valueName: "name"))
    var firmGroup: String?

    @Option(help: ArgumentHelp("Currency units of the group's firm limit this engine asks for.", valueName: "amount"))
    var firmGroupShare: Int64?

    func validate() throws {
        if let marginFeed, RedisEndpoint(marginFeed) == nil {
            throw ValidationError("--margin-feed must be redis://HOST[:PORT], got '\(marginFeed)'")
        }
        if let firmLimits, RedisEndpoint(firmLimits) == nil {
            throw ValidationError("--firm-limits must be redis://HOST[:PORT], got '\(firmLimits)'")
        }
        if let firmShare, firmShare < 0 { throw ValidationError("--firm-share must not be negative") }
        guard firmLeaseTtl >= 1, firmLeaseTtl <= 3600 else { throw ValidationError("--firm-lease-ttl must be in [1, 3600] seconds") }
        if firmGroup != nil || firmGroupShare != nil {
            guard firmLimits != nil else { throw ValidationError("--firm-group and --firm-group-share go with --firm-limits") }
            guard let firmGroup, !firmGroup.isEmpty, !firmGroup.contains(":"), !firmGroup.contains(" ") else {
                throw ValidationError("--firm-group needs a name without spaces or colons (and --firm-group-share)")
            }
            guard let firmGroupShare, firmGroupShare >= 0 else { throw ValidationError("--firm-group \(firmGroup) needs --firm-group-share, not negative") }
        }
        guard (0...QuoteConfiguration.maxLevels).contains(levels) else {
            throw ValidationError("--levels must be between 0 and \(QuoteConfiguration.maxLevels)")
        }
        guard lots > 0 else { throw ValidationError("--lots must be positive") }
        guard offset >= 0 else { throw ValidationError("--offset must not be negative") }
        guard stopLimit > 0 else { throw ValidationError("--stop-limit must be positive") }
        if let r = restartThreshold, !(0..<stopLimit).contains(r) {
            throw ValidationError("--restart-threshold must be in 0..<\(stopLimit)")
        }
    }

    func configuration(instrument: Instrument, fees: FeeSchedule) -> MarketMakerConfiguration {
        var configuration = risk.configuration(
            instrument: instrument, quote: QuoteConfiguration(levels: levels, quantity: lots, offset: offset),
            stop: NetPositionStop.Configuration(limit: stopLimit, restartThreshold: restartThreshold),
            minOrderLots: stopLimit + Int64(levels) * lots, fees: fees)
        // The firm's group: its limits are the leased share alone.
        if let firmGroup { configuration.group = RiskGroup(name: firmGroup) }
        return configuration
    }

    /// With `--margin-feed`, the feed of `symbol`'s rates, following Redis in a task of its own
    /// (its connections and losses logged), once it has read the current rates or after 5 s
    /// (then the engine starts on the conservative rate); nil without.
    func startMarginFeed(symbol: String, logger: Logger) async -> FollowedMarginFeed? {
        guard let marginFeed, let endpoint = RedisEndpoint(marginFeed) else { return nil }
        let staleAfter = Int64(risk.marginBar * 5 * 1e9)
        let delays = MarginDelays()
        let feed = MarginFeed(host: endpoint.host, port: endpoint.port, symbols: [symbol], staleAfter: staleAfter,
                              safeModeRate: MarginModel.Configuration().ceiling) { event in
            // Delays of rates as announced; one read from the hash at a (re)connection may be old.
            if case let .applied(rate, receivedAt, true) = event { delays.record(receivedAt - rate.time) }
            switch event {
            case .connected: logger.info("margin feed connected", metadata: ["redis": "\(endpoint)"])
            case .disconnected(let error):
                logger.warning("margin feed lost: conservative margin rate until fresh rates arrive",
                               metadata: ["redis": "\(endpoint)", "error": "\(error)"])
            case let .applied(rate, _, _):
                logger.debug("margin rate", metadata: ["symbol": "\(rate.symbol)", "rate": "\(rate.rate)", "version": "\(rate.version)"])
            case let .malformed(channel, text):
                logger.warning("margin feed: not a rate", metadata: ["channel": "\(channel)", "text": "\(text)"])
            }
        }
        Task.detached { await feed.run() }
        let deadline = ContinuousClock.now + .seconds(5)
        while !feed.isConnected && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if !feed.isConnected { logger.warning("margin feed not connected yet: the conservative margin rate until it is", metadata: ["redis": "\(endpoint)"]) }
        return FollowedMarginFeed(feed: feed, delays: delays)
    }
}

/// An engine's margin feed and the delays of the rates it applied.
struct FollowedMarginFeed: Sendable {
    let feed: MarginFeed
    let delays: MarginDelays
}

/// How long rates took from the margin service to the engine: from the time a rate carries (when
/// the market data that led to it reached the service, or its publication) to the moment the
/// engine applied it.
final class MarginDelays: Sendable {
    private let histogram = Mutex(LatencyHistogram())

    func record(_ nanoseconds: Int64) {
        histogram.withLock { $0.record(max(0, nanoseconds)) }
    }

    var summary: LatencySummary { LatencySummary(histogram.withLock { $0 }) }
}

extension MakerOptions {
    /// With `--firm-limits`, this engine's share of the firm's limit on `symbol`, leased as
    /// `engine` (its grants and failures logged); nil without. ``runFirmLimits(_:held:)`` starts
    /// renewing it.
    func firmLimits(symbol: String, engine: String, logger: Logger) -> FirmLimits? {
        guard let firmLimits, let endpoint = RedisEndpoint(firmLimits) else { return nil }
        let client = RedisClient(host: endpoint.host, port: endpoint.port)
        let ttl = Duration.milliseconds(Int64(firmLeaseTtl * 1000))
        let share = firmShare ?? stopLimit + Int64(levels) * lots
        let margin = min(Duration.milliseconds(250), ttl / 4)
        let lease = FirmLimitLease(name: symbol, engine: engine, client: client, wanted: share, ttl: ttl, safetyMargin: margin)
        let group = firmGroup.map {
            FirmLimitLease(name: "group:\($0)", engine: engine, client: client, wanted: firmGroupShare ?? 0, ttl: ttl, safetyMargin: margin)
        }
        return FirmLimits(instruments: [lease], groups: [group]) { event in
            switch event {
            case let .granted(name, granted, wanted) where granted < wanted:
                logger.warning("firm limit: share smaller than asked", metadata: ["limit": "\(name)", "granted": "\(granted)", "wanted": "\(wanted)"])
            case let .granted(name, granted, _):
                logger.info("firm limit: share granted", metadata: ["limit": "\(name)", "granted": "\(granted)"])
            case let .failed(name, error):
                logger.warning("firm limit: lease not renewed; it runs until its end, then only reducing orders",
                               metadata: ["limit": "\(name)", "redis": "\(endpoint)", "error": "\(error)"])
            }
        }
    }

    /// Renews `limits` in a task of its own, every third of the lease, telling Redis what the
    /// engine holds (`held`, read on the engine's event loop); returns once the first renewal
    /// answered, or after 5 s (then the engine starts with no share: it quotes nothing until
    /// one is granted).
    func runFirmLimits(_ limits: FirmLimits, held: @escaping @Sendable () async -> [Int64]?) async {
        let ttl = Duration.milliseconds(Int64(firmLeaseTtl * 1000))
        Task.detached { await limits.run(every: ttl / 3, held: held) }
        let deadline = ContinuousClock.now + .seconds(5)
        while limits.renewalRounds == 0 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
    }
}

/// The risk gate's settings on the command line, shared by `mm paper`, `mm quote` and
/// `mm backtest`. Rates and bars are in the market's time when the market data carries it.
struct RiskOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Account net value the risk checks measure against.", valueName: "amount"))
    var equity = 1_000_000.0

    @Option(help: ArgumentHelp("Largest position value / account net value (concentration).", valueName: "fraction"))
    var maxConcentration = Double.infinity

    @Option(help: ArgumentHelp("Largest order, lots.", valueName: "lots"))
    var maxOrderLots: Int64 = 1_000

    @Option(help: ArgumentHelp("Messages per second of market time the maker may send (0: unlimited).", valueName: "n"))
    var maxMessageRate = 0

    @Option(help: ArgumentHelp("EWMA lambda of the margin model.", valueName: "lambda"))
    var marginLambda = 0.94

    @Option(help: ArgumentHelp("Bar interval of the margin model, seconds of market time.", valueName: "seconds"))
    var marginBar = 60.0

    func validate() throws {
        guard equity > 0, equity.isFinite else { throw ValidationError("--equity must be positive") }
        guard maxConcentration > 0 else { throw ValidationError("--max-concentration must be positive") }
        guard maxOrderLots > 0 else { throw ValidationError("--max-order-lots must be positive") }
        guard maxMessageRate >= 0 else { throw ValidationError("--max-message-rate must not be negative") }
        guard marginLambda > 0 && marginLambda < 1 else { throw ValidationError("--margin-lambda must be in (0, 1)") }
        guard marginBar > 0 else { throw ValidationError("--margin-bar must be positive") }
    }

    /// The market maker with these checks; the largest order is at least `minOrderLots` (so that
    /// flattening a position at the stop is never refused for its size).
    func configuration(instrument: Instrument, quote: QuoteConfiguration, stop: NetPositionStop.Configuration,
                       minOrderLots: Int64, fees: FeeSchedule) -> MarketMakerConfiguration {
        MarketMakerConfiguration(
            instrument: instrument,
            quote: quote,
            limits: RiskLimits(maxOrderQuantity: max(maxOrderLots, minOrderLots), maxConcentration: maxConcentration),
            stop: stop,
            margin: MarginModel.Configuration(barInterval: Int64(marginBar * 1e9), lambda: marginLambda),
            gate: RiskGate.Configuration(throttle: maxMessageRate > 0
                                         ? MessageThrottle(messagesPerSecond: maxMessageRate, burst: maxMessageRate) : .unlimited),
            equity: equity, fees: fees)
    }
}
