import NIOCore
import Redis
import Synchronization

/// One engine's share of a firm-wide limit (lots of one instrument, or currency of one group),
/// leased from Redis so that several engines, on several machines, never hold more than the
/// firm's limit between them, and the pre-trade check never waits on the network.
///
/// **In Redis.** The limit is the integer at `firm:<name>:cap`, set by the operator
/// (``setCap(_:name:client:)``). The leases are the hash `firm:<name>:leases`: engine ->
/// `amount:expires` (ms of the server's clock). One Lua script (``script``), atomic in Redis,
/// drops the expired leases, sums the others' and sets this engine's lease to what it asked for,
/// or to what is left, for `ttl` from now; so however the engines race, the leases never add up
/// to more than the cap. A dead engine's lease ends at its expiry.
///
/// **In the engine.** ``available`` is what the check may use now: the amount granted, until
/// the lease's local end (the time the request was sent plus the lease's length, less a safety
/// margin: the server's expiry comes after it), then 0. It is read from an atomic, without
/// locks. ``request(_:)`` asks for a new amount: a smaller one is used at once, before the
/// server hears of it; a larger one only once the server granted it. ``renew()`` (on a timer,
/// off the hot path) asks for the amount wanted again, extending the lease. When Redis cannot be
/// reached the engine keeps what it holds until the lease ends, then 0: no exposure beyond the
/// leases held (fail closed). A limit with no cap in Redis grants nothing.
public final class FirmLimitLease: Sendable {
    /// The limit's name (`BTCUSDT`, `group:crypto`).
    public let name: String
    /// This engine's name in the lease hash (its CompID, say).
    public let engine: String
    /// How long a lease lasts, and how much earlier than that the engine stops using it.
    public let ttl: Duration
    public let safetyMargin: Duration
    private let client: RedisClient
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant
    /// The amount the engine may use, and until when (ns after `origin`).
    private let granted = Atomic<Int64>(0)
    private let validUntil = Atomic<Int64>(0)
    /// What writers change together (readers use the atomics): the amount wanted, asked for
    /// again at each renewal, and the number of the last request sent, whose answer alone is
    /// applied (an answer to an older one, overtaken, describes a lease the server has since
    /// changed).
    private let requests = Mutex<(wanted: Int64, last: Int64)>((0, 0))

    /// The lease script: KEYS = cap, leases; ARGV = engine, amount wanted, ttl in ms, amount
    /// held. Returns {granted, expiry in ms}; an error `NOLIMIT` when the cap is not set. The
    /// lease kept in Redis is the larger of the amount granted and the amount the engine holds
    /// (which may be above what it can be granted, after an outage or a restart): the others are
    /// never granted what an engine still holds.
    public static let script = RedisScript("""
        local cap = tonumber(redis.call('GET', KEYS[1]))
        if not cap then return redis.error_reply('NOLIMIT no cap set for this firm limit') end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local used = 0
        local leases = redis.call('HGETALL', KEYS[2])
        for i = 1, #leases, 2 do
          local amount, expires = string.match(leases[i + 1], '^(%d+):(%d+)$')
          amount = tonumber(amount)
          expires = tonumber(expires)
          if (not amount) or (not expires) or expires <= now then
            redis.call('HDEL', KEYS[2], leases[i])
          elseif leases[i] ~= ARGV[1] then
            used = used + amount
          end
        end
        local wanted = tonumber(ARGV[2])
        local granted = math.min(wanted, math.max(0, cap - used))
        local expires = now + tonumber(ARGV[3])
        local held = math.max(0, tonumber(ARGV[4]) or 0)
        local lease = math.max(granted, held)
        if lease > 0 then
          redis.call('HSET', KEYS[2], ARGV[1], lease .. ':' .. expires)
        else
          redis.call('HDEL', KEYS[2], ARGV[1])
        end
        return {granted, expires}
        """)

    /// A lease of limit `name` for `engine`, holding nothing yet; `wanted` is what ``renew()``
    /// asks for until ``request(_:)`` asks for another amount.
    public init(name: String, engine: String, client: RedisClient, wanted: Int64 = 0, ttl: Duration = .seconds(3),
                safetyMargin: Duration = .milliseconds(250)) {
        precondition(wanted >= 0, "a lease is not negative")
        precondition(ttl > safetyMargin && safetyMargin >= .zero, "a lease outlasts its safety margin")
        self.name = name
        self.engine = engine
        self.client = client
        self.ttl = ttl
        self.safetyMargin = safetyMargin
        origin = clock.now
        requests.withLock { $0.wanted = wanted }
    }

