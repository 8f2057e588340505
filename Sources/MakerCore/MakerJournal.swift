import Market
import FIXSessionCore
import Quoting
import Risk

/// A market maker's state on disk (a ``RecordJournal``): the changes it made, written before the
/// orders that follow them leave, and rewritten as a snapshot of the live state at each start and
/// whenever it has grown past ``compactionSize``. ``open(path:instrument:sync:)`` reads it back
/// into a ``MakerState``.
///
/// Records (payloads little-endian):
/// - 1, instrument: the symbol (a journal of another instrument is refused);
/// - 2, positions: the ``PositionBook``'s figures;
/// - 3, ladder order: a ``QuotedOrder`` as it now stands (it replaces any earlier record of its key);
/// - 4, flattening order;
/// - 5, order gone: the key of an order that ended (or changed its key by a replace);
/// - 6, risk: the kill switch, the net-position stop, the intraday figures;
/// - 7, changes: what one event changed, as entries of kinds 2 to 6 (one record, one checksum).
/// The next keys are not recorded: they follow the largest key seen (and, for ids that never
/// repeat even when the journal is lost, the start time, see ``MarketMaker/init(configuration:firstKey:)``).
public final class MakerJournal {
    public let journal: RecordJournal
    public let instrument: Instrument
    /// The journal is rewritten as a snapshot once it is this large (bytes).
    public var compactionSize: Int64 = 64 << 20
    /// Keys written by the record being made (each order once).
    private var scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
    private var scratchCapacity = 64

    deinit { scratch.deallocate() }

    enum Kind: UInt8 {
        case instrument = 1, positions, ladderOrder, flatteningOrder, gone, risk
        /// The changes of one event: entries of the kinds above, each its kind byte then its fields.
        case changes
    }

    /// Journal errors that are not the file's: a journal of another instrument, a value out of range.
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    private init(journal: RecordJournal, instrument: Instrument) {
        self.journal = journal
        self.instrument = instrument
    }

    /// What ``open(path:instrument:sync:)`` found.
    public struct Opened {
        public var journal: MakerJournal
        /// The state saved; nil for a new journal.
        public var state: MakerState?
        public var records: Int
        /// A record cut short at the end (a stop mid-write), dropped.
        public var diagnostic: String?
    }

    /// Opens the journal at `path` (creating it), reads the state it holds and (unless not
    /// `compact`) rewrites it as a snapshot of that state.
    public static func open(path: String, instrument: Instrument, sync: StoreSyncPolicy, compact: Bool = true) throws -> Opened {
        var fold = Fold(instrument: instrument)
        let opened = try RecordJournal.open(path: path, sync: sync) { kind, payload in
            try fold.apply(kind: kind, &payload)
        }
        let maker = MakerJournal(journal: opened.journal, instrument: instrument)
        let state = fold.sawAnything ? fold.built : nil
        if compact { try maker.compact(state ?? MakerState(positions: PositionBook(instrument: instrument))) }
        return Opened(journal: maker, state: state, records: opened.records, diagnostic: opened.diagnostic)
    }

    /// Rewrites the journal as `state`.
    public func compact(_ state: MakerState) throws(StoreError) {
        try journal.compact { j in
            j.append(kind: Kind.instrument.rawValue) { w in w.string(instrument.symbol) }
            j.append(kind: Kind.positions.rawValue) { w in Self.write(positions: state.positions, into: &w) }
            for o in state.ladder { j.append(kind: Kind.ladderOrder.rawValue) { w in Self.write(fields: .ladder(o), into: &w) } }
            for o in state.flattening { j.append(kind: Kind.flatteningOrder.rawValue) { w in Self.write(fields: .flattening(o), into: &w) } }
            // The next keys of a snapshot: as records of orders gone, so that the fold's largest
            // key stays where it was even when no order is left.
            if state.nextKey.rawValue > 1 {
                j.append(kind: Kind.gone.rawValue) { w in w.uint64(state.nextKey.rawValue - 1) }
            }
            if state.nextFlattenKey.rawValue > MarketMaker.flatteningKeyBase {
                j.append(kind: Kind.gone.rawValue) { w in w.uint64(state.nextFlattenKey.rawValue - 1) }
            }
            j.append(kind: Kind.risk.rawValue) { w in Self.write(risk: (state.killSwitch, state.stop, state.risk), into: &w) }
        }
    }

    // MARK: - Records

