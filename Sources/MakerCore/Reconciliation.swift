import Market
import Quoting

/// What the market maker does after each logon, before its first order: it asks the venue what
/// it knows and makes its own view agree. A pure state machine: events in (the venue's answers,
/// a timeout), actions out (requests to send, updates to apply to the ``MarketMaker``, warnings);
/// the FIX adapter sends and applies them.
///
/// The steps:
/// 1. a mass status request: the venue lists the orders of ours it has working. Each one is
///    compared with the market maker's own order of that key, as the market maker has it when
///    the answer comes (reports that arrive meanwhile are applied first): a request in flight
///    is settled (a new order accepted, a replace applied or refused, a cancel refused), fills
///    the market maker missed are booked, at the order's price;
/// 2. an order status request for each order of the market maker's that the venue did not list
///    as working: filled (the missing fills booked), canceled, refused or unknown to the venue,
///    and ended accordingly;
/// 3. a cancel for each order the venue has working that the market maker does not know (not
///    ours, or ours with its record lost): it is never adopted into the ladder;
/// 4. a positions request: a venue position that differs from the market maker's is taken,
///    with a warning giving both;
/// 5. quoting starts.
///
/// A venue that refuses mass status requests (or does not answer within the timeout) gets the
/// ``Fallback``: cancel every order the market maker knows and quote once they are answered,
/// a mass cancel, or no quoting at all. A venue without positions leaves the market maker's own
/// position, with a warning.
public struct Reconciliation: Sendable {
    /// What to do with a venue that cannot tell its orders.
    public enum Fallback: String, Sendable, CaseIterable {
        /// Cancel every order the market maker knows, one request each; quote once answered.
        case cancel
        /// One OrderMassCancelRequest (q) for the instrument; quote once the venue reports it done.
        case massCancel = "mass-cancel"
        /// Do not quote (stay logged on; an operator decides).
        case refuse
    }

    /// An order as the venue reports it.
    public struct VenueOrder: Hashable, Sendable {
        public enum Status: Hashable, Sendable {
            case working, filled, canceled, rejected
            /// The venue does not know the order.
            case unknown
        }

        /// The ClOrdID the venue knows the order by now (its last applied request's).
        public var clOrdID: String
        /// `clOrdID` as one of our keys, when it is one.
        public var key: OrderKey?
        public var status: Status
        public var side: Side
        /// Ticks; nil for a market order or when not given.
        public var price: Int64?
        /// Total quantity, lots.
        public var quantity: Int64
        /// Lots filled.
        public var filled: Int64
        /// Lots open.
        public var leaves: Int64
        /// Average fill price, ticks, when given.
        public var averagePrice: Int64?

        public init(clOrdID: String, key: OrderKey?, status: Status, side: Side, price: Int64?, quantity: Int64,
                    filled: Int64, leaves: Int64, averagePrice: Int64? = nil) {
            self.clOrdID = clOrdID
            self.key = key
            self.status = status
            self.side = side
            self.price = price
            self.quantity = quantity
            self.filled = filled
            self.leaves = leaves
            self.averagePrice = averagePrice
        }
    }

    /// What the adapter is asked to do.
    public enum Action: Hashable, Sendable {
        /// Send OrderMassStatusRequest (AF) for the instrument.
        case requestMassStatus
        /// Send OrderStatusRequest (H) for the order.
        case requestStatus(OrderKey, Side)
        /// Cancel an order the market maker does not know (OrderCancelRequest with this OrigClOrdID).
        case cancelUnknown(clOrdID: String, side: Side, quantity: Int64)
        /// Send RequestForPositions (AN).
        case requestPositions
        /// Apply this update to the market maker, as if the venue had reported it.
        case apply(ExecutionUpdate)
        /// Set the market maker's position to the venue's (lots).
        case takePosition(Int64)
        /// Log this difference or event as a warning.
        case warn(String)
        /// Fallback: cancel every order the market maker has.
        case cancelAll
        /// Fallback: send OrderMassCancelRequest (q) for the instrument.
        case massCancel
        /// Do not quote: the reason.
        case refuse(String)
        /// Reconciled: subscribe to market data and quote.
        case quote
    }

    public enum Phase: Hashable, Sendable {
        case idle
        case massStatus
        case orderStatus
        case unknownCancels
        case positions
        /// The fallback's cancels (or mass cancel) are out; waiting for their answers.
        case fallback
        case done
        case refused
    }

