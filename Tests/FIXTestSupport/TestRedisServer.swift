import Foundation

/// Why a test's redis-server did not start.
public struct TestRedisServerError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// A redis-server of the test's own on a free port of 127.0.0.1, without persistence; stopped
/// (and restartable) by the test.
public final class TestRedisServer: @unchecked Sendable {
    /// The redis-server found on the PATH, or nil.
    public static let executable: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let path = "\(dir)/redis-server"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }()

    public static var available: Bool { executable != nil }

    public private(set) var port: Int = 0
    private var process: Process?

    /// Ports given to this process's servers: tests run at once never share one (a server that
    /// another test kills would fail both).
    private static let taken = NSLock()
    nonisolated(unsafe) private static var ports = Set<Int>()

    public init() throws {
        var attempt = 0
        while true {
            let candidate = Self.freePort()
            Self.taken.lock()
            let fresh = Self.ports.insert(candidate).inserted
            Self.taken.unlock()
            guard fresh else { continue }
            port = candidate
            do {
                try start()
                return
            } catch {
                // Another process took the port between the check and the bind: another port.
                attempt += 1
                if attempt == 5 { throw error }
            }
        }
    }

    public func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable!)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready when it accepts connections, and it is ours: a server that could not bind the
        // port has exited.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !p.isRunning {
                process = nil
                throw TestRedisServerError(reason: "redis-server exited at start on port \(port) (taken?)")
            }
            if Self.accepts(port) && p.isRunning { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestRedisServerError(reason: "redis-server did not start on port \(port) in 10 s")
    }

    /// SIGKILL, as a crash.
    public func kill() {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    deinit { kill() }

    public static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

