/// The records of a CSV file, for the CSV sources: its lines, read in place by the source or
/// split into fields here, blank lines and a header line skipped, and bad records either
/// reported (file, line, reason) or counted.
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
    var bytesRead: Int64 { reader.bytesRead }

    /// The next line as it is, for a source to read in place (valid until the next call); nil
    /// at the end of the file. Give it to ``split(_:)``, or to ``tookRecord()`` when the source
    /// read it as a record without the fields.
    @inline(__always)
    mutating func nextLine() throws(MarketDataError) -> ByteField? {
        try reader.nextLine()
    }

    /// Splits `line` into ``fields``; false when it is no record (a blank line, or the header).
    mutating func split(_ line: ByteField) -> Bool {
        fields.split(line)
        if fields.count == 1 && fields[0].isEmpty { return false }  // blank line
        if firstLine {
            firstLine = false
            if fields.isHeader { return false }
        }
        return true
    }

    /// The source read the last line as a record itself (a line of plain numeric fields is
    /// neither blank nor a header).
    @inline(__always)
    mutating func tookRecord() {
        firstLine = false
    }

    /// The current record is bad: with `skipBad` it is counted, else this throws the error
    /// naming the file and the line.
    mutating func reject(_ bad: BadRecord) throws(MarketDataError) {
        guard skipBad else { throw MarketDataError(.badRecord, path: reader.path, line: reader.lineNumber, reason: bad.reason) }
        skipped += 1
    }
}
