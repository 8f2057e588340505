import FIX
import FIXSessionCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Runs the sessions of a settings file: for each `[SESSION]` a ``FIXSession`` with the store
/// (`FileStorePath`: a ``FileStore``, else a ``MemoryStore``), the log (`FileLogPath`: a
/// ``FileLog``, else none), the data dictionary (`DataDictionary`, else the built-in FIX 4.4
/// one) and the TLS context (`SocketUseSSL`) it names; one ``FIXAcceptor`` per listening
/// address and port, shared by the acceptor sessions on it; one ``FIXInitiator`` per initiator
/// session.
///
/// Everything that can fail is opened in `init`, which throws an ``SettingsError`` naming the
/// settings file and the line of the session concerned.
public final class FIXEngine: @unchecked Sendable {
    /// The settings the engine was built from.
    public let settings: SettingsFile
    /// The sessions, in the order of the file.
    public let sessions: [FIXSession]
    /// The acceptors, one per listening address and port, in the order of their first session.
    public let acceptors: [FIXAcceptor]
    /// The initiators, in the order of the file.
    public let initiators: [FIXInitiator]
    private let stores: [any MessageStore]
    private let logs: [any SessionLog]
    /// The line of each acceptor's first session, for errors.
    private let acceptorLines: [Int]

    /// Builds the sessions of `settings` for `application`, each on an event loop of `group`.
    ///
    /// - Parameters:
    ///   - supportedMessageTypes: the application messages the application handles; others
    ///     get a BusinessMessageReject (nil: all are delivered).
    ///   - configure: a last say on each session's state machine (an authentication hook, a
    ///     resend veto) before it is used.
    ///   - logger: where acceptors log refused connections and logons.
    ///   - committer: syncs the file stores and logs off the event loops (see ``FIXSession``).
    public init(settings: SettingsFile, application: any FIXApplication, group: EventLoopGroup,
                supportedMessageTypes: Set<String>? = nil,
                configure: (SessionSettings, inout SessionStateMachine) -> Void = { _, _ in },
                logger: Logger = Logger(label: "fix.engine", factory: { _ in SwiftLogNoOpLogHandler() }),
                committer: GroupCommit = .shared,
                now: UTCTimestamp = systemNow()) throws(SettingsError) {
        self.settings = settings
        var dictionaries: [String: DataDictionary] = [:]
        var sessions: [FIXSession] = []
        var stores: [any MessageStore] = []
        var logs: [any SessionLog] = []
        var initiators: [FIXInitiator] = []
        /// Acceptor sessions by listening address, in the order first seen.
        var listeners: [(address: String, port: Int, tls: TLSSettings?, line: Int, noDelay: Bool, reuseAddress: Bool,
                         logonTimeout: Int, sessions: [FIXSession])] = []

        func failure(_ code: SettingsError.Code, _ s: SessionSettings, _ key: String?, _ reason: String) -> SettingsError {
            SettingsError(code, path: settings.path, line: s.sourceLine, sessionID: s.sessionID, key: key, reason: reason)
        }
        do throws(SettingsError) {
            for s in settings.sessions {
                let dictionary: DataDictionary
                do {
                    if let path = s.dataDictionary {
                        if let known = dictionaries[path] {
                            dictionary = known
                        } else {
                            dictionary = try DataDictionary(contentsOfFile: path)
                            dictionaries[path] = dictionary
                        }
                    } else {
                        dictionary = try DataDictionary.fix44()
                    }
                } catch {
                    throw failure(.cannotStart, s, "DataDictionary", "\(error)")
                }
                let store: any MessageStore
                if let directory = s.fileStorePath {
                    do {
                        store = try FileStore(directory: directory, sessionID: s.sessionID, sync: s.fsync, now: now)
                    } catch {
                        throw failure(.cannotStart, s, "FileStorePath", "\(error)")
                    }
                } else {
                    store = MemoryStore(now: now, capacity: s.memoryStoreSize)
                }
                stores.append(store)
                let log: any SessionLog
                if let directory = s.fileLogPath {
                    do {
                        log = try FileLog(directory: directory, sessionID: s.sessionID, compression: s.fileLogCompression)
                    } catch {
                        throw failure(.cannotStart, s, "FileLogPath", "\(error)")
                    }
                } else {
                    log = NullLog()
                }
                logs.append(log)
                var machine = SessionStateMachine(
                    configuration: SessionConfiguration(s, supportedMessageTypes: supportedMessageTypes),
                    store: store, dictionary: dictionary)
                configure(s, &machine)
                let session = FIXSession(machine: machine, log: log, application: application, eventLoop: group.next(),
                                         committer: committer)
                sessions.append(session)

                switch s.connectionType {
                case .initiator:
                    guard let port = s.socketConnectPort else {
                        throw failure(.missing, s, "SocketConnectPort", "an initiator needs the port to connect to")
                    }
                    var tls: NIOSSLContext?
                    if let t = s.tls {
                        do { tls = try FIXTLS.clientContext(t) } catch { throw failure(.cannotStart, s, "SocketUseSSL", "\(error)") }
                    }
                    initiators.append(FIXInitiator(session: session, group: group, host: s.socketConnectHost, port: port,
                                                   reconnectInterval: .seconds(Int64(s.reconnectInterval)), tls: tls,
                                                   noDelay: s.socketNodelay))
                case .acceptor:
                    guard let port = s.socketAcceptPort else {
                        throw failure(.missing, s, "SocketAcceptPort", "an acceptor needs the port to listen on")
                    }
                    // Port 0 (any free port) is a listener of its own for each session.
                    if port != 0, let i = listeners.firstIndex(where: { $0.address == s.socketAcceptAddress && $0.port == port }) {
                        guard listeners[i].tls == s.tls else {
                            throw failure(.conflict, s, "SocketUseSSL", "sessions on \(s.socketAcceptAddress):\(port) must share their TLS "
                                          + "settings (as the session at line \(listeners[i].line) has them)")
                        }
                        guard listeners[i].noDelay == s.socketNodelay, listeners[i].reuseAddress == s.socketReuseAddress else {
                            throw failure(.conflict, s, "SocketNodelay", "sessions on \(s.socketAcceptAddress):\(port) must share SocketNodelay and "
                                          + "SocketReuseAddress (as the session at line \(listeners[i].line) has them)")
                        }
                        listeners[i].sessions.append(session)
                        listeners[i].logonTimeout = max(listeners[i].logonTimeout, s.logonTimeout)
                    } else {
                        listeners.append((s.socketAcceptAddress, port, s.tls, s.sourceLine, s.socketNodelay, s.socketReuseAddress,
                                          s.logonTimeout, [session]))
                    }
                }
            }
            var acceptors: [FIXAcceptor] = []
            for listener in listeners {
                var tls: NIOSSLContext?
                if let t = listener.tls {
                    do {
                        tls = try FIXTLS.serverContext(t)
                    } catch {
                        throw SettingsError(.cannotStart, path: settings.path, line: listener.line, sessionID: nil,
                                             key: "SocketUseSSL", reason: "\(error)")
                    }
                }
                acceptors.append(FIXAcceptor(sessions: listener.sessions, group: group, host: listener.address,
                                             port: listener.port, tls: tls, noDelay: listener.noDelay,
                                             reuseAddress: listener.reuseAddress,
                                             logonTimeout: .seconds(Int64(min(listener.logonTimeout, 86_400))), logger: logger))
            }
            self.acceptors = acceptors
            self.acceptorLines = listeners.map(\.line)
        } catch {
            for store in stores { (store as? FileStore).map { try? $0.close() } }
            for log in logs { (log as? FileLog)?.close() }
            throw error
        }
        self.sessions = sessions
        self.stores = stores
        self.logs = logs
        self.initiators = initiators
    }

