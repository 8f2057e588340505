import Exchange
import Market
import MarketData
import MarketFIX
import FIX
import Foundation
import FIXSessionCore
import FIXTransport
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The simulated exchange as a running service: the acceptor sessions of a settings file, the
/// gateway, and, over a recording, the replay driver, all on one event-loop thread.
public final class ExchangeService: @unchecked Sendable {
    /// What the exchange trades against.
    public enum Market {
        /// Its own order books for these instruments: participants trade with each other.
        case books([Instrument])
        /// A recorded (or synthetic) market for one instrument, with our orders inside it.
        /// `lockstep`: the market waits for the participants after each event (see ``ReplayDriver``).
        case replay(source: any MarketDataSource, instrument: Instrument, rankCoefficient: Double, queueModel: any QueueModel,
                    speed: ReplaySpeed, eventsPerBatch: Int = 4096, lockstep: Bool = false)
        /// Recorded (or generated) markets of several instruments, a book each, replayed in
        /// time order (``MergedMarketData``, ``CorrelatedMarket``).
        case replayMany(source: any MultiMarketDataSource, rankCoefficient: Double, queueModel: any QueueModel,
                        speed: ReplaySpeed, eventsPerBatch: Int = 4096, lockstep: Bool = false)
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// The exchange's event loop: a participant in the same process may run its sessions on it
    /// (no thread hand-off between the two; what `mm paper` does).
    public var eventLoop: EventLoop { group.next() }
    private let engine: FIXEngine
    private let statistics: () -> GatewayStatistics
    private let sessionCount: () -> (loggedOn: Int, total: Int)
    private let driver: ReplayDriver?
    /// Ends the replay early (``endReplay()``); nil without a replay.
    private let replaySwitch: EndableMarketDataSource.Switch?
    private let report: @Sendable (String) -> Void
    private let fees: FeeSchedule
    /// Set by the first ``stop(timeout:)``: later calls return at once.
    private let stopping = Mutex(false)
    /// The venue's journal, when the sessions have a file store.
    private let journal: VenueJournal?
    /// Where the venue's state is kept across restarts: the journal `<SenderCompID>.venue` in
    /// the first session's `FileStorePath`; nil with memory stores (nothing is kept).
    public let journalPath: String?
    /// What the start found in the journal, a line each (empty for a new journal, or none).
    public let recovery: [String]

