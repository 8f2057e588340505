import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Synchronization

/// SIGINT and SIGTERM for a process whose parts run in a `ServiceGroup`: the first signal
/// starts the group's graceful shutdown; a second one ends the process at once, with a one-line
/// message on standard error and the exit status of a process killed by that signal (128 + its
/// number: 130 for SIGINT, 143 for SIGTERM).
///
/// Give the group the same signals as graceful-shutdown signals (``signals``): it then shuts
/// down through its own handlers, and this one also triggers the shutdown, so that a signal
/// that arrives before the group runs (while the process starts) is not lost.
public final class ShutdownSignals: @unchecked Sendable {
    /// The signals handled: SIGINT and SIGTERM.
    public static let signals: [UnixSignal] = [.sigint, .sigterm]

    private struct State {
        var received: [UnixSignal] = []
        var group: ServiceGroup?
    }

    private let state = Mutex(State())
    /// Kept for the life of the object: a source that goes away stops handling its signal.
    private let sources: [any DispatchSourceSignal]
    private let program: String
    private let logger: Logger
    private let forceExit: @Sendable (_ signal: UnixSignal, _ message: String) -> Void

    /// Starts handling SIGINT and SIGTERM; `program` starts the message of a forced exit.
    public convenience init(program: String, logger: Logger) {
        self.init(program: program, logger: logger) { signal, message in
            FileHandle.standardError.write(Data(message.utf8))
            exit(128 + signal.rawValue)
        }
    }

    /// As ``init(program:logger:)``, with what a second signal does instead of ending the
    /// process, and without handling the process's signals unless `installSources` (for tests,
    /// which deliver signals with ``received(_:)``).
    init(program: String, logger: Logger, installSources: Bool = true,
         forceExit: @escaping @Sendable (_ signal: UnixSignal, _ message: String) -> Void) {
        self.program = program
        self.logger = logger
        self.forceExit = forceExit
        let queue = DispatchQueue(label: "mm.shutdown-signals")
        var sources: [any DispatchSourceSignal] = []
        for signal in Self.signals where installSources {
            let source = DispatchSource.makeSignalSource(signal: signal.rawValue, queue: queue)
            sources.append(source)
        }
        self.sources = sources
        for (source, signal) in zip(sources, Self.signals) {
            source.setEventHandler { [weak self] in self?.received(signal) }
            source.resume()
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// The group whose graceful shutdown the first signal starts (at once, when a signal has
    /// already arrived).
    public func attach(_ group: ServiceGroup) {
        let pending = state.withLock { state -> Bool in
            state.group = group
            return !state.received.isEmpty
        }
        if pending { Task { await group.triggerGracefulShutdown() } }
    }

    /// The service group a command runs, attached: the metrics endpoint (when there is one),
    /// `services` in order, and `watcher`, whose end (returning or failing) shuts the group down
    /// gracefully, as the first signal does.
    public func serviceGroup(metrics: (any Service)?, services: [any Service], watcher: any Service,
                             logger: Logger) -> ServiceGroup {
        var all: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let metrics { all.append(.init(service: metrics)) }
        all += services.map { .init(service: $0) }
        all.append(.init(service: watcher, successTerminationBehavior: .gracefullyShutdownGroup,
                         failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: all, gracefulShutdownSignals: Self.signals, logger: logger))
        attach(group)
        return group
    }

    /// The first signal received, if any.
    public var received: UnixSignal? {
        state.withLock { $0.received.first }
    }

    /// Handles `signal` as if it had arrived (what the signal sources call).
    func received(_ signal: UnixSignal) {
        let (count, group) = state.withLock { state -> (Int, ServiceGroup?) in
            state.received.append(signal)
            return (state.received.count, state.group)
        }
        if count == 1 {
            logger.notice("Signal received: shutting down gracefully (a second signal forces exit)",
                          metadata: ["signal": "\(signal)"])
            if let group { Task { await group.triggerGracefulShutdown() } }
        } else if count == 2 {
            forceExit(signal, "\(program): second signal (\(signal)) during shutdown: exiting at once, without waiting for "
                      + "orders to be canceled or stores and logs to be flushed\n")
        }
    }
}
