import Exchange
import ExchangeFIX
import FIX
import Foundation
import FIXSession
import FIXTransport
import NIOCore
import NIOPosix

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
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// The exchange's event loop: a participant in the same process may run its sessions on it
    /// (no thread hand-off between the two; what `mm paper` does).
    public var eventLoop: EventLoop { group.next() }
    private let engine: FIXEngine
    private let statistics: () -> GatewayStatistics
    private let sessionCount: () -> (loggedOn: Int, total: Int)
    private let driver: ReplayDriver?
    private let fees: FeeSchedule

    /// Builds the sessions of `settings` around a gateway over `market`; `report` gets the
    /// replay's end. Throws what ``FIXEngine`` throws.
    public init(settings: SettingsFile, market: Market, fees: FeeSchedule = .free,
                report: @escaping @Sendable (String) -> Void) throws {
        self.fees = fees
        let loop = group.next()
        let types = ExchangeGateway<MatchingEngine>.supportedMessageTypes
        switch market {
        case .books(let instruments):
            let gateway = ExchangeGateway(venue: MatchingEngine(instruments: instruments), fees: fees)
            engine = try FIXEngine(settings: settings, application: gateway, group: loop, supportedMessageTypes: types)
            statistics = { gateway.statistics }
            driver = nil
        case let .replay(source, instrument, rc, model, speed, eventsPerBatch, lockstep):
            let gateway = ExchangeGateway(venue: ReplayVenue(ReplayExchange(instrument: instrument, rankCoefficient: rc,
                                                                            queueModel: model)), fees: fees)
            engine = try FIXEngine(settings: settings, application: gateway, group: loop, supportedMessageTypes: types)
            statistics = { gateway.statistics }
            driver = ReplayDriver(gateway: gateway, source: source, speed: speed, loop: loop, eventsPerBatch: eventsPerBatch,
                                  lockstep: lockstep, report: report)
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

    /// Events the replay has applied.
    public func replayed() async throws -> Int {
        try await group.next().submit { self.driver?.applied ?? 0 }.get()
    }

    /// One line: sessions logged on, orders, fills, rejects, and the replay's progress.
    public func status() async throws -> String {
        try await group.next().submit {
            let s = self.statistics()
            let (on, total) = self.sessionCount()
            var line = "sessions \(on)/\(total) logged on, orders \(s.orders), fills \(s.fills), rejects \(s.rejects + s.cancelRejects)"
            if self.fees != .free {
                let net = Double(s.fees) * (1 - self.fees.rebateRatio)
                line += ", fees \(Self.money(Double(s.fees))) (rebate ratio \(self.fees.rebateRatio): net \(Self.money(net)))"
            }
            if let d = self.driver {
                line += ", replay \(d.applied) events\(d.finished ? " (finished)" : "")"
                if d.recordedTime > 0 { line += " at \(UTCTimestamp(nanosecondsSinceEpoch: d.recordedTime, fractionDigits: 3))" }
                if d.skipped > 0 { line += ", \(d.skipped) bad records skipped" }
            }
            return line
        }.get()
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
        try await group.next().submit { self.driver?.finished ?? false }.get()
    }

    /// Whether the replay ended with an error.
    public func replayFailed() async throws -> Bool {
        try await group.next().submit { self.driver?.failure != nil }.get()
    }

    /// Logs the sessions out, closes stores and logs, and stops the event loop.
    public func stop() async throws {
        try await engine.stop()
        try await group.shutdownGracefully()
    }
}
