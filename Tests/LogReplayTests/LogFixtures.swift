import FIX
@testable import LogReplay
import FIXTestSupport
import Foundation

/// Log files written for a test into a fresh temporary directory.
struct LogFixtures {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("log-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name`; returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes raw bytes to `name`; returns the path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// A framed message as text with SOH: header fields from the arguments, then `body` (`|` for SOH).
func message(_ type: String, _ sender: String, _ target: String, _ seq: Int, at time: String, _ body: String = "",
             possDup: Bool = false) -> String {
    var header = "35=\(type)|34=\(seq)|"
    if possDup { header += "43=Y|" }
    header += "49=\(sender)|52=20240808-\(time)|56=\(target)|"
    if possDup { header += "122=20240808-\(time)|" }
    return String(decoding: fix(header + body), as: UTF8.self)
}

/// A log line in the engine's layout: `20240808-TIME : MESSAGE`.
func logLine(_ time: String, _ m: String) -> String {
    "20240808-\(time) : \(m)\n"
}

/// The report of a replay of `files`, with the whole timeline kept.
func replay(_ files: [String], full: Bool = false) throws -> LogReport {
    try LogReplay.analyze(files: files, fullTimeline: full, timelineLimit: nil)
}
