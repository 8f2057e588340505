/// One entry of a market-data message's NoMDEntries (268) group, read in place by
/// ``FIXMessage/forEachMarketDataEntry(_:)``: the fields a book needs, no strings.
public struct MarketDataEntryFields {
    /// MDUpdateAction (279)'s first byte: `0` new, `1` change, `2` delete; `0` when the entry
    /// has none (every entry of a snapshot).
    public var action: UInt8 = UInt8(ascii: "0")
    /// MDEntryType (269)'s first byte (`0` bid, `1` offer, `2` trade, ...); 0 when absent.
    public var type: UInt8 = 0
    /// The entry's own Symbol (55), if it has one (an incremental refresh's entries do).
    public var symbol: FIXField?
    /// MDEntryPx (270); nil when absent or not a decimal.
    public var price: FIXDecimal?
    /// MDEntrySize (271); nil when absent or not a decimal.
    public var size: FIXDecimal?
    /// MDEntryDate (272) and MDEntryTime (273), as they are in the message.
    public var date: FIXField?
    public var time: FIXField?

    @inlinable
    public init(action: UInt8 = UInt8(ascii: "0")) { self.action = action }
}

extension FIXMessage {
    /// Reads the entries of a MarketDataSnapshotFullRefresh (W) or MarketDataIncrementalRefresh
    /// (X) straight from the message's fields, in order, without allocating: the fast reading
    /// behind the market maker's book and the log reader's marks (the typed messages,
    /// ``MarketDataSnapshotFullRefresh`` and ``MarketDataIncrementalRefresh``, are the checked
    /// reading; a test holds the two to the same entries).
    ///
    /// Fields before NoMDEntries (268) are not entries. An entry starts at an MDUpdateAction
    /// (279), the first field of an incremental refresh's entries, or at an MDEntryType (269)
    /// when the entry being read already has one or none has started (a snapshot's entries start
    /// with it): so the message's type need not be looked up. `body` gets each entry and the
    /// message's bytes (for ``MarketDataEntryFields/symbol``, ``date`` and ``time``).
    @inlinable
    public func forEachMarketDataEntry(_ body: (MarketDataEntryFields, UnsafeRawBufferPointer) -> Void) {
        withUnsafeFields { fields, raw in
            var entry = MarketDataEntryFields()
            var inGroup = false
            var started = false
            for field in fields {
                if !inGroup {
                    inGroup = field.tag == Int32(Tag.noMDEntries)
                    continue
                }
                let value = UnsafeRawBufferPointer(rebasing: raw[field.valueRange])
                switch field.tag {
                case Int32(Tag.mdUpdateAction):
                    if started { body(entry, raw) }
                    started = true
                    entry = MarketDataEntryFields(action: value.first ?? 0)
                case Int32(Tag.mdEntryType):
                    if !started || entry.type != 0 {
                        if started { body(entry, raw) }
                        started = true
                        entry = MarketDataEntryFields()
                    }
                    entry.type = value.first ?? 0
                case Int32(Tag.symbol) where started: entry.symbol = field
                case Int32(Tag.mdEntryPx) where started: entry.price = FIXDecimal(ascii: value)
                case Int32(Tag.mdEntrySize) where started: entry.size = FIXDecimal(ascii: value)
                case Int32(Tag.mdEntryDate) where started: entry.date = field
                case Int32(Tag.mdEntryTime) where started: entry.time = field
                default: break
                }
            }
            if started { body(entry, raw) }
        }
    }
}
