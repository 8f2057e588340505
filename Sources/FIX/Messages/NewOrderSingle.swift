/// NewOrderSingle (MsgType `D`): a new order.
public struct NewOrderSingle: FIXMessageBody, Equatable {
    /// `"D"`.
    public static let msgType = "D"

    /// ClOrdID (11): the sender's identifier of the order.
    public var clOrdID: String
    /// Account (1): the account the order is for.
    public var account: String?
    /// HandlInst (21): handling instructions.
    public var handlInst: HandlInst?
    /// ExecInst (18): execution instructions, space-separated codes (for example `"6"`,
    /// participate don't initiate).
    public var execInst: String?
    /// MinQty (110): the minimum quantity to execute.
    public var minQty: FIXDecimal?
    /// Symbol (55): the instrument's symbol.
    public var symbol: String
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID` (for example `"4"`, ISIN).
    public var securityIDSource: String?
    /// Side (54): buy or sell.
    public var side: Side
    /// TransactTime (60): when the order was created.
    public var transactTime: UTCTimestamp
    /// OrderQty (38): the quantity ordered.
    public var orderQty: FIXDecimal
    /// OrdType (40): market, limit, ...
    public var ordType: OrdType
    /// Price (44): the limit price; required for limit order types.
    public var price: FIXDecimal?
    /// StopPx (99): the stop price; required for stop order types.
    public var stopPx: FIXDecimal?
    /// Currency (15): the currency of `price`.
    public var currency: String?
    /// TimeInForce (59): how long the order stays in force; day when absent.
    public var timeInForce: TimeInForce?
    /// ExpireTime (126): when a good-till-date order expires.
    public var expireTime: UTCTimestamp?
    /// Text (58): free text.
    public var text: String?

    /// A new order.
    public init(clOrdID: String, account: String? = nil, handlInst: HandlInst? = nil, execInst: String? = nil,
                minQty: FIXDecimal? = nil, symbol: String, securityID: String? = nil,
                securityIDSource: String? = nil, side: Side, transactTime: UTCTimestamp,
                orderQty: FIXDecimal, ordType: OrdType, price: FIXDecimal? = nil, stopPx: FIXDecimal? = nil,
                currency: String? = nil, timeInForce: TimeInForce? = nil, expireTime: UTCTimestamp? = nil,
                text: String? = nil) {
        self.clOrdID = clOrdID
        self.account = account
        self.handlInst = handlInst
        self.execInst = execInst
        self.minQty = minQty
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.side = side
        self.transactTime = transactTime
        self.orderQty = orderQty
        self.ordType = ordType
        self.price = price
        self.stopPx = stopPx
        self.currency = currency
        self.timeInForce = timeInForce
        self.expireTime = expireTime
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        let r = try BodyReader(message, msgType: Self.msgType)
        clOrdID = try r.string(Tag.clOrdID)
        account = try r.stringIfPresent(Tag.account)
        handlInst = try r.codeIfPresent(Tag.handlInst)
        execInst = try r.stringIfPresent(Tag.execInst)
        minQty = try r.decimalIfPresent(Tag.minQty)
        symbol = try r.string(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        side = try r.code(Tag.side)
        transactTime = try r.timestamp(Tag.transactTime)
        orderQty = try r.decimal(Tag.orderQty)
        ordType = try r.code(Tag.ordType)
        price = try r.decimalIfPresent(Tag.price)
        stopPx = try r.decimalIfPresent(Tag.stopPx)
        currency = try r.stringIfPresent(Tag.currency)
        timeInForce = try r.codeIfPresent(Tag.timeInForce)
        expireTime = try r.timestampIfPresent(Tag.expireTime)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeFieldIfPresent(Tag.account, account)
        e.writeField(Tag.clOrdID, clOrdID)
        e.writeFieldIfPresent(Tag.currency, currency)
        e.writeFieldIfPresent(Tag.execInst, execInst)
        e.writeFieldIfPresent(Tag.handlInst, handlInst)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeField(Tag.orderQty, orderQty)
        e.writeField(Tag.ordType, ordType)
        e.writeFieldIfPresent(Tag.price, price)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeField(Tag.side, side)
        e.writeField(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.timeInForce, timeInForce)
        e.writeField(Tag.transactTime, transactTime)
        e.writeFieldIfPresent(Tag.stopPx, stopPx)
        e.writeFieldIfPresent(Tag.minQty, minQty)
        e.writeFieldIfPresent(Tag.expireTime, expireTime)
    }
}