    public let fallback: Fallback
    public private(set) var phase: Phase = .idle
    /// Keys the venue listed as working, in this round.
    private var listed: Set<OrderKey> = []
    /// Status requests not answered yet.
    public private(set) var awaitingStatus: Set<OrderKey> = []
    /// ClOrdIDs of unknown orders whose cancels are not answered yet.
    public private(set) var awaitingCancels: Set<String> = []
    /// Differences found so far (each also a ``Action/warn(_:)``).
    public private(set) var differences = 0

    public init(fallback: Fallback = .cancel) {
        self.fallback = fallback
    }

    /// Whether quoting must wait (a round is under way, or quoting was refused).
    public var isHolding: Bool { phase != .idle && phase != .done }

    // MARK: - Events

    /// Logged on: starts a round.
    public mutating func begin() -> [Action] {
        listed = []
        awaitingStatus = []
        awaitingCancels = []
        phase = .massStatus
        return [.requestMassStatus]
    }

    /// One answer to the mass status request: `order` (nil: the venue has none working), and
    /// `current`, the market maker's order of that key as it stands now. `last`: the venue's
    /// last answer; `live` then lists the market maker's live orders (key, side).
    public mutating func massStatus(_ order: VenueOrder?, current: MakerOrder?, last: Bool,
                                    live: [(key: OrderKey, side: Side)]) -> [Action] {
        guard phase == .massStatus else { return [] }
        var actions: [Action] = []
        if let order, order.status == .working {
            if let current {
                listed.insert(current.key)
                if let key = order.key { listed.insert(key) }
                actions += Self.updates(current, venue: order, warnings: &differences)
            } else {
                differences += 1
                awaitingCancels.insert(order.clOrdID)
                actions.append(.warn("venue has order \(order.clOrdID) working (\(order.side) \(order.leaves) lots at \(order.price.map(String.init) ?? "market")), unknown to the market maker: canceling it"))
                actions.append(.cancelUnknown(clOrdID: order.clOrdID, side: order.side, quantity: order.quantity))
            }
        }
        guard last else { return actions }
        for (key, side) in live where !listed.contains(key) {
            awaitingStatus.insert(key)
            actions.append(.requestStatus(key, side))
        }
        phase = .orderStatus
        return actions + advance()
    }

    /// The answer to an order status request for `key`; `current`: the market maker's order now.
    public mutating func orderStatus(_ order: VenueOrder, for key: OrderKey, current: MakerOrder?) -> [Action] {
        guard phase == .orderStatus, awaitingStatus.remove(key) != nil else { return [] }
        var actions: [Action] = []
        if let current { actions += Self.updates(current, venue: order, warnings: &differences) }
        return actions + advance()
    }

    /// An unknown order's cancel was answered (canceled, or refused because it had ended).
    public mutating func unknownCancelAnswered(clOrdID: String) -> [Action] {
        guard awaitingCancels.remove(clOrdID) != nil else { return [] }
        return phase == .unknownCancels ? advance() : []
    }

    /// The venue's position (lots; nil when it reports none, which is 0) against the market
    /// maker's `ours`.
    public mutating func positions(venue: Int64?, ours: Int64) -> [Action] {
        guard phase == .positions else { return [] }
        phase = .done
        let theirs = venue ?? 0
        guard theirs != ours else { return [.quote] }
        differences += 1
        return [.warn("position differs: market maker \(ours), venue \(theirs): taking the venue's"), .takePosition(theirs), .quote]
    }

    /// Which request a venue refused or did not answer in time.
    public enum Request: Hashable, Sendable { case massStatus, orderStatus, positions }

    /// The venue refused a request of `kind` (a BusinessMessageReject, or no answer in time).
    public mutating func unsupported(_ kind: Request, reason: String) -> [Action] {
        switch (kind, phase) {
        case (.massStatus, .massStatus), (.orderStatus, .orderStatus):
            return startFallback(reason: reason)
        case (.positions, .positions):
            phase = .done
            return [.warn("venue gives no positions (\(reason)): keeping the market maker's own"), .quote]
        default:
            return []
        }
    }

    /// The current step's answers did not come in time.
    public mutating func timedOut() -> [Action] {
        switch phase {
        case .massStatus: return unsupported(.massStatus, reason: "no answer to the mass status request in time")
        case .orderStatus: return unsupported(.orderStatus, reason: "no answer to \(awaitingStatus.count) order status request(s) in time")
        case .positions: return unsupported(.positions, reason: "no answer in time")
        case .unknownCancels:
            let left = awaitingCancels.count
            awaitingCancels = []
            return [.warn("\(left) cancel(s) of unknown orders not answered in time")] + advance()
        case .fallback:
            phase = .done
            return [.warn("the fallback's cancels were not all answered in time; quoting"), .quote]
        case .idle, .done, .refused:
            return []
        }
    }

