import Foundation
import Synchronization
import Testing

/// The operations side of `mm`, run as a user would: `--log-level`, the metrics endpoint of
/// `mm exchange`, and `mm paper` stopped by signals.
@Suite(.serialized)
struct OperationsCommandTests {
    @Test func badLogLevelsAndMetricsPortsAreNamed() throws {
        for command in ["exchange", "paper", "quote"] {
            let r = try DecodeCommandTests.run([command, "--log-level", "loud"])
            #expect(r.status == 64, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("The value 'loud' is invalid for '--log-level <level>'"), "\(command): \(r.stderr)")
            let values = r.stderr.split(separator: "\n").filter { $0.hasPrefix("  - ") }.map { $0.dropFirst(4) }
            #expect(values == ["trace", "debug", "info", "notice", "warning", "error", "critical"], "\(r.stderr)")
        }
        let port = try DecodeCommandTests.run(["exchange", "--metrics-port", "70000"])
        #expect(port.status == 64 && port.stderr.contains("--metrics-port must be 0 to 65535"), "\(port.stderr)")
        let help = try DecodeCommandTests.run(["help", "paper"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("--log-level <level> Least severe log messages written to standard error. (values: trace, debug, info, "
                               + "notice, warning, error, critical; default: info)"), "\(help.stdout)")
        #expect(help.stdout.contains("--metrics-port <port>") && help.stdout.contains("--metrics-host <address>"))
    }

    @Test func theLogLevelSetsWhatIsLogged() throws {
        let file = try ExchangeCommandTests.settings(port: ExchangeCommandTests.freePort())
        let quiet = try DecodeCommandTests.run(["exchange", "--config", file.path, "--duration", "0.5", "--log-level", "error"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        let chatty = try DecodeCommandTests.run(["exchange", "--config", file.path, "--duration", "0.5", "--log-level", "debug"])
        #expect(chatty.status == 0, "\(chatty.stderr)")
        #expect(chatty.stderr.contains(" info mm.exchange: "), "\(chatty.stderr)")
        #expect(chatty.stderr.contains("Exchange stopped: stores and logs flushed"), "\(chatty.stderr)")
    }

    @Test func theExchangeServesItsMetrics() throws {
        let file = try ExchangeCommandTests.settings(port: ExchangeCommandTests.freePort())
        let metricsPort = ExchangeCommandTests.freePort()
        let exchange = RunningMM(["exchange", "--config", file.path, "--format", "synthetic", "--speed", "max",
                                  "--duration", "3", "--metrics-port", "\(metricsPort)"])
        try exchange.start()
        defer { exchange.kill(SIGKILL) }

        var scrape: HTTPGet.Reply?
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let reply = HTTPGet.get(port: metricsPort, path: "/metrics"),
               (reply.body.metricValue("mm_exchange_replayed_events_total") ?? 0) > 0 {
                scrape = reply
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let reply = try #require(scrape, "no scrape: \(exchange.stderr)")
        #expect(reply.status == 200)
        #expect(reply.headers.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
        #expect(reply.body.contains("# HELP mm_exchange_orders_total NewOrderSingle messages the exchange received.\n"))
        #expect(reply.body.contains("# TYPE mm_exchange_orders_total counter\n"))
        #expect(reply.body.metricValue("mm_exchange_orders_total") == 0)
        #expect(reply.body.metricValue("mm_exchange_sessions") == 1)
        #expect(reply.body.metricValue(#"mm_fix_session_logged_on{session="EXCH->MAKER"}"#) == 0)
        #expect(HTTPGet.get(port: metricsPort, path: "/other")?.status == 404)

        let status = exchange.wait(seconds: 20)
        #expect(status == 0, "\(exchange.stderr)")
        #expect(exchange.stdout.contains("stopping: sessions 0/1 logged on"))
        #expect(exchange.stderr.contains("Metrics endpoint listening") && exchange.stderr.contains("url=http://127.0.0.1:\(metricsPort)/metrics"),
                "\(exchange.stderr)")
    }

    @Test func paperStopsGracefullyOnSigterm() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paper = RunningMM(["paper", "--json", "--log-dir", dir.path])
        try paper.start()
        defer { paper.kill(SIGKILL) }
        #expect(paper.waitForStderr("replayed ", seconds: 30), "\(paper.stderr)")
        paper.kill(SIGTERM)
        let status = paper.wait(seconds: 30)
        #expect(status == 0, "\(paper.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(paper.stdout.utf8)) as? [String: Any], "\(paper.stdout)")
        #expect((json["ordersSent"] as? Int ?? 0) > 0)
        #expect(json["fills"] is Int)
        #expect(paper.stderr.contains("mm paper: stopped by SIGTERM after "), "\(paper.stderr)")
        #expect(paper.stderr.contains("Market maker stopped: logged out, stores and logs flushed"))
        // The logs are flushed (to the end of their gzip stream): both sides logged the Logout
        // handshake.
        for (side, name) in [("maker", "MAKER-EXCH"), ("exchange", "EXCH-MAKER")] {
            let decoded = try DecodeCommandTests.run(["decode", dir.appendingPathComponent("\(side)/FIX.4.4-\(name).messages.log.gz").path])
            #expect(decoded.status == 0, "\(decoded.stderr)")
            let logouts = decoded.stdout.split(separator: "\n").filter { $0.hasPrefix("#") && $0.hasSuffix(": 5 Logout") }
            #expect(logouts.count == 2, "\(side): \(logouts.count) Logout messages")
        }
    }

    @Test func aSecondSignalForcesExit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mm-paper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let paper = RunningMM(["paper", "--json", "--log-dir", dir.path])
        try paper.start()
        defer { paper.kill(SIGKILL) }
        #expect(paper.waitForStderr("replayed ", seconds: 30), "\(paper.stderr)")
        // Two signals of different kinds, so that the second is never merged into the first.
        paper.kill(SIGTERM)
        paper.kill(SIGINT)
        let status = paper.wait(seconds: 30)
        #expect(status == 130 || status == 143, "\(String(describing: status)) \(paper.stderr)")
        #expect(paper.stderr.contains("mm paper: second signal (SIG"), "\(paper.stderr)")
        #expect(paper.stderr.contains("during shutdown: exiting at once"))
        #expect(paper.stdout.isEmpty)
    }
}

/// `mm` running in the background, its output collected as it comes.
final class RunningMM: Sendable {
    /// Output read so far.
    final class Buffer: Sendable {
        let data = Mutex(Data())
    }

