import ArgumentParser

/// `mm backtest`: the study's sweep over Rc, in process.
struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backtest", abstract: "Backtest (being built).")

    func run() async throws {
        throw ValidationError("mm backtest is not available yet")
    }
}