    /// Builds the sessions of `settings` around a gateway over `market`; `report` gets the
    /// replay's end. `wrapApplication` may put an application of its own between the sessions
    /// and the gateway (one that logs session events, say), which must pass every call on.
    /// `recentOrderLimit` is how many done orders the gateway remembers a participant; the
    /// sessions with `CancelOnDisconnect=Y` have their orders canceled when they go away.
    /// With file stores, the venue's state is kept in a journal beside them (``journalPath``) and
    /// taken up again at the next start: the orders that were working are canceled then, and
    /// each participant hears of its own at its next logon. Throws what ``FIXEngine`` throws, and
    /// the journal's errors (a damaged journal, one another process holds).
    public init(settings: SettingsFile, market: Market, fees: FeeSchedule = .free,
                recentOrderLimit: Int = ExchangeGateway<MatchingEngine>.defaultRecentOrderLimit,
                wrapApplication: (any FIXApplication) -> any FIXApplication = { $0 },
                logger: Logger = Logger(label: "exchange", factory: { _ in SwiftLogNoOpLogHandler() }),
                report: @escaping @Sendable (String) -> Void) throws {
        self.fees = fees
        self.report = report
        let loop = group.next()
        let types = ExchangeGateway<MatchingEngine>.supportedMessageTypes
        let cancelOnDisconnect = Set(settings.sessions.filter(\.cancelOnDisconnect).map(\.sessionID))
        var opened: VenueJournal.Opened?
        if let s = settings.sessions.first(where: { $0.fileStorePath != nil }), let directory = s.fileStorePath {
            let path = directory + "/" + s.sessionID.senderCompID + ".venue"
            opened = try VenueJournal.open(path: path, sync: s.fsync, recentOrderLimit: recentOrderLimit)
            journalPath = path
        } else {
            journalPath = nil
        }
        journal = opened?.journal
        var lines: [String] = []
        if let diagnostic = opened?.diagnostic { lines.append(diagnostic) }
        if let path = journalPath, let state = opened?.state {
            lines.append("venue state recovered from \(path): \(state.participantCount) participants, "
                         + "\(state.workingOrderCount) working orders canceled by the restart (each participant hears of its own at its next logon)")
        }
        recovery = lines
        let state = opened?.state
        func attach<W: Venue>(_ gateway: ExchangeGateway<W>) throws {
            if let journal = opened?.journal { try gateway.attach(journal: journal) }
        }
        switch market {
        case .books(let instruments):
            let gateway = ExchangeGateway(venue: MatchingEngine(instruments: instruments), fees: fees,
                                          recentOrderLimit: recentOrderLimit, cancelOnDisconnect: cancelOnDisconnect,
                                          restoring: state)
            try attach(gateway)
            engine = try FIXEngine(settings: settings, application: wrapApplication(gateway), group: loop, supportedMessageTypes: types, logger: logger)
            statistics = { gateway.statistics }
            driver = nil
            replaySwitch = nil
        case .replay, .replayMany:
            let (source, rc, model, speed, eventsPerBatch, lockstep): (any MultiMarketDataSource, Double, any QueueModel, ReplaySpeed, Int, Bool)
            switch market {
            case let .replay(single, instrument, r, m, s, e, l):
                (source, rc, model, speed, eventsPerBatch, lockstep) = (SingleInstrumentMarket(instrument: instrument, source: single), r, m, s, e, l)
            case let .replayMany(many, r, m, s, e, l):
                (source, rc, model, speed, eventsPerBatch, lockstep) = (many, r, m, s, e, l)
            case .books:
                preconditionFailure("not a replay")
            }
            let gateway = ExchangeGateway(venue: MultiReplayVenue(instruments: source.instruments, rankCoefficient: rc, queueModel: model),
                                          fees: fees, recentOrderLimit: recentOrderLimit, cancelOnDisconnect: cancelOnDisconnect,
                                          restoring: state)
            try attach(gateway)
            engine = try FIXEngine(settings: settings, application: wrapApplication(gateway), group: loop, supportedMessageTypes: types, logger: logger)
            statistics = { gateway.statistics }
            let control = EndableMarketDataSource.Switch()
            replaySwitch = control
            // Once ended early, the replay reports that itself (see `endReplay()`).
            driver = ReplayDriver(gateway: gateway, source: EndableMultiMarketData(source, control: control), speed: speed,
                                  loop: loop, eventsPerBatch: eventsPerBatch, lockstep: lockstep) { line in
                if !control.ended { report(line) }
            }
        }
        let sessions = engine.sessions
        sessionCount = { (sessions.filter { $0.isLoggedOn }.count, sessions.count) }
    }

    /// The sessions, for messages that name them.
    public var sessions: [FIXSession] { engine.sessions }

    /// The ports listened on.
    public var ports: [Int] { engine.acceptors.compactMap(\.localPort) }

    /// Starts listening, and the replay if there is one (unless `replay` is false: then
    /// ``startReplay()`` starts it, once the participants are there).
    public func start(replay: Bool = true) async throws {
        try await engine.start()
        if replay { driver?.start() }
    }

    /// Starts the replay (after ``start(replay:)`` with `replay: false`).
    public func startReplay() {
        driver?.start()
    }

    /// Ends the replay now, as if the data ended here (nothing without a replay, or once it has
    /// ended): no more market events, and the participants' orders stay as they are.
    public func endReplay() async throws {
        try await onLoop { self.endReplayOnLoop() }
    }

