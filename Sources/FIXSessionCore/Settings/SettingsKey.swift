/// The keys a settings file may set, with how each value is read. Spelled, and case-sensitive,
/// as in QuickFIX. `Sessions/README.md` documents them.
enum SettingsKey: String, CaseIterable, Sendable {
    case connectionType = "ConnectionType"
    case beginString = "BeginString"
    case senderCompID = "SenderCompID"
    case targetCompID = "TargetCompID"
    case socketConnectHost = "SocketConnectHost"
    case socketConnectPort = "SocketConnectPort"
    case socketAcceptAddress = "SocketAcceptAddress"
    case socketAcceptPort = "SocketAcceptPort"
    case heartBtInt = "HeartBtInt"
    case reconnectInterval = "ReconnectInterval"
    case startTime = "StartTime"
    case endTime = "EndTime"
    case startDay = "StartDay"
    case endDay = "EndDay"
    case resetOnLogon = "ResetOnLogon"
    case resetOnLogout = "ResetOnLogout"
    case resetOnDisconnect = "ResetOnDisconnect"
    case refreshOnLogon = "RefreshOnLogon"
    case fileStorePath = "FileStorePath"
    case fileStoreSync = "FileStoreSync"
    case fileLogPath = "FileLogPath"
    case fileLogCompression = "FileLogCompression"
    case memoryStoreSize = "MemoryStoreSize"
    case dataDictionary = "DataDictionary"
    case useDataDictionary = "UseDataDictionary"
    case validateFieldsOutOfOrder = "ValidateFieldsOutOfOrder"
    case validateFieldsHaveValues = "ValidateFieldsHaveValues"
    case validateUserDefinedFields = "ValidateUserDefinedFields"
    case persistMessages = "PersistMessages"
    case resendRequestChunkSize = "ResendRequestChunkSize"
    case maxLatency = "MaxLatency"
    case checkLatency = "CheckLatency"
    case logonTimeout = "LogonTimeout"
    case logoutTimeout = "LogoutTimeout"
    case socketUseSSL = "SocketUseSSL"
    case sslCertificate = "SSLCertificate"
    case sslPrivateKey = "SSLPrivateKey"
    case sslCACertificate = "SSLCACertificate"
    case sslVerifyPeer = "SSLVerifyPeer"
    case socketNodelay = "SocketNodelay"
    case socketReuseAddress = "SocketReuseAddress"
    case username = "Username"
    case passwordFile = "PasswordFile"
    case passwordEnv = "PasswordEnv"
    case cancelOnDisconnect = "CancelOnDisconnect"

    /// Other spellings of a key (one setting, two names: giving both in a section is a duplicate).
    static let synonyms: [String: SettingsKey] = ["SendingTimeAccuracy": .maxLatency]

    /// QuickFIX keys this engine recognises but refuses, with the reason.
    static let unsupported: [String: String] = [
        "TimeZone": "not supported: every time in the settings is UTC",
        "UseLocalTime": "not supported: every time in the settings is UTC",
    ]

    /// The key written as `name`, if it is one (exact spelling, or a synonym).
    init?(written name: String) {
        if let k = SettingsKey(rawValue: name) { self = k } else if let k = Self.synonyms[name] { self = k } else { return nil }
    }

    /// Why `name` is not a key: unsupported, or unknown (with a suggestion when only the case
    /// differs from a key's).
    static func rejection(of name: String) -> String {
        if let reason = unsupported[name] { return reason }
        let lower = name.lowercased()
        let all = allCases.map(\.rawValue) + synonyms.keys.sorted() + unsupported.keys.sorted()
        if let close = all.first(where: { $0.lowercased() == lower }) {
            return "unknown key; did you mean '\(close)'? (keys are case-sensitive)"
        }
        return "unknown key"
    }

    /// How the value is read.
    var kind: SettingKind {
        switch self {
        case .connectionType: .connectionType
        case .beginString: .beginString
        case .senderCompID, .targetCompID: .compID
        case .socketConnectHost, .socketAcceptAddress: .host
        case .socketConnectPort, .socketAcceptPort: .port
        case .heartBtInt, .reconnectInterval, .maxLatency, .logonTimeout, .logoutTimeout: .seconds
        case .resendRequestChunkSize: .chunkSize
        case .memoryStoreSize: .bytes
        case .fileLogCompression: .compression
        case .startTime, .endTime: .time
        case .startDay, .endDay: .day
        case .fileStoreSync: .fsync
        case .fileStorePath, .fileLogPath, .dataDictionary, .sslCertificate, .sslPrivateKey, .sslCACertificate,
             .passwordFile: .path
        case .username: .username
        case .passwordEnv: .environmentName
        case .resetOnLogon, .resetOnLogout, .resetOnDisconnect, .refreshOnLogon, .useDataDictionary,
             .validateFieldsOutOfOrder, .validateFieldsHaveValues, .validateUserDefinedFields,
             .persistMessages, .checkLatency, .socketUseSSL, .sslVerifyPeer, .socketNodelay,
             .socketReuseAddress, .cancelOnDisconnect: .flag
        }
    }
}

