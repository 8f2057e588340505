import FIX
import Foundation

/// A settings file in QuickFIX's `.cfg` layout, read into typed per-session settings.
///
/// ```
/// # comment (also ; comment)
/// [DEFAULT]
/// ConnectionType=acceptor
/// SenderCompID=EXCH
/// SocketAcceptPort=9880
///
/// [SESSION]
/// TargetCompID=MAKER
/// ```
///
/// - Lines are `Key=Value`, `[DEFAULT]`, `[SESSION]`, blank, or comments starting with `#` or `;`.
///   Whitespace around keys and values is trimmed; a value runs to the end of the line (it may
///   contain `=` and `#`). Keys are case-sensitive, spelled as QuickFIX spells them.
/// - Each `[SESSION]` section is one session. `[DEFAULT]` (at most one, anywhere in the file)
///   holds values every session inherits unless it sets them itself.
/// - Relative paths (stores, logs, dictionary, certificates) are resolved against the directory
///   of the settings file.
///
/// The first problem found is thrown as a ``SettingsError`` naming the file, the line and the
/// key: an unknown key, a bad value (with what was expected), a key given twice in a section, a
/// line before any section, a malformed line, an unknown section, a key a session needs but
/// lacks (at the session's `[SESSION]` line), two sessions with the same ``SessionID``, a missing
/// certificate file, or a file with no session.
public struct SettingsFile: Sendable, Equatable {
    /// The file, as named when it was read.
    public var path: String
    /// The directory relative paths were resolved against.
    public var directory: String
    /// The `[DEFAULT]` section as written: keys and values, trimmed, paths not resolved.
    public var defaults: [String: String]
    /// One entry per `[SESSION]` section, in file order.
    public var sessions: [SessionSettings]

    /// The session with this ID, if the file defines it.
    public func session(_ id: SessionID) -> SessionSettings? {
        sessions.first { $0.sessionID == id }
    }

    /// Reads the settings file at `path`. Relative paths inside it are resolved against the
    /// file's directory (made absolute with the working directory when `path` is relative).
    public static func load(path: String) throws(SettingsError) -> SettingsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError(.cannotRead, path: path, line: 0, reason: "cannot read the file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw SettingsError(.malformed, path: path, line: 0, reason: "not UTF-8 text")
        }
        let absolute = path.hasPrefix("/") ? path : resolveSettingsPath(path, against: FileManager.default.currentDirectoryPath)
        var directory = Substring(absolute)
        if let slash = directory.lastIndex(of: "/") { directory = directory[..<slash] }
        return try parse(text, path: path, directory: directory.isEmpty ? "/" : String(directory))
    }

    /// Reads settings from `text`. `path` names the text in errors; relative paths in values are
    /// resolved against `directory`.
    public static func parse(_ text: String, path: String, directory: String) throws(SettingsError) -> SettingsFile {
        var reader = SettingsReader(path: path, directory: directory)
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on both line ends.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = rawLine
            if lineNumber == 1, line.first == "\u{FEFF}" { line = line.dropFirst() }
            try reader.read(line: line, number: lineNumber)
        }
        let sessions = try reader.sessions()
        guard !sessions.isEmpty else {
            throw SettingsError(.malformed, path: path, line: 0, reason: "no [SESSION] section; a settings file needs at least one session")
        }
        return SettingsFile(path: path, directory: directory, defaults: reader.defaults?.written ?? [:],
                            sessions: sessions)
    }
}

/// One `Key=Value` line, read.
struct SettingEntry: Sendable {
    var key: SettingsKey
    var writtenKey: String
    var value: SettingValue
    var line: Int
}

/// A `[DEFAULT]` or `[SESSION]` section.
struct SettingsSection: Sendable {
    var line: Int
    var entries: [SettingsKey: SettingEntry] = [:]
    var written: [String: String] = [:]
}

/// Reads lines into sections, then sections into sessions.
struct SettingsReader {
    let path: String
    let directory: String
    var defaults: SettingsSection?
    var sessionSections: [SettingsSection] = []
    /// Where the next `Key=Value` line goes.
    private var current: Target?

    private enum Target { case defaults, session }

    init(path: String, directory: String) {
        self.path = path
        self.directory = directory
    }

