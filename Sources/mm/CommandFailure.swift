import ArgumentParser
import Foundation

extension ParsableCommand {
    /// Prints `mm <command>: text` to standard error and exits with `status` (by default 2: a
    /// run that cannot go on; see the README's exit statuses).
    static func fail(_ text: String, status: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("mm \(configuration.commandName ?? "mm"): \(text)\n".utf8))
        Foundation.exit(status)
    }
}
