import FIX
import FIXSessionCore
import FIXTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import FIXTransport

/// Sessions over TLS, with client certificates verified, using certificates made for the test
/// with the `openssl` command.
struct TLSTests {
    static let openssl = TestCertificates.openssl

    /// A CA, and a server and a client certificate it signed, in a new directory.
    static func makeCertificates() throws -> URL { try TestCertificates.make() }

    struct Pair {
        let group: MultiThreadedEventLoopGroup
        let acceptor: FIXAcceptor
        let initiator: FIXInitiator
        let accepted: LoopbackSessionTests.Recorder
    }

    static func connect(server: TLSSettings, client: TLSSettings, reconnectInterval: TimeAmount = .seconds(5),
                        failures: ConnectionFailureTests.Failures? = nil) async throws -> Pair {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let dictionary = try DataDictionary.fix44()
        let accepted = LoopbackSessionTests.Recorder()
        let acceptorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"), role: .acceptor),
                store: MemoryStore(now: systemNow()), dictionary: dictionary),
            log: MemoryLog(), application: accepted, eventLoop: group.next())
        let acceptor = FIXAcceptor(sessions: [acceptorSession], group: group, port: 0, tls: try FIXTLS.serverContext(server), logonTimeout: .seconds(300))
        try await acceptor.start()
        let initiatorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"), role: .initiator),
                store: MemoryStore(now: systemNow()), dictionary: dictionary),
            log: MemoryLog(), application: LoopbackSessionTests.Recorder(), eventLoop: group.next())
        let initiator = FIXInitiator(session: initiatorSession, group: group, host: "127.0.0.1", port: acceptor.localPort!,
                                     reconnectInterval: reconnectInterval, tls: try FIXTLS.clientContext(client))
        if let failures { initiator.onConnectionFailure = failures.add }
        initiator.start()
        return Pair(group: group, acceptor: acceptor, initiator: initiator, accepted: accepted)
    }

    @Test(.enabled(if: openssl != nil, "the openssl command is absent: TLS tests skipped"))
    func logsOnOverTLSWithAClientCertificate() async throws {
        let dir = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let pair = try await Self.connect(
            server: TLSSettings(certificate: path("server.pem"), privateKey: path("server.key"), caCertificate: path("ca.pem"), verifyPeer: true),
            client: TLSSettings(certificate: path("client.pem"), privateKey: path("client.key"), caCertificate: path("ca.pem"), verifyPeer: true))
        #expect(try await LoopbackSessionTests.eventually { pair.accepted.logons == 1 })
        pair.initiator.stop()
        try await pair.acceptor.stop()
        try await pair.group.shutdownGracefully()
    }

    @Test(.enabled(if: openssl != nil, "the openssl command is absent: TLS tests skipped"))
    func aClientWithoutACertificateIsRefused() async throws {
        let dir = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let pair = try await Self.connect(
            server: TLSSettings(certificate: path("server.pem"), privateKey: path("server.key"), caCertificate: path("ca.pem"), verifyPeer: true),
            client: TLSSettings(caCertificate: path("ca.pem"), verifyPeer: true))
        #expect(try await LoopbackSessionTests.eventually(1.5) { pair.accepted.logons > 0 } == false)
        pair.initiator.stop()
        try await pair.acceptor.stop()
        try await pair.group.shutdownGracefully()
    }

    /// A server whose certificate has expired: each handshake fails, and each failure is
    /// reported with the address and what is wrong with the certificate, as a failed attempt
    /// (the waits between attempts double).
    @Test(.enabled(if: openssl != nil, "the openssl command is absent: TLS tests skipped"))
    func anExpiredServerCertificateFailsTheHandshakeWithTheReason() async throws {
        let dir = try Self.makeCertificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let failures = ConnectionFailureTests.Failures()
        let pair = try await Self.connect(
            server: TLSSettings(certificate: path("expired.pem"), privateKey: path("server.key"), verifyPeer: false),
            client: TLSSettings(caCertificate: path("ca.pem"), verifyPeer: true), reconnectInterval: .milliseconds(100),
            failures: failures)
        #expect(try await LoopbackSessionTests.eventually { failures.count >= 2 })
        let seen = failures.list
        #expect(seen.first?.stage == .tls)
        #expect(seen.first?.address == "127.0.0.1:\(pair.acceptor.localPort!)")
        #expect(seen.first?.reason == "the peer's certificate has expired (not valid after 20240102-00:00:00 UTC)", "\(seen)")
        #expect(seen.prefix(2).map(\.failures) == [1, 2] && seen.prefix(2).map(\.retryIn) == [.milliseconds(100), .milliseconds(200)])
        #expect(pair.accepted.logons == 0)
        pair.initiator.stop()
        try await pair.acceptor.stop()
        try await pair.group.shutdownGracefully()
    }

    /// A server certificate signed by another authority: the reason says so.
    @Test(.enabled(if: openssl != nil, "the openssl command is absent: TLS tests skipped"))
    func anUntrustedServerCertificateFailsTheHandshakeWithTheReason() async throws {
        let dir = try Self.makeCertificates()
        let other = try Self.makeCertificates()
        defer { for d in [dir, other] { try? FileManager.default.removeItem(at: d) } }
        let failures = ConnectionFailureTests.Failures()
        let pair = try await Self.connect(
            server: TLSSettings(certificate: dir.appendingPathComponent("server.pem").path,
                                privateKey: dir.appendingPathComponent("server.key").path, verifyPeer: false),
            client: TLSSettings(caCertificate: other.appendingPathComponent("ca.pem").path, verifyPeer: true), failures: failures)
        #expect(try await LoopbackSessionTests.eventually { failures.count >= 1 })
        #expect(failures.list.first?.reason.hasPrefix("the peer's certificate is not signed by a trusted authority") == true,
                "\(failures.list)")
        pair.initiator.stop()
        try await pair.acceptor.stop()
        try await pair.group.shutdownGracefully()
    }
}