    private func error(_ code: SettingsError.Code, _ line: Int, _ key: String?, _ reason: String) -> SettingsError {
        SettingsError(code, path: path, line: line, key: key, reason: reason)
    }

    private func error(_ code: SettingsError.Code, _ line: Int, _ reason: String) -> SettingsError {
        SettingsError(code, path: path, line: line, reason: reason)
    }

    mutating func read(line raw: Substring, number: Int) throws(SettingsError) {
        let line = raw.trimmingWhitespace()
        if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { return }

        if line.hasPrefix("[") {
            guard line.hasSuffix("]"), line.count >= 2 else {
                throw error(.malformed, number, "malformed section header; expected [DEFAULT] or [SESSION]")
            }
            let name = line.dropFirst().dropLast().trimmingWhitespace()
            switch name {
            case "DEFAULT":
                if let first = defaults {
                    throw error(.duplicate, number, "a second [DEFAULT] section (the first is on line \(first.line))")
                }
                defaults = SettingsSection(line: number)
                current = .defaults
            case "SESSION":
                sessionSections.append(SettingsSection(line: number))
                current = .session
            default:
                throw error(.malformed, number, "unknown section [\(name)]; expected [DEFAULT] or [SESSION]")
            }
            return
        }

        guard let eq = line.firstIndex(of: "=") else {
            throw error(.malformed, number, "malformed line; expected Key=Value, a [DEFAULT] or [SESSION] header, or a comment")
        }
        let key = String(line[..<eq].trimmingWhitespace())
        let value = String(line[line.index(after: eq)...].trimmingWhitespace())
        guard !key.isEmpty else {
            throw error(.malformed, number, "malformed line; the key before '=' is empty")
        }
        guard let target = current else {
            throw error(.malformed, number, key, "outside any section; put it under [DEFAULT] or [SESSION]")
        }
        guard let settingsKey = SettingsKey(written: key) else {
            throw error(.unknownKey, number, key, SettingsKey.rejection(of: key))
        }
        guard let parsed = settingsKey.kind.read(value, directory: directory) else {
            let shown = value.isEmpty ? "an empty value" : "'\(value)'"
            throw error(.badValue, number, key, "bad value \(shown); expected \(settingsKey.kind.expected)")
        }
        let entry = SettingEntry(key: settingsKey, writtenKey: key, value: parsed, line: number)
        switch target {
        case .defaults: try add(entry, raw: value, to: &defaults!)
        case .session: try add(entry, raw: value, to: &sessionSections[sessionSections.count - 1])
        }
    }

    private func add(_ entry: SettingEntry, raw: String, to section: inout SettingsSection) throws(SettingsError) {
        if let first = section.entries[entry.key] {
            let as_ = first.writtenKey == entry.writtenKey ? "" : " as '\(first.writtenKey)'"
            throw error(.duplicate, entry.line, entry.writtenKey, "given twice in this section (first\(as_) on line \(first.line))")
        }
        section.entries[entry.key] = entry
        section.written[entry.writtenKey] = raw
    }

    /// Every session, with `[DEFAULT]` applied, checked.
    func sessions() throws(SettingsError) -> [SessionSettings] {
        var result: [SessionSettings] = []
        var seen: [SessionID: Int] = [:]
        for section in sessionSections {
            var merged = defaults?.entries ?? [:]
            merged.merge(section.entries) { _, session in session }
            let settings = try SessionBuilder(path: path, sectionLine: section.line, entries: merged).build()
            if let first = seen[settings.sessionID] {
                throw error(.duplicate, section.line, "session \(settings.sessionID) is already defined by the [SESSION] on line \(first)")
            }
            seen[settings.sessionID] = section.line
            result.append(settings)
        }
        return result
    }
}

/// Turns one session's merged entries into ``SessionSettings``.
private struct SessionBuilder {
    let path: String
    let sectionLine: Int
    let entries: [SettingsKey: SettingEntry]

    private func error(_ code: SettingsError.Code, _ line: Int, _ key: String?, _ reason: String) -> SettingsError {
        SettingsError(code, path: path, line: line, key: key, reason: reason)
    }

    private func missing(_ key: SettingsKey, _ why: String = "every session needs it") -> SettingsError {
        error(.missing, sectionLine, key.rawValue, "missing for this session (set it here or under [DEFAULT]); \(why)")
    }

