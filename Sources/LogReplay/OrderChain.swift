/// One order through its life: the ClOrdIDs it had (new order, then each cancel/replace and
/// cancel request linked by OrigClOrdID), every request and report in order, and where it ended.
public struct OrderChain: Sendable, Codable, Equatable {
    /// The first ClOrdID of the chain.
    public var id: String
    public var session: String
    /// The side that sent the orders (NewOrderSingle, replaces, cancels).
    public var owner: String
    /// Every ClOrdID, in the order they appeared.
    public var clOrdIDs: [String]
    /// The counterparty's OrderID, once reported.
    public var orderID: String?
    public var symbol: String?
    /// `buy`, `sell`, ... (Side 54 by name).
    public var side: String?
    public var ordType: String?
    /// The latest quantity and price asked for.
    public var orderQty: String?
    public var price: String?
    /// The last OrdStatus reported (by name; `unknown` before any report; `sessionRejected` or
    /// `businessRejected` when a Reject (3) or BusinessMessageReject (j) refused the order).
    public var status: String
    public var cumQty: String
    public var leavesQty: String?
    public var avgPx: String?
    /// Fills booked to the chain.
    public var fills: Int
    /// Every request and report, in order.
    public var events: [OrderEvent]
    /// Whether the chain began with a report or replace whose order was not in the logs.
    public var startedBeforeLog: Bool
}
