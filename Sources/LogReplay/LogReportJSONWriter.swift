import Foundation

/// The JSON document of a ``LogStream``, written a piece at a time: the same bytes as a
/// ``LogReport`` of the same logs encoded whole (`JSONEncoder`, sorted keys), with the fills
/// and orders read back from the stream's scratch files rather than held.
public enum LogReportJSONWriter {
    /// Writes the document, in pieces, to `write`.
    public static func write(_ r: LogStream, to write: ([UInt8]) -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func value(_ v: some Encodable) throws -> [UInt8] { Array(try encoder.encode(v)) }
        func key(_ name: String, first: Bool = false) -> [UInt8] { Array(((first ? "{" : ",") + "\"\(name)\":").utf8) }
        // The keys in JSONEncoder's sorted order.
        write(key("diagnostics", first: true) + (try value(r.diagnostics)))
        write(key("duplicatesSkipped") + (try value(r.duplicatesSkipped)))
        write(key("files") + (try value(r.files)))
        write(key("fills") + [UInt8(ascii: "[")])
        var first = true
        var pending: [UInt8] = []
        try r.forEachFill { f in
            if !first { pending.append(UInt8(ascii: ",")) }
            first = false
            pending += try value(f)
            if pending.count >= 1 << 16 {
                write(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        write(pending + [UInt8(ascii: "]")])
        write(key("messages") + (try value(r.messages)))
        write(key("orders") + [UInt8(ascii: "[")])
        first = true
        pending.removeAll(keepingCapacity: true)
        r.forEachOrderJSON { chain in
            if !first { pending.append(UInt8(ascii: ",")) }
            first = false
            pending += chain
            if pending.count >= 1 << 16 {
                write(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        write(pending + [UInt8(ascii: "]")])
        write(key("positions") + (try value(r.positions)))
        write(key("sessions") + (try value(r.sessions)))
        write(key("timeline") + (try value(r.timeline)))
        write(key("timelineOmitted") + (try value(r.timelineOmitted)) + [UInt8(ascii: "}")])
    }
}