    /// Appends what changed in `maker` since its last ``MarketMaker/clearChanges()``, and clears
    /// the changes. The records reach the file at ``flush()``.
    @inline(__always)
    public func record(_ maker: inout MarketMaker) {
        let keys = maker.changedKeys
        guard maker.positionsChanged || maker.riskChanged || !keys.isEmpty else { return }
        if keys.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(keys.count, 2 * scratchCapacity)
            scratch = .allocate(capacity: scratchCapacity)
        }
        let done = scratch
        journal.append(kind: Kind.changes.rawValue, with: &maker) { w, maker in
            if maker.positionsChanged {
                w.uint8(Kind.positions.rawValue)
                Self.write(positions: maker.positions, into: &w)
            }
            // Each order once, by the key it now has (several of its keys may have changed).
            var n = 0
            for key in keys {
                let order = maker.order(key)
                let k = order?.key.rawValue ?? key.rawValue
                var seen = false
                for i in 0..<n where done[i] == k { seen = true; break }
                if seen { continue }
                done[n] = k
                n += 1
                if let order {
                    Self.write(order, into: &w)
                } else {
                    w.uint8(Kind.gone.rawValue)
                    w.uint64(k)
                }
            }
            if maker.positionsChanged || maker.riskChanged {
                w.uint8(Kind.risk.rawValue)
                Self.write(risk: maker.state(risk: ()), into: &w)
            }
        }
        maker.clearChanges()
    }

    /// Hands the records to the operating system (before the orders that follow them leave).
    public func flush() throws(StoreError) {
        try journal.flush()
    }

    @inline(__always)
    static func write(positions p: PositionBook, into w: inout JournalWriter) {
        w.int64(p.position); w.int64(p.openCost); w.int64(p.realized); w.int64(p.fees); w.int64(Int64(p.fills))
        w.int64(p.volume); w.int64(p.makerVolume); w.int64(p.maxAbsPosition); w.int64(p.feesPaidGross)
    }

    /// An order as a changes entry: its kind byte, then its fields.
    @inline(__always)
    static func write(_ order: MakerOrder, into w: inout JournalWriter) {
        switch order {
        case .ladder: w.uint8(Kind.ladderOrder.rawValue)
        case .flattening: w.uint8(Kind.flatteningOrder.rawValue)
        }
        write(fields: order, into: &w)
    }

    @inline(__always)
    static func write(fields order: MakerOrder, into w: inout JournalWriter) {
        switch order {
        case .ladder(let o):
            w.uint64(o.key.rawValue); w.uint8(o.side == .buy ? 1 : 2)
            w.int64(o.price); w.int64(o.quantity); w.int64(o.cumQuantity); w.int64(o.leaves)
            switch o.state {
            case .pendingNew: w.uint8(0); w.uint64(0); w.int64(0); w.int64(0)
            case .working: w.uint8(1); w.uint64(0); w.int64(0); w.int64(0)
            case let .pendingReplace(newKey, price, quantity): w.uint8(2); w.uint64(newKey.rawValue); w.int64(price); w.int64(quantity)
            case .pendingCancel(let cancelKey): w.uint8(3); w.uint64(cancelKey.rawValue); w.int64(0); w.int64(0)
            case .filled, .canceled, .rejected: w.uint8(9); w.uint64(0); w.int64(0); w.int64(0)
            }
            w.bool(o.cancelOwed)
        case .flattening(let o):
            w.uint64(o.key.rawValue); w.uint8(o.side == .buy ? 1 : 2); w.int64(o.quantity); w.int64(o.filled)
            w.bool(o.limitPrice != nil); w.int64(o.limitPrice ?? 0)
        }
    }

    @inline(__always)
    static func write(risk s: (killSwitch: Bool, stop: NetPositionStop.Saved, risk: IntradayRisk), into w: inout JournalWriter) {
        w.bool(s.killSwitch)
        w.int64(s.stop.direction); w.int64(s.stop.peak); w.int64(s.stop.position); w.int64(Int64(s.stop.events))
        w.int64(s.risk.day); w.int64(s.risk.dayStartProfit); w.int64(s.risk.maxIntradayLoss); w.int64(s.risk.maxIntradayLossToday)
    }

    // MARK: - Reading

    /// The state the records build, the last record of each thing winning.
    struct Fold {
        let instrument: Instrument
        /// The positions, risk and kill switch read so far (orders and keys: ``built``).
        var state: MakerState
        var orders: [UInt64: MakerOrder] = [:]
        var largestKey: UInt64 = 0
        var largestFlattenKey: UInt64 = 0
        var sawAnything = false

        init(instrument: Instrument) {
            self.instrument = instrument
            state = MakerState(positions: PositionBook(instrument: instrument))
        }

        mutating func apply(kind: UInt8, _ r: inout JournalReader) throws {
            sawAnything = true
            switch Kind(rawValue: kind) {
            case .instrument?:
                let symbol = try r.string()
                guard symbol == instrument.symbol else {
                    throw Mismatch(description: "the journal is of \(symbol), not \(instrument.symbol)")
                }
            case .positions?:
                let values = try (0..<9).map { _ in try r.int64() }
                guard values[4] >= 0, values[4] <= Int64(Int32.max) * 1024 else { throw Mismatch(description: "a fill count out of range") }
                state.positions = PositionBook(restoring: instrument, position: values[0], openCost: values[1], realized: values[2],
                                               fees: values[3], fills: Int(values[4]), volume: values[5], makerVolume: values[6],
                                               maxAbsPosition: values[7], feesPaidGross: values[8])
            case .ladderOrder?:
                let key = try r.uint64()
                let side = try Self.side(r.uint8())
                let price = try r.int64(), quantity = try r.int64(), cum = try r.int64(), leaves = try r.int64()
                let stateCode = try r.uint8()
                let other = try r.uint64(), otherPrice = try r.int64(), otherQuantity = try r.int64()
                let owed = try r.bool()
                let orderState: OrderState
                switch stateCode {
                case 0: orderState = .pendingNew
                case 1: orderState = .working
                case 2: orderState = .pendingReplace(newKey: OrderKey(other), price: otherPrice, quantity: otherQuantity)
                case 3: orderState = .pendingCancel(cancelKey: OrderKey(other))
                default: orders[key] = nil; return
                }
                guard quantity > 0, cum >= 0, leaves >= 0 else {
                    throw Mismatch(description: "order \(key): quantities out of range")
                }
                note(key)
                if stateCode == 2 || stateCode == 3 { note(other) }
                orders[key] = .ladder(QuotedOrder(restoring: OrderKey(key), side: side, price: price, quantity: quantity,
                                                  cumQuantity: cum, leaves: leaves, state: orderState, cancelOwed: owed))
            case .flatteningOrder?:
                let key = try r.uint64()
                let side = try Self.side(r.uint8())
                let quantity = try r.int64(), filled = try r.int64()
                let limited = try r.bool(), limit = try r.int64()
                guard quantity > 0, filled >= 0, filled <= quantity else {
                    throw Mismatch(description: "flattening order \(key): quantities out of range")
                }
                note(key)
                orders[key] = .flattening(FlatteningOrder(key: OrderKey(key), side: side, quantity: quantity, filled: filled,
                                                          limitPrice: limited ? limit : nil))
            case .gone?:
                let key = try r.uint64()
                note(key)
                orders[key] = nil
            case .risk?:
                state.killSwitch = try r.bool()
                let direction = try r.int64(), peak = try r.int64(), position = try r.int64(), events = try r.int64()
                state.stop = NetPositionStop.Saved(direction: direction, peak: peak, position: position,
                                                   events: Int(clamping: max(0, events)))
                state.risk = IntradayRisk(day: try r.int64(), dayStartProfit: try r.int64(), maxIntradayLoss: try r.int64(),
                                          maxIntradayLossToday: try r.int64())
            case .changes?:
                while r.remaining > 0 {
                    let entry = try r.uint8()
                    guard entry != Kind.changes.rawValue, entry != Kind.instrument.rawValue else {
                        throw Mismatch(description: "a changes record holds an entry of kind \(entry)")
                    }
                    try apply(kind: entry, &r)
                }
            case nil:
                throw Mismatch(description: "unknown record kind \(kind)")
            }
        }

        private mutating func note(_ key: UInt64) {
            if MarketMaker.isFlattening(OrderKey(key)) {
                largestFlattenKey = max(largestFlattenKey, key)
            } else {
                largestKey = max(largestKey, key)
            }
        }

        static func side(_ code: UInt8) throws -> Side {
            switch code {
            case 1: .buy
            case 2: .sell
            default: throw Mismatch(description: "a side of \(code)")
            }
        }
    }
}

extension MakerJournal.Fold {
    /// The state read, orders and keys included.
    var built: MakerState {
        var s = state
        s.ladder = []
        s.flattening = []
        for o in orders.values {
            switch o {
            case .ladder(let q): s.ladder.append(q)
            case .flattening(let f): s.flattening.append(f)
            }
        }
        s.ladder.sort { $0.key < $1.key }
        s.flattening.sort { $0.key < $1.key }
        s.nextKey = OrderKey(largestKey &+ 1)
        s.nextFlattenKey = OrderKey(max(largestFlattenKey &+ 1, MarketMaker.flatteningKeyBase))
        return s
    }
}

extension MarketMaker {
    /// The kill switch, stop and intraday figures, for a journal's risk record.
    func state(risk: Void) -> (killSwitch: Bool, stop: NetPositionStop.Saved, risk: IntradayRisk) {
        (gate.killSwitch.isEngaged, gate.stops[0].saved, intradayRisk)
    }
}
