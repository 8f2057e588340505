// Enumerated field values of FIX 4.4, as the FIX 4.4 data dictionary lists them.
//
// Fields whose values are a closed set are enums: reading an unknown value is an error
// (`FIXMessageDecodeError.malformed`). Reason codes, which counterparties extend with codes of
// their own, are structs with a raw value: every value reads, and the FIX 4.4 ones are named.

/// Side (54): the side of an order.
public enum Side: Character, Sendable, CaseIterable, FIXCharCode {
    /// `1` Buy.
    case buy = "1"
    /// `2` Sell.
    case sell = "2"
    /// `3` Buy minus.
    case buyMinus = "3"
    /// `4` Sell plus.
    case sellPlus = "4"
    /// `5` Sell short.
    case sellShort = "5"
    /// `6` Sell short exempt.
    case sellShortExempt = "6"
    /// `7` Undisclosed.
    case undisclosed = "7"
    /// `8` Cross (orders where counterparty is an exchange, valid for all messages except IOIs).
    case cross = "8"
    /// `9` Cross short.
    case crossShort = "9"
    /// `A` Cross short exempt.
    case crossShortExempt = "A"
    /// `B` "As Defined" (for use with multileg instruments).
    case asDefined = "B"
    /// `C` "Opposite" (for use with multileg instruments).
    case opposite = "C"
    /// `D` Subscribe (e.g. CIV).
    case subscribe = "D"
    /// `E` Redeem (e.g. CIV).
    case redeem = "E"
    /// `F` Lend (financing).
    case lend = "F"
    /// `G` Borrow (financing).
    case borrow = "G"
}

/// CommType (13): how a Commission (12) is expressed.
public enum CommType: Character, Sendable, CaseIterable, FIXCharCode {
    /// Per unit (per share or contract).
    case perUnit = "1"
    /// A percentage of the value.
    case percent = "2"
    /// An absolute amount.
    case absolute = "3"
    /// A percentage, waived with a cash discount.
    case percentageWaivedCashDiscount = "4"
    /// A percentage, waived with enhanced units.
    case percentageWaivedEnhancedUnits = "5"
    /// Points per bond or contract.
    case pointsPerBondOrContract = "6"
}

/// OrdType (40): the type of an order.
public enum OrdType: Character, Sendable, CaseIterable, FIXCharCode {
    /// `1` Market.
    case market = "1"
    /// `2` Limit.
    case limit = "2"
    /// `3` Stop.
    case stop = "3"
    /// `4` Stop limit.
    case stopLimit = "4"
    /// `6` With or without.
    case withOrWithout = "6"
    /// `7` Limit or better.
    case limitOrBetter = "7"
    /// `8` Limit with or without.
    case limitWithOrWithout = "8"
    /// `9` On basis.
    case onBasis = "9"
    /// `D` Previously quoted.
    case previouslyQuoted = "D"
    /// `E` Previously indicated.
    case previouslyIndicated = "E"
    /// `G` Forex swap.
    case forexSwap = "G"
    /// `I` Funari (limit day order with unexecuted portion handled as market on close).
    case funari = "I"
    /// `J` Market if touched.
    case marketIfTouched = "J"
    /// `K` Market with leftover as limit.
    case marketWithLeftoverAsLimit = "K"
    /// `L` Previous fund valuation point.
    case previousFundValuationPoint = "L"
    /// `M` Next fund valuation point.
    case nextFundValuationPoint = "M"
    /// `P` Pegged.
    case pegged = "P"
}

