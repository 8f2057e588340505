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

    /// A message cut short and a good one right after it, on the same line or the next, as `|`
    /// text and as a raw SOH stream, with and without log-line prefixes: the cut part is
    /// reported as garbled and both good messages after it are decoded.
    @Test(arguments: ["|", "\u{01}"], [false, true])
    func aMessageCutShortDoesNotTakeTheNextOne(_ separator: String, _ logPrefix: Bool) throws {
        let order = ReplayCommandTests.fix("35=D|49=MAKER|56=EXCH|34=2|52=20240808-09:30:00.000|11=A1|55=BTCUSDT|54=1|38=1|40=2|"
                                           + "44=60000|60=20240808-09:30:00|")
        let heartbeat = ReplayCommandTests.fix("35=0|49=EXCH|56=MAKER|34=3|52=20240808-09:30:01.000|")
        let logout = ReplayCommandTests.fix("35=5|49=EXCH|56=MAKER|34=4|52=20240808-09:30:02.000|")
        let prefix = logPrefix ? "20240808-09:30:00.020 : " : ""
        // Cut before its CheckSum field, and right after a digit.
        let cuts = [String(order.dropLast(7)), String(order[..<order.range(of: "44=6000")!.upperBound])]
        for cut in cuts {
            for nextLine in [false, true] {
                let text = prefix + cut + (nextLine ? "\n" + prefix : "") + heartbeat + "\n" + prefix + logout + "\n"
                let r = try Self.run(["decode", "--json"], stdin: text.replacingOccurrences(of: "|", with: separator))
                let lines = r.stdout.split(separator: "\n")
                #expect(r.status == 1, "\(r.stderr)")
                #expect(lines.count == 3 && lines[0].hasPrefix("{\"garbled\":true,\"offset\":\(prefix.utf8.count),\"line\":1,")
                        && lines[1].hasPrefix("{\"msgType\":\"0\",") && lines[2].hasPrefix("{\"msgType\":\"5\","),
                        "cut \(cut.suffix(12)), \(nextLine ? "next line" : "same line"): \(r.stdout)")
            }
        }
    }

    /// A 50 MB line with no SOH and no `8=FIX` is one garbled run, with its offset and line; the
    /// message on the next line is decoded; and the decoder's memory does not grow with the line
    /// (it is read a piece at a time, as the framer holds at most --max-message-size).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "peak memory is read from /proc"))
    func aLongLineWithoutSOHIsSkippedInBoundedMemory() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mm-decode-long-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let length = 50 << 20
        var data = Data(repeating: UInt8(ascii: "x"), count: length)
        data.append(Data("\n8=FIX.4.4|9=5|35=0|10=163|\n".utf8))
        try data.write(to: file)
        data = Data()

        let p = Process()
        p.executableURL = try Self.mmBinary()
        p.arguments = ["decode", "--json", file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // The peak resident size (VmHWM), read while it runs.
        var peakKB = 0
        let status = "/proc/\(p.processIdentifier)/status"
        while p.isRunning {
            if let text = try? String(contentsOfFile: status, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                peakKB = max(peakKB, kb)
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(stdout == "{\"garbled\":true,\"offset\":0,\"line\":1,\"length\":\(length + 1),\"reason\":\"data does not start with 8=FIX\"}\n"
                + "{\"msgType\":\"0\",\"fields\":[[8,\"FIX.4.4\"],[9,\"5\"],[35,\"0\"],[10,\"163\"]]}\n")
        #expect(peakKB > 0 && peakKB < 100_000, "peak resident size \(peakKB) kB for a \(length >> 20) MB line")
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
