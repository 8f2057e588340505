/// ExecutionReport (MsgType `8`): the state of an order and what just happened to it
/// (accepted, filled, canceled, replaced, rejected, ...).
public struct ExecutionReport: FIXMessageBody, Equatable {
    /// `"8"`.
    public static let msgType = "8"

    /// OrderID (37): the sell side's identifier of the order (`"NONE"` when rejected before one
    /// was given).
    public var orderID: String
    /// SecondaryOrderID (198): another identifier of the order given by the sell side.
    public var secondaryOrderID: String?
    /// ClOrdID (11): the buy side's identifier of the order (or of the cancel/replace request
    /// this report answers).
    public var clOrdID: String?
    /// OrigClOrdID (41): ClOrdID of the order before the cancel or replace this report answers.
    public var origClOrdID: String?
    /// OrdStatusReqID (790): the OrderStatusRequest this report answers (ExecType `I`).
    public var ordStatusReqID: String?
    /// MassStatusReqID (584): the OrderMassStatusRequest this report answers (ExecType `I`).
    public var massStatusReqID: String?
    /// TotNumReports (911): how many reports answer the mass status request.
    public var totNumReports: Int?
    /// LastRptRequested (912): whether this is the last report answering the mass status
    /// request.
    public var lastRptRequested: Bool?
    /// ExecID (17): the identifier of this report.
    public var execID: String
    /// ExecRefID (19): ExecID of the report a trade cancel or correct refers to.
    public var execRefID: String?
    /// ExecType (150): what this report reports.
    public var execType: ExecType
    /// OrdStatus (39): the order's state after it.
    public var ordStatus: OrdStatus
    /// OrdRejReason (103): why the order was rejected, for a rejection.
    public var ordRejReason: OrdRejReason?
    /// Account (1): the order's account.
    public var account: String?
    /// Symbol (55): the order's instrument.
    public var symbol: String
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Side (54): the order's side.
    public var side: Side
    /// OrderQty (38): the order's total quantity.
    public var orderQty: FIXDecimal?
    /// OrdType (40): the order's type.
    public var ordType: OrdType?
    /// Price (44): the order's limit price.
    public var price: FIXDecimal?
    /// StopPx (99): the order's stop price.
    public var stopPx: FIXDecimal?
    /// Currency (15): the currency of the prices.
    public var currency: String?
    /// TimeInForce (59): the order's time in force.
    public var timeInForce: TimeInForce?
    /// ExpireTime (126): when a good-till-date order expires.
    public var expireTime: UTCTimestamp?
    /// ExecInst (18): the order's execution instructions.
    public var execInst: String?
    /// MinQty (110): the order's minimum quantity.
    public var minQty: FIXDecimal?
    /// LastQty (32): the quantity of this fill, for a trade.
    public var lastQty: FIXDecimal?
    /// LastPx (31): the price of this fill, for a trade.
    public var lastPx: FIXDecimal?
    /// LeavesQty (151): the quantity still open for execution (0 once the order is done).
    public var leavesQty: FIXDecimal
    /// CumQty (14): the quantity filled so far.
    public var cumQty: FIXDecimal
    /// AvgPx (6): the average price of the fills so far (0 when none).
    public var avgPx: FIXDecimal
    /// Commission (12): the fee of this execution (a negative value is a rebate).
    public var commission: FIXDecimal?
    /// CommType (13): how ``commission`` is expressed.
    public var commType: CommType?
    /// TransactTime (60): when the event reported took place.
    public var transactTime: UTCTimestamp?
    /// Text (58): free text (for example the reason for a rejection).
    public var text: String?

