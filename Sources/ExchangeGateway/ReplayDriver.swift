import Exchange
import MarketData
import MarketFIX
import FIXTransport
import NIOCore

/// Feeds a recorded market into an exchange gateway over a replay venue, on the gateway's event
/// loop, at a chosen speed; fills and market data go out as the events are applied.
///
/// In lockstep the market waits for its participants: after each event the execution reports it
/// caused go out, then every logged-on session gets a TestRequest, and the market holds until
/// each has answered with its Heartbeat (a session answers once it has handled everything sent
/// before, so whatever a participant sent in reaction has arrived and been matched by then);
/// again while answers bring new messages; then the market data of the event goes out, with the
/// same barrier; then the next event. A participant that reacts to each message as it comes
/// therefore sees the same market, and gets the same fills, on every run, whatever the speed of
/// the machine: the in-process backtest's order of things, over FIX.
public final class ReplayDriver: @unchecked Sendable {
    private let gateway: ExchangeGateway<MultiReplayVenue>
    private var source: any MultiMarketDataSource
    private let speed: ReplaySpeed
    private let loop: EventLoop
    private let report: @Sendable (String) -> Void

    /// Events applied so far.
    public private(set) var applied = 0
    /// Whether the recording has ended (or failed).
    public private(set) var finished = false
    /// The error that stopped the replay, if one did.
    public private(set) var failure: MarketDataError?
    /// The recorded time of the last event applied (ns since the epoch).
    public private(set) var recordedTime: Int64 = 0

    private var pendingEvent: InstrumentEvent?
    private var recordedStart: Int64?
    private var wallStart = NIODeadline.now()
    /// Events applied before the market data goes out and the event loop serves the sessions.
    private let batch: Int
    /// The pause between turns at full speed, in which the sessions are served.
    static let pause = TimeAmount.microseconds(10)

    /// Whether the market waits for its participants after each event (see the type's notes).
    public let lockstep: Bool
    /// Where a lockstep replay is: the barrier after the reports of an event, or after its
    /// market data.
    private enum Barrier { case reports, marketData }
    private var barrier: Barrier = .reports
    /// Sessions whose Heartbeat the current barrier still waits for.
    private var awaited: [ObjectIdentifier: FIXSession] = [:]
    /// When the current barrier round began (a participant that leaves is not waited for).
    private var roundStart = NIODeadline.now()
    private var watchdog: RepeatedTask?
    private var barrierID = ""
    private var barriers = 0
    /// The gateway's count of messages sent when the current barrier round began.
    private var sentAtRound = 0

    /// `report` gets a line when the replay ends or fails.
    /// `eventsPerBatch` events are applied between two publications of market data (1: every
    /// change is published, as a market maker watching the feed needs; lockstep replays go one
    /// event at a time).
    public init(gateway: ExchangeGateway<MultiReplayVenue>, source: any MultiMarketDataSource, speed: ReplaySpeed, loop: EventLoop,
                eventsPerBatch: Int = 4096, lockstep: Bool = false, report: @escaping @Sendable (String) -> Void) {
        precondition(eventsPerBatch > 0, "a batch has events")
        batch = lockstep ? 1 : eventsPerBatch
        self.lockstep = lockstep
        self.gateway = gateway
        self.source = source
        self.speed = speed
        self.loop = loop
        self.report = report
    }

    /// Starts replaying.
    public func start() {
        loop.execute {
            self.wallStart = .now()
            if self.lockstep {
                self.gateway.onHeartbeat = { [unowned self] session, id in self.heartbeat(from: session, id: id) }
                self.watchdog = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { [weak self] _ in
                    self?.dropDepartedParticipants()
                }
                self.awaitFirstSubscriber()
            } else {
                self.step()
            }
        }
    }

    // MARK: - Lockstep

    /// A lockstep market starts once a participant has subscribed to its market data.
    private func awaitFirstSubscriber() {
        guard gateway.marketDataSubscriptions > 0 else {
            loop.scheduleTask(in: .milliseconds(10)) { self.awaitFirstSubscriber() }
            return
        }
        lockstepEvent()
    }

    /// A participant that logged out or lost its connection is not waited for.
    private func dropDepartedParticipants() {
        guard !awaited.isEmpty, NIODeadline.now() - roundStart > .seconds(1) else { return }
        for (id, session) in awaited where !session.isLoggedOn { awaited[id] = nil }
        if awaited.isEmpty { roundEnded() }
    }