    /// The fallback's cancels are answered (no order left), or the mass cancel is reported done.
    public mutating func fallbackDone() -> [Action] {
        guard phase == .fallback else { return [] }
        phase = .done
        return [.quote]
    }

    // MARK: - Internals

    private mutating func startFallback(reason: String) -> [Action] {
        differences += 1
        switch fallback {
        case .cancel:
            phase = .fallback
            return [.warn("venue cannot reconcile (\(reason)): canceling every order the market maker knows"), .cancelAll]
        case .massCancel:
            phase = .fallback
            return [.warn("venue cannot reconcile (\(reason)): canceling all orders by mass cancel"), .massCancel]
        case .refuse:
            phase = .refused
            return [.refuse("venue cannot reconcile (\(reason)); not quoting")]
        }
    }

    /// Moves on once the step's answers are in.
    private mutating func advance() -> [Action] {
        if phase == .orderStatus, awaitingStatus.isEmpty { phase = .unknownCancels }
        if phase == .unknownCancels, awaitingCancels.isEmpty {
            phase = .positions
            return [.requestPositions]
        }
        return []
    }

    /// The updates that bring the market maker's `order` to what the venue reports of it.
    static func updates(_ order: MakerOrder, venue: VenueOrder, warnings: inout Int) -> [Action] {
        var out: [Action] = []
        let unknown = venue.status == .unknown || venue.status == .rejected
        switch order {
        case .flattening(let f):
            if unknown {
                out.append(.warn("flattening order \(f.key) unknown to the venue: ended"))
                warnings += 1
                out.append(.apply(.canceled(f.key, origKey: nil, leaves: f.quantity - f.filled)))
                return out
            }
            let missing = venue.filled - f.filled
            if missing > 0 {
                let px = venue.averagePrice ?? venue.price ?? f.limitPrice ?? 0
                out.append(.apply(.fill(f.key, price: px, quantity: missing, leaves: venue.status == .working ? venue.leaves : 0, fee: nil)))
            }
            if venue.status == .canceled || (venue.status == .filled && missing <= 0) {
                out.append(.apply(.canceled(f.key, origKey: nil, leaves: max(0, venue.quantity - venue.filled))))
            }
            return out
        case .ladder(let o):
            var key = o.key
            var cum = o.cumQuantity
            switch o.state {
            case .pendingNew:
                if unknown {
                    out.append(.apply(.rejected(o.key, code: 99)))
                    return out
                }
                out.append(.apply(.accepted(o.key)))
            case let .pendingReplace(newKey, _, _):
                if venue.key == newKey {
                    out.append(.apply(.replaced(newKey: newKey, origKey: o.key, price: venue.price ?? o.price,
                                                quantity: venue.quantity, leaves: max(1, venue.quantity - cum))))
                    key = newKey
                } else if !unknown {
                    out.append(.apply(.replaceRejected(newKey)))
                }
            case .pendingCancel(let cancelKey):
                if venue.status == .working { out.append(.apply(.cancelRejected(cancelKey))) }
                if venue.status == .canceled {
                    let missing = venue.filled - cum
                    if missing > 0 {
                        out.append(.apply(.fill(key, price: venue.price ?? o.price, quantity: missing,
                                                leaves: max(1, o.quantity - venue.filled), fee: nil)))
                    }
                    out.append(.apply(.canceled(cancelKey, origKey: o.key, leaves: max(0, venue.quantity - venue.filled))))
                    return out
                }
            case .working, .filled, .canceled, .rejected:
                break
            }
            if unknown {
                warnings += 1
                out.append(.warn("order \(o.key) (\(o.side) \(o.leaves) lots at \(o.price)) unknown to the venue: ended"))
                out.append(.apply(.canceled(key, origKey: nil, leaves: o.leaves)))
                return out
            }
            let missing = venue.filled - cum
            if missing > 0 {
                warnings += 1
                let price = venue.price ?? o.price
                out.append(.warn("order \(key): \(missing) lots filled that the market maker had not booked (venue CumQty \(venue.filled), market maker \(cum)): booked at \(price)"))
                let leaves = venue.status == .working ? venue.leaves : (venue.status == .filled ? 0 : max(1, venue.quantity - venue.filled))
                out.append(.apply(.fill(key, price: price, quantity: missing, leaves: leaves, fee: nil)))
                cum = venue.filled
            }
            switch venue.status {
            case .canceled:
                out.append(.apply(.canceled(key, origKey: nil, leaves: max(0, venue.quantity - venue.filled))))
            case .filled where missing <= 0:
                // Filled at the venue with no lots missing: the order is done.
                out.append(.apply(.canceled(key, origKey: nil, leaves: 0)))
            default:
                break
            }
            return out
        }
    }
}
