import FIX
import FIXSessionCore

/// The simulated exchange's state on disk (a ``RecordJournal`` beside its message stores): what
/// each request changed, handed to the operating system before the reports that depend on it
/// leave, and rewritten as a snapshot of the live state (``VenueState``) at each start and
/// whenever it has grown past ``compactionSize``. ``open(path:sync:recentOrderLimit:)`` reads it
/// back.
///
/// Records (payloads little-endian; a decimal is its mantissa, Int64, and its scale, one byte;
/// an order is a ``RecordedOrder``'s fields; a participant is its number in the journal, Int64):
/// - 1, run: the OrderID and ExecID prefix of a run of the venue;
/// - 2, participant: its number, SenderCompID and TargetCompID of its session;
/// - 3, working order: participant, the order as it now works (it replaces any earlier record
///   of its OrderID);
/// - 4, name: participant, OrderID, a ClOrdID that named the order (a cancel or replace
///   request, a refused one too);
/// - 5, done order: participant, the order as it ended (filled or canceled);
/// - 6, notices sent: participant (the cancels waiting for its logon have been sent);
/// - 7, position: participant, symbol, the net position (negative: short);
/// - 8, last price: symbol, the price of its last trade;
/// - 9, notice: participant, an order canceled while it was away, the report's Text and
///   TransactTime (ns since the epoch).
///
/// Used on the venue's event loop only (it is Sendable so that it can be handed there).
public final class VenueJournal: @unchecked Sendable {
    public let journal: RecordJournal
    /// The journal is rewritten as a snapshot once it is this large (bytes). The rewrite runs on
    /// the venue's event loop, and forces the new file to disk there.
    public var compactionSize: Int64 = 64 << 20
    /// Each participant's number in the file.
    private var numbers: [SessionID: Int64] = [:]
    /// The sessions' views of the journal for their group commit.
    private var syncs: [SessionID: SessionSync] = [:]
    /// The file to sync, once it has been written.
    fileprivate var target: SyncTarget?

    enum Kind: UInt8 {
        case run = 1, participant, working, name, done, noticesSent, position, lastPrice, notice
    }

    /// A record that cannot be read: an unknown kind, a value out of range.
    public struct Damaged: Error, CustomStringConvertible {
        public var description: String
    }

    private init(journal: RecordJournal) {
        self.journal = journal
    }

    /// What ``open(path:sync:recentOrderLimit:)`` found.
    public struct Opened {
        public var journal: VenueJournal
        /// The state saved; nil for a new journal.
        public var state: VenueState?
        public var records: Int
        /// A record cut short at the end (a stop mid-write), dropped.
        public var diagnostic: String?
    }

    /// Opens the journal at `path` (creating it) and reads the state it holds, keeping the last
    /// `recentOrderLimit` done orders of each participant. Write the state the venue starts
    /// from with ``compact(_:)`` before anything else.
    public static func open(path: String, sync: StoreSyncPolicy, recentOrderLimit: Int) throws -> Opened {
        var fold = Fold(recentLimit: recentOrderLimit)
        let opened = try RecordJournal.open(path: path, sync: sync) { kind, payload in
            try fold.apply(kind: kind, &payload)
        }
        return Opened(journal: VenueJournal(journal: opened.journal), state: fold.sawAnything ? fold.state : nil,
                      records: opened.records, diagnostic: opened.diagnostic)
    }

    /// Rewrites the journal as `state`.
    public func compact(_ state: VenueState) throws(StoreError) {
        try journal.compact { j in
            numbers.removeAll()
            if let prefix = state.lastPrefix { j.append(kind: Kind.run.rawValue) { w in w.string(prefix) } }
            for (symbol, price) in state.lastPrices.sorted(by: { $0.key < $1.key }) { lastPrice(symbol, price) }
            for r in state.participants {
                let session = r.participant.session
                _ = number(session)
                for (symbol, quantity) in r.positions.sorted(by: { $0.key < $1.key }) { position(symbol, quantity, of: session) }
                for order in r.workingOrders { working(order, of: session) }
                // A done order's record holds every ClOrdID that named it, those of too-late
                // cancels included.
                r.participant.recent.forEachOrdered { done($0, of: session) }
                for n in r.participant.notices { notice(n, of: session) }
            }
        }
        target = nil
    }

    // MARK: - Records

    /// The number of `session`'s participant, recorded the first time.
    private func number(_ session: SessionID) -> Int64 {
        if let n = numbers[session] { return n }
        let n = Int64(numbers.count)
        numbers[session] = n
        journal.append(kind: Kind.participant.rawValue) { w in
            w.int64(n)
            w.string(session.senderCompID)
            w.string(session.targetCompID)
        }
        return n
    }