    private func text(_ key: SettingsKey) -> String? {
        if case .text(let v)? = entries[key]?.value { return v }
        return nil
    }

    private func number(_ key: SettingsKey) -> Int? {
        if case .number(let v)? = entries[key]?.value { return v }
        return nil
    }

    private func flag(_ key: SettingsKey) -> Bool? {
        if case .flag(let v)? = entries[key]?.value { return v }
        return nil
    }

    private func time(_ key: SettingsKey) -> TimeOfDay? {
        if case .time(let v)? = entries[key]?.value { return v }
        return nil
    }

    private func day(_ key: SettingsKey) -> Weekday? {
        if case .day(let v)? = entries[key]?.value { return v }
        return nil
    }

    /// Both keys of a pair or neither: names the one given, and the one it lacks.
    private func pair(_ a: SettingsKey, _ b: SettingsKey) throws(SettingsError) {
        switch (entries[a], entries[b]) {
        case (let x?, nil):
            throw error(.missing, x.line, x.writtenKey, "\(b.rawValue) is missing; give both \(a.rawValue) and \(b.rawValue), or neither")
        case (nil, let y?):
            throw error(.missing, y.line, y.writtenKey, "\(a.rawValue) is missing; give both \(a.rawValue) and \(b.rawValue), or neither")
        default: break
        }
    }