    private let process = Process()
    private let out = Buffer()
    private let err = Buffer()
    private let arguments: [String]

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    func start() throws {
        process.executableURL = try DecodeCommandTests.mmBinary()
        process.arguments = arguments
        process.currentDirectoryURL = DecodeCommandTests.root
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for (pipe, buffer) in [(stdout, out), (stderr, err)] {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.data.withLock { $0.append(chunk) }
                }
            }
        }
    }

    var stdout: String { out.data.withLock { String(decoding: $0, as: UTF8.self) } }
    var stderr: String { err.data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Sends `signal` while the process runs.
    func kill(_ signal: Int32) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits until standard error contains `text`; false after `seconds` or when the process ended.
    func waitForStderr(_ text: String, seconds: Double) -> Bool {
        waitFor(text, in: { self.stderr }, seconds: seconds)
    }

    /// Waits until standard output contains `text`; false after `seconds` or when the process ended.
    func waitForStdout(_ text: String, seconds: Double) -> Bool {
        waitFor(text, in: { self.stdout }, seconds: seconds)
    }

    private func waitFor(_ text: String, in output: () -> String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output().contains(text) { return true }
            if !process.isRunning { return output().contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Once more: a busy machine may have kept this thread from looking in time.
        return output().contains(text)
    }

    /// The exit status once the process has ended (and its output has been read), or nil after `seconds`.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        return process.terminationStatus
    }
}

/// A plain HTTP/1.1 GET over a socket to 127.0.0.1.
enum HTTPGet {
    struct Reply {
        var status: Int
        var headers: String
        var body: String
    }

    /// The response to `GET path`, or nil when nothing listens or the answer is not HTTP.
    static func get(port: Int, path: String) -> Reply? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<split.lowerBound])
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        return Reply(status: status, headers: head, body: String(text[split.upperBound...]))
    }
}

extension String {
    /// The value of the sample line `series` (name and labels, as written) in an exposition.
    func metricValue(_ series: String) -> Double? {
        for line in split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