    func run(_ prefix: String) {
        journal.append(kind: Kind.run.rawValue) { w in w.string(prefix) }
    }

    func working(_ order: RecordedOrder, of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.working.rawValue) { w in w.int64(n); w.order(order) }
    }

    func name(_ clOrdID: String, orderID: String, of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.name.rawValue) { w in w.int64(n); w.string(orderID); w.string(clOrdID) }
    }

    func done(_ order: RecordedOrder, of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.done.rawValue) { w in w.int64(n); w.order(order) }
    }

    func notice(_ notice: Notice, of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.notice.rawValue) { w in
            w.int64(n); w.order(notice.order); w.string(notice.text); w.int64(notice.time.nanosecondsSinceEpoch)
        }
    }

    func noticesSent(of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.noticesSent.rawValue) { w in w.int64(n) }
    }

    func position(_ symbol: String, _ quantity: FIXDecimal, of session: SessionID) {
        let n = number(session)
        journal.append(kind: Kind.position.rawValue) { w in w.int64(n); w.string(symbol); w.decimal(quantity) }
    }

    func lastPrice(_ symbol: String, _ price: FIXDecimal) {
        journal.append(kind: Kind.lastPrice.rawValue) { w in w.string(symbol); w.decimal(price) }
    }

    // MARK: - Durability

    /// Hands the records appended so far to the operating system (``RecordJournal/flush()``); from then on,
    /// under `FileStoreSync=always`, the next messages of `sessions` wait until the journal is
    /// on disk as well. Compacts the journal once it has grown past ``compactionSize``, with the
    /// state `snapshot` gives.
    func flush(before sessions: some Sequence<SessionID>, snapshot: () -> VenueState) throws(StoreError) {
        try journal.flush()
        var written: [SyncTarget] = []
        journal.takeUnsynced(into: &written)
        if let first = written.first {
            target = first
            for s in sessions { syncs[s]?.pending = true }
        }
        if journal.size > compactionSize { try compact(snapshot()) }
    }

    /// What `session` gives its group commit, so that its messages wait for the journal's
    /// writes before them (see ``FIXSession/addSyncSource(_:)``).
    func syncSource(for session: SessionID) -> any SyncSource {
        if let s = syncs[session] { return s }
        let s = SessionSync(venue: self)
        syncs[session] = s
        return s
    }

    /// One session's view of the journal: the journal's file, when records that the session's
    /// next messages depend on have been written since it last synced. (One session taking the
    /// journal's writes must not leave another's reports free to leave before the sync.)
    final class SessionSync: SyncSource {
        weak var venue: VenueJournal?
        var pending = false

        init(venue: VenueJournal) { self.venue = venue }

        var syncBeforeSend: Bool { venue?.journal.syncBeforeSend ?? false }

        func takeUnsynced(into targets: inout [SyncTarget]) {
            guard pending, let target = venue?.target else { return }
            pending = false
            targets.append(target)
        }

        func syncFailed(_ error: StoreError) { venue?.journal.syncFailed(error) }
    }

    /// Flushes and closes the file.
    public func close() {
        journal.close()
    }

    // MARK: - Reading

    /// Builds the state from the records, oldest first.
    struct Fold {
        let recentLimit: Int
        var state = VenueState()
        /// Participant numbers of the file -> index in `state.participants`.
        var index: [Int64: Int] = [:]
        var sawAnything = false
        var sequence = 0

        init(recentLimit: Int) {
            self.recentLimit = recentLimit
        }

        mutating func apply(kind: UInt8, _ r: inout JournalReader) throws {
            sawAnything = true
            guard let k = Kind(rawValue: kind) else { throw Damaged(description: "unknown record kind \(kind)") }
            switch k {
            case .run:
                state.lastPrefix = try r.string()
            case .participant:
                let n = try r.int64()
                let session = SessionID(senderCompID: try r.string(), targetCompID: try r.string())
                if let i = state.participants.firstIndex(where: { $0.participant.session == session }) {
                    index[n] = i
                } else {
                    index[n] = state.participants.count
                    state.participants.append(RestoredParticipant(participant: Participant(session: session, recentLimit: recentLimit)))
                }
            case .working:
                let i = try participant(&r)
                let order = try r.order()
                sequence += 1
                let first = state.participants[i].working[order.orderID]?.sequence ?? sequence
                state.participants[i].working[order.orderID] = (first, order)
            case .name:
                let i = try participant(&r)
                let orderID = try r.string(), clOrdID = try r.string()
                if state.participants[i].working[orderID] != nil {
                    state.participants[i].working[orderID]!.order.names.append(clOrdID)
                } else if state.participants[i].participant.recent[orderID] != nil {
                    state.participants[i].participant.recent.addName(clOrdID, to: orderID)
                    state.participants[i].participant.clOrdIDs[clOrdID] = .done(orderID)
                }
            case .done:
                let i = try participant(&r)
                let order = try r.order()
                state.participants[i].working[order.orderID] = nil
                state.participants[i].participant.remember(order)
            case .noticesSent:
                let i = try participant(&r)
                state.participants[i].participant.notices.removeAll()
            case .position:
                let i = try participant(&r)
                state.participants[i].positions[try r.string()] = try r.decimal()
            case .lastPrice:
                state.lastPrices[try r.string()] = try r.decimal()
            case .notice:
                let i = try participant(&r)
                let order = try r.order()
                let text = try r.string()
                let time = UTCTimestamp(nanosecondsSinceEpoch: try r.int64())
                state.participants[i].participant.notices.append(Notice(order: order, text: text, time: time))
            }
            if r.remaining != 0 { throw Damaged(description: "\(r.remaining) bytes more than a record of kind \(kind) holds") }
        }

        private func participant(_ r: inout JournalReader) throws -> Int {
            let n = try r.int64()
            guard let i = index[n] else { throw Damaged(description: "participant \(n) is not defined before it is used") }
            return i
        }
    }
}