/// TimeInForce (59): how long an order stays in force.
public enum TimeInForce: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` Day (or session).
    case day = "0"
    /// `1` Good till cancel.
    case goodTillCancel = "1"
    /// `2` At the opening.
    case atTheOpening = "2"
    /// `3` Immediate or cancel.
    case immediateOrCancel = "3"
    /// `4` Fill or kill.
    case fillOrKill = "4"
    /// `5` Good till crossing.
    case goodTillCrossing = "5"
    /// `6` Good till date (with ExpireTime or ExpireDate).
    case goodTillDate = "6"
    /// `7` At the close.
    case atTheClose = "7"
}

/// HandlInst (21): handling instructions for an order.
public enum HandlInst: Character, Sendable, CaseIterable, FIXCharCode {
    /// `1` Automated execution order, private, no broker intervention.
    case automatedPrivate = "1"
    /// `2` Automated execution order, public, broker intervention OK.
    case automatedPublic = "2"
    /// `3` Manual order, best execution.
    case manual = "3"
}

/// ExecType (150): what an ExecutionReport reports. FIX 4.4 values only: `1` (Partial fill) and
/// `2` (Fill) were replaced by `F` (Trade) and are not accepted.
public enum ExecType: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` New.
    case new = "0"
    /// `3` Done for day.
    case doneForDay = "3"
    /// `4` Canceled.
    case canceled = "4"
    /// `5` Replaced.
    case replaced = "5"
    /// `6` Pending cancel (e.g. result of an OrderCancelRequest).
    case pendingCancel = "6"
    /// `7` Stopped.
    case stopped = "7"
    /// `8` Rejected.
    case rejected = "8"
    /// `9` Suspended.
    case suspended = "9"
    /// `A` Pending new.
    case pendingNew = "A"
    /// `B` Calculated.
    case calculated = "B"
    /// `C` Expired.
    case expired = "C"
    /// `D` Restated (ExecutionReport sent unsolicited by the sell side).
    case restated = "D"
    /// `E` Pending replace (e.g. result of an OrderCancelReplaceRequest).
    case pendingReplace = "E"
    /// `F` Trade (partial fill or fill).
    case trade = "F"
    /// `G` Trade correct.
    case tradeCorrect = "G"
    /// `H` Trade cancel.
    case tradeCancel = "H"
    /// `I` Order status.
    case orderStatus = "I"
}

/// OrdStatus (39): the state of an order.
public enum OrdStatus: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` New.
    case new = "0"
    /// `1` Partially filled.
    case partiallyFilled = "1"
    /// `2` Filled.
    case filled = "2"
    /// `3` Done for day.
    case doneForDay = "3"
    /// `4` Canceled.
    case canceled = "4"
    /// `6` Pending cancel.
    case pendingCancel = "6"
    /// `7` Stopped.
    case stopped = "7"
    /// `8` Rejected.
    case rejected = "8"
    /// `9` Suspended.
    case suspended = "9"
    /// `A` Pending new.
    case pendingNew = "A"
    /// `B` Calculated.
    case calculated = "B"
    /// `C` Expired.
    case expired = "C"
    /// `D` Accepted for bidding.
    case acceptedForBidding = "D"
    /// `E` Pending replace.
    case pendingReplace = "E"
}

/// CxlRejResponseTo (434): which request an OrderCancelReject answers.
public enum CxlRejResponseTo: Character, Sendable, CaseIterable, FIXCharCode {
    /// `1` OrderCancelRequest (F).
    case orderCancelRequest = "1"
    /// `2` OrderCancelReplaceRequest (G).
    case orderCancelReplaceRequest = "2"
}

/// SubscriptionRequestType (263): what a MarketDataRequest asks for.
public enum SubscriptionRequestType: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` Snapshot.
    case snapshot = "0"
    /// `1` Snapshot plus updates (subscribe).
    case snapshotPlusUpdates = "1"
    /// `2` Disable previous snapshot plus update request (unsubscribe).
    case disablePreviousSnapshotPlusUpdateRequest = "2"
}

/// MDUpdateType (265): how market data updates are sent.
public enum MDUpdateType: Int, Sendable, CaseIterable, FIXIntCode {
    /// `0` Full refresh.
    case fullRefresh = 0
    /// `1` Incremental refresh.
    case incrementalRefresh = 1
}

/// MDEntryType (269): what a market data entry is.
public enum MDEntryType: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` Bid.
    case bid = "0"
    /// `1` Offer.
    case offer = "1"
    /// `2` Trade.
    case trade = "2"
    /// `3` Index value.
    case indexValue = "3"
    /// `4` Opening price.
    case openingPrice = "4"
    /// `5` Closing price.
    case closingPrice = "5"
    /// `6` Settlement price.
    case settlementPrice = "6"
    /// `7` Trading session high price.
    case tradingSessionHighPrice = "7"
    /// `8` Trading session low price.
    case tradingSessionLowPrice = "8"
    /// `9` Trading session VWAP price.
    case tradingSessionVWAPPrice = "9"
    /// `A` Imbalance.
    case imbalance = "A"
    /// `B` Trade volume.
    case tradeVolume = "B"
    /// `C` Open interest.
    case openInterest = "C"
}

/// MDUpdateAction (279): what an incremental market data entry does.
public enum MDUpdateAction: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` New.
    case new = "0"
    /// `1` Change.
    case change = "1"
    /// `2` Delete.
    case delete = "2"
}

