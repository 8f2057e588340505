import ArgumentParser

/// `mm`: the market-maker engine's command-line tool.
@main
struct MM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mm",
        abstract: "A FIX 4.4 market-maker engine: session layer, simulated exchange, quoting and risk.",
        discussion: """
            Each mode of the engine is a subcommand. Run `mm help <subcommand>` for its options.
            """,
        version: "0.1.0",
        subcommands: [PaperCommand.self, QuoteCommand.self, ExchangeCommand.self, BacktestCommand.self, ConvertCommand.self, MarketStatsCommand.self, MarginCommand.self, ReplayCommand.self, Decode.self]
    )
}
