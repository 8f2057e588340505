import Market
import FIX

/// What the gateway knows of a working order, for its reports.
struct GatewayOrder: Sendable {
    var id: OrderID
    var owner: OwnerID
    var book: Int
    var clOrdID: String
    var origClOrdID: String?
    /// Every ClOrdID that names the order: its own, those of the replaces and cancels that named
    /// it (refused ones too), oldest first. They leave the participant's memory with the order.
    var names: [String]
    var side: FIX.Side
    var ordType: OrdType
    var timeInForce: FIX.TimeInForce?
    /// Ticks (limit orders).
    var price: Int64
    /// Total quantity, lots.
    var quantity: Int64
    var leaves: Int64
    var cumQty: Int64 = 0
    /// Sum of price x quantity over the fills (ticks x lots), for the average price.
    var tickLots: Int128 = 0

    init(id: OrderID, owner: OwnerID, book: Int, clOrdID: String, side: FIX.Side, ordType: OrdType,
         timeInForce: FIX.TimeInForce?, price: Int64, quantity: Int64) {
        self.id = id
        self.owner = owner
        self.book = book
        self.clOrdID = clOrdID
        self.names = [clOrdID]
        self.side = side
        self.ordType = ordType
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        leaves = quantity
    }

    /// OrdStatus (39) of the order while it works.
    var workingStatus: OrdStatus { cumQty > 0 ? .partiallyFilled : .new }
}
