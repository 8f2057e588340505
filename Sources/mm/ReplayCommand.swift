import ArgumentParser

/// `mm replay`: FIX message logs read back.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Replay of FIX logs (being built).")

    func run() async throws {
        throw ValidationError("mm replay is not available yet")
    }
}
