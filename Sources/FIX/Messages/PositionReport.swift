/// PositionReport (MsgType `AP`): one position of an account (in one instrument), answering a
/// RequestForPositions after its RequestForPositionsAck.
public struct PositionReport: FIXMessageBody, Equatable {
    /// `"AP"`.
    public static let msgType = "AP"

    /// PosMaintRptID (721): the report's identifier, given by its sender.
    public var posMaintRptID: String
    /// PosReqID (710): the request the report answers.
    public var posReqID: String?
    /// PosReqType (724): what the request asked for.
    public var posReqType: PosReqType?
    /// SubscriptionRequestType (263): the request's subscription type.
    public var subscriptionRequestType: SubscriptionRequestType?
    /// TotalNumPosReports (727): how many PositionReports answer the request.
    public var totalNumPosReports: Int?
    /// UnsolicitedIndicator (325): whether the report was sent without a request.
    public var unsolicitedIndicator: Bool?
    /// PosReqResult (728): how the request went.
    public var posReqResult: PosReqResult
    /// ClearingBusinessDate (715): the business day of the position, `YYYYMMDD` as sent.
    public var clearingBusinessDate: String
    /// The NoPartyIDs (453) instances: whose position.
    public var parties: [Party]
    /// Account (1): the account.
    public var account: String
    /// AccountType (581): how the account is carried.
    public var accountType: AccountType
    /// Symbol (55): the instrument.
    public var symbol: String?
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Currency (15): the currency of the prices and amounts.
    public var currency: String?
    /// SettlPrice (730): the price the position is valued at.
    public var settlPrice: FIXDecimal
    /// SettlPriceType (731): whether `settlPrice` is final or theoretical.
    public var settlPriceType: SettlPriceType
    /// PriorSettlPrice (734): the previous settlement price.
    public var priorSettlPrice: FIXDecimal
    /// The NoPositions (702) instances (the PositionQty component): the quantities, by type.
    public var positions: [PositionQuantity]
    /// The NoPosAmt (753) instances (the PositionAmountData component): the amounts, by type.
    public var amounts: [PositionAmount]
    /// Text (58): free text.
    public var text: String?

