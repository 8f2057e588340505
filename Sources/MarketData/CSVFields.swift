/// The fields of one CSV line, split at commas, each trimmed of spaces and of one pair of
/// enclosing double quotes. Fields cannot contain commas (numbers and timestamps never do).
/// The storage is reused from line to line.
struct CSVFields {
    private var fields: ContiguousArray<ByteField> = []

    init() {
        fields.reserveCapacity(16)
    }

    mutating func split(_ line: ByteField) {
        fields.removeAll(keepingCapacity: true)
        var s = 0
        for i in 0..<line.count where line[i] == UInt8(ascii: ",") {
            fields.append(ByteField(base: line.base + s, count: i - s).trimmed().unquoted())
            s = i + 1
        }
        fields.append(ByteField(base: line.base + s, count: line.count - s).trimmed().unquoted())
    }

    var count: Int { fields.count }

    subscript(i: Int) -> ByteField { fields[i] }

    /// Whether this line is a header: its second field is there and is not a number (an empty
    /// field is data: an empty side of a quote).
    var isHeader: Bool {
        fields.count >= 2 && !fields[1].isEmpty && !fields[1].isDecimal
    }
}