extension JournalWriter {
    mutating func decimal(_ d: FIXDecimal) {
        int64(d.mantissa)
        uint8(UInt8(bitPattern: d.scale))
    }

    mutating func order(_ o: RecordedOrder) {
        string(o.orderID)
        string(o.clOrdID)
        string(o.origClOrdID ?? "")
        int64(Int64(o.names.count))
        for name in o.names { string(name) }
        string(o.symbol)
        code(o.side.rawValue)
        code(o.ordType.rawValue)
        code(o.timeInForce?.rawValue)
        bool(o.price != nil)
        if let price = o.price { decimal(price) }
        decimal(o.orderQty)
        decimal(o.cumQty)
        decimal(o.avgPx)
        code(o.status.rawValue)
    }

    /// A one-character code as its ASCII byte (0: none).
    mutating func code(_ c: Character?) {
        uint8(c?.asciiValue ?? 0)
    }
}

extension JournalReader {
    mutating func decimal() throws -> FIXDecimal {
        let mantissa = try int64()
        return FIXDecimal(mantissa: mantissa, scale: Int8(bitPattern: try uint8()))
    }

    mutating func order() throws -> RecordedOrder {
        let orderID = try string(), clOrdID = try string(), orig = try string()
        let count = try int64()
        // Each name takes two bytes at least.
        guard count >= 0, count <= Int64(remaining / 2) else {
            throw VenueJournal.Damaged(description: "an order with \(count) ClOrdIDs")
        }
        var names: [String] = []
        names.reserveCapacity(Int(count))
        for _ in 0..<count { names.append(try string()) }
        let symbol = try string()
        let side: FIX.Side = try code("side")
        let ordType: OrdType = try code("OrdType")
        let tifByte = try uint8()
        let timeInForce = tifByte == 0 ? nil : FIX.TimeInForce(rawValue: Character(Unicode.Scalar(tifByte)))
        if tifByte != 0 && timeInForce == nil { throw VenueJournal.Damaged(description: "a TimeInForce of \(tifByte)") }
        let price = try bool() ? try decimal() : nil
        let orderQty = try decimal(), cumQty = try decimal(), avgPx = try decimal()
        let status: OrdStatus = try code("OrdStatus")
        return RecordedOrder(orderID: orderID, clOrdID: clOrdID, origClOrdID: orig.isEmpty ? nil : orig, names: names,
                             symbol: symbol, side: side, ordType: ordType, timeInForce: timeInForce, price: price,
                             orderQty: orderQty, cumQty: cumQty, avgPx: avgPx, status: status)
    }

    /// A one-character code of `T`.
    mutating func code<T: RawRepresentable>(_ what: String) throws -> T where T.RawValue == Character {
        let byte = try uint8()
        guard byte > 32, byte < 127, let value = T(rawValue: Character(Unicode.Scalar(byte))) else {
            throw VenueJournal.Damaged(description: "\(what) \(byte) is not a known value")
        }
        return value
    }
}
