import ArgumentParser
import FIX
import Foundation
import LogReplay

/// `mm decode`: prints FIX messages with tag names and enum meanings, optionally validated.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode FIX messages from files or standard input.",
        discussion: """
            Reads raw SOH-delimited streams, messages written with '|' or '^A' for SOH, and log \
            lines 'TIMESTAMP : MESSAGE' (the engine's own logs and QuickFIX file logs), one or \
            more messages a line. Gzip-compressed input (the engine's logs written with \
            FileLogCompression=gzip, ...messages.log.gz, as mm paper writes them) is read \
            through, whatever its name. Prints each message with tag names and enum meanings; \
            group instances are indented.

            Garbled input (no 8=FIX, a BodyLength that does not land on 10=, a wrong CheckSum, \
            a truncated message) is reported with its byte offset and line, and decoding goes on \
            with the next 8=FIX: a message cut short does not take the next one along. Memory \
            stays bounded: a run of garbage, however long, is skipped and reported once, and an \
            unfinished message is held up to --max-message-size.

            Exit status: 0 when every message was read (and, with --validate, valid); 1 when any \
            message was garbled or invalid; 2 for a file or dictionary that cannot be read; 64 \
            for bad options.
            """
    )

    @Argument(help: ArgumentHelp("Files to read; standard input when none is given or for '-'.", valueName: "file"))
    var files: [String] = []

    @Flag(name: .customLong("validate"), help: "Check each message against the dictionary and print the SessionRejectReason (373), the tag and the text of the first problem.")
    var checkMessages = false

    @Option(help: ArgumentHelp("Data dictionary in QuickFIX's XML layout (default: the built-in FIX 4.4 dictionary, Specs/FIX44.xml).", valueName: "path"))
    var dictionary: String?

    @Flag(help: "Print one JSON object per message: {\"msgType\":..,\"valid\":..,\"fields\":[[tag,\"value\"],..]}, with \"reject\" for an invalid message and {\"garbled\":true,..} for garbled input.")
    var json = false

    @Option(help: ArgumentHelp("Largest message accepted, in bytes.", valueName: "bytes"))
    var maxMessageSize = 1 << 20

    @Flag(help: "Do not report fields out of order (header, body, trailer) when validating.")
    var noCheckOrder = false

    @Flag(help: "Accept empty values when validating.")
    var noCheckValues = false

    @Flag(help: "Do not check user-defined fields (tag 5000 and up) when validating.")
    var noCheckUserDefined = false

    func validate() throws {
        guard maxMessageSize >= 32 else { throw ValidationError("--max-message-size must be at least 32") }
    }

    func run() throws {
        let dict: DataDictionary
        do {
            if let dictionary {
                dict = try DataDictionary(contentsOfFile: dictionary)
            } else {
                dict = try DataDictionary.fix44()
            }
        } catch {
            throw unusableInput("\(error)")
        }
        let settings = ValidationSettings(checkFieldsOutOfOrder: !noCheckOrder, checkFieldsHaveValues: !noCheckValues,
                                          checkUserDefinedFields: !noCheckUserDefined)
        var run = DecodeRun(dictionary: dict, settings: settings, validate: checkMessages, json: json)
        let sources = files.isEmpty ? ["-"] : files
        for path in sources {
            let input: LogInput
            do {
                input = try LogInput(path: path)
            } catch {
                throw unusableInput("\(error)")
            }
            var reader = FIXInputReader(maxMessageSize: maxMessageSize)
            while let chunk = input.read() {
                reader.read(chunk) { run.handle($0, file: sources.count > 1 ? path : nil) }
            }
            reader.finish { run.handle($0, file: sources.count > 1 ? path : nil) }
        }
        run.flush()
        if run.failures > 0 { throw ExitCode(1) }
    }
}

/// Prints `mm decode: message` to standard error and gives the exit status for an unusable input.
func unusableInput(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("mm decode: \(message)\n".utf8))
    return ExitCode(2)
}

/// The state of one `mm decode` run: counts and buffered output.
struct DecodeRun {
    let formatter: FIXMessageFormatter
    let validator: FIXValidator
    let validate: Bool
    let json: Bool
    var count = 0
    var failures = 0
    var output = ""

    init(dictionary: DataDictionary, settings: ValidationSettings, validate: Bool, json: Bool) {
        formatter = FIXMessageFormatter(dictionary: dictionary)
        validator = FIXValidator(dictionary: dictionary, settings: settings)
        self.validate = validate
        self.json = json
    }

    mutating func handle(_ item: FIXInputReader.Item, file: String?) {
        let place = file.map { "\($0):" } ?? "line "
        switch item {
        case let .message(bytes, line):
            count += 1
            var message: FIXMessage
            do {
                message = try FIXMessage(bytes: bytes)
            } catch {
                failures += 1
                emit(json ? formatter.garbledJSON(offset: 0, line: line, reason: error.description, length: bytes.count)
                     : "#\(count) \(place)\(line): GARBLED: \(error)\n")
                return
            }
            let reject = validator.validate(&message)  // also resolves groups for printing
            if validate && reject != nil { failures += 1 }
            emit(json ? formatter.json(message, validated: validate, reject: reject)
                 : formatter.text(message, validated: validate, reject: reject, title: "#\(count) \(place)\(line):"))
        case let .garbled(offset, line, reason, length):
            failures += 1
            emit(json ? formatter.garbledJSON(offset: offset, line: line, reason: reason, length: length)
                 : "\(place)\(line): " + formatter.garbledText(offset: offset, line: line, reason: reason, length: length))
        }
    }

    mutating func emit(_ s: String) {
        output += s
        if !s.hasSuffix("\n") { output += "\n" }
        if output.utf8.count > 64 * 1024 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(output.utf8))
        output = ""
    }
}
