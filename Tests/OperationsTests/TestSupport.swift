import MakerCore
import MakerFIX
import Exchange
import MarketData
import ExchangeGateway
import FIXSessionCore
import FIXTransport
import Foundation
import Logging
import NIOCore
import NIOPosix
import Operations
import Risk
import Synchronization
import Testing
/// Log records kept in memory, for checking what was logged.
final class LogCapture: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    let records = Mutex<[Record]>([])

    /// A logger at `level` whose records land here.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    func messages(at level: Logger.Level? = nil) -> [Record] {
        records.withLock { all in all.filter { level == nil || $0.level == level } }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all: [String: String] = [:]
            for (k, v) in metadata { all[k] = "\(v)" }
            for (k, v) in event.metadata ?? [:] { all[k] = "\(v)" }
            let record = Record(level: event.level, message: "\(event.message)", metadata: all)
            capture.records.withLock { $0.append(record) }
        }
    }
}

/// A logger that drops everything.
let quietLogger = Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }

/// The simulated exchange replaying a synthetic market and the market maker quoting against it
/// over a FIX session on 127.0.0.1, both on the exchange's event loop (as `mm paper` runs
/// them), with file logs in a temporary directory.
struct PaperSetup {
    let exchange: ExchangeLifecycle
    let marketMaker: MarketMakerLifecycle
    let logs: URL

    /// `pace`: times the synthetic market's recorded pace; `limits`: the market maker's risk limits.
    init(pace: Double = 200, limits: RiskLimitsChoice = .none, logger: Logger = quietLogger) async throws {
        logs = FileManager.default.temporaryDirectory.appendingPathComponent("operations-\(UUID().uuidString)")
        let instrument = SyntheticMarket.defaultInstrument
        let source = SyntheticMarket(SyntheticMarket.Parameters(days: 1, eventsPerDay: 20_000))
        let exchangeSettings = try SettingsFile.parse("""
            [SESSION]
            ConnectionType=acceptor
            SenderCompID=EXCH
            TargetCompID=MAKER
            SocketAcceptPort=9881
            ResetOnLogon=Y
            FileLogPath=\(logs.path)/exchange
            """, path: "<test>", directory: logs.path)
        var settings = exchangeSettings
        settings.sessions[0].socketAcceptPort = 0
        let service = try ExchangeService(settings: settings, market: .replay(
            source: source, instrument: instrument, rankCoefficient: 1, queueModel: PowerProbabilityQueueModel(),
            speed: .pace(pace), eventsPerBatch: 64, lockstep: false),
            wrapApplication: { SessionEventLogger($0, logger: logger) }) { _ in }
        exchange = ExchangeLifecycle(exchange: service, stopTimeout: .seconds(5), logger: logger)
        try await exchange.start()
        let port = try #require(service.ports.first)
        let application = FIXMarketMaker(maker: MarketMaker(configuration: MarketMakerConfiguration(
            instrument: instrument, limits: limits.limits)))
        let makerSettings = try SettingsFile.parse("""
            [SESSION]
            ConnectionType=initiator
            SenderCompID=MAKER
            TargetCompID=EXCH
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port)
            ReconnectInterval=1
            ResetOnLogon=Y
            FileLogPath=\(logs.path)/maker
            """, path: "<test>", directory: logs.path)
        let engine = try FIXEngine(settings: makerSettings, application: SessionEventLogger(application, logger: logger),
                                   group: service.eventLoop)
        marketMaker = MarketMakerLifecycle(application: application, engine: engine, logger: logger)
        try await marketMaker.start()
    }

    /// Waits (up to `seconds`) until `condition` holds on the market maker's figures. The
    /// figures are read once more after the deadline: a test runner too busy to wake this task
    /// in time must not turn a condition that holds into a failure.
    func waitForMaker(seconds: Double = 20, _ condition: (MarketMakerFigures) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition(try await marketMaker.figures().0) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition(try await marketMaker.figures().0)
    }

    /// Both sides stopped (when a test did not), and the logs removed.
    func tearDown() async {
        try? await marketMaker.stop()
        try? await exchange.stop()
        try? FileManager.default.removeItem(at: logs)
    }

    /// The text of a FIX message log, SOH shown as `|`.
    func messageLog(_ side: String, _ name: String) throws -> String {
        let data = try Data(contentsOf: logs.appendingPathComponent("\(side)/FIX.4.4-\(name).messages.log"))
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{1}", with: "|")
    }
}

/// Risk limits for a test's market maker.
enum RiskLimitsChoice {
    case none
    /// No order passes: every order is above the largest quantity (0 lots).
    case denyEveryOrder

    var limits: RiskLimits {
        switch self {
        case .none: .unlimited
        case .denyEveryOrder: RiskLimits(maxOrderQuantity: 0)
        }
    }
}

/// An HTTP response: status code, headers (names lowercased) and body.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// Sends one HTTP/1.1 request to 127.0.0.1:`port` and reads the response until the server closes.
func httpRequest(port: Int, method: String = "GET", path: String) async throws -> HTTPReply {
    let collected = ByteCollector.Bytes()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteCollector(collected))
            }
        }
        .connect(host: "127.0.0.1", port: port).get()
    var request = channel.allocator.buffer(capacity: 128)
    request.writeString("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
    try await channel.writeAndFlush(request).get()
    try await channel.closeFuture.get()
    let text = String(decoding: collected.value.withLock { $0 }, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { throw HTTPTestError(text: text) }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let statusParts = head.first?.split(separator: " ") ?? []
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPTestError(text: text) }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
    }
    return HTTPReply(status: status, headers: headers, body: String(text[split.upperBound...]))
}

struct HTTPTestError: Error, CustomStringConvertible {
    var text: String
    var description: String { "not an HTTP response: \(text)" }
}

/// Keeps every byte a connection receives.
final class ByteCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    /// The bytes received.
    final class Bytes: Sendable {
        let value = Mutex<[UInt8]>([])
    }

    let bytes: Bytes

    init(_ bytes: Bytes) {
        self.bytes = bytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        bytes.value.withLock { $0.append(contentsOf: buffer.readableBytesView) }
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