    /// A position report.
    public init(posMaintRptID: String, posReqID: String? = nil, posReqType: PosReqType? = nil,
                subscriptionRequestType: SubscriptionRequestType? = nil, totalNumPosReports: Int? = nil,
                unsolicitedIndicator: Bool? = nil, posReqResult: PosReqResult, clearingBusinessDate: String,
                parties: [Party], account: String, accountType: AccountType, symbol: String? = nil,
                securityID: String? = nil, securityIDSource: String? = nil, currency: String? = nil,
                settlPrice: FIXDecimal, settlPriceType: SettlPriceType, priorSettlPrice: FIXDecimal,
                positions: [PositionQuantity], amounts: [PositionAmount] = [], text: String? = nil) {
        self.posMaintRptID = posMaintRptID
        self.posReqID = posReqID
        self.posReqType = posReqType
        self.subscriptionRequestType = subscriptionRequestType
        self.totalNumPosReports = totalNumPosReports
        self.unsolicitedIndicator = unsolicitedIndicator
        self.posReqResult = posReqResult
        self.clearingBusinessDate = clearingBusinessDate
        self.parties = parties
        self.account = account
        self.accountType = accountType
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.currency = currency
        self.settlPrice = settlPrice
        self.settlPriceType = settlPriceType
        self.priorSettlPrice = priorSettlPrice
        self.positions = positions
        self.amounts = amounts
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        parties = try Party.readRequired(&r)
        if let group = try GroupReader.read(.positions, in: r, { (g: BodyReader) throws(FIXMessageDecodeError) -> PositionQuantity in
            try PositionQuantity(g)
        }) {
            r.exclude(group.span)
            positions = group.values
        } else {
            positions = []
        }
        if let group = try GroupReader.read(.positionAmounts, in: r, { (g: BodyReader) throws(FIXMessageDecodeError) -> PositionAmount in
            try PositionAmount(g)
        }) {
            r.exclude(group.span)
            amounts = group.values
        } else {
            amounts = []
        }
        posMaintRptID = try r.string(Tag.posMaintRptID)
        posReqID = try r.stringIfPresent(Tag.posReqID)
        posReqType = try r.codeIfPresent(Tag.posReqType)
        subscriptionRequestType = try r.codeIfPresent(Tag.subscriptionRequestType)
        totalNumPosReports = try r.intIfPresent(Tag.totalNumPosReports)
        unsolicitedIndicator = try r.boolIfPresent(Tag.unsolicitedIndicator)
        posReqResult = try r.code(Tag.posReqResult)
        clearingBusinessDate = try r.string(Tag.clearingBusinessDate)
        account = try r.string(Tag.account)
        accountType = try r.code(Tag.accountType)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        currency = try r.stringIfPresent(Tag.currency)
        settlPrice = try r.decimal(Tag.settlPrice)
        settlPriceType = try r.code(Tag.settlPriceType)
        priorSettlPrice = try r.decimal(Tag.priorSettlPrice)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.account, account)
        e.writeFieldIfPresent(Tag.currency, currency)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.subscriptionRequestType, subscriptionRequestType)
        e.writeFieldIfPresent(Tag.unsolicitedIndicator, unsolicitedIndicator)
        Party.write(parties, into: e)
        e.writeField(Tag.accountType, accountType)
        if !positions.isEmpty {
            e.writeField(Tag.noPositions, positions.count)
            for p in positions { p.write(into: e) }
        }
        e.writeFieldIfPresent(Tag.posReqID, posReqID)
        e.writeField(Tag.clearingBusinessDate, clearingBusinessDate)
        e.writeField(Tag.posMaintRptID, posMaintRptID)
        e.writeFieldIfPresent(Tag.posReqType, posReqType)
        e.writeFieldIfPresent(Tag.totalNumPosReports, totalNumPosReports)
        e.writeField(Tag.posReqResult, posReqResult)
        e.writeField(Tag.settlPrice, settlPrice)
        e.writeField(Tag.settlPriceType, settlPriceType)
        e.writeField(Tag.priorSettlPrice, priorSettlPrice)
        if !amounts.isEmpty {
            e.writeField(Tag.noPosAmt, amounts.count)
            for a in amounts { a.write(into: e) }
        }
    }
}

/// One quantity of a position (an instance of NoPositions, 702): of one type, long and short.
public struct PositionQuantity: Sendable, Equatable {
    /// PosType (703): what the quantity counts.
    public var type: PosType
    /// LongQty (704): the long quantity.
    public var longQty: FIXDecimal?
    /// ShortQty (705): the short quantity.
    public var shortQty: FIXDecimal?

    /// A position quantity.
    public init(type: PosType, longQty: FIXDecimal? = nil, shortQty: FIXDecimal? = nil) {
        self.type = type
        self.longQty = longQty
        self.shortQty = shortQty
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        type = try r.code(Tag.posType)
        longQty = try r.decimalIfPresent(Tag.longQty)
        shortQty = try r.decimalIfPresent(Tag.shortQty)
    }

    /// Appends the instance's fields in the group's order, PosType first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.posType, type)
        e.writeFieldIfPresent(Tag.longQty, longQty)
        e.writeFieldIfPresent(Tag.shortQty, shortQty)
    }
}

/// One amount of a position (an instance of NoPosAmt, 753): a mark-to-market amount, say.
public struct PositionAmount: Sendable, Equatable {
    /// PosAmtType (707): what the amount is.
    public var type: PosAmtType
    /// PosAmt (708): the amount.
    public var amount: FIXDecimal

    /// A position amount.
    public init(type: PosAmtType, amount: FIXDecimal) {
        self.type = type
        self.amount = amount
    }

    init(_ r: BodyReader) throws(FIXMessageDecodeError) {
        type = try r.code(Tag.posAmtType)
        amount = try r.decimal(Tag.posAmt)
    }

    /// Appends the instance's fields in the group's order, PosAmtType first.
    func write(into e: FIXEncoder) {
        e.writeField(Tag.posAmtType, type)
        e.writeField(Tag.posAmt, amount)
    }
}
