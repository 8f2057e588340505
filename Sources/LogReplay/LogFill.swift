/// A fill (an ExecutionReport with ExecType F, Trade), from the order sender's side.
public struct LogFill: Sendable, Codable, Equatable {
    public var time: String
    public var session: String
    public var owner: String
    /// The order chain and the ClOrdID reported.
    public var order: String
    public var clOrdID: String?
    public var orderID: String?
    public var execID: String
    public var symbol: String
    public var side: String
    public var lastQty: String
    public var lastPx: String
    /// Commission (12) and CommType (13) as reported, and the fee they make (absolute).
    public var commission: String?
    public var commType: String?
    public var fee: String?
    /// Undone by a later trade cancel (ExecType H): not counted in positions.
    public var canceled: Bool
}
