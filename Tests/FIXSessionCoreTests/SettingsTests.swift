import FIX
import Foundation
import Testing

@testable import FIXSessionCore

@Suite("Settings files")
struct SettingsTests {

    // MARK: Helpers

    /// The repository root (three levels above this file).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func parse(_ text: String, directory: String = "/cfg") throws(SettingsError) -> SettingsFile {
        try SettingsFile.parse(text, path: "t.cfg", directory: directory)
    }

    /// The error `text` fails with; nil when it parses.
    static func failure(_ text: String, directory: String = "/cfg") -> SettingsError? {
        do {
            _ = try parse(text, directory: directory)
            return nil
        } catch {
            return error
        }
    }

    /// A valid initiator file of 6 lines, ending in its `[SESSION]` header (line 6).
    static let initiator = """
        [DEFAULT]
        ConnectionType=initiator
        SenderCompID=MM
        TargetCompID=EX
        SocketConnectPort=5001
        [SESSION]

        """

    /// A valid acceptor file of 6 lines, ending in its `[SESSION]` header (line 6).
    static let acceptor = """
        [DEFAULT]
        ConnectionType=acceptor
        SenderCompID=EX
        TargetCompID=MM
        SocketAcceptPort=6001
        [SESSION]

        """

    static func only(_ text: String, directory: String = "/cfg") throws -> SessionSettings {
        let file = try parse(text, directory: directory)
        try #require(file.sessions.count == 1)
        return file.sessions[0]
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func ts(_ text: String) -> UTCTimestamp { UTCTimestamp(text)! }

    // MARK: Sections and inheritance

    @Test func defaultIsInheritedAndOverridden() throws {
        let file = try Self.parse("""
            # a comment
            ; another comment
            [DEFAULT]
              ConnectionType = acceptor\t
            SenderCompID=EXCH
            SocketAcceptPort=9880
            HeartBtInt=20
            FileStorePath=store

            [SESSION]
            TargetCompID=MAKER

            [SESSION]
            TargetCompID=MAKER2
            HeartBtInt=45
            SocketAcceptPort=9881
            FileStorePath=/abs/store
            """)
        #expect(file.path == "t.cfg")
        #expect(file.directory == "/cfg")
        #expect(file.defaults == ["ConnectionType": "acceptor", "SenderCompID": "EXCH", "SocketAcceptPort": "9880",
                                  "HeartBtInt": "20", "FileStorePath": "store"])
        #expect(file.sessions.count == 2)
        let a = file.sessions[0], b = file.sessions[1]
        #expect(a.sessionID == SessionID(senderCompID: "EXCH", targetCompID: "MAKER"))
        #expect(a.connectionType == .acceptor)
        #expect(a.heartBtInt == 20)
        #expect(a.socketAcceptPort == 9880)
        #expect(a.fileStorePath == "/cfg/store")
        #expect(a.sourceLine == 10)
        #expect(b.sessionID == SessionID(senderCompID: "EXCH", targetCompID: "MAKER2"))
        #expect(b.heartBtInt == 45)
        #expect(b.socketAcceptPort == 9881)
        #expect(b.fileStorePath == "/abs/store")
        #expect(b.sourceLine == 13)
        #expect(file.session(b.sessionID) == b)
        #expect(file.session(SessionID(senderCompID: "X", targetCompID: "Y")) == nil)
    }

    @Test func defaultMayComeAfterTheSessions() throws {
        let s = try Self.only("""
            [SESSION]
            TargetCompID=B
            [DEFAULT]
            ConnectionType=initiator
            SenderCompID=A
            SocketConnectPort=1
            """)
        #expect(s.sessionID == SessionID(senderCompID: "A", targetCompID: "B"))
        #expect(s.sourceLine == 1)
    }

    @Test func noDefaultSectionAtAll() throws {
        let file = try Self.parse("""
            [SESSION]
            ConnectionType=initiator
            SenderCompID=A
            TargetCompID=B
            SocketConnectPort=1
            """)
        #expect(file.defaults.isEmpty)
        #expect(file.sessions.count == 1)
    }

    @Test func crlfLineEndsBOMAndValuesWithEqualsSigns() throws {
        let text = "\u{FEFF}[DEFAULT]\r\nConnectionType=initiator\r\nSenderCompID=A\r\nTargetCompID=B\r\n"
            + "SocketConnectPort=1\r\nFileLogPath=logs/a=b#c\r\n[SESSION]\r\n"
        let s = try Self.only(text)
        #expect(s.fileLogPath == "/cfg/logs/a=b#c")
        #expect(s.sourceLine == 7)
    }

    // MARK: Keys and defaults

    @Test func minimalInitiatorHasEveryDefault() throws {
        let s = try Self.only(Self.initiator)
        var expected = SessionSettings(sessionID: SessionID(senderCompID: "MM", targetCompID: "EX"),
                                       connectionType: .initiator, socketConnectPort: 5001)
        expected.sourceLine = 6
        #expect(s == expected)

        #expect(s.sessionID.beginString == "FIX.4.4")
        #expect(s.socketConnectHost == "127.0.0.1")
        #expect(s.socketAcceptAddress == "127.0.0.1")
        #expect(s.socketAcceptPort == nil)
        #expect(s.heartBtInt == 30)
        #expect(s.reconnectInterval == 30)
        #expect(s.startTime == nil && s.endTime == nil && s.startDay == nil && s.endDay == nil)
        #expect(s.schedule == .always)
        #expect(!s.resetOnLogon && !s.resetOnLogout && !s.resetOnDisconnect && !s.refreshOnLogon)
        #expect(s.fileStorePath == nil)
        #expect(s.fileLogPath == nil)
        #expect(s.dataDictionary == nil)
        #expect(s.useDataDictionary)
        #expect(s.validation == ValidationSettings(checkFieldsOutOfOrder: true, checkFieldsHaveValues: true,
                                                   checkUserDefinedFields: true))
        #expect(s.persistMessages)
        #expect(s.resendRequestChunkSize == 0)
        #expect(s.maxLatency == 120)
        #expect(s.checkLatency)
        #expect(s.logonTimeout == 10)
        #expect(s.logoutTimeout == 2)
        #expect(s.fsync == .always)
        #expect(s.tls == nil)
        #expect(s.socketNodelay)
        #expect(s.socketReuseAddress)
        #expect(!s.cancelOnDisconnect)
    }

    /// `CancelOnDisconnect`: per session, inherited from [DEFAULT] like any key, Y or N only.
    @Test func cancelOnDisconnect() throws {
        let file = try Self.parse(Self.acceptor + "CancelOnDisconnect=Y\n[SESSION]\nTargetCompID=MM2\n[SESSION]\nTargetCompID=MM3\nCancelOnDisconnect=N\n")
        #expect(file.sessions.map(\.cancelOnDisconnect) == [true, false, false])
        let inherited = try Self.parse(Self.acceptor.replacingOccurrences(of: "[SESSION]", with: "CancelOnDisconnect=Y\n[SESSION]"))
        #expect(inherited.sessions.map(\.cancelOnDisconnect) == [true])
        #expect(Self.failure(Self.acceptor + "CancelOnDisconnect=yes\n")?.reason.contains("expected Y or N") == true)
        #expect(Self.failure(Self.acceptor + "CancelOnDisconnect=yes\n")?.line == 7)
    }

    @Test func minimalAcceptor() throws {
        let s = try Self.only(Self.acceptor)
        var expected = SessionSettings(sessionID: SessionID(senderCompID: "EX", targetCompID: "MM"),
                                       connectionType: .acceptor, socketAcceptPort: 6001)
        expected.sourceLine = 6
        #expect(s == expected)
        #expect(s.socketConnectPort == nil)
    }

    @Test func everyKeySet() throws {
        let s = try Self.only("""
            [DEFAULT]
            ConnectionType=initiator
            BeginString=FIX.4.4
            SenderCompID=MM_1
            TargetCompID=EX.2
            SocketConnectHost=fix.example.com
            SocketConnectPort=5001
            SocketAcceptAddress=0.0.0.0
            SocketAcceptPort=6001
            HeartBtInt=15
            ReconnectInterval=7
            StartTime=08:00:00
            EndTime=17:30:59
            StartDay=Mon
            EndDay=friday
            ResetOnLogon=Y
            ResetOnLogout=Y
            ResetOnDisconnect=Y
            RefreshOnLogon=Y
            FileStorePath=data/store
            FileStoreSync=250
            FileLogPath=/var/log/fix
            DataDictionary=./dict/FIX44.xml
            UseDataDictionary=N
            ValidateFieldsOutOfOrder=N
            ValidateFieldsHaveValues=N
            ValidateUserDefinedFields=N
            PersistMessages=N
            ResendRequestChunkSize=500
            MaxLatency=5
            CheckLatency=N
            LogonTimeout=3
            LogoutTimeout=4
            SocketUseSSL=N
            SSLVerifyPeer=Y
            SocketNodelay=N
            SocketReuseAddress=N
            [SESSION]
            """, directory: "/etc/fix/")
        var e = SessionSettings(sessionID: SessionID(senderCompID: "MM_1", targetCompID: "EX.2"),
                                connectionType: .initiator, socketConnectPort: 5001, socketAcceptPort: 6001)
        e.socketConnectHost = "fix.example.com"
        e.socketAcceptAddress = "0.0.0.0"
        e.heartBtInt = 15
        e.reconnectInterval = 7
        e.startTime = TimeOfDay(hour: 8, minute: 0, second: 0)
        e.endTime = TimeOfDay(hour: 17, minute: 30, second: 59)
        e.startDay = .monday
        e.endDay = .friday
        e.resetOnLogon = true
        e.resetOnLogout = true
        e.resetOnDisconnect = true
        e.refreshOnLogon = true
        e.fileStorePath = "/etc/fix/data/store"
        e.fsync = .interval(milliseconds: 250)
        e.fileLogPath = "/var/log/fix"
        e.dataDictionary = "/etc/fix/dict/FIX44.xml"
        e.useDataDictionary = false
        e.validation = ValidationSettings(checkFieldsOutOfOrder: false, checkFieldsHaveValues: false,
                                          checkUserDefinedFields: false)
        e.persistMessages = false
        e.resendRequestChunkSize = 500
        e.maxLatency = 5
        e.checkLatency = false
        e.logonTimeout = 3
        e.logoutTimeout = 4
        e.socketNodelay = false
        e.socketReuseAddress = false
        e.sourceLine = 38
        #expect(s == e)
        #expect(s.schedule == SessionSchedule(.weekly(startDay: .monday, start: e.startTime!,
                                                      endDay: .friday, end: e.endTime!)))
    }

    @Test(arguments: [
        ("ValidateFieldsOutOfOrder", ValidationSettings(checkFieldsOutOfOrder: false)),
        ("ValidateFieldsHaveValues", ValidationSettings(checkFieldsHaveValues: false)),
        ("ValidateUserDefinedFields", ValidationSettings(checkUserDefinedFields: false)),
    ])
    func eachValidationFlagAlone(key: String, expected: ValidationSettings) throws {
        #expect(try Self.only(Self.initiator + "\(key)=N\n").validation == expected)
        #expect(try Self.only(Self.initiator + "\(key)=Y\n").validation == .strict)
    }

    @Test(arguments: [
        ("always", StoreSyncPolicy.always), ("never", .never), ("Y", .always), ("N", .never),
        ("1", .interval(milliseconds: 1)), ("1000", .interval(milliseconds: 1000)),
    ])
    func fileStoreSync(value: String, expected: StoreSyncPolicy) throws {
        #expect(try Self.only(Self.initiator + "FileStoreSync=\(value)\n").fsync == expected)
        #expect(StoreSyncPolicy(settingValue: expected.description) == expected)
    }

    @Test func sendingTimeAccuracyIsMaxLatency() throws {
        #expect(try Self.only(Self.initiator + "SendingTimeAccuracy=30\n").maxLatency == 30)
        // A session's value under either name overrides [DEFAULT]'s under the other.
        let s = try Self.only("""
            [DEFAULT]
            ConnectionType=initiator
            SenderCompID=A
            TargetCompID=B
            SocketConnectPort=1
            MaxLatency=60
            [SESSION]
            SendingTimeAccuracy=5
            """)
        #expect(s.maxLatency == 5)
    }

    @Test(arguments: ["Sunday", "sun", "SU", "sunday"])
    func dayNames(name: String) throws {
        let s = try Self.only(Self.initiator + "StartTime=00:00:00\nEndTime=00:00:00\nStartDay=\(name)\nEndDay=Sat\n")
        #expect(s.startDay == .sunday)
        #expect(s.endDay == .saturday)
        #expect(Weekday(name: "Th") == .thursday)
        #expect(Weekday(name: "tues") == .tuesday)
        #expect(Weekday(name: "t") == nil)
        #expect(Weekday(name: "Sundays") == nil)
    }

    @Test func timeOfDay() {
        #expect(TimeOfDay("00:00:00")?.secondsSinceMidnight == 0)
        #expect(TimeOfDay("23:59:59")?.secondsSinceMidnight == 86_399)
        #expect(TimeOfDay("09:05:07")?.description == "09:05:07")
        #expect(TimeOfDay("24:00:00") == nil)
        #expect(TimeOfDay("12:60:00") == nil)
        #expect(TimeOfDay("12:00:60") == nil)
        #expect(TimeOfDay("9:00:00") == nil)
        #expect(TimeOfDay("09:00") == nil)
        #expect(TimeOfDay("09-00-00") == nil)
        #expect(TimeOfDay(hour: 8, minute: 0)! < TimeOfDay(hour: 8, minute: 0, second: 1)!)
    }

    // MARK: TLS

    @Test func tlsForAnAcceptorWithRelativeFiles() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/certs", withIntermediateDirectories: true)
        for f in ["certs/server.pem", "certs/server.key", "ca.pem"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/" + f))
        }
        let text = Self.acceptor + "SocketUseSSL=Y\nSSLCertificate=certs/server.pem\nSSLPrivateKey=./certs/server.key\n"
        let s = try Self.only(text, directory: dir)
        #expect(s.tls == TLSSettings(certificate: dir + "/certs/server.pem", privateKey: dir + "/certs/server.key",
                                     caCertificate: nil, verifyPeer: false))

        let verified = try Self.only(text + "SSLCACertificate=ca.pem\nSSLVerifyPeer=Y\n", directory: dir)
        #expect(verified.tls?.verifyPeer == true)
        #expect(verified.tls?.caCertificate == dir + "/ca.pem")

        // SSL keys without SocketUseSSL=Y are ignored.
        #expect(try Self.only(Self.acceptor + "SSLCertificate=nowhere.pem\n", directory: dir).tls == nil)

        // An initiator verifies the acceptor by default, and needs no certificate of its own.
        let client = try Self.only(Self.initiator + "SocketUseSSL=Y\n", directory: dir)
        #expect(client.tls == TLSSettings(verifyPeer: true))
        let clientCert = try Self.only(Self.initiator + "SocketUseSSL=Y\nSSLCertificate=certs/server.pem\n"
                                       + "SSLPrivateKey=certs/server.key\nSSLVerifyPeer=N\n", directory: dir)
        #expect(clientCert.tls == TLSSettings(certificate: dir + "/certs/server.pem",
                                              privateKey: dir + "/certs/server.key", verifyPeer: false))
    }

    @Test func tlsErrors() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/server.pem"))
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)

        #expect(Self.failure(Self.acceptor + "SocketUseSSL=Y\n", directory: dir) == SettingsError(
            .missing, path: "t.cfg", line: 6, key: "SSLCertificate",
            reason: "missing for this session (set it here or under [DEFAULT]); an acceptor with SocketUseSSL=Y needs its certificate"))
        #expect(Self.failure(Self.acceptor + "SocketUseSSL=Y\nSSLCertificate=server.pem\n", directory: dir) == SettingsError(
            .missing, path: "t.cfg", line: 6, key: "SSLPrivateKey",
            reason: "missing for this session (set it here or under [DEFAULT]); an acceptor with SocketUseSSL=Y needs its private key"))
        #expect(Self.failure(Self.acceptor + "SocketUseSSL=Y\nSSLCertificate=server.pem\nSSLPrivateKey=server.key\n",
                             directory: dir) == SettingsError(
            .unusableReference, path: "t.cfg", line: 9, key: "SSLPrivateKey", reason: "file not found: \(dir)/server.key"))
        #expect(Self.failure(Self.acceptor + "SocketUseSSL=Y\nSSLCertificate=sub\nSSLPrivateKey=server.pem\n",
                             directory: dir) == SettingsError(
            .unusableReference, path: "t.cfg", line: 8, key: "SSLCertificate", reason: "\(dir)/sub is a directory; expected a file"))
        #expect(Self.failure(Self.acceptor + "SocketUseSSL=Y\nSSLCertificate=server.pem\nSSLPrivateKey=server.pem\n"
                             + "SSLCACertificate=ca.pem\n", directory: dir) == SettingsError(
            .unusableReference, path: "t.cfg", line: 10, key: "SSLCACertificate", reason: "file not found: \(dir)/ca.pem"))
        #expect(Self.failure(Self.initiator + "SocketUseSSL=Y\nSSLCertificate=server.pem\n", directory: dir) == SettingsError(
            .missing, path: "t.cfg", line: 6, key: "SSLPrivateKey",
            reason: "missing for this session (set it here or under [DEFAULT]); SSLCertificate needs its private key"))
    }

    // MARK: Paths

    @Test func relativePathsResolveAgainstTheFilesDirectory() throws {
        let s = try Self.only(Self.initiator + "FileStorePath=store/maker\nFileLogPath=./log\n"
                              + "DataDictionary=../Specs/FIX44.xml\nUseDataDictionary=N\n", directory: "/srv/mm/Sessions/")
        #expect(s.fileStorePath == "/srv/mm/Sessions/store/maker")
        #expect(s.fileLogPath == "/srv/mm/Sessions/log")
        #expect(s.dataDictionary == "/srv/mm/Sessions/../Specs/FIX44.xml")
        #expect(try Self.only(Self.initiator + "FileStorePath=/var/store\n").fileStorePath == "/var/store")
        #expect(resolveSettingsPath("a", against: "/") == "/a")
        #expect(resolveSettingsPath(".", against: "/x") == "/x")
        #expect(resolveSettingsPath("a", against: "") == "a")
    }

    @Test func dataDictionaryMustExistWhenUsed() throws {
        let root = Self.repositoryRoot
        let s = try Self.only(Self.initiator + "DataDictionary=Specs/FIX44.xml\n", directory: root)
        #expect(s.dataDictionary == root + "/Specs/FIX44.xml")
        #expect(Self.failure(Self.initiator + "DataDictionary=Specs/nope.xml\n", directory: root) == SettingsError(
            .unusableReference, path: "t.cfg", line: 7, key: "DataDictionary", reason: "file not found: \(root)/Specs/nope.xml"))
    }

    @Test func loadResolvesAgainstTheFilesDirectory() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/s.cfg"
        try Data((Self.initiator + "FileStorePath=store\n").utf8).write(to: URL(fileURLWithPath: path))
        let file = try SettingsFile.load(path: path)
        #expect(file.path == path)
        #expect(file.directory == dir)
        #expect(file.sessions[0].fileStorePath == dir + "/store")

        #expect(throws: SettingsError(.cannotRead, path: dir + "/missing.cfg", line: 0, reason: "cannot read the file")) {
            try SettingsFile.load(path: dir + "/missing.cfg")
        }
        try Data([0x5B, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: dir + "/bad.cfg"))
        #expect(throws: SettingsError(.malformed, path: dir + "/bad.cfg", line: 0, reason: "not UTF-8 text")) {
            try SettingsFile.load(path: dir + "/bad.cfg")
        }
    }

    // MARK: Errors

    @Test func errorDescription() {
        #expect(SettingsError(.badValue, path: "a.cfg", line: 3, key: "HeartBtInt", reason: "bad").description
                == "a.cfg:3: key 'HeartBtInt': bad")
        #expect(SettingsError(.badValue, path: "a.cfg", line: 3, reason: "bad").description == "a.cfg:3: bad")
        #expect(SettingsError(.badValue, path: "a.cfg", line: 0, reason: "bad").description == "a.cfg: bad")
    }

    @Test func unknownKey() {
        #expect(Self.failure(Self.initiator + "HeartBeatInt=30\n")
                == SettingsError(.unknownKey, path: "t.cfg", line: 7, key: "HeartBeatInt", reason: "unknown key"))
        #expect(Self.failure(Self.initiator + "heartbtint=30\n") == SettingsError(
            .unknownKey, path: "t.cfg", line: 7, key: "heartbtint",
            reason: "unknown key; did you mean 'HeartBtInt'? (keys are case-sensitive)"))
        // Unknown keys are errors in [DEFAULT] too.
        #expect(Self.failure("[DEFAULT]\nConnectionType=initiator\nFoo=1\n" + "[SESSION]\n")
                == SettingsError(.unknownKey, path: "t.cfg", line: 3, key: "Foo", reason: "unknown key"))
    }

    @Test func timeZoneIsNotSupported() {
        #expect(Self.failure(Self.initiator + "TimeZone=America/New_York\n") == SettingsError(
            .unknownKey, path: "t.cfg", line: 7, key: "TimeZone", reason: "not supported: every time in the settings is UTC"))
    }

    @Test(arguments: [
        ("ConnectionType", "Initiator", "initiator or acceptor"),
        ("BeginString", "FIX.4.2", "FIX.4.4 (the only version supported)"),
        ("SenderCompID", "A B", "a CompID: printable ASCII without spaces, '/' or '\\'"),
        ("TargetCompID", "../x", "a CompID: printable ASCII without spaces, '/' or '\\'"),
        ("SocketConnectHost", "a host", "a host name or IP address"),
        ("SocketConnectPort", "0", "a TCP port, 1 to 65535"),
        ("SocketAcceptPort", "65536", "a TCP port, 1 to 65535"),
        ("SocketAcceptAddress", "", "a host name or IP address"),
        ("HeartBtInt", "0", "a whole number of seconds, 1 to 2147483647"),
        ("HeartBtInt", "-5", "a whole number of seconds, 1 to 2147483647"),
        ("ReconnectInterval", "1.5", "a whole number of seconds, 1 to 2147483647"),
        ("MaxLatency", "99999999999", "a whole number of seconds, 1 to 2147483647"),
        ("SendingTimeAccuracy", "x", "a whole number of seconds, 1 to 2147483647"),
        ("LogonTimeout", "+3", "a whole number of seconds, 1 to 2147483647"),
        ("LogoutTimeout", "", "a whole number of seconds, 1 to 2147483647"),
        ("ResendRequestChunkSize", "-1", "a whole number of messages, 0 (no chunking) to 2147483647"),
        ("StartTime", "8:00", "a UTC time of day HH:MM:SS"),
        ("EndTime", "24:00:00", "a UTC time of day HH:MM:SS"),
        ("StartDay", "Funday", "a day of the week: Sunday to Saturday, or the first two or more letters of one"),
        ("EndDay", "F", "a day of the week: Sunday to Saturday, or the first two or more letters of one"),
        ("FileStoreSync", "0", "always, never, or a whole number of milliseconds (1 or more)"),
        ("FileStoreSync", "Always", "always, never, or a whole number of milliseconds (1 or more)"),
        ("FileStorePath", "", "a path"),
        ("FileLogPath", "", "a path"),
        ("DataDictionary", "", "a path"),
        ("SSLCertificate", "", "a path"),
        ("ResetOnLogon", "yes", "Y or N"),
        ("ResetOnLogout", "y", "Y or N"),
        ("ResetOnDisconnect", "true", "Y or N"),
        ("RefreshOnLogon", "1", "Y or N"),
        ("UseDataDictionary", "", "Y or N"),
        ("ValidateFieldsOutOfOrder", "n", "Y or N"),
        ("ValidateFieldsHaveValues", "NO", "Y or N"),
        ("ValidateUserDefinedFields", "F", "Y or N"),
        ("PersistMessages", "0", "Y or N"),
        ("CheckLatency", "x", "Y or N"),
        ("SocketUseSSL", "x", "Y or N"),
        ("SSLVerifyPeer", "x", "Y or N"),
        ("SocketNodelay", "x", "Y or N"),
        ("SocketReuseAddress", "x", "Y or N"),
    ])
    func badValue(key: String, value: String, expected: String) {
        let shown = value.isEmpty ? "an empty value" : "'\(value)'"
        // In a session...
        #expect(Self.failure(Self.initiator + "\(key)=\(value)\n")
                == SettingsError(.badValue, path: "t.cfg", line: 7, key: key, reason: "bad value \(shown); expected \(expected)"))
        // ...and in [DEFAULT], even with no session using it.
        #expect(Self.failure("[DEFAULT]\n\(key) = \(value)\n")
                == SettingsError(.badValue, path: "t.cfg", line: 2, key: key, reason: "bad value \(shown); expected \(expected)"))
    }

    @Test func duplicateKeyInOneSection() {
        #expect(Self.failure(Self.initiator + "HeartBtInt=30\n\nHeartBtInt=31\n") == SettingsError(
            .duplicate, path: "t.cfg", line: 9, key: "HeartBtInt", reason: "given twice in this section (first on line 7)"))
        #expect(Self.failure("[DEFAULT]\nSenderCompID=A\nSenderCompID=A\n[SESSION]\n") == SettingsError(
            .duplicate, path: "t.cfg", line: 3, key: "SenderCompID", reason: "given twice in this section (first on line 2)"))
        #expect(Self.failure(Self.initiator + "MaxLatency=30\nSendingTimeAccuracy=31\n") == SettingsError(
            .duplicate, path: "t.cfg", line: 8, key: "SendingTimeAccuracy",
            reason: "given twice in this section (first as 'MaxLatency' on line 7)"))
    }

    @Test func lineOutsideAnySection() {
        #expect(Self.failure("# settings\n\nConnectionType=initiator\n[SESSION]\n") == SettingsError(
            .malformed, path: "t.cfg", line: 3, key: "ConnectionType", reason: "outside any section; put it under [DEFAULT] or [SESSION]"))
    }

    @Test func malformedLines() {
        #expect(Self.failure(Self.initiator + "HeartBtInt 30\n") == SettingsError(
            .malformed, path: "t.cfg", line: 7,
            reason: "malformed line; expected Key=Value, a [DEFAULT] or [SESSION] header, or a comment"))
        #expect(Self.failure(Self.initiator + " = 30\n") == SettingsError(
            .malformed, path: "t.cfg", line: 7, reason: "malformed line; the key before '=' is empty"))
        #expect(Self.failure(Self.initiator + "[SESSION\n") == SettingsError(
            .malformed, path: "t.cfg", line: 7, reason: "malformed section header; expected [DEFAULT] or [SESSION]"))
        #expect(Self.failure(Self.initiator + "[SESSION] # two\n") == SettingsError(
            .malformed, path: "t.cfg", line: 7, reason: "malformed section header; expected [DEFAULT] or [SESSION]"))
    }

    @Test func unknownSection() {
        #expect(Self.failure(Self.initiator + "\n[SESSIONS]\n") == SettingsError(
            .malformed, path: "t.cfg", line: 8, reason: "unknown section [SESSIONS]; expected [DEFAULT] or [SESSION]"))
        #expect(Self.failure("[session]\n") == SettingsError(
            .malformed, path: "t.cfg", line: 1, reason: "unknown section [session]; expected [DEFAULT] or [SESSION]"))
        #expect(Self.failure(Self.initiator + "[DEFAULT]\n") == SettingsError(
            .duplicate, path: "t.cfg", line: 7, reason: "a second [DEFAULT] section (the first is on line 1)"))
    }

    @Test(arguments: [
        ("ConnectionType", "expected initiator or acceptor"),
        ("SenderCompID", "every session needs it"),
        ("TargetCompID", "every session needs it"),
        ("SocketConnectPort", "an initiator needs the port to connect to"),
    ])
    func missingRequiredKeyNamesTheSessionLine(key: String, why: String) {
        let text = Self.initiator.split(separator: "\n").filter { !$0.hasPrefix(key + "=") }.joined(separator: "\n")
        let shorter = "# first\n" + text + "\nHeartBtInt=5\n"
        #expect(Self.failure(shorter) == SettingsError(
            .missing, path: "t.cfg", line: 6, key: key,
            reason: "missing for this session (set it here or under [DEFAULT]); \(why)"))
    }

    @Test func acceptorNeedsItsPort() {
        let text = Self.acceptor.replacingOccurrences(of: "SocketAcceptPort=6001\n", with: "SocketConnectPort=6001\n")
        #expect(Self.failure(text) == SettingsError(
            .missing, path: "t.cfg", line: 6, key: "SocketAcceptPort",
            reason: "missing for this session (set it here or under [DEFAULT]); an acceptor needs the port to listen on"))
    }

    @Test func theSecondSessionIsTheOneNamed() {
        let text = """
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EX
            SocketAcceptPort=1
            [SESSION]
            TargetCompID=A
            [SESSION]
            HeartBtInt=3
            """
        #expect(Self.failure(text)?.line == 7)
        #expect(Self.failure(text)?.key == "TargetCompID")
    }

    @Test func duplicateSessionID() {
        let text = """
            [DEFAULT]
            ConnectionType=acceptor
            SenderCompID=EX
            SocketAcceptPort=1
            [SESSION]
            TargetCompID=A
            [SESSION]
            TargetCompID=B
            [SESSION]
            TargetCompID=A
            SocketAcceptPort=2
            """
        #expect(Self.failure(text) == SettingsError(
            .duplicate, path: "t.cfg", line: 9, reason: "session FIX.4.4:EX->A is already defined by the [SESSION] on line 5"))
    }

    @Test func noSession() {
        #expect(Self.failure("[DEFAULT]\nConnectionType=initiator\n") == SettingsError(
            .malformed, path: "t.cfg", line: 0, reason: "no [SESSION] section; a settings file needs at least one session"))
        #expect(Self.failure("") != nil)
    }

    @Test func scheduleKeysComeInPairs() {
        #expect(Self.failure(Self.initiator + "StartTime=08:00:00\n") == SettingsError(
            .missing, path: "t.cfg", line: 7, key: "StartTime",
            reason: "EndTime is missing; give both StartTime and EndTime, or neither"))
        #expect(Self.failure(Self.initiator + "StartTime=08:00:00\nEndTime=09:00:00\nEndDay=Fri\n") == SettingsError(
            .missing, path: "t.cfg", line: 9, key: "EndDay",
            reason: "StartDay is missing; give both StartDay and EndDay, or neither"))
        #expect(Self.failure(Self.initiator + "StartDay=Mon\nEndDay=Fri\n") == SettingsError(
            .missing, path: "t.cfg", line: 7, key: "StartDay", reason: "a weekly schedule needs StartTime and EndTime as well"))
    }

    @Test func endTimeInDefaultWithoutStartTime() {
        let text = """
            [DEFAULT]
            EndTime=08:00:00
            ConnectionType=initiator
            SenderCompID=MM
            TargetCompID=EX
            SocketConnectPort=5001
            [SESSION]
            """
        #expect(Self.failure(text) == SettingsError(
            .missing, path: "t.cfg", line: 2, key: "EndTime",
            reason: "StartTime is missing; give both StartTime and EndTime, or neither"))
        // A session supplying the other half is fine.
        #expect(Self.failure(text + "\nStartTime=07:00:00\n") == nil)
    }

    // MARK: The example files

    @Test func exchangeExample() throws {
        let dir = Self.repositoryRoot + "/Sessions"
        let file = try SettingsFile.load(path: dir + "/exchange.cfg")
        #expect(file.sessions.map(\.sessionID) == [SessionID(senderCompID: "EXCH", targetCompID: "MAKER"),
                                                   SessionID(senderCompID: "EXCH", targetCompID: "MAKER2"),
                                                   SessionID(senderCompID: "EXCH", targetCompID: "MARGIN")])
        for s in file.sessions {
            #expect(s.connectionType == .acceptor)
            #expect(s.socketAcceptAddress == "127.0.0.1")
            #expect(s.socketAcceptPort == 9880)
            #expect(s.fileStorePath == dir + "/store/exchange")
            #expect(s.fileLogPath == dir + "/log/exchange")
            #expect(s.dataDictionary == nil && s.useDataDictionary)
        }
    }

    @Test func marginExample() throws {
        let dir = Self.repositoryRoot + "/Sessions"
        let file = try SettingsFile.load(path: dir + "/margin.cfg")
        let s = try #require(file.sessions.first)
        #expect(file.sessions.count == 1)
        #expect(s.sessionID == SessionID(senderCompID: "MARGIN", targetCompID: "EXCH"))
        #expect(s.connectionType == .initiator && s.socketConnectPort == 9880)
        #expect(s.fileStorePath == nil && s.fileLogPath == dir + "/log/margin")
    }

    @Test func makerExample() throws {
        let dir = Self.repositoryRoot + "/Sessions"
        let file = try SettingsFile.load(path: dir + "/maker.cfg")
        let s = try #require(file.sessions.first)
        #expect(file.sessions.count == 1)
        #expect(s.sessionID == SessionID(senderCompID: "MAKER", targetCompID: "EXCH"))
        #expect(s.connectionType == .initiator)
        #expect(s.socketConnectHost == "127.0.0.1")
        #expect(s.socketConnectPort == 9880)
        #expect(s.heartBtInt == 30)
        #expect(s.fileStorePath == dir + "/store/maker")
        #expect(s.fileLogPath == dir + "/log/maker")
        // The maker's session is the exchange's first one, seen from the other side.
        let exchange = try SettingsFile.load(path: dir + "/exchange.cfg")
        #expect(exchange.session(s.sessionID.reversed)?.socketAcceptPort == s.socketConnectPort)
    }

    @Test func paperExample() throws {
        let file = try SettingsFile.load(path: Self.repositoryRoot + "/Sessions/paper.cfg")
        #expect(file.sessions.count == 2)
        let exchange = try #require(file.sessions.first { $0.connectionType == .acceptor })
        let maker = try #require(file.sessions.first { $0.connectionType == .initiator })
        #expect(exchange.sessionID == maker.sessionID.reversed)
        #expect(exchange.socketAcceptPort == 9881 && maker.socketConnectPort == 9881)
        #expect(exchange.socketAcceptAddress == "127.0.0.1" && maker.socketConnectHost == "127.0.0.1")
        #expect(file.sessions.allSatisfy { $0.fileStorePath == nil && $0.fileLogPath == nil })
    }

    @Test func acceptanceExample() throws {
        let file = try SettingsFile.load(path: Self.repositoryRoot + "/Sessions/acceptance.cfg")
        #expect(file.sessions.map(\.sessionID.targetCompID) == ["TW44", "TW", "NO_CHECK_FIELDS_HAVE_VALUES"])
        for s in file.sessions {
            #expect(s.sessionID.senderCompID == "ISLD")
            #expect(s.sessionID.beginString == "FIX.4.4")
            #expect(s.connectionType == .acceptor)
            #expect(s.socketAcceptPort == 9890)
            #expect(s.resetOnLogon)
            #expect(s.useDataDictionary)
            #expect(s.fileStorePath == nil)
            #expect(s.validation.checkFieldsHaveValues == (s.sessionID.targetCompID == "TW44"))
            #expect(s.validation.checkFieldsOutOfOrder && s.validation.checkUserDefinedFields)
        }
    }

    @Test func everyExampleFileLoads() throws {
        let dir = Self.repositoryRoot + "/Sessions"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".cfg") }.sorted()
        #expect(Set(["acceptance.cfg", "exchange.cfg", "maker.cfg", "margin.cfg", "paper.cfg"]).isSubset(of: Set(names)))
        for name in names {
            #expect(throws: Never.self, "\(name)") { try SettingsFile.load(path: dir + "/" + name) }
        }
    }

    // MARK: Schedules

    @Suite("Schedules")
    struct Schedules {
        static func ts(_ text: String) -> UTCTimestamp { UTCTimestamp(text)! }
        static func time(_ text: String) -> TimeOfDay { TimeOfDay(text)! }

        // 2024-08-08 is a Thursday.

        @Test func alwaysOn() {
            let s = SessionSchedule.always
            #expect(s.isInSession(Self.ts("20240808-12:00:00")))
            #expect(s.isInSession(UTCTimestamp(nanosecondsSinceEpoch: .min)))
            #expect(s.sessionStart(containing: Self.ts("20240808-12:00:00")) == nil)
            #expect(SessionSchedule(startTime: nil, endTime: nil) == .always)
            #expect(SessionSchedule(startTime: Self.time("08:00:00"), endTime: nil) == nil)
            #expect(SessionSchedule(startTime: nil, endTime: nil, startDay: .monday, endDay: .friday) == nil)
        }

        @Test func daily() {
            let s = SessionSchedule(.daily(start: Self.time("08:00:00"), end: Self.time("17:00:00")))
            #expect(!s.isInSession(Self.ts("20240808-07:59:59.999")))
            #expect(s.isInSession(Self.ts("20240808-08:00:00")))
            #expect(s.isInSession(Self.ts("20240808-12:00:00")))
            #expect(s.isInSession(Self.ts("20240808-17:00:00.999")))
            #expect(!s.isInSession(Self.ts("20240808-17:00:01")))
            #expect(!s.isInSession(Self.ts("20240808-23:59:59")))
            #expect(s.sessionStart(containing: Self.ts("20240808-12:34:56.789")) == Self.ts("20240808-08:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240808-08:00:00")) == Self.ts("20240808-08:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240808-17:00:00")) == Self.ts("20240808-08:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240808-18:00:00")) == nil)
            #expect(s.description == "daily 08:00:00-17:00:00")
        }

        @Test func overnight() {
            let s = SessionSchedule(.daily(start: Self.time("22:00:00"), end: Self.time("06:00:00")))
            #expect(s.isInSession(Self.ts("20240808-22:00:00")))
            #expect(s.isInSession(Self.ts("20240808-23:59:59")))
            #expect(s.isInSession(Self.ts("20240809-00:00:00")))
            #expect(s.isInSession(Self.ts("20240809-06:00:00")))
            #expect(!s.isInSession(Self.ts("20240809-06:00:01")))
            #expect(!s.isInSession(Self.ts("20240808-12:00:00")))
            #expect(!s.isInSession(Self.ts("20240808-21:59:59")))
            // The period belongs to the day it started.
            #expect(s.sessionStart(containing: Self.ts("20240808-23:00:00")) == Self.ts("20240808-22:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240809-03:00:00")) == Self.ts("20240808-22:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240809-12:00:00")) == nil)
            // Across a month and a year end, and before 1970.
            #expect(s.sessionStart(containing: Self.ts("20250101-01:00:00")) == Self.ts("20241231-22:00:00"))
            #expect(s.sessionStart(containing: Self.ts("19691231-23:00:00")) == Self.ts("19691231-22:00:00"))
            #expect(s.sessionStart(containing: Self.ts("19700101-05:00:00")) == Self.ts("19691231-22:00:00"))
        }

        @Test func sameStartAndEndNeverClosesButResetsDaily() {
            let s = SessionSchedule(.daily(start: Self.time("17:00:00"), end: Self.time("17:00:00")))
            #expect(s.isInSession(Self.ts("20240808-16:59:59")))
            #expect(s.isInSession(Self.ts("20240808-17:00:00")))
            #expect(s.sessionStart(containing: Self.ts("20240808-16:59:59")) == Self.ts("20240807-17:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240808-17:00:00")) == Self.ts("20240808-17:00:00"))
        }

        @Test func dailyResetDecision() {
            // The engine resets when the store's sequence began before the current period did.
            let s = SessionSchedule(.daily(start: Self.time("08:00:00"), end: Self.time("17:00:00")))
            let now = Self.ts("20240808-09:00:00")
            let start = s.sessionStart(containing: now)!
            #expect(Self.ts("20240807-16:00:00") < start)     // yesterday's store: reset
            #expect(!(Self.ts("20240808-08:00:05") < start))  // today's store: keep
        }

        @Test func weeklyWithinTheWeek() {
            let s = SessionSchedule(.weekly(startDay: .monday, start: Self.time("09:00:00"),
                                            endDay: .friday, end: Self.time("17:00:00")))
            #expect(!s.isInSession(Self.ts("20240805-08:59:59")))  // Monday
            #expect(s.isInSession(Self.ts("20240805-09:00:00")))
            #expect(s.isInSession(Self.ts("20240807-03:00:00")))   // Wednesday night: a weekly period runs through
            #expect(s.isInSession(Self.ts("20240809-17:00:00")))   // Friday
            #expect(!s.isInSession(Self.ts("20240809-17:00:01")))
            #expect(!s.isInSession(Self.ts("20240810-12:00:00")))  // Saturday
            #expect(!s.isInSession(Self.ts("20240811-12:00:00")))  // Sunday
            #expect(s.sessionStart(containing: Self.ts("20240808-12:00:00")) == Self.ts("20240805-09:00:00"))
            #expect(s.sessionStart(containing: Self.ts("20240810-12:00:00")) == nil)
        }

        @Test func weeklyOverTheWeekend() {
            // The FX week: Sunday 22:00 to Friday 21:00.
            let fx = SessionSchedule(.weekly(startDay: .sunday, start: Self.time("22:00:00"),
                                             endDay: .friday, end: Self.time("21:00:00")))
            #expect(!fx.isInSession(Self.ts("20240804-21:59:59")))   // Sunday
            #expect(fx.isInSession(Self.ts("20240804-22:00:00")))
            #expect(fx.isInSession(Self.ts("20240808-12:00:00")))
            #expect(fx.isInSession(Self.ts("20240809-21:00:00")))    // Friday
            #expect(!fx.isInSession(Self.ts("20240809-21:00:01")))
            #expect(!fx.isInSession(Self.ts("20240810-12:00:00")))   // Saturday
            #expect(fx.sessionStart(containing: Self.ts("20240808-12:00:00")) == Self.ts("20240804-22:00:00"))

            // A weekend session: Friday 22:00 to Monday 06:00 wraps over the week's start (Sunday 00:00).
            let weekend = SessionSchedule(.weekly(startDay: .friday, start: Self.time("22:00:00"),
                                                  endDay: .monday, end: Self.time("06:00:00")))
            #expect(!weekend.isInSession(Self.ts("20240809-21:59:59")))  // Friday
            #expect(weekend.isInSession(Self.ts("20240809-22:00:00")))
            #expect(weekend.isInSession(Self.ts("20240810-12:00:00")))   // Saturday
            #expect(weekend.isInSession(Self.ts("20240811-12:00:00")))   // Sunday
            #expect(weekend.isInSession(Self.ts("20240812-06:00:00")))   // Monday
            #expect(!weekend.isInSession(Self.ts("20240812-06:00:01")))
            #expect(!weekend.isInSession(Self.ts("20240808-12:00:00")))  // Thursday
            #expect(weekend.sessionStart(containing: Self.ts("20240810-12:00:00")) == Self.ts("20240809-22:00:00"))
            #expect(weekend.sessionStart(containing: Self.ts("20240812-01:00:00")) == Self.ts("20240809-22:00:00"))
            #expect(weekend.description == "weekly Friday 22:00:00-Monday 06:00:00")
        }

        @Test func fromSettings() throws {
            let s = try SettingsTests.only(SettingsTests.initiator
                                           + "StartTime=22:00:00\nEndTime=06:00:00\n")
            #expect(s.schedule == SessionSchedule(.daily(start: Self.time("22:00:00"), end: Self.time("06:00:00"))))
            #expect(s.schedule.isInSession(Self.ts("20240809-03:00:00")))
        }
    }
}
