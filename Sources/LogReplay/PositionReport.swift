/// A position per session, order sender and symbol, from its fills.
public struct PositionReport: Sendable, Codable, Equatable {
    public var session: String
    public var owner: String
    public var symbol: String
    /// Net quantity: positive long, negative short.
    public var position: String
    public var fills: Int
    public var bought: String
    public var sold: String
    /// Average entry price of the open position (4 more decimals than the prices).
    public var averagePrice: String?
    /// The price the open position is valued at, and where it came from: the mid of the best
    /// bid and offer in market data, else its one side, else its last trade, else the last fill.
    public var markPrice: String?
    public var markSource: String?
    /// Profit realized on closed quantity, unrealized on the open position at the mark, their
    /// sum, fees (Commission) and trading profit less fees; in price x quantity units.
    public var realizedPnL: String
    public var unrealizedPnL: String
    public var tradingPnL: String
    public var fees: String
    public var netPnL: String
}
