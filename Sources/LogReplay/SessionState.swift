import FIX

/// What is known of a session while its messages are read.
final class SessionState {
    let beginString: String
    let sides: [String]
    let name: String
    var firstTime: String?
    var lastTime: String?
    private var directions: [DirectionState] = []
    var logons: [SessionEventReport] = []
    var logouts: [SessionEventReport] = []
    var rejects: [RejectReport] = []
    var marketData = 0
    var cancelRejects = 0
    /// Orders of this session by (sender, ClOrdID) and (sender, OrderID).
    var orders: [OrderKey: Int] = [:]
    var orderIDs: [OrderKey: Int] = [:]
    /// Order messages by (sender, MsgSeqNum), for the rejects that name them.
    var ordersBySeqNum: [OrderKey: Int] = [:]
    var chainIndexes: [Int] = []
    /// Trade ExecIDs booked, and the fill each made.
    var execIDs = Set<String>()
    var fillIndexes: [String: Int] = [:]
    /// The market as its market data shows it, and the last fill price per sender and symbol.
    var market = MarketDataView()
    var lastFillPx: [PositionKey: FIXDecimal] = [:]

    init(beginString: String, sides: [String]) {
        self.beginString = beginString
        self.sides = sides
        name = "\(beginString):\(sides[0])-\(sides[1])"
    }

    func direction(_ sender: String, _ target: String) -> DirectionState {
        if let d = directions.first(where: { $0.sender == sender }) { return d }
        let d = DirectionState(sender: sender, target: target)
        directions.append(d)
        directions.sort { sides.firstIndex(of: $0.sender) ?? 2 < sides.firstIndex(of: $1.sender) ?? 2 }
        return d
    }

    func report(chains: [OrderChain], fills: [ReplayFill]) -> SessionReport {
        let mine = chainIndexes.map { chains[$0] }
        return SessionReport(
            name: name, beginString: beginString, sides: sides, firstTime: firstTime, lastTime: lastTime,
            directions: directions.map(\.report), logons: logons, logouts: logouts, rejects: rejects, orders: mine.count,
            fills: fills.filter { $0.session == name && !$0.canceled }.count,
            orderRejects: mine.reduce(0) { $0 + $1.events.filter { $0.msgType == "8" && $0.execType == "rejected" }.count },
            cancelRejects: cancelRejects, marketDataMessages: marketData)
    }
}
