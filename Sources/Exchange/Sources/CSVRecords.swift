/// The records of a CSV file, for the CSV sources: its lines split into fields, blank lines and
/// a header line skipped, and bad records either reported (file, line, reason) or counted.
struct CSVRecords {
    private let reader: LineReader
    let skipBad: Bool
    /// The fields of the current record.
    private(set) var fields = CSVFields()
    /// Bad records skipped so far.
    private(set) var skipped = 0
    private var firstLine = true

    /// Opens `path` (inflated on the fly when it ends with `.gz`).
    init(path: String, skipBad: Bool) throws(MarketDataError) {
        reader = try LineReader(path: path)
        self.skipBad = skipBad
    }

    /// The 1-based number of the last line read (0 before the first).
    var lineNumber: Int { reader.lineNumber }

    /// Moves to the next record (``fields``); false at the end of the file.
    mutating func advance() throws(MarketDataError) -> Bool {
        while let line = try reader.nextLine() {
            fields.split(line)
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line
            if firstLine {
                firstLine = false
                if fields.isHeader { continue }
            }
            return true
        }
        return false
    }

    /// The current record is bad: with `skipBad` it is counted, else this throws the error
    /// naming the file and the line.
    mutating func reject(_ bad: BadRecord) throws(MarketDataError) {
        guard skipBad else { throw MarketDataError(path: reader.path, line: reader.lineNumber, reason: bad.reason) }
        skipped += 1
    }
}
