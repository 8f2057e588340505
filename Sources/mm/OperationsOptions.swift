import ArgumentParser
import Foundation
import Logging
import Operations
import Prometheus
import Synchronization

/// How the engine is run and watched, shared by `mm paper`, `mm quote` and `mm exchange`: the
/// log level and the Prometheus metrics endpoint.
struct OperationsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Least severe log messages written to standard error.",
                               valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://<metrics-host>:<port>/metrics (0: any free port, logged at start). Default: no metrics endpoint.",
                               valueName: "port"))
    var metricsPort: Int?

    @Option(help: ArgumentHelp("Address the metrics endpoint listens on (0.0.0.0: every interface).", valueName: "address"))
    var metricsHost = "127.0.0.1"

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be 0 to 65535")
        }
        if metricsHost.isEmpty || metricsHost.contains(where: \.isWhitespace) {
            throw ValidationError("--metrics-host must be a host name or IP address")
        }
    }

    /// The process's logger: log messages at `--log-level` and above go to standard error.
    /// Sets up swift-log for the process on first use.
    func logger(_ label: String) -> Logger {
        let level = logLevel
        Self.bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    private static let bootstrapped = Mutex(false)

    /// The metrics exporter and its endpoint, when `--metrics-port` is given; the exporter is
    /// also the process's swift-metrics backend. Fails with a clear message when the endpoint
    /// cannot listen.
    func metricsEndpoint(command: String, logger: Logger,
                         collectors: (PrometheusCollectorRegistry) -> [any MetricsCollector]) async -> MetricsServer? {
        guard let metricsPort else { return nil }
        let exporter = MetricsExporter(logger: logger)
        exporter.bootstrapMetricsSystem()
        for collector in collectors(exporter.registry) { await exporter.add(collector) }
        let server = MetricsServer(host: metricsHost, port: metricsPort, exporter: exporter, logger: logger)
        do {
            try await server.start()
        } catch {
            FileHandle.standardError.write(Data("mm \(command): \(error)\n".utf8))
            Foundation.exit(2)
        }
        return server
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
