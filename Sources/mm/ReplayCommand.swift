import ArgumentParser
import FIXSessionCore
import Foundation
import LogReplay

/// `mm replay`: FIX message logs read back into sessions, orders, fills and positions, and
/// optionally sent again into a live session.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay FIX logs: what happened in each session, and send one side's messages again.",
        discussion: """
            Reads FIX message logs: the engine's own (FIX.4.4-SENDER-TARGET.messages.log), \
            QuickFIX's file logs (...messages.current.log, both directions in one file), and raw \
            captures, messages delimited by SOH or '|', one or several a line, with or without a \
            timestamp before them; gzip-compressed ones (...messages.log.gz, as mm paper \
            writes them) are read through. A directory stands for the logs under it; event logs \
            (...event.log) add their lines to the full timeline. Files are merged in time order \
            and a message found in two files (both sides' logs of a session) counts once.

            For each session (BeginString and the two CompIDs) it rebuilds the logons and \
            logouts, the sequence numbers of both directions with their gaps, resend requests, \
            sequence resets and resends, and the rejects; for each order its ClOrdID chain \
            (OrigClOrdID links of replaces, cancels and reports), every report and its final \
            state; the fills, and the position and profit of the side that sent the orders per \
            symbol, marked to the last trade in market data or else the last fill. It prints a \
            timeline (by default the session events, gaps, rejects and fills, up to \
            --timeline-limit lines; --timeline for every message but heartbeats, market data and \
            resends in runs) and a summary per session; --json prints one JSON document. \
            Memory follows the orders working at one time, not the size of the logs: fills \
            and finished orders wait in scratch files in the temporary directory (TMPDIR, \
            removed as soon as they are made) until they are printed.

            With --send, the recorded application messages of the side that --config describes \
            are sent again, over that session, to a live counterparty (such as mm exchange on the \
            same data), and its responses are compared with the recorded ones.

            A line that cannot be replayed (bad CheckSum or BodyLength, a truncated message, a \
            missing header field, a bad timestamp) is reported with its file and line; the rest \
            is replayed.

            Exit status: 0 when every line was replayed (and, with --send, every response \
            matched); 1 when a line could not be replayed or a response differed, was missing, \
            was not recorded or did not come in time; 2 for a file that cannot be read, logs \
            without messages, settings without a matching session, or a scratch file that \
            cannot be written (a full disk); 64 for bad options.
            """
    )

    @Argument(help: ArgumentHelp("FIX logs or captures (files or directories; '-' for standard input).", valueName: "log"))
    var logs: [String] = []

    @Flag(help: "Print one JSON document: files, sessions, orders, fills, positions, timeline and problems.")
    var json = false

    @Flag(help: "Show every message but heartbeats in the timeline, not only the notable events.")
    var timeline = false

    @Option(help: ArgumentHelp("Most timeline events shown (0: no limit).", valueName: "n"))
    var timelineLimit = 200

    @Flag(help: "List every order chain with its final state (text output).")
    var orders = false

    @Option(help: ArgumentHelp("Largest message accepted, in bytes.", valueName: "bytes"))
    var maxMessageSize = 1 << 20

    @Flag(help: "Send the recorded application messages of the side --config describes into a live session and compare the responses.")
    var send = false

    @Option(help: ArgumentHelp("With --send: session settings file in QuickFIX's layout.", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("With --send: the session of --config to use, SENDER-TARGET (needed when it has several).", valueName: "sender-target"))
    var session: String?

    @Option(help: ArgumentHelp("With --send: 'N' times the recorded pace, or 'max'; default: follow the market data (send each message once as many market-data messages came as before it in the recording).", valueName: "n|max"))
    var speed: String?

    @Option(help: ArgumentHelp("With --send: seconds to wait for a logon, for market data, and for the responses after the last message.", valueName: "seconds"))
    var timeout: Double = 10

    /// The options that do not go together, or values out of range: a one-line message.
    func usageProblem() -> String? {
        if logs.isEmpty { return "give at least one log file (see mm replay --help)" }
        if maxMessageSize < 32 { return "--max-message-size must be at least 32" }
        if timelineLimit < 0 { return "--timeline-limit must be 0 or more" }
        if !(timeout > 0) { return "--timeout must be positive" }
        if send {
            if config == nil { return "--send needs --config FILE" }
            if let speed, SendPacing(speed) == nil { return "--speed must be a positive number or 'max'" }
        } else if config != nil || session != nil || speed != nil {
            return "--config, --session and --speed go with --send"
        }
        if let session, SessionSelector(session) == nil { return "--session must be SENDER-TARGET" }
        return nil
    }

    func validate() throws {
        if let problem = usageProblem() { throw ValidationError(problem) }
    }

    func run() async throws {
        let files: [String]
        do {
            files = try LogInput.expand(logs)
        } catch {
            Self.fail("\(error)")
        }
        if send {
            try await runSend(files: files)
            return
        }
        let out = OutputBuffer()
        let limit = timelineLimit == 0 ? nil : timelineLimit
        var shown = 0
        if !json { out.write(LogReportTextFormatter.timelineHeading(full: timeline)) }
        let report: LogStream
        do {
            // Text: the timeline is printed as it is found; the report keeps it only for JSON.
            // The orders are kept (in scratch files) only when they are printed.
            report = try LogReplay.stream(files: files, fullTimeline: timeline, timelineLimit: json ? limit : 0,
                                          orders: json ? .events : (orders ? .chains : .none),
                                          maxMessageSize: maxMessageSize) { event in
                guard !json, limit.map({ shown < $0 }) ?? true else { return }
                shown += 1
                out.write(LogReportTextFormatter.line(event))
            }
        } catch {
            Self.fail("\(error)")
        }
        guard report.messages > 0 else {
            for d in report.diagnostics { FileHandle.standardError.write(Data("mm replay: \(d)\n".utf8)) }
            Self.fail("no FIX message in " + files.joined(separator: ", "))
        }
        if json {
            try LogReportJSONWriter.write(report) { out.write($0) }
            out.write("\n")
        } else {
            out.write(LogReportTextFormatter.omitted(report.timelineOmitted - shown))
            out.write("\n" + LogReportTextFormatter.files(report))
            out.write(LogReportTextFormatter.summary(report))
            if orders {
                out.write(LogReportTextFormatter.ordersHeading)
                try report.forEachOrder { out.write(LogReportTextFormatter.orderLine($0)) }
            }
            out.write(LogReportTextFormatter.problems(report))
        }
        out.flush()
        if let failure = report.scratchFailure { Self.fail("\(failure): the fills and orders above are incomplete") }
        if !report.diagnostics.isEmpty { throw ExitCode(1) }
    }

}

/// Standard output, written in large pieces.
final class OutputBuffer {
    private var bytes: [UInt8] = []

    func write(_ s: String) {
        write(Array(s.utf8))
    }

    func write(_ b: [UInt8]) {
        bytes += b
        if bytes.count > 64 * 1024 { flush() }
    }

    func flush() {
        FileHandle.standardOutput.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }
}
