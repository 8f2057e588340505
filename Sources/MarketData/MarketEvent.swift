import Market
/// One event of a recorded or synthetic market. Prices are in ticks and sizes in lots of the
/// instrument the source reads for; times are nanoseconds since the Unix epoch, UTC.
public enum MarketEvent: Hashable, Sendable {
    /// Best bid and best ask with their sizes (level 1); a side with no price is empty.
    case quote(time: Int64, bid: Int64?, bidSize: Int64, ask: Int64?, askSize: Int64)
    /// A trade printed at `price` for `size`; `aggressor` is the side that crossed, when known.
    case trade(time: Int64, price: Int64, size: Int64, aggressor: Side?)
    /// The price level `price` of `side` now holds `size` (0: the level is gone).
    case depth(time: Int64, side: Side, price: Int64, size: Int64)
    /// Every level is gone (a full snapshot of `.depth` events follows).
    case clear(time: Int64)

    /// When it happened.
    public var time: Int64 {
        switch self {
        case .quote(let t, _, _, _, _), .trade(let t, _, _, _), .depth(let t, _, _, _), .clear(let t): t
        }
    }
}

/// A stream of market events read one at a time, in constant memory.
public protocol MarketDataSource {
    /// The next event; nil at the end. A bad record throws, naming the file, the line and the
    /// reason, unless the source skips bad records, when it is counted in ``skipped``.
    mutating func next() throws(MarketDataError) -> MarketEvent?
    /// Bad records skipped so far.
    var skipped: Int { get }
    /// How much of its file the source has read, in bytes of the file as stored (compressed
    /// bytes for a gzip file), for progress; 0 for a source that reads no file.
    var bytesRead: Int64 { get }
}

extension MarketDataSource {
    public var bytesRead: Int64 { 0 }
}

/// A record a source cannot read: the file, the line (1-based; 0 for the file as a whole) and
/// why.
public struct MarketDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The file could not be opened or created (missing, a directory, no permission).
        case cannotOpen
        /// Reading it failed, or its compression could not be set up.
        case cannotRead
        /// Writing, closing or renaming it failed.
        case cannotWrite
        /// Its compressed data is damaged or cut short, or its header is not an event file's.
        case damaged
        /// A line or record is not in the format (the line or record is named).
        case badRecord
        /// It is for another instrument than the one asked for, or the instrument cannot be
        /// written in it.
        case wrongInstrument
    }

    public var code: Code
    public var path: String
    public var line: Int
    public var reason: String

    public init(_ code: Code, path: String, line: Int, reason: String) {
        self.code = code
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `PATH:LINE: reason`.
    public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
}
