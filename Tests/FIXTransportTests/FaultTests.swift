import FIX
import FIXSessionCore
import FIXTestSupport
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import FIXTransport

/// A session of the engine's acceptor against a raw peer over 127.0.0.1 that misbehaves:
/// garbled bytes and wrong checksums mid-session, silence, a flood.
struct FaultTests {
    /// A peer that writes whatever bytes a test gives it and collects the messages it receives.
    final class RawPeer: ChannelInboundHandler, Sendable {
        typealias InboundIn = FIXFrame
        let received = Mutex<[[UInt8]]>([])
        /// When the connection closed, taken on the connection's thread (a busy test runner that
        /// looks late does not make the close late).
        let closedAt = Mutex<Date?>(nil)
        var isClosed: Bool { closedAt.withLock { $0 != nil } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .message(let buffer) = unwrapInboundIn(data) {
                received.withLock { $0.append(Array(buffer.readableBytesView)) }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closedAt.withLock { $0 = Date() }
        }

        /// The MsgTypes received, in order.
        var msgTypes: [String] {
            received.withLock { $0.compactMap { try? FIXMessage(bytes: $0).msgType } }
        }
    }

    /// An acceptor EXCH for MAKER whose session runs on its own event loop (not the one the
    /// connection is accepted on), and a raw peer connected to it.
    struct Setup {
        let sessionGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let networkGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = LoopbackSessionTests.Recorder()
        let log = MemoryLog()
        let session: FIXSession
        let acceptor: FIXAcceptor
        let peer = RawPeer()
        var channel: Channel!

        init(heartBtInt: Int = 30) throws {
            session = FIXSession(
                machine: SessionStateMachine(
                    configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"),
                                                        role: .acceptor, heartBtInt: heartBtInt),
                    store: MemoryStore(now: systemNow()), dictionary: try DataDictionary.fix44()),
                log: log, application: recorder, eventLoop: sessionGroup.next())
            acceptor = FIXAcceptor(sessions: [session], group: networkGroup, port: 0, logonTimeout: .seconds(300))
        }

        mutating func connect() async throws {
            try await acceptor.start()
            let port = try #require(acceptor.localPort)
            let peer = self.peer
            channel = try await ClientBootstrap(group: networkGroup)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FIXFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(peer)
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
        }

        func write(_ bytes: [UInt8]) async throws {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        }

        /// The peer's message with MsgSeqNum `seq` (body after the header, `|` for SOH).
        static func message(_ msgType: String, seq: Int, _ body: String = "") -> [UInt8] {
            fix("35=\(msgType)|34=\(seq)|49=MAKER|52=\(systemNow())|56=EXCH|\(body)")
        }

        static func order(_ seq: Int, _ id: String) -> [UInt8] {
            message("D", seq: seq, "11=\(id)|21=1|38=1|40=2|44=10|54=1|55=X|60=\(systemNow())|")
        }

        func logOn(heartBtInt: Int = 30) async throws {
            try await write(Self.message("A", seq: 1, "98=0|108=\(heartBtInt)|"))
            #expect(try await LoopbackSessionTests.eventually { recorder.logons == 1 })
        }

        /// The session's event log so far (read on its event loop, which writes it).
        func events() async throws -> [String] {
            // The log is only touched on the loop.
            nonisolated(unsafe) let log = self.log
            return try await session.eventLoop.submit { log.events }.get()
        }

        /// Whether the session is logged on (read on its event loop).
        func loggedOn() async throws -> Bool {
            let session = self.session
            return try await session.eventLoop.submit { session.isLoggedOn }.get()
        }

        func shutdown() async throws {
            try? await channel.close()
            try await acceptor.stop()
            try await networkGroup.shutdownGracefully()
            try await sessionGroup.shutdownGracefully()
        }
    }

    /// Garbled bytes and a message with a wrong CheckSum in the middle of a session are dropped
    /// (not rejected, not counted); the session stays up and the next messages go through.
    @Test func garbledBytesAndWrongChecksumsMidSession() async throws {
        var s = try Setup()
        try await s.connect()
        try await s.logOn()
        var badChecksum = Setup.order(3, "B")
        let n = badChecksum.count
        badChecksum[n - 2] = badChecksum[n - 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        var stream = Setup.order(2, "A")
        stream += Array("garbage\u{01}10=000\u{01}more junk 8=FIZ\u{01}".utf8)
        stream += badChecksum
        stream += Setup.order(3, "C")
        stream += Array([0xFF, 0x00, 0x01, 0x7F])
        stream += Setup.order(4, "D")
        try await s.write(stream)
        #expect(try await LoopbackSessionTests.eventually { s.recorder.received.count == 3 })
        #expect(s.recorder.received == ["A", "C", "D"])
        let next = try await s.session.sequenceNumbers().get()
        #expect(next.target == 5)
        // Nothing was rejected and the session did not ask for anything again: only the Logon went out.
        #expect(s.peer.msgTypes == ["A"])
        #expect(try await s.loggedOn())
        let events = try await s.events()
        #expect(events.filter { $0.contains("Garbled data ignored") }.count >= 2, "the event log notes the garbled data: \(events)")
        try await s.shutdown()
    }

    /// A peer that goes silent gets a TestRequest after HeartBtInt plus 20%, and the connection is
    /// dropped after a further interval without an answer.
    @Test func heartbeatTimeoutOverAConnection() async throws {
        var s = try Setup(heartBtInt: 1)
        try await s.connect()
        let start = Date()
        try await s.logOn(heartBtInt: 1)
        #expect(try await LoopbackSessionTests.eventually(5) { s.peer.isClosed })
        let elapsed = try #require(s.peer.closedAt.withLock { $0 }).timeIntervalSince(start)
        // TestRequest at 1.2 s, disconnect at 2.4 s (checked every 200 ms).
        #expect(elapsed > 2.0 && elapsed < 4.5, "disconnected after \(elapsed) s")
        #expect(s.peer.msgTypes.contains("1"))
        #expect(try await s.events().contains { $0.contains("Timed out waiting for heartbeat") })
        #expect(s.recorder.events.withLock { $0.contains(.loggedOut(nil)) })
        try await s.shutdown()
    }

    /// A peer that floods: far more messages than the session takes at once, written as fast as
    /// the socket allows. The connection stops reading while the session is behind (nothing
    /// piles up in memory), every message is processed in order, and the session still answers.
    @Test func aPeerThatFloods() async throws {
        var s = try Setup()
        try await s.connect()
        try await s.logOn()
        let count = 100_000
        var chunk: [UInt8] = []
        for k in 1...count {
            chunk += Setup.order(k + 1, "F\(k)")
            if chunk.count > 256 * 1024 || k == count {
                s.channel.write(ByteBuffer(bytes: chunk), promise: nil)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        s.channel.flush()
        try await s.write(Setup.message("1", seq: count + 2, "112=PING|"))
        #expect(try await LoopbackSessionTests.eventually(60) {
            s.peer.received.withLock { $0.contains { (try? FIXMessage(bytes: $0).string(Tag.testReqID)) == "PING" } }
        })
        let received = s.recorder.received
        #expect(received.count == count)
        #expect(received == (1...count).map { "F\($0)" })
        let session = s.session
        let pauses = try await session.eventLoop.submit { session.inboundPauses }.get()
        #expect(pauses > 0, "the connection should have stopped reading while the session was behind")
        #expect(try await s.loggedOn())
        try await s.shutdown()
    }
}
