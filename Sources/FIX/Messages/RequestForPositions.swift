/// RequestForPositions (MsgType `AN`): asks for an account's positions, answered by a
/// RequestForPositionsAck (`AO`) and then one PositionReport (`AP`) a position.
public struct RequestForPositions: FIXMessageBody, Equatable {
    /// `"AN"`.
    public static let msgType = "AN"

    /// PosReqID (710): the request's identifier, echoed in the answers.
    public var posReqID: String
    /// PosReqType (724): what is asked for.
    public var posReqType: PosReqType
    /// SubscriptionRequestType (263): a snapshot (absent or `0`), or a subscription to updates.
    public var subscriptionRequestType: SubscriptionRequestType?
    /// The NoPartyIDs (453) instances: whose positions (NoPartyIDs may count 0).
    public var parties: [Party]
    /// Account (1): the account.
    public var account: String
    /// AccountType (581): how the account is carried.
    public var accountType: AccountType
    /// Symbol (55): only the position in this instrument.
    public var symbol: String?
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Currency (15): only the positions in this currency.
    public var currency: String?
    /// ClearingBusinessDate (715): the business day of the positions, `YYYYMMDD` as sent.
    public var clearingBusinessDate: String
    /// TransactTime (60): when the request was created.
    public var transactTime: UTCTimestamp
    /// Text (58): free text.
    public var text: String?

    /// A request for positions.
    public init(posReqID: String, posReqType: PosReqType, subscriptionRequestType: SubscriptionRequestType? = nil,
                parties: [Party], account: String, accountType: AccountType, symbol: String? = nil,
                securityID: String? = nil, securityIDSource: String? = nil, currency: String? = nil,
                clearingBusinessDate: String, transactTime: UTCTimestamp, text: String? = nil) {
        self.posReqID = posReqID
        self.posReqType = posReqType
        self.subscriptionRequestType = subscriptionRequestType
        self.parties = parties
        self.account = account
        self.accountType = accountType
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.currency = currency
        self.clearingBusinessDate = clearingBusinessDate
        self.transactTime = transactTime
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        parties = try Party.readRequired(&r)
        posReqID = try r.string(Tag.posReqID)
        posReqType = try r.code(Tag.posReqType)
        subscriptionRequestType = try r.codeIfPresent(Tag.subscriptionRequestType)
        account = try r.string(Tag.account)
        accountType = try r.code(Tag.accountType)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        currency = try r.stringIfPresent(Tag.currency)
        clearingBusinessDate = try r.string(Tag.clearingBusinessDate)
        transactTime = try r.timestamp(Tag.transactTime)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.account, account)
        e.writeFieldIfPresent(Tag.currency, currency)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeField(Tag.transactTime, transactTime)
        e.writeFieldIfPresent(Tag.subscriptionRequestType, subscriptionRequestType)
        Party.write(parties, into: e)
        e.writeField(Tag.accountType, accountType)
        e.writeField(Tag.posReqID, posReqID)
        e.writeField(Tag.clearingBusinessDate, clearingBusinessDate)
        e.writeField(Tag.posReqType, posReqType)
    }
}
