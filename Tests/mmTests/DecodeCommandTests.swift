import Foundation
import Testing

/// Runs the `mm` executable that the package built, as a user would.
struct DecodeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `mm` binary beside this test bundle.
    static func mmBinary() throws -> URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("mm")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = root.appendingPathComponent(".build/debug/mm")
        guard FileManager.default.isExecutableFile(atPath: fallback.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "mm binary next to \(Bundle.main.bundleURL.path)"])
        }
        return fallback
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, cwd: URL = root) throws -> Result {
        let p = Process()
        p.executableURL = try mmBinary()
        p.arguments = arguments
        p.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func decodesTheSampleSession() throws {
        let r = try Self.run(["decode", "--validate", "Specs/examples/session.log"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "\n").filter { $0 == "  valid" }.count == 14)
        #expect(r.stdout.contains("54 Side                   = 1 (BUY)"))
        #expect(r.stdout.contains("150 ExecType               = F (TRADE)"))
    }

    @Test func jsonForInvalidAndGarbledInput() throws {
        let r = try Self.run(["decode", "--validate", "--json", "Specs/examples/mixed.txt"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("{\"msgType\":\"D\",\"valid\":false,\"fields\":[[8,\"FIX.4.4\"],[9,\"122\"],[35,\"D\"]"))
        #expect(lines[0].hasSuffix("\"reject\":{\"reason\":5,\"refTag\":21,\"refMsgType\":\"D\",\"text\":\"Value is incorrect (out of range) for this tag\"}}"))
        #expect(lines[1].contains("\"reject\":{\"reason\":13,\"refTag\":55,"))
        #expect(lines[2].contains("\"reject\":{\"reason\":0,\"refTag\":999,"))
        #expect(lines[3].hasPrefix("{\"garbled\":true,\"offset\":"))
        #expect(lines[4].hasPrefix("{\"msgType\":\"0\",\"valid\":true,"))
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test func readsStandardInputFromAnyDirectory() throws {
        let message = "8=FIX.4.4|9=5|35=0|10=163|"
        let r = try Self.run(["decode", "--json"], stdin: message + "\n", cwd: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "{\"msgType\":\"0\",\"fields\":[[8,\"FIX.4.4\"],[9,\"5\"],[35,\"0\"],[10,\"163\"]]}\n")
        let v = try Self.run(["decode", "--validate"], stdin: message, cwd: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(v.status == 1)
        #expect(v.stdout.contains("INVALID: 373=1 Required tag missing, tag 49 (SenderCompID)"))
    }

    @Test func reportsUnreadableInputs() throws {
        let missing = try Self.run(["decode", "/nonexistent/file.log"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot open /nonexistent/file.log"))
        let badDictionary = FileManager.default.temporaryDirectory.appendingPathComponent("bad-dictionary.xml")
        try "<fix major=\"4\" minor=\"4\">\n<fields>\n<field number=\"1\" name=\"Account\"/>\n</fields>\n</fix>\n"
            .write(to: badDictionary, atomically: true, encoding: .utf8)
        let r = try Self.run(["decode", "--dictionary", badDictionary.path], stdin: "")
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad-dictionary.xml:3: field Account has no type"))
    }

    @Test func helpListsTheSubcommands() throws {
        let r = try Self.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("decode"))
        let d = try Self.run(["decode", "--help"])
        #expect(d.stdout.contains("--validate"))
        #expect(d.stdout.contains("--dictionary"))
        #expect(d.stdout.contains("--json"))
    }
}
