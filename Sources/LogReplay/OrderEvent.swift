/// A request (D, G, F), a report (8, 9) or a reject (3, j) of an order chain.
public struct OrderEvent: Sendable, Codable, Equatable {
    public var time: String
    public var msgType: String
    public var clOrdID: String?
    public var origClOrdID: String?
    public var execID: String?
    /// By name: `new`, `trade`, `replaced`, ... and `filled`, `partiallyFilled`, ...
    public var execType: String?
    public var ordStatus: String?
    public var orderQty: String?
    public var price: String?
    public var lastQty: String?
    public var lastPx: String?
    public var cumQty: String?
    public var leavesQty: String?
    public var avgPx: String?
    /// OrdRejReason (103) or CxlRejReason (102).
    public var rejectReason: Int?
    public var text: String?
    /// Sent again with PossDupFlag Y.
    public var possDup: Bool?
    public var file: String
    public var line: Int
}
