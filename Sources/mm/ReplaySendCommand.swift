import ArgumentParser
import FIXSessionCore
import Foundation
import LogReplay

extension ReplayCommand {
    /// `--send`: the recorded application messages of one side sent into a live session, and
    /// the live responses compared with the recorded ones.
    func runSend(files: [String]) async throws {
        guard let config else { Self.fail("--send needs --config FILE") }
        let settings: SettingsFile
        do {
            settings = try SettingsFile.load(path: config)
        } catch {
            Self.fail("\(error)")
        }
        // Who sent application messages in the logs.
        let report: LogStream
        do {
            report = try LogReplay.stream(files: files, timelineLimit: 0, maxMessageSize: maxMessageSize)
        } catch {
            Self.fail("\(error)")
        }
        guard report.messages > 0 else { Self.fail("no FIX message in " + files.joined(separator: ", ")) }
        for d in report.diagnostics { FileHandle.standardError.write(Data("mm replay: \(d)\n".utf8)) }
        let admin: Set<String> = ["0", "1", "2", "3", "4", "5", "A"]
        var senders: [String] = []
        for s in report.sessions {
            for d in s.directions where d.messageTypes.keys.contains(where: { !admin.contains($0) }) && !senders.contains(d.sender) {
                senders.append(d.sender)
            }
        }
        let chosen: SettingsFile
        let flow: RecordedFlow
        do {
            chosen = try LogResender.session(in: settings, selector: session.flatMap(SessionSelector.init), recordedSenders: senders)
            let id = chosen.sessions[0].sessionID
            flow = try RecordedFlow.read(files: files, sender: id.senderCompID, target: id.targetCompID, maxMessageSize: maxMessageSize)
        } catch let error as LogResendError {
            Self.fail(error.description)
        } catch {
            Self.fail("\(error)")
        }
        let pacing = speed.flatMap(SendPacing.init) ?? .marketData
        let jsonOutput = json
        let sender = LogResender(settings: chosen, flow: flow, pacing: pacing, timeout: .milliseconds(Int64(timeout * 1000))) { line in
            if !jsonOutput { FileHandle.standardError.write(Data("mm replay: \(line)\n".utf8)) }
        }
        let result: LogResender.Result
        do {
            result = try await sender.run()
        } catch {
            Self.fail("\(error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(Self.text(result), terminator: "")
        }
        if !result.succeeded || !report.diagnostics.isEmpty { throw ExitCode(1) }
    }

    static func text(_ r: LogResender.Result) -> String {
        let c = r.comparison
        var s = "Sent \(r.sent) of \(r.recorded) recorded messages of \(r.recordedSession) over \(r.session), \(r.pacing)\n"
        s += "  market data: \(r.marketDataLive) messages live, \(r.marketDataRecorded) recorded\n"
        s += "  responses: \(r.responsesLive) live, \(r.responsesRecorded) recorded: \(c.matching) matching, \(c.differing) differing, "
            + "\(c.missing) missing, \(c.extra) extra\n"
        for reject in r.rejects { s += "  the live session rejected a message of the counterparty: \(reject)\n" }
        if let stopped = r.stoppedEarly { s += "  stopped early: \(stopped)\n" }
        if !c.differences.isEmpty {
            s += "Differences\n"
            for d in c.differences { s += "  \(d)\n" }
        }
        s += r.succeeded ? "The live responses are the recorded ones.\n" : "The live responses differ from the recorded ones.\n"
        return s
    }
}
