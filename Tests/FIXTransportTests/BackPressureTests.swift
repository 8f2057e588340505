import FIX
import FIXSessionCore
import FIXTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import FIXTransport

/// A peer that logs on and then stops reading must not make the session buffer without bound.
struct BackPressureTests {
    @Test func aPeerThatStopsReadingIsHeldBackThenDropped() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let recorder = LoopbackSessionTests.Recorder()
        let session = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"),
                                                    role: .acceptor),
                store: MemoryStore(now: systemNow()), dictionary: try DataDictionary.fix44()),
            log: MemoryLog(), application: recorder, eventLoop: loop, stalledWriteTimeout: .seconds(1))
        let acceptor = FIXAcceptor(sessions: [session], group: group, port: 0, logonTimeout: .seconds(300))
        try await acceptor.start()
        let port = try #require(acceptor.localPort)

        // The peer: logs on, then never reads again.
        let peer = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: 16 * 1024)
            .connect(host: "127.0.0.1", port: port).get()
        try await peer.setOption(.autoRead, value: false).get()
        // HeartBtInt 600 s: no Heartbeat or TestRequest comes between the orders in the store
        // below, however long a loaded machine takes to send them.
        let logon = fix("35=A|34=1|49=MAKER|52=\(systemNow())|56=EXCH|98=0|108=600|")
        try await peer.writeAndFlush(ByteBuffer(bytes: logon)).get()
        #expect(try await LoopbackSessionTests.eventually { recorder.logons == 1 })

        // Far more than the socket buffers and the 1 MiB high mark can hold.
        for k in 1...30_000 {
            try await session.send(LoopbackSessionTests.order("X\(k)")).get()
        }
        let skipped = try await loop.submit { session.skippedWrites }.get()
        #expect(skipped > 0)
        // Held back, then dropped after the stalled-write timeout; the messages stay in the store.
        #expect(try await LoopbackSessionTests.eventually(5) { recorder.events.withLock { $0.contains(.loggedOut(nil)) } })
        let next = try await session.sequenceNumbers().get()
        #expect(next.sender == 30_002)
        try await peer.close()
        try await acceptor.stop()
        try await group.shutdownGracefully()
    }
}
