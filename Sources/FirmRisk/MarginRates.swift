import Foundation
import Redis
import Risk
import Synchronization

/// One published margin rate: its instrument, a version that only grows, the rate, and when it
/// was published (ns since the epoch, the publisher's clock).
public struct PublishedMarginRate: Hashable, Sendable {
    public var symbol: String
    public var version: Int64
    public var rate: Double
    public var time: Int64

    /// `version:rate:time`, as kept in Redis and published.
    public var text: String { "\(version):\(rate):\(time)" }

    /// Reads `version:rate:time`; nil when it is not that, or the rate is not a finite number in
    /// [0, 1], or the version not positive.
    public init?(symbol: String, text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let version = Int64(parts[0]), version > 0, let rate = Double(parts[1]), rate.isFinite,
              (0...1).contains(rate), let time = Int64(parts[2]) else { return nil }
        self.init(symbol: symbol, version: version, rate: rate, time: time)
    }

    public init(symbol: String, version: Int64, rate: Double, time: Int64) {
        self.symbol = symbol
        self.version = version
        self.rate = rate
        self.time = time
    }
}

/// Where margin rates live in Redis: the hash `margin:rates` (symbol -> `version:rate:time`, the
/// current rates, for an engine that connects or reconnects), `margin:versions` (symbol -> the
/// last version), and a PUBLISH on `margin.<symbol>` for each new rate.
public enum MarginKeys {
    public static let rates = "margin:rates"
    public static let versions = "margin:versions"
    public static func channel(_ symbol: String) -> String { "margin.\(symbol)" }
    public static let pattern = "margin.*"
}

/// Publishes accepted margin rates to Redis: the current rate kept in a hash and announced on the
/// instrument's channel, atomically (one Lua script), with a version that grows by one each time
/// (kept in Redis, so it keeps growing across restarts of the publisher).
public struct MarginPublisher: Sendable {
    public let client: RedisClient

    static let script = RedisScript("""
        local version = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        local value = version .. ':' .. ARGV[2] .. ':' .. ARGV[3]
        redis.call('HSET', KEYS[1], ARGV[1], value)
        redis.call('PUBLISH', 'margin.' .. ARGV[1], value)
        return version
        """)

    public init(client: RedisClient) {
        self.client = client
    }

    /// Publishes `rate` for `symbol` at `time` (ns since the epoch); returns the version given.
    @discardableResult
    public func publish(symbol: String, rate: Double, time: Int64) async throws(RedisError) -> Int64 {
        precondition(rate.isFinite && rate >= 0 && rate <= 1, "a margin rate is in [0, 1]")
        let answer = try await client.eval(Self.script, keys: [MarginKeys.rates, MarginKeys.versions],
                                           arguments: [symbol, String(rate), String(time)])
        guard let version = answer.int else { throw .protocolError("the margin script answered \(answer)") }
        return version
    }
}

/// An engine's margin rates from the margin service, for its risk gate
/// (``Risk/MarginRateSource``): read without locks at each check.
///
/// ``run()`` (a task of its own) connects, subscribes to every instrument's channel, then reads
/// the current rates from the hash (so nothing published in between is missed: pub/sub alone is
/// at most once), and applies each rate newer than the one it holds (published later, or as
/// late with a larger version); when
/// the connection drops it connects again (every ``retryDelay``), reading the hash again.
///
/// A rate is used while it is fresh: published at most ``staleAfter`` ago by this machine's
/// clock (the publisher's and the engines' clocks are assumed synchronized, as NTP keeps them,
/// to well within the limit), and the feed connected. Otherwise (no rate yet, a stale one,
/// Redis unreachable) the gate gets ``safeModeRate``, the conservative rate, until fresh rates
/// arrive. Freshness is decided off the hot path: when a rate arrives, and by a sweep every
/// ``sweepInterval`` while ``run()`` runs; the check only reads two flags and the rate. So the
/// check's own time does not matter: a replay in market time (`mm paper`) follows the service's
/// rates as a live engine does.
public final class MarginFeed: MarginRateSource, Sendable {
    /// The instruments' symbols, in the gate's order.
    public let symbols: [String]
    public let staleAfter: Int64
    public let safeModeRate: Double
    public let retryDelay: Duration
    public let sweepInterval: Duration
    private let host: String
    private let port: Int
    private let slots: [Slot]
    private let connected = Atomic<Bool>(false)
    private let connects = Atomic<Int>(0)
    private let observer: (@Sendable (Event) -> Void)?

    /// What the feed saw, for logs, metrics and tests.
    public enum Event: Sendable {
        case connected
        case disconnected(RedisError)
        /// A new rate applied, and when it arrived (ns since the epoch, this machine's clock):
        /// announced on its channel (`live`), or read from the hash at a (re)connection (then it
        /// may have been published long before).
        case applied(PublishedMarginRate, receivedAt: Int64, live: Bool)
        /// A message that is not a rate (counted, ignored).
        case malformed(channel: String, text: String)
    }

    final class Slot: Sendable {
        let rateBits = Atomic<UInt64>(0)
        let version = Atomic<Int64>(0)
        let time = Atomic<Int64>(0)
        let fresh = Atomic<Bool>(false)
    }

