import ArgumentParser
import Exchange
import FIXSessionCore
import FIXTransport
import NIOPosix
import FirmRisk
import Foundation
import Logging
import Market
import MarketData
import Operations
import Prometheus
import Redis
import Risk
import Synchronization

/// `mm margin`: the margin service. Reads a market, computes the instrument's margin rate from
/// an EWMA of its volatility, and publishes each accepted rate to Redis for the engines.
struct MarginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin",
        abstract: "The margin service: margin rates from a market's volatility, published to Redis for every engine.",
        discussion: """
            Reads a market (--data FILE --format ..., or a generated market; the queue-reactive \
            market by default) at --speed (max by default), or with --config over FIX from a \
            venue (the settings file's initiator session subscribes to each symbol of --symbol, \
            comma-separated, and runs until interrupted or --duration), forms bars of --bar \
            seconds of market time from its trades (or its mid when it has quotes only), and computes the \
            margin rate: z x the EWMA volatility (--lambda) x the fat-tail multiplier, clamped \
            to [--floor, --ceiling]. A rate that moves by more than --max-change of the one \
            published is refused and raises an alert (a warning in the log and the \
            mm_margin_refused_total metric); the next rate computed after the published one has \
            gone stale is accepted. Each accepted rate goes to Redis (--redis redis://HOST:PORT) \
            with a version one above the last and this machine's time: kept in the hash \
            margin:rates and published on the channel margin.SYMBOL, in one script. Engines \
            started with --margin-feed follow them.

            Exit status: 0 at the end of the data, or over FIX after an interruption or \
            --duration once logged on; 1 when the data has a bad record, or over FIX when it \
            never logged on; 2 for a file or settings file that cannot be used or a Redis that \
            cannot be reached; 64 for bad options.
            """
    )

    @OptionGroup var recording: MarketDataOptions

    @Option(help: ArgumentHelp("The Redis server the rates go to.", valueName: "redis://host:port"))
    var redis: String

    @Option(help: ArgumentHelp("Take the market over FIX: the initiator session of this settings file subscribes to market data for --symbol (a comma-separated list), in place of --data or a generated market.",
                               valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("With --config: stop after this many seconds (default: run until interrupted).", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Replay pace: a multiple of the recorded pace, or max.", valueName: "N|max"))
    var speed = "max"

    @Option(help: ArgumentHelp("Bar length, seconds of market time.", valueName: "seconds"))
    var bar = 60.0

    @Option(help: ArgumentHelp("EWMA decay of the variance, in (0, 1).", valueName: "lambda"))
    var lambda = 0.94

    @Option(help: ArgumentHelp("Bars averaged before the first rate.", valueName: "n"))
    var warmupBars = 20

    @Option(help: ArgumentHelp("Largest relative change of a rate accepted at once.", valueName: "fraction"))
    var maxChange = 0.30

    @Option(help: ArgumentHelp("Lowest rate.", valueName: "rate"))
    var floor = 0.01

    @Option(help: ArgumentHelp("Highest rate.", valueName: "rate"))
    var ceiling = 0.5

    @Option(help: ArgumentHelp("Fat-tail multiplier.", valueName: "factor"))
    var fatTail = 1.5

    @OptionGroup var operations: OperationsOptions

    func validate() throws {
        guard RedisEndpoint(redis) != nil else { throw ValidationError("--redis must be redis://HOST[:PORT], got '\(redis)'") }
        guard ReplaySpeed(speed) != nil else { throw ValidationError("--speed must be a positive number or max, got '\(speed)'") }
        guard bar > 0, bar.isFinite, bar <= 86_400 else { throw ValidationError("--bar must be in (0, 86400] seconds") }
        guard lambda > 0 && lambda < 1 else { throw ValidationError("--lambda must be in (0, 1)") }
        guard warmupBars >= 1 && warmupBars <= 100_000 else { throw ValidationError("--warmup-bars must be 1 to 100000") }
        guard maxChange > 0, maxChange.isFinite else { throw ValidationError("--max-change must be positive") }
        guard floor >= 0, ceiling >= floor, ceiling <= 1 else { throw ValidationError("--floor and --ceiling must satisfy 0 <= floor <= ceiling <= 1") }
        guard fatTail > 0, fatTail.isFinite else { throw ValidationError("--fat-tail must be positive") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
        if config != nil {
            guard recording.data == nil, recording.format == nil else {
                throw ValidationError("--config takes the market over FIX: it goes without --data and --format")
            }
            let symbols = (recording.symbol ?? "").split(separator: ",", omittingEmptySubsequences: false)
            guard !symbols.isEmpty, symbols.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
                throw ValidationError("--config needs --symbol: the symbols to subscribe to, separated by commas (IRON,SYNTH)")
            }
        } else if duration != nil {
            throw ValidationError("--duration goes with --config (a recording ends by itself)")
        }
    }

    /// The margin model's settings.
    var modelConfiguration: MarginModel.Configuration {
        MarginModel.Configuration(barInterval: Int64(bar * 1e9), lambda: lambda, warmupBars: warmupBars,
                                  fatTailMultiplier: fatTail, floor: floor, ceiling: ceiling, maxChange: maxChange)
    }

    func run() async throws {
        let logger = operations.logger("mm.margin")
        let endpoint = RedisEndpoint(redis)!
        let client = RedisClient(host: endpoint.host, port: endpoint.port)
        do {
            try await client.command("PING")
        } catch {
            Self.fail("\(error)", status: 2)
        }
        if let config {
            try await runOverFIX(config: config, client: client, endpoint: endpoint, logger: logger)
        } else {
            try await runOverRecording(client: client, endpoint: endpoint, logger: logger)
        }
        await client.close()
    }

    /// Publishes an accepted rate, or raises the alert for a refused one; counted in `state`.
    static func handle(_ update: MarginModel.Update, symbol: String, index: Int, previous: Double, time: Int64,
                       publisher: MarginPublisher, state: MarginServiceState, maxChange: Double, logger: Logger) async {
        switch update {
        case .accepted(let rate):
            do {
                let version = try await publisher.publish(symbol: symbol, rate: rate, time: time)
                state.published(index, rate: rate, version: version)
                logger.debug("rate published", metadata: ["symbol": "\(symbol)", "rate": "\(rate)", "version": "\(version)"])
            } catch {
                state.failedPublish(index)
                logger.error("cannot publish the margin rate", metadata: ["symbol": "\(symbol)", "rate": "\(rate)", "error": "\(error)"])
            }
        case .refused(let rate):
            state.refused(index)
            logger.warning("margin rate refused: it moves too far at once", metadata: [
                "symbol": "\(symbol)", "rate": "\(rate)", "published": "\(previous)", "maxChange": "\(maxChange)"])
        case .warmingUp, .none, .ignored:
            break
        }
    }

    /// The market from a recording or a generated market, at --speed.
    func runOverRecording(client: RedisClient, endpoint: RedisEndpoint, logger: Logger) async throws {
        let (instrument, opened): (Instrument, any MarketDataSource)
        do { (_, instrument, opened) = try recording.open(default: .queueReactive) } catch let error as MarketDataError {
            Self.fail("\(error)", status: 2)
        }
        var source = opened
        let publisher = MarginPublisher(client: client)
        let state = MarginServiceState(symbols: [instrument.symbol])
        let metrics = await operations.metricsEndpoint(command: "margin", logger: logger) { registry in
            [MarginServiceCollector(state: state, registry: registry)]
        }
        var model = MarginModel(modelConfiguration)
        let pace = ReplaySpeed(speed)!
        let started = ContinuousClock.now
        var firstTime: Int64?
        var events = 0
        logger.info("margin service started", metadata: ["symbol": "\(instrument.symbol)", "redis": "\(endpoint)",
                                                        "bar": "\(bar) s", "speed": "\(pace)"])
        do {
            while let event = try source.next() {
                events += 1
                let time = event.time
                if case .pace(let multiple) = pace {
                    let first = firstTime ?? time
                    firstTime = first
                    let due = Duration.nanoseconds(Int64(Double(time - first) / multiple))
                    let elapsed = ContinuousClock.now - started
                    if due > elapsed { try? await Task.sleep(for: due - elapsed) }
                }
                let price: Int64
                switch event {
                case let .trade(_, p, _, _): price = p
                case let .quote(_, bid?, _, ask?, _): price = (bid + ask) / 2
                default: continue
                }
                let previous = model.report(at: time).rate
                let update = model.record(price: Double(price), at: time)
                await Self.handle(update, symbol: instrument.symbol, index: 0, previous: previous, time: MarginFeed.wallClock(),
                                  publisher: publisher, state: state, maxChange: maxChange, logger: logger)
            }
        } catch {
            Self.fail("\(error)", status: 1)
        }
        print("\(instrument.symbol): \(events) events, " + state.summary(0))
        if let metrics { await metrics.stop() }
    }

    /// The market over FIX: the initiator session of --config, subscribed to each of --symbol's
    /// symbols; until interrupted or --duration.
    func runOverFIX(config: String, client: RedisClient, endpoint: RedisEndpoint, logger: Logger) async throws {
        let symbols = (recording.symbol ?? "").split(separator: ",").map(String.init)
        let settings: SettingsFile
        do { settings = try SettingsFile.load(path: config) } catch { Self.fail("\(error)") }
        guard settings.sessions.count == 1, settings.sessions[0].connectionType == .initiator else {
            Self.fail("\(config): expected one initiator session, found \(settings.sessions.count) session(s)")
        }
        let signals = ShutdownSignals(program: "mm margin", logger: logger)
        let publisher = MarginPublisher(client: client)
        let state = MarginServiceState(symbols: symbols)
        let application = MarginMarketData(symbols: symbols, model: modelConfiguration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let events = SessionEventLogger(application, logger: logger)
        let engine: FIXEngine
        do {
            engine = try FIXEngine(settings: settings, application: events, group: group.next(), logger: logger)
            for initiator in engine.initiators { events.watch(initiator) }
            try await engine.start()
        } catch {
            Self.fail("\(error)")
        }
        let s = settings.sessions[0]
        logger.info("margin service started", metadata: ["symbols": "\(symbols.joined(separator: ","))", "redis": "\(endpoint)",
                                                        "bar": "\(bar) s", "venue": "\(s.socketConnectHost):\(s.socketConnectPort ?? 0)"])
        let metrics = await operations.metricsEndpoint(command: "margin", logger: logger) { registry in
            [MarginServiceCollector(state: state, registry: registry)]
        }
        // Rates are published in the order they were decided, each with the time its market data
        // arrived.
        let publishing = Task {
            for await d in application.decisions {
                await Self.handle(d.update, symbol: symbols[d.index], index: d.index, previous: d.previous, time: d.receivedAt,
                                  publisher: publisher, state: state, maxChange: maxChange, logger: logger)
            }
        }
        let until = duration.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while signals.received == nil, until.map({ ContinuousClock.now < $0 }) ?? true {
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await engine.stop()
        application.finish()
        await publishing.value
        try? await group.shutdownGracefully()
        if let metrics { await metrics.stop() }
        let read = application.figures
        for i in symbols.indices { print("\(symbols[i]): " + state.summary(i)) }
        print("\(read.messages) market-data messages, \(read.prices) prices, \(read.unreadable) unreadable"
              + (read.unreadPrices > 0 ? ", \(read.unreadPrices) entry prices not read (not positive, or more than 8 decimals)" : ""))
        guard events.logons > 0 else {
            Self.fail("stopped without having logged on to \(s.socketConnectHost):\(s.socketConnectPort ?? 0) as \(s.sessionID.senderCompID)", status: 1)
        }
    }
}

/// What the margin service did, per symbol, shared with its metrics.
final class MarginServiceState: Sendable {
    struct Figures {
        var published = 0, refused = 0, failed = 0
        var version: Int64 = 0
        var lastRate: Double?
    }

    let symbols: [String]
    private let state: Mutex<[Figures]>

    init(symbols: [String]) {
        self.symbols = symbols
        state = Mutex(symbols.map { _ in Figures() })
    }

    func figures(_ index: Int) -> Figures { state.withLock { $0[index] } }

    func published(_ index: Int, rate: Double, version: Int64) {
        state.withLock { f in
            f[index].published += 1
            f[index].version = version
            f[index].lastRate = rate
        }
    }

    func refused(_ index: Int) { state.withLock { $0[index].refused += 1 } }
    func failedPublish(_ index: Int) { state.withLock { $0[index].failed += 1 } }

    /// `N rates published (last R, version V), N refused, N not published`.
    func summary(_ index: Int) -> String {
        let f = figures(index)
        return "\(f.published) rates published (last \(f.lastRate.map { "\($0)" } ?? "none"), version \(f.version)), "
            + "\(f.refused) refused, \(f.failed) not published"
    }
}

/// The margin service's metrics: the rate published, rates published, refused (the alert) and
/// not published.
struct MarginServiceCollector: MetricsCollector {
    let state: MarginServiceState
    let rate: [Gauge]
    let version: [Gauge]
    let published: [Counter]
    let refused: [Counter]
    let failed: [Counter]

    init(state: MarginServiceState, registry: PrometheusCollectorRegistry) {
        self.state = state
        func name(_ n: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: n, unitName: "", helpText: help)
        }
        let labels = state.symbols.map { [("symbol", $0)] }
        rate = labels.map { registry.makeGauge(descriptor: name("mm_margin_rate", "The margin rate last published"), labels: $0) }
        version = labels.map { registry.makeGauge(descriptor: name("mm_margin_version", "The version of the rate last published"), labels: $0) }
        published = labels.map { registry.makeCounter(descriptor: name("mm_margin_published_total", "Margin rates published"), labels: $0) }
        refused = labels.map {
            registry.makeCounter(descriptor: name("mm_margin_refused_total", "Margin rates refused for moving too far at once (an alert)"),
                                 labels: $0)
        }
        failed = labels.map {
            registry.makeCounter(descriptor: name("mm_margin_publish_failures_total", "Accepted rates Redis did not take"), labels: $0)
        }
    }

    func collect() async throws {
        for i in state.symbols.indices {
            let f = state.figures(i)
            if let r = f.lastRate { rate[i].set(to: r) }
            version[i].set(to: Double(f.version))
            published[i].reset()
            published[i].increment(by: Int64(f.published))
            refused[i].reset()
            refused[i].increment(by: Int64(f.refused))
            failed[i].reset()
            failed[i].increment(by: Int64(f.failed))
        }
    }
}

/// An engine's margin feed in its metrics: connected or not, and per instrument whether it is in
/// safe mode (the conservative rate), the rate it holds and its version.
struct MarginFeedCollector: MetricsCollector {
    let feed: MarginFeed
    let delays: MarginDelays
    let connected: Gauge
    let safeMode: [Gauge]
    let rate: [Gauge]
    let version: [Gauge]

    init(followed: FollowedMarginFeed, registry: PrometheusCollectorRegistry) {
        feed = followed.feed
        delays = followed.delays
        func name(_ n: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: n, unitName: "", helpText: help)
        }
        connected = registry.makeGauge(descriptor: name("mm_margin_feed_connected", "Whether the margin feed is connected to Redis"))
        safeMode = feed.symbols.map {
            registry.makeGauge(descriptor: name("mm_margin_feed_safe_mode", "Whether the margin rate in use is the conservative one"),
                               labels: [("symbol", $0)])
        }
        rate = feed.symbols.map {
            registry.makeGauge(descriptor: name("mm_margin_feed_rate", "The margin rate last received"), labels: [("symbol", $0)])
        }
        version = feed.symbols.map {
            registry.makeGauge(descriptor: name("mm_margin_feed_version", "The version of the margin rate last received"),
                               labels: [("symbol", $0)])
        }
    }

    func collect() async throws {
        connected.set(to: feed.isConnected ? 1 : 0)
        for i in feed.symbols.indices {
            let current = feed.current(i)
            safeMode[i].set(to: feed.isInSafeMode(instrument: i) ? 1 : 0)
            rate[i].set(to: current.rate)
            version[i].set(to: Double(current.version))
        }
    }

    func summaries() -> String {
        delays.summary.exposition(name: "mm_margin_feed_delay_seconds",
                                  help: "From the market data behind a margin rate reaching the margin service (or the rate's publication) to the engine applying it, for rates as announced (not those read at a reconnection)")
    }
}


/// An engine's shares of the firm's limits in its metrics: per limit, the amount asked for, the
/// amount granted, and what the checks may use now (0 once the lease ended); and the renewals
/// that failed.
struct FirmLimitsCollector: MetricsCollector {
    let limits: FirmLimits
    let wanted: [Gauge]
    let granted: [Gauge]
    let available: [Gauge]
    let failures: Counter

    init(limits: FirmLimits, registry: PrometheusCollectorRegistry) {
        self.limits = limits
        func name(_ n: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: n, unitName: "", helpText: help)
        }
        wanted = limits.leases.map {
            registry.makeGauge(descriptor: name("mm_firm_share_wanted", "The share of the firm's limit this engine asks for"), labels: [("limit", $0.name)])
        }
        granted = limits.leases.map {
            registry.makeGauge(descriptor: name("mm_firm_share_granted", "The share of the firm's limit last granted"), labels: [("limit", $0.name)])
        }
        available = limits.leases.map {
            registry.makeGauge(descriptor: name("mm_firm_share_available", "The share the risk checks may use now (0 once the lease ended)"),
                               labels: [("limit", $0.name)])
        }
        failures = registry.makeCounter(descriptor: name("mm_firm_lease_failures_total", "Renewals of a lease that failed"))
    }

    func collect() async throws {
        for (i, lease) in limits.leases.enumerated() {
            wanted[i].set(to: Double(lease.wantedAmount))
            granted[i].set(to: Double(lease.grantedAmount))
            available[i].set(to: Double(lease.available))
        }
        failures.reset()
        failures.increment(by: Int64(limits.failureCount))
    }
}