    /// The file a path key names must exist (and not be a directory).
    private func requireFile(_ key: SettingsKey) throws(SettingsError) {
        guard let entry = entries[key], case .text(let file) = entry.value else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw error(.unusableReference, entry.line, entry.writtenKey, "file not found: \(file)")
        }
        if isDirectory.boolValue {
            throw error(.unusableReference, entry.line, entry.writtenKey, "\(file) is a directory; expected a file")
        }
    }

    /// `Username` with its password from `PasswordFile` or `PasswordEnv` (exactly one of them),
    /// read now so that a missing file or variable is reported with its line. The password
    /// itself never appears in an error.
    private func credentials() throws(SettingsError) -> LogonCredentials? {
        let file = entries[.passwordFile], env = entries[.passwordEnv]
        guard let user = entries[.username], case .text(let username) = user.value else {
            if let given = file ?? env {
                throw error(.missing, given.line, given.writtenKey, "a password needs Username as well")
            }
            return nil
        }
        let password: String
        switch (file, env) {
        case (nil, nil):
            throw error(.missing, user.line, user.writtenKey, "Username needs its password: give PasswordFile or PasswordEnv")
        case (let f?, let e?):
            throw error(.conflict, max(f.line, e.line), f.line > e.line ? f.writtenKey : e.writtenKey,
                        "give PasswordFile or PasswordEnv, not both")
        case (let f?, nil):
            guard case .text(let path) = f.value, let data = FileManager.default.contents(atPath: path) else {
                throw error(.unusableReference, f.line, f.writtenKey, "cannot read the password file")
            }
            let text = String(decoding: data, as: UTF8.self)
            password = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if password.isEmpty { throw error(.unusableReference, f.line, f.writtenKey, "the password file's first line is empty") }
        case (nil, let e?):
            guard case .text(let name) = e.value, let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw error(.unusableReference, e.line, e.writtenKey, "the environment variable is not set, or empty")
            }
            password = value
        }
        guard password.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else {
            throw error(.badValue, (file ?? env)!.line, (file ?? env)!.writtenKey, "the password holds a control character")
        }
        return LogonCredentials(username: username, password: password)
    }

    func build() throws(SettingsError) -> SessionSettings {
        guard case .connectionType(let type)? = entries[.connectionType]?.value else {
            throw missing(.connectionType, "expected initiator or acceptor")
        }
        guard let sender = text(.senderCompID) else { throw missing(.senderCompID) }
        guard let target = text(.targetCompID) else { throw missing(.targetCompID) }
        let id = SessionID(beginString: text(.beginString) ?? "FIX.4.4", senderCompID: sender, targetCompID: target)

        var s = SessionSettings(sessionID: id, connectionType: type)
        s.sourceLine = sectionLine
        switch type {
        case .initiator:
            guard number(.socketConnectPort) != nil else { throw missing(.socketConnectPort, "an initiator needs the port to connect to") }
        case .acceptor:
            guard number(.socketAcceptPort) != nil else { throw missing(.socketAcceptPort, "an acceptor needs the port to listen on") }
        }
        s.socketConnectPort = number(.socketConnectPort)
        s.socketAcceptPort = number(.socketAcceptPort)
        if let v = text(.socketConnectHost) { s.socketConnectHost = v }
        if let v = text(.socketAcceptAddress) { s.socketAcceptAddress = v }
        if let v = number(.reconnectInterval) { s.reconnectInterval = v }
        if let v = flag(.socketNodelay) { s.socketNodelay = v }
        if let v = flag(.socketReuseAddress) { s.socketReuseAddress = v }

        if let v = number(.heartBtInt) { s.heartBtInt = v }
        if let v = number(.logonTimeout) { s.logonTimeout = v }
        if let v = number(.logoutTimeout) { s.logoutTimeout = v }
        if let v = flag(.resetOnLogon) { s.resetOnLogon = v }
        if let v = flag(.resetOnLogout) { s.resetOnLogout = v }
        if let v = flag(.resetOnDisconnect) { s.resetOnDisconnect = v }
        if let v = flag(.refreshOnLogon) { s.refreshOnLogon = v }
        if let v = number(.resendRequestChunkSize) { s.resendRequestChunkSize = v }
        if let v = flag(.checkLatency) { s.checkLatency = v }
        if let v = number(.maxLatency) { s.maxLatency = v }

        try pair(.startTime, .endTime)
        try pair(.startDay, .endDay)
        if let d = entries[.startDay] ?? entries[.endDay], entries[.startTime] == nil {
            throw error(.missing, d.line, d.writtenKey, "a weekly schedule needs StartTime and EndTime as well")
        }
        s.startTime = time(.startTime)
        s.endTime = time(.endTime)
        s.startDay = day(.startDay)
        s.endDay = day(.endDay)

        s.dataDictionary = text(.dataDictionary)
        if let v = flag(.useDataDictionary) { s.useDataDictionary = v }
        if s.useDataDictionary { try requireFile(.dataDictionary) }
        if let v = flag(.validateFieldsOutOfOrder) { s.validation.checkFieldsOutOfOrder = v }
        if let v = flag(.validateFieldsHaveValues) { s.validation.checkFieldsHaveValues = v }
        if let v = flag(.validateUserDefinedFields) { s.validation.checkUserDefinedFields = v }

        s.credentials = try credentials()

        s.fileStorePath = text(.fileStorePath)
        if case .fsync(let v)? = entries[.fileStoreSync]?.value { s.fsync = v }
        if let v = flag(.persistMessages) { s.persistMessages = v }
        if let v = number(.memoryStoreSize) { s.memoryStoreSize = v }
        s.fileLogPath = text(.fileLogPath)
        if case .compression(let v)? = entries[.fileLogCompression]?.value { s.fileLogCompression = v }
        if let v = flag(.cancelOnDisconnect) { s.cancelOnDisconnect = v }

        if flag(.socketUseSSL) == true {
            let tls = TLSSettings(certificate: text(.sslCertificate), privateKey: text(.sslPrivateKey),
                                  caCertificate: text(.sslCACertificate),
                                  verifyPeer: flag(.sslVerifyPeer) ?? (type == .initiator))
            if type == .acceptor {
                if tls.certificate == nil { throw missing(.sslCertificate, "an acceptor with SocketUseSSL=Y needs its certificate") }
                if tls.privateKey == nil { throw missing(.sslPrivateKey, "an acceptor with SocketUseSSL=Y needs its private key") }
            } else {
                if tls.certificate != nil, tls.privateKey == nil { throw missing(.sslPrivateKey, "SSLCertificate needs its private key") }
                if tls.privateKey != nil, tls.certificate == nil { throw missing(.sslCertificate, "SSLPrivateKey needs its certificate") }
            }
            try requireFile(.sslCertificate)
            try requireFile(.sslPrivateKey)
            try requireFile(.sslCACertificate)
            s.tls = tls
        }
        return s
    }
}

fileprivate extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingWhitespace() -> SubSequence {
        var s = self[...]
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return s
    }
}
