/// A plain text table: a header row and rows of cells, each column as wide as its widest
/// cell; the first column left-aligned, the others right-aligned.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The lines of the table, each indented by `indent`.
    public func lines(indent: String = "  ") -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = indent
            for (i, cell) in cells.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                if i > 0 { out += "  " }
                out += i == 0 ? cell + pad : pad + cell
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        return [line(header)] + rows.map(line)
    }
}
