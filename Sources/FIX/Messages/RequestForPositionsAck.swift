/// RequestForPositionsAck (MsgType `AO`): the first answer to a RequestForPositions: whether it
/// was accepted and how many PositionReports follow.
public struct RequestForPositionsAck: FIXMessageBody, Equatable {
    /// `"AO"`.
    public static let msgType = "AO"

    /// PosMaintRptID (721): the answer's identifier, given by its sender.
    public var posMaintRptID: String
    /// PosReqID (710): the request's identifier.
    public var posReqID: String?
    /// TotalNumPosReports (727): how many PositionReports follow.
    public var totalNumPosReports: Int?
    /// UnsolicitedIndicator (325): whether the answer was sent without a request.
    public var unsolicitedIndicator: Bool?
    /// PosReqResult (728): how the request went.
    public var posReqResult: PosReqResult
    /// PosReqStatus (729): whether it was carried out.
    public var posReqStatus: PosReqStatus
    /// The NoPartyIDs (453) instances: the request's parties.
    public var parties: [Party]
    /// Account (1): the request's account.
    public var account: String
    /// AccountType (581): how the account is carried.
    public var accountType: AccountType
    /// Symbol (55): the request's instrument.
    public var symbol: String?
    /// SecurityID (48): the instrument's identifier, in the scheme `securityIDSource` names.
    public var securityID: String?
    /// SecurityIDSource (22): the identifier scheme of `securityID`.
    public var securityIDSource: String?
    /// Currency (15): the request's currency.
    public var currency: String?
    /// Text (58): free text (why the request was refused, say).
    public var text: String?

    /// An acknowledgement of a request for positions.
    public init(posMaintRptID: String, posReqID: String? = nil, totalNumPosReports: Int? = nil,
                unsolicitedIndicator: Bool? = nil, posReqResult: PosReqResult, posReqStatus: PosReqStatus,
                parties: [Party], account: String, accountType: AccountType, symbol: String? = nil,
                securityID: String? = nil, securityIDSource: String? = nil, currency: String? = nil, text: String? = nil) {
        self.posMaintRptID = posMaintRptID
        self.posReqID = posReqID
        self.totalNumPosReports = totalNumPosReports
        self.unsolicitedIndicator = unsolicitedIndicator
        self.posReqResult = posReqResult
        self.posReqStatus = posReqStatus
        self.parties = parties
        self.account = account
        self.accountType = accountType
        self.symbol = symbol
        self.securityID = securityID
        self.securityIDSource = securityIDSource
        self.currency = currency
        self.text = text
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        parties = try Party.readRequired(&r)
        posMaintRptID = try r.string(Tag.posMaintRptID)
        posReqID = try r.stringIfPresent(Tag.posReqID)
        totalNumPosReports = try r.intIfPresent(Tag.totalNumPosReports)
        unsolicitedIndicator = try r.boolIfPresent(Tag.unsolicitedIndicator)
        posReqResult = try r.code(Tag.posReqResult)
        posReqStatus = try r.code(Tag.posReqStatus)
        account = try r.string(Tag.account)
        accountType = try r.code(Tag.accountType)
        symbol = try r.stringIfPresent(Tag.symbol)
        securityID = try r.stringIfPresent(Tag.securityID)
        securityIDSource = try r.stringIfPresent(Tag.securityIDSource)
        currency = try r.stringIfPresent(Tag.currency)
        text = try r.stringIfPresent(Tag.text)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.account, account)
        e.writeFieldIfPresent(Tag.currency, currency)
        e.writeFieldIfPresent(Tag.securityIDSource, securityIDSource)
        e.writeFieldIfPresent(Tag.securityID, securityID)
        e.writeFieldIfPresent(Tag.symbol, symbol)
        e.writeFieldIfPresent(Tag.text, text)
        e.writeFieldIfPresent(Tag.unsolicitedIndicator, unsolicitedIndicator)
        Party.write(parties, into: e)
        e.writeField(Tag.accountType, accountType)
        e.writeFieldIfPresent(Tag.posReqID, posReqID)
        e.writeField(Tag.posMaintRptID, posMaintRptID)
        e.writeFieldIfPresent(Tag.totalNumPosReports, totalNumPosReports)
        e.writeField(Tag.posReqResult, posReqResult)
        e.writeField(Tag.posReqStatus, posReqStatus)
    }
}