    private func endReplayOnLoop() {
        guard let driver, let replaySwitch, !driver.finished, !replaySwitch.ended else { return }
        replaySwitch.ended = true
        report("Replay ended early after \(driver.applied) events")
    }

    /// Events the replay has applied.
    public func replayed() async throws -> Int {
        try await onLoop { self.driver?.applied ?? 0 }
    }

    /// One line: sessions logged on, orders, fills, rejects, and the replay's progress.
    public func status() async throws -> String {
        try await onLoop {
            let s = self.statistics()
            let (on, total) = self.sessionCount()
            var line = "sessions \(on)/\(total) logged on, orders \(s.orders), fills \(s.fills), rejects \(s.rejects + s.cancelRejects)"
            if self.fees != .free {
                let net = Double(s.fees) * (1 - self.fees.rebateRatio)
                line += ", fees \(Self.money(Double(s.fees))) (rebate ratio \(self.fees.rebateRatio): net \(Self.money(net)))"
            }
            if let d = self.driver {
                let end = self.replaySwitch?.ended == true ? " (ended early)" : " (finished)"
                line += ", replay \(d.applied) events\(d.finished ? end : "")"
                if d.recordedTime > 0 { line += " at \(UTCTimestamp(nanosecondsSinceEpoch: d.recordedTime, fractionDigits: 3))" }
                if d.skipped > 0 { line += ", \(d.skipped) bad records skipped" }
            }
            return line
        }
    }

    /// An amount in 10^-8 units as currency with 2 to 8 decimals.
    static func money(_ units: Double) -> String {
        let value = units / Double(moneyPerUnit)
        var text = String(format: "%.8f", value)
        while text.hasSuffix("0") && text.split(separator: ".").last!.count > 2 { text.removeLast() }
        return text
    }

    /// Whether the replay has ended (or failed); false without one.
    public func replayFinished() async throws -> Bool {
        try await onLoop { self.driver?.finished ?? false }
    }

    /// Whether the replay ended with an error.
    public func replayFailed() async throws -> Bool {
        try await onLoop { self.driver?.failure != nil }
    }

    /// The exchange's figures now, read on its event loop: sessions, orders, fills, rejects,
    /// fees and the replay's progress.
    public func figures() async throws -> ExchangeFigures {
        try await onLoop {
            let (on, total) = self.sessionCount()
            let s = self.statistics()
            return ExchangeFigures(sessionsLoggedOn: on, sessions: total, orders: s.orders, fills: s.fills, rejects: s.rejects,
                                   cancelRejects: s.cancelRejects, fees: s.fees, replayedEvents: self.driver?.applied ?? 0,
                                   skippedRecords: self.driver?.skipped ?? 0, replayFinished: self.driver?.finished ?? false,
                                   replayFailed: self.driver?.failure != nil, replayEndedEarly: self.replaySwitch?.ended ?? false)
        }
    }

    /// Runs `body` on the event loop, unless the exchange is stopping (its loop may be gone
    /// then): ``ExchangeStopped``.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard !isStopped else { throw ExchangeStopped() }
        return try await group.next().submit(body).get()
    }

    /// Whether ``stop(timeout:)`` has been called.
    public var isStopped: Bool { stopping.withLock { $0 } }

    /// Stops gracefully: ends the replay (see ``endReplay()``), logs every session out (Logout,
    /// then up to `timeout` for the peers to answer and close), makes the stores and logs
    /// durable and closes them, and stops the event loop (a participant running its sessions on
    /// ``eventLoop`` must have stopped before). Calling it again does nothing.
    public func stop(timeout: Duration = .seconds(5)) async throws {
        let first = stopping.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try await group.next().submit { self.endReplayOnLoop() }.get()
        try await engine.stop(timeout: timeout)
        // After the sessions' logouts (and the cancels of CancelOnDisconnect they bring).
        if let journal { try await group.next().submit { journal.close() }.get() }
        try await group.shutdownGracefully()
    }
}