    /// An execution report.
    public init(orderID: String, secondaryOrderID: String? = nil, clOrdID: String? = nil,
                origClOrdID: String? = nil, ordStatusReqID: String? = nil, massStatusReqID: String? = nil,
                totNumReports: Int? = nil, lastRptRequested: Bool? = nil,
                execID: String, execRefID: String? = nil, execType: ExecType,
                ordStatus: OrdStatus, ordRejReason: OrdRejReason? = nil, account: String? = nil,
                symbol: String, securityID: String? = nil, securityIDSource: String? = nil, side: Side,
                orderQty: FIXDecimal? = nil, ordType: OrdType? = nil, price: FIXDecimal? = nil,
                stopPx: FIXDecimal? = nil, currency: String? = nil, timeInForce: TimeInForce? = nil,
                expireTime: UTCTimestamp? = nil, execInst: String? = nil, minQty: FIXDecimal? = nil,
                lastQty: FIXDecimal? = nil, lastPx: FIXDecimal? = nil, leavesQty: FIXDecimal,
                cumQty: FIXDecimal, avgPx: FIXDecimal, commission: FIXDecimal? = nil, commType: CommType? = nil,
                transactTime: UTCTimestamp? = nil, text: String? = nil) {
        self.commission = commission
        self.commType = commType
        self.orderID = orderID
        self.secondaryOrderID = secondaryOrderID
        self.clOrdID = clOrdID
        self.origClOrdID = origClOrdID
        self.ordStatusReqID = ordStatusReqID
        self.massStatusReqID = massStatusReqID
        self.totNumReports = totNumReports
        self.lastRptRequested = lastRptRequested
        self.execID = execID
        self.execRefID = execRefID
        self.execType = execType
        self.ordStatus = ordStatus
        self.ordRejReason = ordRejReason
        self.account = account
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
        self.orderQty = orderQty
        self.ordType = ordType
        self.price = price
        self.stopPx = stopPx
        self.currency = currency
        self.timeInForce = timeInForce
        self.expireTime = expireTime
        self.execInst = execInst
        self.minQty = minQty
        self.lastQty = lastQty
        self.lastPx = lastPx
        self.leavesQty = leavesQty
        self.cumQty = cumQty
        self.avgPx = avgPx
        self.transactTime = transactTime
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        orderID = try r.string(Tag.orderID)
        secondaryOrderID = try r.stringIfPresent(Tag.secondaryOrderID)
        clOrdID = try r.stringIfPresent(Tag.clOrdID)
        origClOrdID = try r.stringIfPresent(Tag.origClOrdID)
        ordStatusReqID = try r.stringIfPresent(Tag.ordStatusReqID)
        massStatusReqID = try r.stringIfPresent(Tag.massStatusReqID)
        totNumReports = try r.intIfPresent(Tag.totNumReports)
        lastRptRequested = try r.boolIfPresent(Tag.lastRptRequested)
        execID = try r.string(Tag.execID)
        execRefID = try r.stringIfPresent(Tag.execRefID)
        execType = try r.code(Tag.execType)
        ordStatus = try r.code(Tag.ordStatus)
        ordRejReason = try r.codeIfPresent(Tag.ordRejReason)
        account = try r.stringIfPresent(Tag.account)
        symbol = try r.string(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.code(Tag.side)
        orderQty = try r.decimalIfPresent(Tag.orderQty)
        ordType = try r.codeIfPresent(Tag.ordType)
        price = try r.decimalIfPresent(Tag.price)
        stopPx = try r.decimalIfPresent(Tag.stopPx)
        currency = try r.stringIfPresent(Tag.currency)
        timeInForce = try r.codeIfPresent(Tag.timeInForce)
        expireTime = try r.timestampIfPresent(Tag.expireTime)
        execInst = try r.stringIfPresent(Tag.execInst)
        minQty = try r.decimalIfPresent(Tag.minQty)
        lastQty = try r.decimalIfPresent(Tag.lastQty)
        lastPx = try r.decimalIfPresent(Tag.lastPx)
        leavesQty = try r.decimal(Tag.leavesQty)
        cumQty = try r.decimal(Tag.cumQty)
        avgPx = try r.decimal(Tag.avgPx)
        commission = try r.decimalIfPresent(Tag.commission)
        commType = try r.codeIfPresent(Tag.commType)
        transactTime = try r.timestampIfPresent(Tag.transactTime)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeField(Tag.avgPx, avgPx)
        e.writeFieldIfPresent(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.commission, commission)
        e.writeFieldIfPresent(Tag.commType, commType)
        e.writeField(Tag.cumQty, cumQty)
        e.writeFieldIfPresent(Tag.currency, currency)
        e.writeField(Tag.execID, execID)
        e.writeFieldIfPresent(Tag.execInst, execInst)
        e.writeFieldIfPresent(Tag.execRefID, execRefID)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.lastPx, lastPx)
        e.writeFieldIfPresent(Tag.lastQty, lastQty)
        e.writeField(Tag.orderID, orderID)
        e.writeFieldIfPresent(Tag.orderQty, orderQty)
        e.writeField(Tag.ordStatus, ordStatus)
        e.writeFieldIfPresent(Tag.ordType, ordType)
        e.writeFieldIfPresent(Tag.origClOrdID, origClOrdID)
        e.writeFieldIfPresent(Tag.price, price)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeField(Tag.side, side)
        e.writeField(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.timeInForce, timeInForce)
        e.writeFieldIfPresent(Tag.transactTime, transactTime)
        e.writeFieldIfPresent(Tag.stopPx, stopPx)
        e.writeFieldIfPresent(Tag.ordRejReason, ordRejReason)
        e.writeFieldIfPresent(Tag.minQty, minQty)
        e.writeFieldIfPresent(Tag.expireTime, expireTime)
        e.writeField(Tag.execType, execType)
        e.writeField(Tag.leavesQty, leavesQty)
        e.writeFieldIfPresent(Tag.secondaryOrderID, secondaryOrderID)
        e.writeFieldIfPresent(Tag.massStatusReqID, massStatusReqID)
        e.writeFieldIfPresent(Tag.ordStatusReqID, ordStatusReqID)
        e.writeFieldIfPresent(Tag.totNumReports, totNumReports)
        e.writeFieldIfPresent(Tag.lastRptRequested, lastRptRequested)
    }
}
