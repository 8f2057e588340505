import Foundation
import Testing

/// `mm exchange` run as a user would: errors name what is wrong; a run starts, reports and stops.
struct ExchangeCommandTests {
    static func run(_ arguments: [String]) throws -> DecodeCommandTests.Result {
        try DecodeCommandTests.run(["exchange"] + arguments)
    }

    static func settings(port: Int, extra: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-exchange-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("exchange.cfg")
        try """
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EXCH
            SocketAcceptPort=\(port)
            \(extra)
            [SESSION]
            TargetCompID=MAKER
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// A free local port (bound, then released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func badOptionsAndSettingsAreNamed() throws {
        let rc = try Self.run(["--rc", "1.5"])
        #expect(rc.status == 64 && rc.stderr.contains("--rc must be between 0 and 1"))
        let speed = try Self.run(["--speed", "fast"])
        #expect(speed.status == 64 && speed.stderr.contains("--speed"))
        let data = try Self.run(["--data", "x.csv"])
        #expect(data.status == 64 && data.stderr.contains("--data needs --format"))
        let file = try Self.settings(port: 9880, extra: "HeartBtInt=often")
        let bad = try Self.run(["--config", file.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(file.path):5: key 'HeartBtInt'"), "\(bad.stderr)")
        let missing = try Self.run(["--config", try Self.settings(port: 9880).path, "--format", "trades", "--data", "/nonexistent.csv",
                                    "--symbol", "X", "--tick-size", "0.5"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent.csv: cannot open"), "\(missing.stderr)")
    }

    @Test func runsAndStops() throws {
        let file = try Self.settings(port: Self.freePort())
        let r = try Self.run(["--config", file.path, "--format", "synthetic", "--speed", "max", "--duration", "1.5",
                              "--status-interval", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("listening on port"))
        #expect(r.stdout.contains("for EXCH->MAKER"))
        #expect(r.stdout.contains("status: sessions 0/1 logged on, orders 0, fills 0, rejects 0, replay"))
        #expect(r.stdout.contains("stopping:"))
    }
}