    /// The session named `id`.
    public func session(_ id: SessionID) -> FIXSession? {
        sessions.first { $0.id == id }
    }

    /// Starts listening (acceptors) and connecting (initiators).
    /// A port that cannot be listened on fails with a ``SettingsError`` naming the settings
    /// file, the line of the first session on it, the address and the reason.
    public func start() async throws {
        for (acceptor, line) in zip(acceptors, acceptorLines) {
            do {
                try await acceptor.start()
            } catch let error as FIXAcceptorError {
                throw SettingsError(.cannotStart, path: settings.path, line: line, sessionID: nil, key: "SocketAcceptPort",
                                     reason: error.description)
            }
        }
        for initiator in initiators { initiator.start() }
    }

    /// Logs every session out, waits up to `timeout` for the connections to close, then makes
    /// the stores and logs durable and closes them.
    public func stop(timeout: Duration = .seconds(5)) async throws {
        for initiator in initiators { initiator.stop() }
        for acceptor in acceptors { try await acceptor.stop() }
        let deadline = ContinuousClock.now + timeout
        for session in sessions {
            while ContinuousClock.now < deadline {
                let connected = try await session.eventLoop.submit { session.isConnected }.get()
                if !connected { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        for session in sessions { session.disconnect() }
        // The stores and logs are used on the sessions' event loops only: closed there, so the
        // hand-over to the loop is safe though they are not Sendable.
        for (index, session) in sessions.enumerated() {
            nonisolated(unsafe) let store = stores[index]
            nonisolated(unsafe) let log = logs[index]
            try await session.eventLoop.submit {
                try? store.flush()
                (store as? FileStore).map { try? $0.close() }
                log.flush()
                (log as? FileLog)?.close()
            }.get()
        }
    }
}
