import FIX
import FIXTestSupport
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import FIXSessionCore
@testable import FIXTransport

/// Connections that misbehave before they log on, and the durability of what a session sends:
/// over 127.0.0.1 against the engine's acceptor.
struct HostileConnectionTests {
    typealias Setup = FaultTests.Setup
    typealias RawPeer = FaultTests.RawPeer

    /// A raw connection to `port` whose received messages `peer` collects.
    static func connect(_ port: Int, group: EventLoopGroup, peer: RawPeer) async throws -> Channel {
        try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FIXFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(peer)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    /// A Logout as the first message of a connection, under the CompIDs of a participant who is
    /// offline: closed without an answer, and the session's numbers do not move.
    @Test(arguments: ["5", "0", "D"])
    func aFirstMessageThatIsNotALogonIsNotAnswered(_ msgType: String) async throws {
        var s = try Setup()
        try await s.connect()
        let body = msgType == "D" ? "11=X|21=1|38=1|40=2|44=10|54=1|55=X|60=\(systemNow())|" : ""
        try await s.write(Setup.message(msgType, seq: 1, body))
        #expect(try await LoopbackSessionTests.eventually(5) { s.peer.isClosed })
        #expect(s.peer.msgTypes.isEmpty, "nothing may be sent: \(s.peer.msgTypes)")
        let next = try await s.session.sequenceNumbers().get()
        #expect(next.sender == 1 && next.target == 1)
        // The participant logs on with MsgSeqNum 1 afterwards.
        let peer = RawPeer()
        let port = try #require(s.acceptor.localPort)
        let channel = try await Self.connect(port, group: s.networkGroup, peer: peer)
        try await channel.writeAndFlush(ByteBuffer(bytes: Setup.message("A", seq: 1, "98=0|108=30|"))).get()
        #expect(try await LoopbackSessionTests.eventually(30) { peer.msgTypes == ["A"] })
        try? await channel.close()
        try await s.shutdown()
    }

    /// Connections that never send a Logon are closed after the logon timeout, and no more than
    /// the bound wait at once: a new one pushes the oldest out, so a participant is still heard.
    @Test func connectionsThatNeverLogOnAreBounded() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let session = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"), role: .acceptor),
                store: MemoryStore(now: systemNow()), dictionary: try DataDictionary.fix44()),
            log: NullLog(), application: nil, eventLoop: group.next())
        let acceptor = FIXAcceptor(sessions: [session], group: group, port: 0, logonTimeout: .seconds(3),
                                   maxPendingConnections: 3)
        try await acceptor.start()
        let port = try #require(acceptor.localPort)
        let peers = (0..<5).map { _ in RawPeer() }
        var channels: [Channel] = []
        // A test runner that leaves this test no thread for seconds sees the timeout pass first:
        // the checks of what happens before it are made only when it did not.
        let opened = Date()
        for peer in peers {
            channels.append(try await Self.connect(port, group: group, peer: peer))
            // One at a time, so that "oldest" is well defined.
            let counted = try await LoopbackSessionTests.eventually(2) { acceptor.pendingConnections == min(channels.count, 3) }
            #expect(counted || Date().timeIntervalSince(opened) > 2.5)
        }
        // The two oldest made room for newer ones; three wait.
        #expect(try await LoopbackSessionTests.eventually(2) { peers[0].isClosed && peers[1].isClosed })
        if Date().timeIntervalSince(opened) < 2.5 {
            #expect(!peers[2].isClosed && !peers[3].isClosed && !peers[4].isClosed)
            #expect(acceptor.pendingConnections == 3)
        }
        // A participant that sends its Logon is heard while they wait.
        let peer = RawPeer()
        let channel = try await Self.connect(port, group: group, peer: peer)
        try await channel.writeAndFlush(ByteBuffer(bytes: Setup.message("A", seq: 1, "98=0|108=30|"))).get()
        #expect(try await LoopbackSessionTests.eventually(30) { peer.msgTypes == ["A"] })
        // The others are closed once the timeout has passed.
        #expect(try await LoopbackSessionTests.eventually(10) { peers.allSatisfy(\.isClosed) })
        #expect(try await LoopbackSessionTests.eventually(2) { acceptor.pendingConnections == 0 })
        #expect(!peer.isClosed)
        try? await channel.close()
        for c in channels { try? await c.close() }
        try await acceptor.stop()
        try await group.shutdownGracefully()
    }

    /// A port that cannot be listened on: the error names the address and the settings file.
    @Test func bindFailureNamesThePortAndTheSettings() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let blocker = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(blocker.localAddress?.port)
        let settings = try SettingsFile.parse("""
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EXCH
            SocketAcceptPort=\(port)
            SocketReuseAddress=N

            [SESSION]
            TargetCompID=MAKER
            """, path: "/etc/exchange.cfg", directory: "/etc")
        let engine = try FIXEngine(settings: settings, application: LoopbackSessionTests.Recorder(), group: group)
        do {
            try await engine.start()
            Issue.record("listening on a port in use should fail")
        } catch {
            let text = "\(error)"
            #expect(text.contains("/etc/exchange.cfg:7"), "\(text)")
            #expect(text.contains("127.0.0.1:\(port)"), "\(text)")
        }
        try await engine.stop()
        try await blocker.close()
        try await group.shutdownGracefully()
    }

    /// An acceptor EXCH for MAKER with a file store and a file log in `directory`, synced by
    /// `committer`.
    static func durableSession(_ directory: String, sync: StoreSyncPolicy, committer: GroupCommit,
                               group: EventLoopGroup) throws -> (FIXSession, FileStore, FileLog) {
        let id = SessionID(senderCompID: "EXCH", targetCompID: "MAKER")
        let store = try FileStore(directory: directory, sessionID: id, sync: sync, now: systemNow())
        let log = try FileLog(directory: directory, sessionID: id)
        let session = FIXSession(
            machine: SessionStateMachine(configuration: SessionConfiguration(sessionID: id, role: .acceptor), store: store,
                                         dictionary: try DataDictionary.fix44()),
            log: log, application: Echo(), eventLoop: group.next(), committer: committer)
        return (session, store, log)
    }

    /// Answers each NewOrderSingle with an ExecutionReport-like message (MsgType 8, ClOrdID kept).
    final class Echo: FIXApplication, Sendable {
        func onEvent(_ event: SessionEvent, session: FIXSession) {}
        func fromApp(_ message: FIXMessage, session: FIXSession) {
            let id = message.string(Tag.clOrdID) ?? ""
            try? session.write(msgType: "8") {
                $0.append(Tag.orderID, "O" + id)
                $0.append(Tag.execID, "X" + id)
                $0.append(Tag.clOrdID, id)
                $0.append(Tag.execType, "0")
                $0.append(Tag.ordStatus, "0")
                $0.append(Tag.symbol, "X")
                $0.append(Tag.side, "1")
                $0.append(Tag.leavesQty, 1)
                $0.append(Tag.cumQty, 0)
                $0.append(Tag.avgPx, 0)
            }
        }
    }

    /// Under FileStoreSync=always with a group commit, nothing leaves before its sync: while the
    /// commit thread is held, the peer gets nothing; once it runs, everything arrives in order.
    @Test func messagesWaitForTheirSync() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("held-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gate = Mutex(true)
        let rounds = Atomic<Int>(0)
        let committer = GroupCommit(label: "test") {
            rounds.add(1, ordering: .relaxed)
            while gate.withLock({ $0 }) { usleep(1000) }
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (session, _, _) = try Self.durableSession(directory, sync: .always, committer: committer, group: group)
        let acceptor = FIXAcceptor(sessions: [session], group: group, port: 0, logonTimeout: .seconds(300))
        try await acceptor.start()
        let peer = RawPeer()
        let channel = try await Self.connect(try #require(acceptor.localPort), group: group, peer: peer)
        try await channel.writeAndFlush(ByteBuffer(bytes: Setup.message("A", seq: 1, "98=0|108=30|"))).get()
        // Waits are long: on a loaded machine (the whole suite at once) a sync can take seconds.
        #expect(try await LoopbackSessionTests.eventually(30) { rounds.load(ordering: .relaxed) >= 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(peer.msgTypes.isEmpty, "the Logon answer left before its sync: \(peer.msgTypes)")
        gate.withLock { $0 = false }
        #expect(try await LoopbackSessionTests.eventually(30) { peer.msgTypes == ["A"] })
        var orders: [UInt8] = []
        for k in 1...50 { orders += Setup.order(k + 1, "C\(k)") }
        try await channel.writeAndFlush(ByteBuffer(bytes: orders)).get()
        #expect(try await LoopbackSessionTests.eventually(30) { peer.msgTypes.count == 51 })
        let ids = peer.received.withLock { $0.compactMap { try? FIXMessage(bytes: $0).string(Tag.clOrdID) } }
        #expect(ids == (1...50).map { "C\($0)" })
        // Fewer rounds than messages: syncs were shared.
        #expect(committer.figures.rounds < 51, "\(committer.figures)")
        try? await channel.close()
        try await acceptor.stop()
        try await group.shutdownGracefully()
    }

    /// What the peer received is in the message log on disk the moment it arrives (not in a
    /// buffer of the process that a SIGKILL would lose), and in the store.
    @Test(arguments: [StoreSyncPolicy.always, .interval(milliseconds: 50), .never])
    func theMessageLogHoldsWhatThePeerGot(_ sync: StoreSyncPolicy) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (session, _, log) = try Self.durableSession(directory, sync: sync, committer: GroupCommit(label: "test"), group: group)
        let acceptor = FIXAcceptor(sessions: [session], group: group, port: 0, logonTimeout: .seconds(300))
        try await acceptor.start()
        let peer = RawPeer()
        let channel = try await Self.connect(try #require(acceptor.localPort), group: group, peer: peer)
        try await channel.writeAndFlush(ByteBuffer(bytes: Setup.message("A", seq: 1, "98=0|108=30|553=u|554=hidden|"))).get()
        #expect(try await LoopbackSessionTests.eventually(30) { peer.msgTypes == ["A"] })
        for k in 1...20 {
            try await channel.writeAndFlush(ByteBuffer(bytes: Setup.order(k + 1, "L\(k)"))).get()
            #expect(try await LoopbackSessionTests.eventually { peer.msgTypes.count == k + 1 })
            // Read at once, with the log still open: every message the peer has is on disk.
            let text = try String(contentsOfFile: log.messagesPath, encoding: .utf8)
            for message in peer.received.withLock({ $0 }) {
                #expect(text.contains(String(decoding: message, as: UTF8.self)), "not in the log yet: message \(k)")
            }
            #expect(text.contains("11=L\(k)\u{01}"), "the order received is in the log")
        }
        let text = try String(contentsOfFile: log.messagesPath, encoding: .utf8)
        #expect(!text.contains("hidden"), "the password reached the log")
        #expect(text.contains("554=********\u{01}"))
        try? await channel.close()
        try await acceptor.stop()
        try await group.shutdownGracefully()
    }
}
