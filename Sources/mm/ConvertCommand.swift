import Market
import MarketData
import ArgumentParser
import Foundation

/// `mm convert`: recorded market data to the engine's binary event file, which replays without
/// parsing text.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert recorded market data to an event file (--format events), the fastest form to replay.",
        discussion: """
            Reads --data in its --format (l1csv, trades, binance; or a generated market: queue-reactive, the default, or synthetic) as \
            mm backtest and mm paper read it, and writes the same events, in ticks and lots of \
            the instrument, to --output: 48 bytes an event, with the instrument in the file's \
            header. Replay it with --data FILE --format events. The file is written under \
            FILE.partial and takes its name when complete. A bad record stops the conversion \
            with its line (or is skipped and counted with --skip-bad).

            Exit status: 0; 1 when the data has a bad record or the file cannot be written; 2 \
            for a file that cannot be opened or created; 64 for bad options.
            """
    )

    @OptionGroup var recording: MarketDataOptions

    @Option(name: [.short, .long], help: ArgumentHelp("The event file to write (replaced if it exists).", valueName: "file"))
    var output: String

    func validate() throws {
        if recording.format == .events { throw ValidationError("--data is already an event file") }
    }

    func run() throws {
        let format = recording.format ?? .queueReactive
        let instrument: Instrument
        do { instrument = try recording.replayInstrument(format) } catch let error as MarketDataError { Self.fail("\(error)", status: 2) }
        let started = ContinuousClock.now
        var source: any MarketDataSource
        let writer: EventFileWriter
        do {
            source = try recording.source(format: format, instrument: instrument)
            writer = try EventFileWriter(path: output, instrument: instrument)
        } catch {
            Self.fail("\(error)", status: 2)
        }
        do {
            while let event = try source.next() { try writer.write(event) }
            try writer.finish()
        } catch {
            Self.fail("\(error)", status: 1)
        }
        let events = writer.events
        let skipped = source.skipped
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.inSeconds
        print("\(output): \(events) events of \(instrument.symbol) (tick \(instrument.tickSize), lot \(instrument.lotSize))"
              + (skipped > 0 ? ", \(skipped) bad records skipped" : "") + String(format: " in %.2f s", seconds))
    }

}
