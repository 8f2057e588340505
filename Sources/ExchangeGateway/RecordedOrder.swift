import FIX

/// An order as the venue last reported it, in the values of the wire (OrderID text, decimals),
/// so that it reads the same after the venue restarts with other instruments: a done order
/// (filled, or canceled) that the gateway remembers for a while, enough to answer an
/// OrderStatusRequest for it, to say that a cancel of it comes too late and to refuse its
/// ClOrdIDs as duplicates; or a working order as the venue's journal holds it.
struct RecordedOrder: Sendable, Equatable {
    /// OrderID (37).
    var orderID: String
    /// ClOrdID (11): the order's last one.
    var clOrdID: String
    /// OrigClOrdID (41): the one before, when the order was replaced.
    var origClOrdID: String?
    /// Every ClOrdID that names the order (see ``GatewayOrder/names``).
    var names: [String]
    var symbol: String
    var side: FIX.Side
    var ordType: OrdType
    var timeInForce: FIX.TimeInForce?
    /// Price (44), for a limit order.
    var price: FIXDecimal?
    /// OrderQty (38).
    var orderQty: FIXDecimal
    /// CumQty (14).
    var cumQty: FIXDecimal
    /// AvgPx (6).
    var avgPx: FIXDecimal
    /// OrdStatus (39): filled or canceled (new or partially filled for a working order).
    var status: OrdStatus
}