    /// A feed of `symbols` from Redis at `host:port`.
    public init(host: String, port: Int, symbols: [String], staleAfter: Int64, safeModeRate: Double,
                retryDelay: Duration = .milliseconds(500), sweepInterval: Duration = .milliseconds(100),
                observer: (@Sendable (Event) -> Void)? = nil) {
        precondition(safeModeRate.isFinite && safeModeRate >= 0, "the safe-mode rate is a rate")
        self.host = host
        self.port = port
        self.symbols = symbols
        self.staleAfter = staleAfter
        self.safeModeRate = safeModeRate
        self.retryDelay = retryDelay
        self.sweepInterval = sweepInterval
        self.observer = observer
        slots = symbols.map { _ in Slot() }
    }

    /// Whether the feed is connected to Redis now.
    public var isConnected: Bool { connected.load(ordering: .acquiring) }
    /// Connections made so far.
    public var connections: Int { connects.load(ordering: .relaxed) }

    /// The rate the gate uses for `instrument` (whatever `now`: see the type's discussion).
    @inline(__always)
    public func rate(instrument: Int, at now: Int64) -> Double {
        guard instrument >= 0, instrument < slots.count, connected.load(ordering: .acquiring) else { return safeModeRate }
        let slot = slots[instrument]
        guard slot.fresh.load(ordering: .acquiring) else { return safeModeRate }
        return Double(bitPattern: slot.rateBits.load(ordering: .relaxed))
    }

    /// Whether `instrument`'s rate is the conservative one now.
    public func isInSafeMode(instrument: Int) -> Bool {
        guard instrument >= 0, instrument < slots.count, isConnected else { return true }
        return !slots[instrument].fresh.load(ordering: .acquiring)
    }

    /// Marks each rate fresh or stale by this machine's clock (`now`, ns since the epoch).
    public func sweep(now: Int64 = MarginFeed.wallClock()) {
        for slot in slots {
            let fresh = slot.version.load(ordering: .acquiring) > 0 && now &- slot.time.load(ordering: .relaxed) <= staleAfter
            slot.fresh.store(fresh, ordering: .releasing)
        }
    }

    /// The last rate applied for `instrument` (version 0: none).
    public func current(_ instrument: Int) -> PublishedMarginRate {
        let slot = slots[instrument]
        return PublishedMarginRate(symbol: symbols[instrument], version: slot.version.load(ordering: .relaxed),
                                   rate: Double(bitPattern: slot.rateBits.load(ordering: .relaxed)),
                                   time: slot.time.load(ordering: .relaxed))
    }

    /// Follows the rates until the task is cancelled, sweeping for stale ones meanwhile.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    self.sweep()
                    try? await Task.sleep(for: self.sweepInterval)
                }
            }
            group.addTask { await self.follow() }
            await group.next()
            group.cancelAll()
        }
    }

    private func follow() async {
        while !Task.isCancelled {
            do {
                let subscriber = try await RedisSubscriber.connect(host: host, port: port)
                try await subscriber.subscribe(symbols.map(MarginKeys.channel))
                let reader = try await RedisConnection.connect(host: host, port: port)
                let current = try await reader.command("HGETALL", MarginKeys.rates)
                await reader.close()
                connects.add(1, ordering: .relaxed)
                let parts = current.elements?.compactMap(\.string) ?? []
                for i in stride(from: 0, to: parts.count - 1, by: 2) { apply(symbol: parts[i], text: parts[i + 1], live: false) }
                connected.store(true, ordering: .releasing)
                observer?(.connected)
                await withTaskCancellationHandler {
                    for await message in subscriber.messages {
                        apply(symbol: String(message.channel.dropFirst("margin.".count)), text: message.text)
                    }
                } onCancel: {
                    Task { await subscriber.close() }
                }
                connected.store(false, ordering: .releasing)
                observer?(.disconnected(.connectionClosed))
            } catch {
                connected.store(false, ordering: .releasing)
                observer?(.disconnected(error))
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: retryDelay)
        }
        connected.store(false, ordering: .releasing)
    }

    /// Applies `version:rate:time` for `symbol` when it is newer than the rate held (`live`: as
    /// announced on its channel).
    func apply(symbol: String, text: String, live: Bool = true) {
        guard let index = symbols.firstIndex(of: symbol) else { return }
        guard let rate = PublishedMarginRate(symbol: symbol, text: text) else {
            observer?(.malformed(channel: MarginKeys.channel(symbol), text: text))
            return
        }
        let slot = slots[index]
        // Newer: published later, or at the same time with a larger version. (A Redis that lost
        // its data starts the versions again at 1; the publisher's clock goes on.)
        let heldTime = slot.time.load(ordering: .relaxed), heldVersion = slot.version.load(ordering: .relaxed)
        guard rate.time > heldTime || (rate.time == heldTime && rate.version > heldVersion) else { return }
        // Rate first, then time, then version: a reader that sees the new version (or time) sees
        // the new rate. One writer (this task) at a time.
        slot.rateBits.store(rate.rate.bitPattern, ordering: .releasing)
        slot.time.store(rate.time, ordering: .releasing)
        slot.version.store(rate.version, ordering: .releasing)
        slot.fresh.store(Self.wallClock() &- rate.time <= staleAfter, ordering: .releasing)
        observer?(.applied(rate, receivedAt: Self.wallClock(), live: live))
    }

    /// This machine's clock, ns since the epoch.
    public static func wallClock() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}
