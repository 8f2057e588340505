/// A participant's most recent done orders, at most `limit` of them: the oldest leaves when one
/// more arrives. Memory stays bounded however long the venue runs.
struct RecentOrders: Sendable {
    /// How many done orders are kept (at least 1).
    let limit: Int
    private var byOrderID: [String: RecordedOrder] = [:]
    /// OrderIDs in the order the orders were done, oldest first from `head`.
    private var fifo: [String] = []
    private var head = 0

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// The done orders kept.
    var count: Int { byOrderID.count }

    /// The done order `orderID`, if it is still kept.
    subscript(orderID: String) -> RecordedOrder? { byOrderID[orderID] }

    /// Keeps `order`; returns the oldest one when it had to leave to make room.
    mutating func insert(_ order: RecordedOrder) -> RecordedOrder? {
        if byOrderID.updateValue(order, forKey: order.orderID) != nil { return nil }
        fifo.append(order.orderID)
        guard byOrderID.count > limit else { return nil }
        let oldest = fifo[head]
        head += 1
        if head >= 1024 && head * 2 >= fifo.count {
            fifo.removeFirst(head)
            head = 0
        }
        return byOrderID.removeValue(forKey: oldest)
    }

    /// Adds `clOrdID` to the names of the kept order `orderID`.
    mutating func addName(_ clOrdID: String, to orderID: String) {
        byOrderID[orderID]?.names.append(clOrdID)
    }

    /// The orders kept, oldest first.
    var ordered: [RecordedOrder] { fifo[head...].compactMap { byOrderID[$0] } }

    /// Each order kept, oldest first, without gathering them in an array first.
    func forEachOrdered(_ body: (RecordedOrder) -> Void) {
        for id in fifo[head...] {
            if let order = byOrderID[id] { body(order) }
        }
    }
}