    /// The keys of limit `name`.
    public static func keys(_ name: String) -> (cap: String, leases: String) {
        ("firm:\(name):cap", "firm:\(name):leases")
    }

    /// Sets the firm's limit `name` to `cap` (the operator's command).
    public static func setCap(_ cap: Int64, name: String, client: RedisClient) async throws(RedisError) {
        try await client.command("SET", keys(name).cap, String(cap))
    }

    /// What the check may use now: the amount granted while the lease lasts, else 0.
    @inline(__always)
    public var available: Int64 {
        let now = nanoseconds(clock.now)
        return now < validUntil.load(ordering: .acquiring) ? granted.load(ordering: .relaxed) : 0
    }

    /// The amount granted (whether or not the lease has ended) and the amount wanted.
    public var grantedAmount: Int64 { granted.load(ordering: .relaxed) }
    public var wantedAmount: Int64 { requests.withLock { $0.wanted } }

    /// Asks for `amount` (0 releases the lease); returns what was granted. A smaller amount
    /// than held is used from now on, whatever the answer.
    ///
    /// `held` is what the engine holds now (its worst case): the lease in Redis is never below
    /// it, so that no other engine is granted it, but only the amount granted may be used.
    @discardableResult
    public func request(_ amount: Int64, held: Int64 = 0) async throws(RedisError) -> Int64 {
        precondition(amount >= 0, "a lease is not negative")
        let number = requests.withLock { r in
            r.wanted = amount
            r.last += 1
            if amount < granted.load(ordering: .relaxed) { granted.store(amount, ordering: .releasing) }
            return r.last
        }
        let sent = clock.now
        let (caps, leases) = Self.keys(name)
        let ttlMs = ttl.components.seconds * 1_000 + ttl.components.attoseconds / 1_000_000_000_000_000
        let answer: RESPValue
        do {
            answer = try await client.eval(Self.script, keys: [caps, leases], arguments: [engine, String(amount), String(ttlMs), String(max(0, held))])
        } catch {
            if case .server(let message) = error, message.hasPrefix("NOLIMIT") {
                // No cap: nothing may be used.
                requests.withLock { r in if r.last == number { granted.store(0, ordering: .releasing) } }
            }
            throw error
        }
        guard let parts = answer.elements, parts.count == 2, let amountGranted = parts[0].int, amountGranted >= 0,
              amountGranted <= amount else {
            throw .protocolError("the lease script answered \(answer)")
        }
        // Valid until the send time plus the lease, less the margin: the server's expiry, counted
        // from when it ran the script, comes later.
        let end = nanoseconds(sent + ttl - safetyMargin)
        requests.withLock { r in
            // A later request was sent meanwhile: its answer decides.
            guard r.last == number else { return }
            apply(amountGranted, until: end)
        }
        return amountGranted
    }

    /// Publishes a granted amount and the end of its lease to the readers.
    private func apply(_ amountGranted: Int64, until end: Int64) {
        if amountGranted < granted.load(ordering: .relaxed) || amountGranted == 0 {
            granted.store(amountGranted, ordering: .releasing)
            validUntil.store(end, ordering: .releasing)
        } else {
            // A larger (or the same) amount: the new end first, then the amount; a reader that
            // sees the larger amount with the older end uses it within a lease the server
            // granted for longer.
            validUntil.store(end, ordering: .releasing)
            granted.store(amountGranted, ordering: .releasing)
        }
    }

    /// Asks again for the amount wanted, extending the lease.
    @discardableResult
    public func renew(held: Int64 = 0) async throws(RedisError) -> Int64 {
        try await request(wantedAmount, held: held)
    }

    /// Renews every `interval` until the task is cancelled; a failed renewal is reported to
    /// `failed` and tried again at the next interval (the lease runs out meanwhile).
    public func renewing(every interval: Duration, failed: @Sendable (RedisError) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do { try await renew() } catch { failed(error) }
            try? await Task.sleep(for: interval)
        }
    }

    private func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
        let d = instant - origin
        return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}