/// EncryptMethod (98): the encryption of a session; `none` in practice.
public enum EncryptMethod: Int, Sendable, CaseIterable, FIXIntCode {
    /// `0` None / other.
    case none = 0
    /// `1` PKCS (proprietary).
    case pkcs = 1
    /// `2` DES (ECB mode).
    case des = 2
    /// `3` PKCS/DES (proprietary).
    case pkcsDES = 3
    /// `4` PGP/DES (defunct).
    case pgpDES = 4
    /// `5` PGP/DES-MD5.
    case pgpDESMD5 = 5
    /// `6` PEM/DES-MD5.
    case pemDESMD5 = 6
}

/// OrdRejReason (103): why an order was rejected. Any code reads; the FIX 4.4 codes are named.
public struct OrdRejReason: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The reason with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `0` Broker / exchange option.
    public static let brokerOption = OrdRejReason(rawValue: 0)
    /// `1` Unknown symbol.
    public static let unknownSymbol = OrdRejReason(rawValue: 1)
    /// `2` Exchange closed.
    public static let exchangeClosed = OrdRejReason(rawValue: 2)
    /// `3` Order exceeds limit.
    public static let orderExceedsLimit = OrdRejReason(rawValue: 3)
    /// `4` Too late to enter.
    public static let tooLateToEnter = OrdRejReason(rawValue: 4)
    /// `5` Unknown order.
    public static let unknownOrder = OrdRejReason(rawValue: 5)
    /// `6` Duplicate order (e.g. duplicate ClOrdID).
    public static let duplicateOrder = OrdRejReason(rawValue: 6)
    /// `7` Duplicate of a verbally communicated order.
    public static let duplicateOfVerballyCommunicatedOrder = OrdRejReason(rawValue: 7)
    /// `8` Stale order.
    public static let staleOrder = OrdRejReason(rawValue: 8)
    /// `9` Trade along required.
    public static let tradeAlongRequired = OrdRejReason(rawValue: 9)
    /// `10` Invalid investor ID.
    public static let invalidInvestorID = OrdRejReason(rawValue: 10)
    /// `11` Unsupported order characteristic.
    public static let unsupportedOrderCharacteristic = OrdRejReason(rawValue: 11)
    /// `12` Surveillance option.
    public static let surveillanceOption = OrdRejReason(rawValue: 12)
    /// `13` Incorrect quantity.
    public static let incorrectQuantity = OrdRejReason(rawValue: 13)
    /// `14` Incorrect allocated quantity.
    public static let incorrectAllocatedQuantity = OrdRejReason(rawValue: 14)
    /// `15` Unknown account(s).
    public static let unknownAccount = OrdRejReason(rawValue: 15)
    /// `99` Other.
    public static let other = OrdRejReason(rawValue: 99)

    /// The FIX 4.4 codes.
    public static let allCases: [OrdRejReason] = [
        .brokerOption, .unknownSymbol, .exchangeClosed, .orderExceedsLimit, .tooLateToEnter, .unknownOrder,
        .duplicateOrder, .duplicateOfVerballyCommunicatedOrder, .staleOrder, .tradeAlongRequired,
        .invalidInvestorID, .unsupportedOrderCharacteristic, .surveillanceOption, .incorrectQuantity,
        .incorrectAllocatedQuantity, .unknownAccount, .other,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

/// CxlRejReason (102): why a cancel or cancel/replace request was rejected. Any code reads; the
/// FIX 4.4 codes are named.
public struct CxlRejReason: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The reason with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `0` Too late to cancel.
    public static let tooLateToCancel = CxlRejReason(rawValue: 0)
    /// `1` Unknown order.
    public static let unknownOrder = CxlRejReason(rawValue: 1)
    /// `2` Broker / exchange option.
    public static let brokerOption = CxlRejReason(rawValue: 2)
    /// `3` Order already in pending cancel or pending replace status.
    public static let alreadyPendingCancelOrReplace = CxlRejReason(rawValue: 3)
    /// `4` Unable to process order mass cancel request.
    public static let unableToProcessOrderMassCancelRequest = CxlRejReason(rawValue: 4)
    /// `5` OrigOrdModTime (586) did not match the last TransactTime (60) of the order.
    public static let origOrdModTimeMismatch = CxlRejReason(rawValue: 5)
    /// `6` Duplicate ClOrdID (11) received.
    public static let duplicateClOrdID = CxlRejReason(rawValue: 6)
    /// `99` Other.
    public static let other = CxlRejReason(rawValue: 99)

    /// The FIX 4.4 codes.
    public static let allCases: [CxlRejReason] = [
        .tooLateToCancel, .unknownOrder, .brokerOption, .alreadyPendingCancelOrReplace,
        .unableToProcessOrderMassCancelRequest, .origOrdModTimeMismatch, .duplicateClOrdID, .other,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

/// MDReqRejReason (281): why a MarketDataRequest was rejected. Any single-character code reads;
/// the FIX 4.4 codes are named.
public struct MDReqRejReason: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXCharCode {
    /// The code as sent.
    public var rawValue: Character
    /// The reason with code `rawValue`.
    public init(rawValue: Character) { self.rawValue = rawValue }

    /// `0` Unknown symbol.
    public static let unknownSymbol = MDReqRejReason(rawValue: "0")
    /// `1` Duplicate MDReqID.
    public static let duplicateMDReqID = MDReqRejReason(rawValue: "1")
    /// `2` Insufficient bandwidth.
    public static let insufficientBandwidth = MDReqRejReason(rawValue: "2")
    /// `3` Insufficient permissions.
    public static let insufficientPermissions = MDReqRejReason(rawValue: "3")
    /// `4` Unsupported SubscriptionRequestType.
    public static let unsupportedSubscriptionRequestType = MDReqRejReason(rawValue: "4")
    /// `5` Unsupported MarketDepth.
    public static let unsupportedMarketDepth = MDReqRejReason(rawValue: "5")
    /// `6` Unsupported MDUpdateType.
    public static let unsupportedMDUpdateType = MDReqRejReason(rawValue: "6")
    /// `7` Unsupported AggregatedBook.
    public static let unsupportedAggregatedBook = MDReqRejReason(rawValue: "7")
    /// `8` Unsupported MDEntryType.
    public static let unsupportedMDEntryType = MDReqRejReason(rawValue: "8")
    /// `9` Unsupported TradingSessionID.
    public static let unsupportedTradingSessionID = MDReqRejReason(rawValue: "9")
    /// `A` Unsupported Scope.
    public static let unsupportedScope = MDReqRejReason(rawValue: "A")
    /// `B` Unsupported OpenCloseSettlFlag.
    public static let unsupportedOpenCloseSettlFlag = MDReqRejReason(rawValue: "B")
    /// `C` Unsupported MDImplicitDelete.
    public static let unsupportedMDImplicitDelete = MDReqRejReason(rawValue: "C")

    /// The FIX 4.4 codes.
    public static let allCases: [MDReqRejReason] = [
        .unknownSymbol, .duplicateMDReqID, .insufficientBandwidth, .insufficientPermissions,
        .unsupportedSubscriptionRequestType, .unsupportedMarketDepth, .unsupportedMDUpdateType,
        .unsupportedAggregatedBook, .unsupportedMDEntryType, .unsupportedTradingSessionID,
        .unsupportedScope, .unsupportedOpenCloseSettlFlag, .unsupportedMDImplicitDelete,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

/// BusinessRejectReason (380): why an application message was rejected. Any code reads; the FIX
/// 4.4 codes are named.
public struct BusinessRejectReason: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The reason with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `0` Other.
    public static let other = BusinessRejectReason(rawValue: 0)
    /// `1` Unknown ID.
    public static let unknownID = BusinessRejectReason(rawValue: 1)
    /// `2` Unknown security.
    public static let unknownSecurity = BusinessRejectReason(rawValue: 2)
    /// `3` Unsupported message type.
    public static let unsupportedMessageType = BusinessRejectReason(rawValue: 3)
    /// `4` Application not available.
    public static let applicationNotAvailable = BusinessRejectReason(rawValue: 4)
    /// `5` Conditionally required field missing.
    public static let conditionallyRequiredFieldMissing = BusinessRejectReason(rawValue: 5)
    /// `6` Not authorized.
    public static let notAuthorized = BusinessRejectReason(rawValue: 6)
    /// `7` DeliverTo firm not available at this time.
    public static let deliverToFirmNotAvailable = BusinessRejectReason(rawValue: 7)

    /// The FIX 4.4 codes.
    public static let allCases: [BusinessRejectReason] = [
        .other, .unknownID, .unknownSecurity, .unsupportedMessageType, .applicationNotAvailable,
        .conditionallyRequiredFieldMissing, .notAuthorized, .deliverToFirmNotAvailable,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

// MARK: - Order status and mass requests

/// MassStatusReqType (585): which orders an OrderMassStatusRequest asks about.
public enum MassStatusReqType: Int, Sendable, CaseIterable, FIXIntCode {
    /// `1` The orders in one security (the request's Instrument).
    case security = 1
    /// `2` The orders in the securities of one underlying.
    case underlyingSecurity = 2
    /// `3` The orders in one product.
    case product = 3
    /// `4` The orders in one CFICode.
    case cfiCode = 4
    /// `5` The orders in one SecurityType.
    case securityType = 5
    /// `6` The orders in one trading session.
    case tradingSession = 6
    /// `7` Every order.
    case allOrders = 7
    /// `8` The orders of one party (the request's Parties).
    case partyID = 8
}

/// MassCancelRequestType (530): which orders an OrderMassCancelRequest cancels.
public enum MassCancelRequestType: Character, Sendable, CaseIterable, FIXCharCode {
    /// `1` The orders in one security (the request's Instrument).
    case security = "1"
    /// `2` The orders in the securities of one underlying.
    case underlyingSecurity = "2"
    /// `3` The orders in one product.
    case product = "3"
    /// `4` The orders in one CFICode.
    case cfiCode = "4"
    /// `5` The orders in one SecurityType.
    case securityType = "5"
    /// `6` The orders in one trading session.
    case tradingSession = "6"
    /// `7` Every order.
    case allOrders = "7"
}

/// MassCancelResponse (531): what an OrderMassCancelReport says was done: the request refused
/// (`0`) or the scope of the orders canceled (the MassCancelRequestType values).
public enum MassCancelResponse: Character, Sendable, CaseIterable, FIXCharCode {
    /// `0` The request was refused (MassCancelRejectReason says why).
    case rejected = "0"
    /// `1` The orders in one security were canceled.
    case security = "1"
    /// `2` The orders in the securities of one underlying were canceled.
    case underlyingSecurity = "2"
    /// `3` The orders in one product were canceled.
    case product = "3"
    /// `4` The orders in one CFICode were canceled.
    case cfiCode = "4"
    /// `5` The orders in one SecurityType were canceled.
    case securityType = "5"
    /// `6` The orders in one trading session were canceled.
    case tradingSession = "6"
    /// `7` Every order was canceled.
    case allOrders = "7"
}

/// MassCancelRejectReason (532): why an OrderMassCancelRequest was refused. FIX 4.4 types it
/// CHAR yet lists `99`, so it is read as an integer code; any code reads, the FIX 4.4 ones are
/// named.
public struct MassCancelRejectReason: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The reason with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `0` Mass cancel is not supported (for this MassCancelRequestType).
    public static let notSupported = MassCancelRejectReason(rawValue: 0)
    /// `1` The security is not known or not valid.
    public static let invalidOrUnknownSecurity = MassCancelRejectReason(rawValue: 1)
    /// `2` The underlying is not known or not valid.
    public static let invalidOrUnknownUnderlying = MassCancelRejectReason(rawValue: 2)
    /// `3` The product is not known or not valid.
    public static let invalidOrUnknownProduct = MassCancelRejectReason(rawValue: 3)
    /// `4` The CFICode is not known or not valid.
    public static let invalidOrUnknownCFICode = MassCancelRejectReason(rawValue: 4)
    /// `5` The SecurityType is not known or not valid.
    public static let invalidOrUnknownSecurityType = MassCancelRejectReason(rawValue: 5)
    /// `6` The trading session is not known or not valid.
    public static let invalidOrUnknownTradingSession = MassCancelRejectReason(rawValue: 6)
    /// `99` Other.
    public static let other = MassCancelRejectReason(rawValue: 99)

    /// The FIX 4.4 codes.
    public static let allCases: [MassCancelRejectReason] = [
        .notSupported, .invalidOrUnknownSecurity, .invalidOrUnknownUnderlying, .invalidOrUnknownProduct,
        .invalidOrUnknownCFICode, .invalidOrUnknownSecurityType, .invalidOrUnknownTradingSession, .other,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

// MARK: - Parties and accounts

/// PartyIDSource (447): the scheme a PartyID (448) is in.
public enum PartyIDSource: Character, Sendable, CaseIterable, FIXCharCode {
    /// `B` BIC.
    case bic = "B"
    /// `C` A generally accepted market participant identifier (an exchange member code, say).
    case marketParticipantIdentifier = "C"
    /// `D` A code of the firm's own (proprietary or custom).
    case proprietary = "D"
    /// `E` ISO country code.
    case isoCountryCode = "E"
    /// `F` Settlement entity location.
    case settlementEntityLocation = "F"
    /// `G` MIC (ISO 10383 market identifier code).
    case mic = "G"
    /// `H` CSD participant or member code.
    case csdParticipantMemberCode = "H"
    /// `I` Directed broker (three-character acronym).
    case directedBroker = "I"
    /// `1` Korean investor ID.
    case koreanInvestorID = "1"
    /// `2` Taiwanese qualified foreign investor ID (QFII / FID).
    case taiwaneseQualifiedForeignInvestorID = "2"
    /// `3` Taiwanese trading account.
    case taiwaneseTradingAccount = "3"
    /// `4` Malaysian central depository number.
    case malaysianCentralDepository = "4"
    /// `5` Chinese B share (Shenzhen and Shanghai).
    case chineseBShare = "5"
    /// `6` UK national insurance or pension number.
    case ukNationalInsuranceOrPensionNumber = "6"
    /// `7` US social security number.
    case usSocialSecurityNumber = "7"
    /// `8` US employer identification number.
    case usEmployerIdentificationNumber = "8"
    /// `9` Australian business number.
    case australianBusinessNumber = "9"
    /// `A` Australian tax file number.
    case australianTaxFileNumber = "A"
}

/// PartyRole (452): what a party is to the message. Any code reads (the list grows with each FIX
/// version); the ones this engine uses are named.
public struct PartyRole: RawRepresentable, Hashable, Sendable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The role with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `1` Executing firm.
    public static let executingFirm = PartyRole(rawValue: 1)
    /// `3` Client ID.
    public static let clientID = PartyRole(rawValue: 3)
    /// `4` Clearing firm.
    public static let clearingFirm = PartyRole(rawValue: 4)
    /// `7` Entering firm.
    public static let enteringFirm = PartyRole(rawValue: 7)
    /// `12` Executing trader.
    public static let executingTrader = PartyRole(rawValue: 12)
    /// `22` Exchange.
    public static let exchange = PartyRole(rawValue: 22)
    /// `24` Customer account.
    public static let customerAccount = PartyRole(rawValue: 24)
    /// `38` Position account.
    public static let positionAccount = PartyRole(rawValue: 38)

    /// The code.
    public var description: String { String(rawValue) }
}

/// AccountType (581): how an account is carried.
public enum AccountType: Int, Sendable, CaseIterable, FIXIntCode {
    /// `1` Carried on the customer side of the books.
    case customerSide = 1
    /// `2` Carried on the non-customer side of the books.
    case nonCustomerSide = 2
    /// `3` House trader.
    case houseTrader = 3
    /// `4` Floor trader.
    case floorTrader = 4
    /// `6` Carried on the non-customer side of the books, cross-margined.
    case nonCustomerSideCrossMargined = 6
    /// `7` House trader, cross-margined.
    case houseTraderCrossMargined = 7
    /// `8` Joint back office account (JBO).
    case jointBackOffice = 8
}

// MARK: - Positions

/// PosReqType (724): what a RequestForPositions asks for.
public enum PosReqType: Int, Sendable, CaseIterable, FIXIntCode {
    /// `0` Positions.
    case positions = 0
    /// `1` Trades.
    case trades = 1
    /// `2` Exercises.
    case exercises = 2
    /// `3` Assignments.
    case assignments = 3
}

/// PosReqResult (728): how a request for positions went. Any code reads; the FIX 4.4 codes are
/// named.
public struct PosReqResult: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible, FIXIntCode {
    /// The code as sent.
    public var rawValue: Int
    /// The result with code `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `0` A valid request: the positions follow.
    public static let validRequest = PosReqResult(rawValue: 0)
    /// `1` An invalid request, or one not supported.
    public static let invalidOrUnsupportedRequest = PosReqResult(rawValue: 1)
    /// `2` No position matches the request.
    public static let noPositionsFound = PosReqResult(rawValue: 2)
    /// `3` The requester may not see these positions.
    public static let notAuthorized = PosReqResult(rawValue: 3)
    /// `4` Requests for positions are not supported.
    public static let notSupported = PosReqResult(rawValue: 4)
    /// `99` Other.
    public static let other = PosReqResult(rawValue: 99)

    /// The FIX 4.4 codes.
    public static let allCases: [PosReqResult] = [
        .validRequest, .invalidOrUnsupportedRequest, .noPositionsFound, .notAuthorized, .notSupported, .other,
    ]

    /// The code.
    public var description: String { String(rawValue) }
}

/// PosReqStatus (729): whether a request for positions was carried out.
public enum PosReqStatus: Int, Sendable, CaseIterable, FIXIntCode {
    /// `0` Completed.
    case completed = 0
    /// `1` Completed, with warnings.
    case completedWithWarnings = 1
    /// `2` Rejected.
    case rejected = 2
}

/// SettlPriceType (731): what kind of settlement price a PositionReport gives.
public enum SettlPriceType: Int, Sendable, CaseIterable, FIXIntCode {
    /// `1` Final.
    case final = 1
    /// `2` Theoretical (an estimate, before the final one is known).
    case theoretical = 2
}

/// PosType (703): what a position quantity counts.
public enum PosType: String, Sendable, CaseIterable, FIXStringCode {
    /// `TQ` Transaction quantity.
    case transactionQuantity = "TQ"
    /// `IAS` Intra-spread quantity.
    case intraSpreadQuantity = "IAS"
    /// `IES` Inter-spread quantity.
    case interSpreadQuantity = "IES"
    /// `FIN` End-of-day quantity.
    case endOfDayQuantity = "FIN"
    /// `SOD` Start-of-day quantity.
    case startOfDayQuantity = "SOD"
    /// `EX` Option exercise quantity.
    case optionExerciseQuantity = "EX"
    /// `AS` Option assignment.
    case optionAssignment = "AS"
    /// `TX` Transaction from exercise.
    case transactionFromExercise = "TX"
    /// `TA` Transaction from assignment.
    case transactionFromAssignment = "TA"
    /// `PIT` Pit trade quantity.
    case pitTradeQuantity = "PIT"
    /// `TRF` Transfer trade quantity.
    case transferTradeQuantity = "TRF"
    /// `ETR` Electronic trade quantity.
    case electronicTradeQuantity = "ETR"
    /// `ALC` Allocation trade quantity.
    case allocationTradeQuantity = "ALC"
    /// `PA` Adjustment quantity.
    case adjustmentQuantity = "PA"
    /// `ASF` As-of trade quantity.
    case asOfTradeQuantity = "ASF"
    /// `DLV` Delivery quantity.
    case deliveryQuantity = "DLV"
    /// `TOT` Total transaction quantity: every trade, netted into long and short.
    case totalTransactionQuantity = "TOT"
    /// `XM` Cross margin quantity.
    case crossMarginQuantity = "XM"
    /// `SPL` Integral split.
    case integralSplit = "SPL"
}

/// PosAmtType (707): what a position amount is.
public enum PosAmtType: String, Sendable, CaseIterable, FIXStringCode {
    /// `FMTM` Final mark-to-market amount.
    case finalMarkToMarket = "FMTM"
    /// `IMTM` Incremental mark-to-market amount.
    case incrementalMarkToMarket = "IMTM"
    /// `TVAR` Trade variation amount.
    case tradeVariation = "TVAR"
    /// `SMTM` Start-of-day mark-to-market amount.
    case startOfDayMarkToMarket = "SMTM"
    /// `PREM` Premium amount.
    case premium = "PREM"
    /// `CRES` Cash residual amount.
    case cashResidual = "CRES"
    /// `CASH` Cash amount (corporate event).
    case cash = "CASH"
    /// `VADJ` Value adjusted amount.
    case valueAdjusted = "VADJ"
}
