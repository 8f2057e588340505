import Foundation
import Logging
import Risk
import ServiceLifecycle
import Synchronization
import Testing
import UnixSignals
@testable import Operations

/// Graceful shutdown through a service group: the market maker and the exchange in process,
/// as `mm paper` runs them.
@Suite(.serialized)
struct GracefulShutdownTests {
    @Test func workingOrdersAreCanceledAndTheSessionsLogOutCleanly() async throws {
        let capture = LogCapture()
        let logger = capture.logger(level: .info)
        let setup = try await PaperSetup(logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: setup.exchange), .init(service: setup.marketMaker)], logger: quietLogger))
        let run = Task { try await group.run() }
        #expect(try await setup.waitForMaker { $0.workingOrders > 0 && $0.newOrders >= 10 })

        await group.triggerGracefulShutdown()
        try await run.value

        // Every working order was canceled, and the venue answered each cancel, before the logout.
        #expect(setup.marketMaker.canceledAllOrders == true)
        let (figures, sessions) = try await setup.marketMaker.figures()
        #expect(figures.workingOrders == 0)
        #expect(figures.cancels > 0)
        #expect(sessions.map(\.loggedOn) == [false])
        #expect(sessions.map(\.connected) == [false])
        let summary = try #require(setup.marketMaker.summary)
        #expect(summary.cancelsSent == figures.cancels)
        #expect(setup.exchange.isStopped && setup.marketMaker.isStopped)

        // The Logout handshake went both ways, after the cancels, and the logs were flushed.
        let maker = try setup.messageLog("maker", "MAKER-EXCH")
        let exchange = try setup.messageLog("exchange", "EXCH-MAKER")
        let makerLogouts = maker.components(separatedBy: "\n").filter { $0.contains("|35=5|") }
        #expect(makerLogouts.count == 2, "\(makerLogouts)")
        #expect(exchange.components(separatedBy: "\n").filter { $0.contains("|35=5|") }.count == 2)
        let lastCancel = try #require(maker.range(of: "|35=F|", options: .backwards))
        let firstLogout = try #require(maker.range(of: "|35=5|"))
        #expect(lastCancel.lowerBound < firstLogout.lowerBound)

        // Session events were logged: logon at info, logout at notice, and the stops.
        let records = capture.messages()
        #expect(records.contains { $0.level == .info && $0.message == "FIX session logged on" && $0.metadata["session"] == "MAKER->EXCH" })
        #expect(records.contains { $0.level == .notice && $0.message == "FIX session logged out" && $0.metadata["session"] == "EXCH->MAKER" })
        #expect(records.contains { $0.message.hasPrefix("Stopping the market maker") })
        #expect(records.contains { $0.message.hasPrefix("Exchange stopped") })
        await setup.tearDown()
    }

    @Test func riskDenialsAreCountedAndLoggedAtDebug() async throws {
        let capture = LogCapture()
        let setup = try await PaperSetup(limits: .denyEveryOrder, logger: capture.logger(level: .debug))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: setup.exchange), .init(service: setup.marketMaker)], logger: quietLogger))
        let run = Task { try await group.run() }
        #expect(try await setup.waitForMaker { ($0.riskDenials[.orderQuantityLimit] ?? 0) > 0 })
        await group.triggerGracefulShutdown()
        try await run.value

        let (figures, _) = try await setup.marketMaker.figures()
        let denied = try #require(figures.riskDenials[.orderQuantityLimit])
        #expect(denied > 0 && figures.newOrders == 0)
        let logged = capture.messages(at: .debug).filter { $0.message == "Risk denial" }
        #expect(!logged.isEmpty)
        #expect(logged.allSatisfy { $0.metadata["reason"] == "order_quantity_limit" })
        #expect(logged.count <= Int(denied))
        // Nothing about a denial is logged at info or above.
        #expect(!capture.messages().contains { $0.level >= .info && $0.message.contains("denial") })
        await setup.tearDown()
    }

    @Test func aSecondSignalForcesExit() async throws {
        let exits = Mutex<[(UnixSignal, String)]>([])
        let capture = LogCapture()
        let signals = ShutdownSignals(program: "mm test", logger: capture.logger(), installSources: false) { signal, message in
            exits.withLock { $0.append((signal, message)) }
        }
        let service = PeriodicTask("test", every: .seconds(60), tick: { true })
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: quietLogger))
        // A signal before the group runs is kept, and shuts the group down once it runs.
        signals.received(.sigint)
        signals.attach(group)
        #expect(signals.received == .sigint)
        let started = ContinuousClock.now
        try await group.run()
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(exits.withLock { $0.isEmpty })
        #expect(capture.messages(at: .notice).contains { $0.metadata["signal"] == "SIGINT" })

        signals.received(.sigterm)
        let forced = exits.withLock { $0 }
        #expect(forced.count == 1)
        #expect(forced.first?.0 == .sigterm)
        #expect(forced.first?.1 == "mm test: second signal (SIGTERM) during shutdown: exiting at once, without waiting for "
                + "orders to be canceled or stores and logs to be flushed\n")
        #expect(128 + UnixSignal.sigterm.rawValue == 143 && 128 + UnixSignal.sigint.rawValue == 130)
    }
}
