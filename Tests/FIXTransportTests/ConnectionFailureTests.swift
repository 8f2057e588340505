import FIX
import FIXSessionCore
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import FIXTransport

/// An initiator's attempts to connect that fail: each reported with the address and the reason,
/// and tried again after a wait that doubles.
struct ConnectionFailureTests {
    /// The failures an initiator reported.
    final class Failures: Sendable {
        private let seen = Mutex<[FIXConnectionFailure]>([])
        var list: [FIXConnectionFailure] { seen.withLock { $0 } }
        var count: Int { seen.withLock { $0.count } }
        @Sendable func add(_ failure: FIXConnectionFailure) { seen.withLock { $0.append(failure) } }
    }

    /// A local port nothing listens on (bound, then closed).
    static func closedPort(_ group: EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    @Test func aRefusedConnectionIsReportedAndTriedAgain() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let port = try await Self.closedPort(group)
        let session = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"), role: .initiator),
                store: MemoryStore(now: systemNow()), dictionary: try DataDictionary.fix44()),
            log: MemoryLog(), application: LoopbackSessionTests.Recorder(), eventLoop: group.next())
        let initiator = FIXInitiator(session: session, group: group, host: "127.0.0.1", port: port,
                                     reconnectInterval: .milliseconds(50))
        let failures = Failures()
        initiator.onConnectionFailure = failures.add
        initiator.start()
        #expect(try await LoopbackSessionTests.eventually { failures.count >= 3 })
        let seen = failures.list.prefix(3)
        #expect(seen.allSatisfy { $0.stage == .connect && $0.address == "127.0.0.1:\(port)" })
        #expect(seen.first?.reason == "Connection refused (errno 111)" || seen.first?.reason.contains("refused") == true, "\(seen)")
        #expect(seen.map(\.failures) == [1, 2, 3])
        #expect(seen.map(\.retryIn) == [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
        #expect(seen.first?.description == "connection to 127.0.0.1:\(port) failed: \(seen.first?.reason ?? "")")
        initiator.stop()
        try await group.shutdownGracefully()
    }
}
