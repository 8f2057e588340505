import FIX
import FIXSession
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import FIXTransport

/// Sessions over TLS, with client certificates verified, using certificates made for the test
/// with the `openssl` command.
struct TLSTests {
    static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A CA, and a server and a client certificate it signed, in a new directory.
    static func makeCertificates() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fix-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "basicConstraints=CA:FALSE\\nkeyUsage=digitalSignature\\nextendedKeyUsage=serverAuth,clientAuth\\nsubjectAltName=IP:127.0.0.1\\n"
            .replacingOccurrences(of: "\\n", with: "\n")
            .write(to: dir.appendingPathComponent("leaf.ext"), atomically: true, encoding: .utf8)
        func run(_ arguments: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: openssl!)
            p.arguments = arguments
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            if p.terminationStatus != 0 { throw TLSConfigurationError("openssl \(arguments.joined(separator: " ")) failed") }
        }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=FIX Test CA"])
        for name in ["server", "client"] {
            try run(["req"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "leaf.ext"])
        }
        return dir
    }

    struct Pair {
        let group: MultiThreadedEventLoopGroup
        let acceptor: FIXAcceptor
        let initiator: FIXInitiator
        let accepted: LoopbackSessionTests.Recorder
    }

    static func connect(server: TLSSettings, client: TLSSettings) async throws -> Pair {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let dictionary = try DataDictionary.fix44()
        let accepted = LoopbackSessionTests.Recorder()
        let acceptorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "EXCH", targetCompID: "MAKER"), role: .acceptor),
                store: MemoryStore(now: systemNow()), dictionary: dictionary),
            log: MemoryLog(), application: accepted, eventLoop: group.next())
        let acceptor = FIXAcceptor(sessions: [acceptorSession], group: group, port: 0, tls: try FIXTLS.serverContext(server))
        try await acceptor.start()
        let initiatorSession = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"), role: .initiator),
                store: MemoryStore(now: systemNow()), dictionary: dictionary),
            log: MemoryLog(), application: LoopbackSessionTests.Recorder(), eventLoop: group.next())
        let initiator = FIXInitiator(session: initiatorSession, group: group, host: "127.0.0.1", port: acceptor.localPort!,
                                     reconnectInterval: .seconds(5), tls: try FIXTLS.clientContext(client))
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
}
