import Foundation
import Testing

/// What `mm help <subcommand>` and the README say a bad option exits with, checked against the
/// status each subcommand really exits with.
struct ExitStatusHelpTests {
    /// The subcommands `mm --help` lists.
    static func subcommands() throws -> [String] {
        let help = try DecodeCommandTests.run(["--help"]).stdout
        guard let list = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[list.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { !$0.isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// Every status the text gives for bad options (`N for bad options`, across line breaks).
    static func badOptionStatuses(_ text: some StringProtocol) -> [Int32] {
        let words = text.split(whereSeparator: \.isWhitespace).map { $0.trimmingCharacters(in: .punctuationCharacters) }
        return words.indices.dropFirst().compactMap { i -> Int32? in
            guard words[i...].prefix(3) == ["for", "bad", "options"] else { return nil }
            return Int32(words[i - 1])
        }
    }

    /// The README's section on `mm name`, up to the next section.
    static func readmeSection(_ readme: String, _ name: String) -> Substring {
        guard let heading = readme.range(of: "\n### `mm \(name)") else { return "" }
        let rest = readme[heading.upperBound...]
        let end = [rest.range(of: "\n### "), rest.range(of: "\n## ")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
        return rest[..<end]
    }

    @Test func helpAndReadmeGiveTheExitStatusOfABadOption() throws {
        let names = try Self.subcommands()
        #expect(Set(names).isSuperset(of: ["paper", "quote", "exchange", "backtest", "convert", "replay", "decode"]), "\(names)")
        let readme = try String(contentsOf: DecodeCommandTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        for name in names {
            let bad = try DecodeCommandTests.run([name, "--no-such-option"])
            #expect(bad.stderr.hasPrefix("Error: "), "\(name): \(bad.stderr)")
            let help = try DecodeCommandTests.run(["help", name])
            #expect(help.status == 0)
            #expect(Self.badOptionStatuses(help.stdout) == [bad.status],
                    "mm help \(name) says \(Self.badOptionStatuses(help.stdout)) for bad options; it exits \(bad.status)")
            let section = Self.readmeSection(readme, name)
            #expect(Self.badOptionStatuses(section) == [bad.status],
                    "README on mm \(name) says \(Self.badOptionStatuses(section)) for bad options; it exits \(bad.status)")
        }
    }

    /// Options that do not go together, or a value out of range, are bad options too.
    @Test func badOptionValuesExitAsBadOptions() throws {
        for (arguments, message) in [(["replay", "--send", "Specs/examples/replay/capture.txt"], "--send needs --config FILE"),
                                     (["replay", "--timeout", "0", "x.log"], "--timeout must be positive"),
                                     (["decode", "--max-message-size", "8"], "--max-message-size must be at least 32"),
                                     (["exchange", "--rc", "2"], "--rc must be between 0 and 1")] {
            let r = try DecodeCommandTests.run(arguments)
            #expect(r.status == 64 && r.stderr.contains(message), "mm \(arguments.joined(separator: " ")): \(r.status) \(r.stderr)")
        }
    }
}
