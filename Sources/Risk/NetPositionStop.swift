/// The net-position stop of one instrument, a pure state machine.
///
/// When |position| reaches ``Configuration/limit`` the stop triggers: it counts a stop event,
/// the quotes that would add to the position are pulled (``quoteSides`` allows only the side
/// that reduces it) and it asks for the whole position to be flattened (``StopAction/stop(_:)``).
/// While stopped:
/// - |position| at or below ``Configuration/restartThreshold``: quoting resumes on both sides
///   (``StopAction/resume``);
/// - the position grows beyond the largest |position| seen since the trigger, on the same side
///   (pulled orders that filled before their cancel): ``StopAction/flattenMore(_:)`` for the
///   growth, so the flattening intents add up to the peak;
/// - the position flips sign and reaches the limit on the other side: a new stop event;
/// - otherwise nothing; if a flattening order ended without bringing the position within the
///   restart threshold, ``remainingFlatten()`` gives the intent for what is left.
///
/// Feed it every change of the position with ``update(position:)``.
public struct NetPositionStop: Hashable, Sendable {
    /// The stop's thresholds, in lots.
    public struct Configuration: Hashable, Sendable {
        /// |position| at which the stop triggers (default 50 lots; `Int64.max` never triggers).
        public var limit: Int64
        /// |position| at or below which quoting resumes (default half the limit).
        public var restartThreshold: Int64

        /// A stop at `limit` lots that restarts at `restartThreshold` lots (default `limit / 2`).
        public init(limit: Int64 = 50, restartThreshold: Int64? = nil) {
            precondition(limit > 0, "the stop's limit is positive")
            let restart = restartThreshold ?? limit / 2
            precondition(restart >= 0 && restart < limit, "the restart threshold is in 0..<limit")
            self.limit = limit
            self.restartThreshold = restart
        }

        /// A stop that never triggers (a limit of `Int64.max`).
        public static let disabled = Configuration(limit: .max, restartThreshold: 0)

        /// Whether the stop can trigger at all (the limit is below `Int64.max`).
        public var isEnabled: Bool { limit < .max }
    }

    private enum State: Hashable {
        case quoting
        /// Stopped on a position of sign `direction` (+1 long, -1 short); `peak` is the largest
        /// |position| on that side since the trigger.
        case stopped(direction: Int64, peak: Int64)
    }

    /// The thresholds.
    public let configuration: Configuration
    private var state: State = .quoting
    /// The last position seen, in lots.
    public private(set) var position: Int64 = 0
    /// Stop events so far (triggers, including re-triggers on the other side).
    public private(set) var events: Int = 0

    /// A stop in the quoting state.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// What a restart needs to take the stop back as it stood (``saved``, ``restore(_:)``).
    public struct Saved: Hashable, Sendable {
        /// +1 stopped long, -1 stopped short, 0 quoting.
        public var direction: Int64
        /// The largest |position| since the trigger (0 while quoting).
        public var peak: Int64
        public var position: Int64
        public var events: Int

        public init(direction: Int64, peak: Int64, position: Int64, events: Int) {
            self.direction = direction
            self.peak = peak
            self.position = position
            self.events = events
        }
    }

    /// The stop's state, to save.
    public var saved: Saved {
        switch state {
        case .quoting: Saved(direction: 0, peak: 0, position: position, events: events)
        case let .stopped(direction, peak): Saved(direction: direction, peak: peak, position: position, events: events)
        }
    }

    /// Takes back a state saved earlier (a direction other than +1 or -1 means quoting).
    public mutating func restore(_ saved: Saved) {
        position = saved.position
        events = max(0, saved.events)
        state = saved.direction == 1 || saved.direction == -1
            ? .stopped(direction: saved.direction, peak: Self.magnitude(saved.peak)) : .quoting
    }

    /// Whether the stop is engaged.
    public var isStopped: Bool {
        if case .stopped = state { return true }
        return false
    }

    /// The sides that may quote: both, or while stopped only the side that reduces the position.
    public var quoteSides: QuoteSides {
        isStopped ? .reducing(position) : .both
    }

    /// Takes the new net position (lots) and says what to do.
    public mutating func update(position newPosition: Int64) -> StopAction {
        position = newPosition
        let size = Self.magnitude(newPosition)
        let sign: Int64 = newPosition > 0 ? 1 : newPosition < 0 ? -1 : 0
        switch state {
        case .quoting:
            guard size >= configuration.limit, configuration.isEnabled else { return .none }
            return trigger(sign: sign, size: size)
        case let .stopped(direction, peak):
            if size <= configuration.restartThreshold {
                state = .quoting
                return .resume
            }
            if sign != direction {
                if size >= configuration.limit { return trigger(sign: sign, size: size) }
                state = .stopped(direction: sign, peak: size)
                return .none
            }
            guard size > peak else { return .none }
            state = .stopped(direction: direction, peak: size)
            return .flattenMore(FlattenIntent(side: sign > 0 ? .sell : .buy, quantity: size - peak))
        }
    }

    /// While stopped, the intent that flattens the whole current position (for when an earlier
    /// flattening order ended short of it); nil when quoting.
    public func remainingFlatten() -> FlattenIntent? {
        guard isStopped, position != 0 else { return nil }
        return FlattenIntent(side: position > 0 ? .sell : .buy, quantity: Self.magnitude(position))
    }

    private mutating func trigger(sign: Int64, size: Int64) -> StopAction {
        events += 1
        state = .stopped(direction: sign, peak: size)
        return .stop(FlattenIntent(side: sign > 0 ? .sell : .buy, quantity: size))
    }

    /// |value|, saturating at `Int64.max` for `Int64.min`.
    static func magnitude(_ value: Int64) -> Int64 {
        value == .min ? .max : abs(value)
    }
}
