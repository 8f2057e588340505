import FIX
import FIXSessionCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import FIXTransport

/// An initiator and an acceptor of the engine talking over 127.0.0.1.
struct LoopbackSessionTests {
    /// Collects what a session's application sees.
    final class Recorder: FIXApplication, Sendable {
        let clOrdIDs = Mutex<[String]>([])
        let events = Mutex<[SessionEvent]>([])

        func onEvent(_ event: SessionEvent, session: FIXSession) {
            if case .note = event { return }
            events.withLock { $0.append(event) }
        }

        func fromApp(_ message: FIXMessage, session: FIXSession) {
            if let id = message.string(Tag.clOrdID) { clOrdIDs.withLock { $0.append(id) } }
        }

        var logons: Int { events.withLock { $0.filter { $0 == .loggedOn }.count } }
        var received: [String] { clOrdIDs.withLock { $0 } }
    }

    static func order(_ id: String) -> NewOrderSingle {
        NewOrderSingle(clOrdID: id, handlInst: .automatedPrivate, symbol: "BTCUSDT", side: .buy,
                       transactTime: systemNow(), orderQty: FIXDecimal(1), ordType: .limit,
                       price: FIXDecimal(mantissa: 5625010, scale: 2))
    }

    /// Waits until `condition` holds, up to `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    @Test func logOnExchangeOrdersRecoverAGapAndLogOut() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let dictionary = try DataDictionary.fix44()
        let start = systemNow()

        let accepted = Recorder()
        let acceptorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"),
                                                    role: .acceptor),
                store: MemoryStore(now: start), dictionary: dictionary),
            log: MemoryLog(), application: accepted, eventLoop: group.next())
        let acceptor = FIXAcceptor(sessions: [acceptorSession], group: group, port: 0, logonTimeout: .seconds(300))
        try await acceptor.start()
        let port = try #require(acceptor.localPort)

        let initiated = Recorder()
        let initiatorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"),
                                                    role: .initiator, heartBtInt: 30),
                store: MemoryStore(now: start), dictionary: dictionary),
            log: MemoryLog(), application: initiated, eventLoop: group.next())
        let initiator = FIXInitiator(session: initiatorSession, group: group, host: "127.0.0.1", port: port,
                                     reconnectInterval: .milliseconds(100))
        initiator.start()
        #expect(try await Self.eventually { accepted.logons == 1 && initiated.logons == 1 })

        for k in 1...200 { try await initiatorSession.send(Self.order("O\(k)")).get() }
        #expect(try await Self.eventually { accepted.received.count == 200 })

        // The connection drops; orders sent meanwhile are stored and come back by ResendRequest
        // once the initiator has reconnected.
        acceptorSession.disconnect()
        #expect(try await Self.eventually { initiated.events.withLock { $0.contains(.loggedOut(nil)) } })
        for k in 201...250 { try await initiatorSession.send(Self.order("O\(k)")).get() }
        #expect(try await Self.eventually { accepted.logons == 2 && accepted.received.count == 250 })
        #expect(accepted.received == (1...250).map { "O\($0)" })

        initiator.stop()
        #expect(try await Self.eventually { accepted.events.withLock { $0.last } == .loggedOut(nil) })
        let sequence = try await acceptorSession.sequenceNumbers().get()
        let theirs = try await initiatorSession.sequenceNumbers().get()
        #expect(sequence.target == theirs.sender)
        try await acceptor.stop()
        try await group.shutdownGracefully()
    }
}
