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
    /// Trade ExecIDs booked, and the fill each made (of the orders held).
    var execIDs = Set<String>()
    var fillIndexes: [String: Int] = [:]
    /// Fills booked and not canceled.
    var fills = 0
    /// The orders let go: how many, by final status, and their order rejects (ExecType 8).
    private var ordersLetGo = 0
    private var statusesLetGo: [String: Int] = [:]
    private var orderRejectsLetGo = 0
    /// The market as its market data shows it, and the last fill price per sender and symbol.
    var market = MarketDataView()
    var lastFillPx: [OwnerSymbol: FIXDecimal] = [:]

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

    /// Counts an order let go in the session's figures.
    func count(_ c: ChainState) {
        ordersLetGo += 1
        statusesLetGo[c.chain.status, default: 0] += 1
        orderRejectsLetGo += c.rejectReports
    }

    /// The session's report, with the figures of the orders let go and of those still held.
    func report(live: [ChainState]) -> SessionReport {
        var statuses = statusesLetGo
        for c in live { statuses[c.chain.status, default: 0] += 1 }
        return SessionReport(
            name: name, beginString: beginString, sides: sides, firstTime: firstTime, lastTime: lastTime,
            directions: directions.map(\.report), logons: logons, logouts: logouts, rejects: rejects,
            orders: ordersLetGo + live.count, fills: fills,
            orderRejects: orderRejectsLetGo + live.reduce(0) { $0 + $1.rejectReports },
            cancelRejects: cancelRejects, marketDataMessages: marketData, orderStatuses: statuses)
    }
}

/// An order chain while its messages are read, with what finds it in its session's maps.
final class ChainState {
    /// Its number: the order in which the chains began.
    let number: Int
    let session: SessionState
    var chain: OrderChain
    /// The keys that were pointed at it in the session's maps (forgotten with it).
    var keys: [(map: Map, key: OrderKey)] = []
    enum Map { case clOrdID, orderID, seqNum }
    /// ExecIDs of its fills (or the fill's number when it had none).
    var execIDs: [String] = []
    /// ClOrdIDs of its NewOrderSingles, for ClOrdIDs used again.
    var newOrderClOrdIDs = Set<String>()
    /// ExecutionReports with ExecType 8 (rejected).
    var rejectReports = 0
    /// How many times it finished: a finish is the one in line to be let go only if it is the last.
    var round = 0

    /// The statuses of an order that is done (OrdStatus by name; a Reject or BusinessMessageReject
    /// of its request).
    static let doneStatuses: Set<String> = ["filled", "canceled", "rejected", "expired", "doneForDay",
                                            "sessionRejected", "businessRejected"]

    init(number: Int, session: SessionState, chain: OrderChain) {
        self.number = number
        self.session = session
        self.chain = chain
    }
}