/// The kinds of value a key takes.
enum SettingKind: Sendable {
    case connectionType, beginString, compID, host, port, seconds, chunkSize, bytes, time, day, fsync, path, flag
    case username, environmentName, compression

    /// What a value must look like, for error messages.
    var expected: String {
        switch self {
        case .connectionType: "initiator or acceptor"
        case .beginString: "FIX.4.4 (the only version supported)"
        case .compID: "a CompID: printable ASCII without spaces, '/' or '\\'"
        case .host: "a host name or IP address"
        case .port: "a TCP port, 1 to 65535"
        case .seconds: "a whole number of seconds, 1 to 2147483647"
        case .chunkSize: "a whole number of messages, 0 (no chunking) to 2147483647"
        case .bytes: "a whole number of bytes, 0 to 2147483647"
        case .time: "a UTC time of day HH:MM:SS"
        case .day: "a day of the week: Sunday to Saturday, or the first two or more letters of one"
        case .fsync: "always, never, or a whole number of milliseconds (1 or more)"
        case .path: "a path"
        case .flag: "Y or N"
        case .username: "a user name: printable ASCII, 1 to 64 characters"
        case .environmentName: "an environment variable's name: letters, digits and '_', not starting with a digit"
        case .compression: "none or gzip"
        }
    }

    /// Reads `text` (already trimmed); nil when it is not a value of this kind. Paths are
    /// resolved against `directory`.
    func read(_ text: String, directory: String) -> SettingValue? {
        switch self {
        case .connectionType:
            return ConnectionType(rawValue: text).map(SettingValue.connectionType)
        case .beginString:
            return text == "FIX.4.4" ? .text(text) : nil
        case .compID:
            let ok = !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") }
            return ok ? .text(text) : nil
        case .host:
            return !text.isEmpty && !text.contains(where: \.isWhitespace) ? .text(text) : nil
        case .port:
            guard let v = settingsWholeNumber(text), (1...65535).contains(v) else { return nil }
            return .number(v)
        case .seconds:
            guard let v = settingsWholeNumber(text), v >= 1 else { return nil }
            return .number(v)
        case .chunkSize, .bytes:
            return settingsWholeNumber(text).map(SettingValue.number)
        case .compression:
            return LogCompression(rawValue: text).map(SettingValue.compression)
        case .time:
            return TimeOfDay(text).map(SettingValue.time)
        case .day:
            return Weekday(name: text).map(SettingValue.day)
        case .fsync:
            return StoreSyncPolicy(settingValue: text).map(SettingValue.fsync)
        case .path:
            return text.isEmpty ? nil : .text(resolveSettingsPath(text, against: directory))
        case .username:
            let ok = (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            return ok ? .text(text) : nil
        case .environmentName:
            let ok = !text.isEmpty && text.utf8.first.map { !(0x30...0x39).contains($0) } == true
                && text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
            return ok ? .text(text) : nil
        case .flag:
            switch text {
            case "Y": return .flag(true)
            case "N": return .flag(false)
            default: return nil
            }
        }
    }
}

/// A value read from a settings line.
enum SettingValue: Sendable, Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case time(TimeOfDay)
    case day(Weekday)
    case fsync(StoreSyncPolicy)
    case connectionType(ConnectionType)
    case compression(LogCompression)
}

/// `path` unchanged when absolute (or when `directory` is empty); otherwise `directory/path`,
/// without leading `./` components.
func resolveSettingsPath(_ path: String, against directory: String) -> String {
    if path.hasPrefix("/") || directory.isEmpty { return path }
    var rest = Substring(path)
    while rest.hasPrefix("./") { rest = rest.dropFirst(2).drop(while: { $0 == "/" }) }
    if rest == "." { rest = "" }
    var dir = Substring(directory)
    while dir.count > 1 && dir.hasSuffix("/") { dir = dir.dropLast() }
    if rest.isEmpty { return String(dir) }
    return dir == "/" ? "/" + rest : dir + "/" + rest
}