    /// Applies the next event and sends its reports, then waits (see the type's notes). A market
    /// left without participants waits for one to log on again (polling, so that the event
    /// loop keeps serving its sockets).
    private func lockstepEvent() {
        guard !finished else {
            watchdog?.cancel()
            return
        }
        guard !gateway.sessions.isEmpty else {
            loop.scheduleTask(in: .milliseconds(10)) { self.lockstepEvent() }
            return
        }
        let before = gateway.messagesSent
        guard let event = nextEvent() else {
            watchdog?.cancel()
            reportEnd()
            return
        }
        gateway.drive(publish: false) { venue, events in venue.apply(event.event, book: event.instrument, events: &events) }
        recordedTime = event.event.time
        applied += 1
        barrier = .reports
        beginBarrier(ifSentSince: before)
    }

    /// Starts a barrier round when messages went out since `before`, else moves on.
    private func beginBarrier(ifSentSince before: Int) {
        let sessions = gateway.sessions
        // Nobody to wait for: the next event checks for participants.
        guard gateway.messagesSent != before, !sessions.isEmpty else { return barrierPassed() }
        barriers += 1
        barrierID = "L\(barriers)"
        awaited = Dictionary(uniqueKeysWithValues: sessions.map { (ObjectIdentifier($0), $0) })
        roundStart = .now()
        sentAtRound = gateway.messagesSent
        for session in sessions { session.testRequest(id: barrierID) }
    }

    private func heartbeat(from session: FIXSession, id: String) {
        guard id == barrierID, awaited.removeValue(forKey: ObjectIdentifier(session)) != nil, awaited.isEmpty else { return }
        roundEnded()
    }

    private func roundEnded() {
        // What the participants sent in reaction has been handled; if that sent them anything,
        // they may react again: another round.
        if gateway.messagesSent != sentAtRound {
            beginBarrier(ifSentSince: sentAtRound)
        } else {
            barrierPassed()
        }
    }

    private func barrierPassed() {
        switch barrier {
        case .reports:
            barrier = .marketData
            let before = gateway.messagesSent
            gateway.publishMarketData()
            beginBarrier(ifSentSince: before)
        case .marketData:
            // The next event on a later turn of the loop, so the sessions are served and the
            // stack does not grow.
            loop.execute { self.lockstepEvent() }
        }
    }

    /// The next event of the recording, or nil at its end (or on a failure, kept in `failure`).
    private func nextEvent() -> InstrumentEvent? {
        do throws(MarketDataError) {
            guard let e = try source.next() else {
                finished = true
                return nil
            }
            return e
        } catch {
            failure = error
            finished = true
            return nil
        }
    }

    private func reportEnd() {
        if let failure {
            report("Replay stopped after \(applied) events: \(failure)")
        } else {
            report("Replay finished: \(applied) events, \(skipped) bad records skipped")
        }
    }

    /// Bad records skipped by the source.
    public var skipped: Int { source.skipped }

    private func step() {
        // A few batches per turn of the event loop, then a pause for the sessions.
        for _ in 0..<Self.batchesPerTurn {
            guard !finished else { return }
            if let wait = runBatch() {
                loop.scheduleTask(in: wait) { self.step() }
                return
            }
        }
        guard !finished else { return }
        // A task that queues itself again runs before the event loop reads its sockets;
        // a short timer lets the sessions be served between turns.
        loop.scheduleTask(in: Self.pause) { self.step() }
    }

    /// Batches applied in one turn of the event loop.
    static let batchesPerTurn = 16

    /// Applies one batch and publishes; returns how long to wait when the next event is not
    /// due yet (paced replay).
    private func runBatch() -> TimeAmount? {
        var count = 0
        var wait: TimeAmount?
        gateway.drive { venue, events in
            while count < batch {
                let event: InstrumentEvent
                if let e = pendingEvent {
                    event = e
                    pendingEvent = nil
                } else {
                    guard let e = nextEvent() else { return }
                    event = e
                }
                if case .pace(let multiple) = speed {
                    let start = recordedStart ?? event.event.time
                    recordedStart = start
                    let due = Double(event.event.time - start) / multiple
                    let elapsed = Double((NIODeadline.now() - wallStart).nanoseconds)
                    if due > elapsed {
                        pendingEvent = event
                        wait = .nanoseconds(Int64(min(due - elapsed, 100_000_000)))
                        return
                    }
                }
                venue.apply(event.event, book: event.instrument, events: &events)
                recordedTime = event.event.time
                applied += 1
                count += 1
            }
        }
        if finished { reportEnd() }
        return wait
    }
}
