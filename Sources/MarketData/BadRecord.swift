/// Why one record (a line) of a market-data file cannot be read. The source that reads the line
/// turns it into a ``MarketDataError`` with the file and the line, or skips the record.
struct BadRecord: Error {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
