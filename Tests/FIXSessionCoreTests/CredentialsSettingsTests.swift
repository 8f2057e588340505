import FIX
import Foundation
import Testing
import FIXTestSupport

@testable import FIXSessionCore

/// `Username` with `PasswordFile` or `PasswordEnv` in a settings file, and the password kept out
/// of what the engine writes.
struct CredentialsSettingsTests {
    typealias T = SettingsTests

    @Test func passwordFromAFile() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "s3cret\nignored second line\n".write(toFile: dir + "/pw", atomically: true, encoding: .utf8)
        let s = try T.only(T.initiator + "Username=mm\nPasswordFile=pw\n", directory: dir)
        #expect(s.credentials == LogonCredentials(username: "mm", password: "s3cret"))
    }

    @Test func passwordFromTheEnvironment() throws {
        setenv("MM_TEST_FIX_PASSWORD", "from-env", 1)
        defer { unsetenv("MM_TEST_FIX_PASSWORD") }
        let s = try T.only(T.initiator + "Username=mm\nPasswordEnv=MM_TEST_FIX_PASSWORD\n")
        #expect(s.credentials?.password == "from-env")
        #expect(SessionConfiguration(s).credentials?.username == "mm")
    }

    @Test func noCredentialsByDefault() throws {
        #expect(try T.only(T.initiator).credentials == nil)
    }

    @Test func mistakesNameTheLine() throws {
        unsetenv("MM_TEST_FIX_UNSET")
        let cases: [(String, Int, String)] = [
            ("Username=mm\n", 7, "give PasswordFile or PasswordEnv"),
            ("PasswordEnv=X\n", 7, "needs Username"),
            ("Username=mm\nPasswordEnv=MM_TEST_FIX_UNSET\n", 8, "not set"),
            ("Username=mm\nPasswordFile=/nonexistent/pw\n", 8, "cannot read the password file"),
            ("Username=mm\nPasswordEnv=A\nPasswordFile=pw\n", 9, "not both"),
            ("Username=mm\nPasswordEnv=1BAD\n", 8, "bad value"),
        ]
        for (extra, line, text) in cases {
            let error = try #require(T.failure(T.initiator + extra), "\(extra)")
            #expect(error.line == line, "\(extra): \(error)")
            #expect("\(error)".contains(text), "\(extra): \(error)")
        }
    }

    @Test func theLogMasksALogonPassword() throws {
        let dir = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = SessionID(senderCompID: "A", targetCompID: "B")
        let log = try FileLog(directory: dir, sessionID: id)
        let logon = fix("35=A|34=1|49=B|52=20240808-12:00:00.000|56=A|98=0|108=30|553=u|554=pa55|")
        let order = fix("35=D|34=2|49=B|52=20240808-12:00:00.000|56=A|11=554=x|21=1|55=X|54=1|60=20240808-12:00:00|40=1|38=1|")
        let t = UTCTimestamp(year: 2024, month: 8, day: 8)!
        log.onIncoming(logon, at: t)
        log.onIncoming(order, at: t)
        log.close()
        let lines = try String(contentsOfFile: log.messagesPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let masked = try #require(lines.first.map { String($0.split(separator: " : ", maxSplits: 1)[1]) })
        #expect(!masked.contains("pa55"))
        #expect(masked.contains("\u{01}554=********\u{01}"))
        #expect(!masked.contains("\u{01}554=*********"), "the mask does not tell the password's length")
        // Still a valid message: the CheckSum was made right again.
        let message = try FIXMessage(bytes: Array(masked.utf8))
        #expect(message.string(Tag.password) == "********")
        let sum = Array(masked.utf8).dropLast(7).reduce(0) { ($0 + Int($1)) % 256 }
        #expect(sum == message.int(Tag.checkSum))
        // And its BodyLength: from after 9=...| to before 10=.
        let bytes = Array(masked.utf8)
        let bodyStart = bytes.firstIndex(of: UInt8(ascii: "9"))! + "9=".count + String(message.int(Tag.bodyLength)!).count + 1
        #expect(bytes.count - 7 - bodyStart == message.int(Tag.bodyLength))
        // Other messages are written as they came.
        #expect(lines[1].hasSuffix(String(decoding: order, as: UTF8.self)))
    }
}
