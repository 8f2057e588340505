import Testing

@testable import FIX
import FIXTestSupport

/// The typed messages a participant uses to ask a venue what it knows (order status, mass
/// status, mass cancel, positions) and the venue's answers: round trips, exact wire text, the
/// errors of missing or bad fields, and every message valid against the engine's dictionary.
extension MessagesTests {

    static let parties = [Party(id: "MM-DESK", source: .proprietary, role: .executingFirm),
                          Party(id: "ACC-7", role: .customerAccount)]

    static let fullPositionReport = PositionReport(
        posMaintRptID: "P-9", posReqID: "R-1", posReqType: .positions, subscriptionRequestType: .snapshot,
        totalNumPosReports: 2, unsolicitedIndicator: false, posReqResult: .validRequest, clearingBusinessDate: "20240315",
        parties: parties, account: "ACC1", accountType: .houseTrader, symbol: "BTCUSDT", securityID: "123",
        securityIDSource: "8", currency: "USDT", settlPrice: dec("61800.3"), settlPriceType: .theoretical,
        priorSettlPrice: dec("61750"),
        positions: [PositionQuantity(type: .totalTransactionQuantity, longQty: dec("0.005"), shortQty: 0),
                    PositionQuantity(type: .startOfDayQuantity, longQty: 0)],
        amounts: [PositionAmount(type: .finalMarkToMarket, amount: dec("-12.5"))], text: "net long")

    // MARK: - Round trips

    @Test func orderStatusRequestRoundTrip() throws {
        let full = OrderStatusRequest(orderID: "O-1", clOrdID: "C-1", ordStatusReqID: "S-1", account: "ACC1",
                                      symbol: "ABC", securityID: "123", securityIDSource: "8", side: .sell)
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderStatusRequest(clOrdID: "C-1", symbol: "ABC", side: .buy)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func orderMassStatusRequestRoundTrip() throws {
        let full = OrderMassStatusRequest(massStatusReqID: "M-1", massStatusReqType: .security, account: "ACC1",
                                          symbol: "ABC", securityID: "123", securityIDSource: "8", side: .buy)
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderMassStatusRequest(massStatusReqID: "M-2", massStatusReqType: .allOrders)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func orderMassCancelRequestRoundTrip() throws {
        let full = OrderMassCancelRequest(clOrdID: "X-1", massCancelRequestType: .security, symbol: "ABC",
                                          securityID: "123", securityIDSource: "8", side: .sell, transactTime: Self.tMicro,
                                          text: "flatten")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderMassCancelRequest(clOrdID: "X-2", massCancelRequestType: .allOrders, transactTime: Self.t0)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func orderMassCancelReportRoundTrip() throws {
        let full = OrderMassCancelReport(
            clOrdID: "X-1", orderID: "V-M1", secondaryOrderID: "S-1", massCancelRequestType: .security,
            massCancelResponse: .security, totalAffectedOrders: 2,
            affectedOrders: [AffectedOrder(origClOrdID: "C-1", orderID: "O-1", secondaryOrderID: "S-O1"),
                             AffectedOrder(origClOrdID: "C-2")],
            symbol: "ABC", securityID: "123", securityIDSource: "8", side: .buy, transactTime: Self.t0, text: "done")
        #expect(try Self.roundTrip(full) == full)
        let rejected = OrderMassCancelReport(clOrdID: "X-2", orderID: "V-M2", massCancelRequestType: .product,
                                             massCancelResponse: .rejected, massCancelRejectReason: .notSupported)
        #expect(try Self.roundTripAscending(rejected) == rejected)
        let other = OrderMassCancelReport(orderID: "V-M3", massCancelRequestType: .allOrders, massCancelResponse: .rejected,
                                          massCancelRejectReason: .other)
        #expect(try Self.roundTripAscending(other) == other)
    }

    @Test func requestForPositionsRoundTrip() throws {
        let full = RequestForPositions(posReqID: "R-1", posReqType: .positions, subscriptionRequestType: .snapshot,
                                       parties: Self.parties, account: "ACC1", accountType: .houseTrader, symbol: "ABC",
                                       securityID: "123", securityIDSource: "8", currency: "USD",
                                       clearingBusinessDate: "20240315", transactTime: Self.t0, text: "all")
        #expect(try Self.roundTrip(full) == full)
        let minimal = RequestForPositions(posReqID: "R-2", posReqType: .trades, parties: [], account: "ACC1",
                                          accountType: .customerSide, clearingBusinessDate: "20240315", transactTime: Self.t0)
        #expect(try Self.roundTripAscending(minimal) == minimal)
        #expect(Self.wire(minimal).contains("|453=0|581=1|710=R-2|715=20240315|724=1|10="))
    }

    @Test func requestForPositionsAckRoundTrip() throws {
        let full = RequestForPositionsAck(posMaintRptID: "P-1", posReqID: "R-1", totalNumPosReports: 2,
                                          unsolicitedIndicator: false, posReqResult: .validRequest, posReqStatus: .completed,
                                          parties: Self.parties, account: "ACC1", accountType: .houseTrader, symbol: "ABC",
                                          securityID: "123", securityIDSource: "8", currency: "USD", text: "two follow")
        #expect(try Self.roundTrip(full) == full)
        let none = RequestForPositionsAck(posMaintRptID: "P-2", posReqResult: .noPositionsFound, posReqStatus: .completed,
                                          parties: [Party(id: "MM")], account: "ACC1", accountType: .houseTrader)
        #expect(try Self.roundTrip(none) == none)
    }

    @Test func positionReportRoundTrip() throws {
        #expect(try Self.roundTrip(Self.fullPositionReport) == Self.fullPositionReport)
        let minimal = PositionReport(posMaintRptID: "P-3", posReqResult: .validRequest, clearingBusinessDate: "20240315",
                                     parties: [], account: "ACC1", accountType: .houseTrader, settlPrice: 0,
                                     settlPriceType: .final, priorSettlPrice: 0, positions: [])
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func executionReportStatusFieldsRoundTrip() throws {
        var er = Self.fullExecutionReport
        er.execType = .orderStatus
        er.ordStatusReqID = "S-1"
        er.massStatusReqID = "M-1"
        er.totNumReports = 3
        er.lastRptRequested = false
        #expect(try Self.roundTripAscending(er) == er)
        #expect(Self.wire(er).contains("|150=I|151=60|198=S-1|584=M-1|790=S-1|911=3|912=N|10="))
        let last = ExecutionReport(orderID: "NONE", massStatusReqID: "M-1", totNumReports: 0, lastRptRequested: true,
                                   execID: "E-1", execType: .orderStatus, ordStatus: .rejected, symbol: "ABC", side: .buy,
                                   leavesQty: 0, cumQty: 0, avgPx: 0, text: "No working orders")
        #expect(try Self.roundTripAscending(last) == last)
        #expect(Self.wire(last).contains("|584=M-1|911=0|912=Y|10="))
    }

    // MARK: - Exact wire text

    @Test func positionReportWireText() {
        let ap = PositionReport(posMaintRptID: "P-1", posReqID: "R-1", totalNumPosReports: 1, posReqResult: .validRequest,
                                clearingBusinessDate: "20240315", parties: [Party(id: "MM", source: .proprietary, role: .executingFirm)],
                                account: "MM", accountType: .houseTrader, symbol: "ABC", settlPrice: Self.dec("101.5"),
                                settlPriceType: .theoretical, priorSettlPrice: Self.dec("101.5"),
                                positions: [PositionQuantity(type: .totalTransactionQuantity, longQty: 0, shortQty: Self.dec("0.25"))])
        let body = "35=AP|34=42|49=MM|52=20240315-13:45:30.123|56=VENUE|1=MM|55=ABC|453=1|448=MM|447=D|452=1|581=3|702=1|703=TOT|704=0|705=0.25|710=R-1|715=20240315|721=P-1|727=1|728=0|730=101.5|731=2|734=101.5|"
        #expect(Self.wire(ap) == Self.framed(body))
    }

    @Test func orderMassCancelReportWireText() {
        let r = OrderMassCancelReport(clOrdID: "X-1", orderID: "V-M1", massCancelRequestType: .allOrders,
                                      massCancelResponse: .allOrders, totalAffectedOrders: 3, transactTime: Self.t0)
        let body = "35=r|34=42|49=MM|52=20240315-13:45:30.123|56=VENUE|11=X-1|37=V-M1|60=20240315-13:45:30.123|530=7|531=7|533=3|"
        #expect(Self.wire(r) == Self.framed(body))
    }

    // MARK: - Errors

    @Test func missingRequiredFieldsOfTheStatusAndPositionMessages() throws {
        let h: [(Int, String)] = [(11, "C-1"), (54, "1"), (55, "ABC")]
        for (tag, _) in h {
            Self.expectError(OrderStatusRequest.self, try Self.raw("H", h.filter { $0.0 != tag }), .missing(tag))
        }
        let af: [(Int, String)] = [(584, "M-1"), (585, "7")]
        for (tag, _) in af {
            Self.expectError(OrderMassStatusRequest.self, try Self.raw("AF", af.filter { $0.0 != tag }), .missing(tag))
        }
        let q: [(Int, String)] = [(11, "X-1"), (60, "20240315-13:45:30.123"), (530, "7")]
        for (tag, _) in q {
            Self.expectError(OrderMassCancelRequest.self, try Self.raw("q", q.filter { $0.0 != tag }), .missing(tag))
        }
        let r: [(Int, String)] = [(37, "V-M1"), (530, "7"), (531, "7")]
        for (tag, _) in r {
            Self.expectError(OrderMassCancelReport.self, try Self.raw("r", r.filter { $0.0 != tag }), .missing(tag))
        }
        let an: [(Int, String)] = [(1, "ACC1"), (60, "20240315-13:45:30.123"), (453, "1"), (448, "MM"), (581, "3"),
                                   (710, "R-1"), (715, "20240315"), (724, "0")]
        for (tag, _) in an where tag != 448 {
            let fields = an.filter { $0.0 != tag && (tag != 453 || $0.0 != 448) }
            Self.expectError(RequestForPositions.self, try Self.raw("AN", fields), .missing(tag))
        }
        let ap = Self.bodyFields(try FIXMessage(bytes: { let e = FIXEncoder(); return Array(Self.fullPositionReport.encode(header: Self.header, into: e)) }()))
        for tag in [Tag.account, Tag.accountType, Tag.posMaintRptID, Tag.posReqResult, Tag.clearingBusinessDate,
                    Tag.settlPrice, Tag.settlPriceType, Tag.priorSettlPrice] {
            Self.expectError(PositionReport.self, try Self.raw("AP", ap.filter { $0.0 != tag }), .missing(tag))
        }
        // The Parties of a position message are required (NoPartyIDs may count 0).
        let withoutParties = ap.filter { ![453, 448, 447, 452].contains($0.0) }
        Self.expectError(PositionReport.self, try Self.raw("AP", withoutParties), .missing(Tag.noPartyIDs))
        // A PartyID is required in each instance.
        Self.expectError(RequestForPositionsAck.self,
                         try Self.raw("AO", [(1, "A"), (453, "1"), (447, "D"), (581, "3"), (721, "P"), (728, "0"), (729, "0")]),
                         .malformed(Tag.noPartyIDs))
    }

    @Test func malformedValuesOfTheStatusAndPositionMessages() throws {
        Self.expectError(OrderMassStatusRequest.self, try Self.raw("AF", [(584, "M"), (585, "9")]), .malformed(Tag.massStatusReqType))
        Self.expectError(OrderMassCancelRequest.self,
                         try Self.raw("q", [(11, "X"), (60, "20240315-13:45:30"), (530, "8")]), .malformed(Tag.massCancelRequestType))
        Self.expectError(OrderMassCancelReport.self,
                         try Self.raw("r", [(37, "V"), (530, "7"), (531, "9")]), .malformed(Tag.massCancelResponse))
        Self.expectError(OrderStatusRequest.self, try Self.raw("H", [(11, "C"), (54, "Z"), (55, "A")]), .malformed(Tag.side))
        let ap = Self.bodyFields(try FIXMessage(bytes: { let e = FIXEncoder(); return Array(Self.fullPositionReport.encode(header: Self.header, into: e)) }()))
        Self.expectError(PositionReport.self, try Self.raw("AP", ap.map { $0.0 == Tag.posType ? ($0.0, "XYZ") : $0 }),
                         .malformed(Tag.posType))
        Self.expectError(PositionReport.self, try Self.raw("AP", ap.map { $0.0 == Tag.settlPriceType ? ($0.0, "3") : $0 }),
                         .malformed(Tag.settlPriceType))
        Self.expectError(PositionReport.self, try Self.raw("AP", ap.map { $0.0 == Tag.accountType ? ($0.0, "5") : $0 }),
                         .malformed(Tag.accountType))
        Self.expectError(PositionReport.self, try Self.raw("AP", ap.map { $0.0 == Tag.noPositions ? ($0.0, "3") : $0 }),
                         .malformed(Tag.noPositions))
        // Reason and result codes are open: codes of a counterparty's own read.
        let r = try Self.raw("r", [(37, "V"), (530, "7"), (531, "0"), (532, "42")])
        #expect(try OrderMassCancelReport(r).massCancelRejectReason == MassCancelRejectReason(rawValue: 42))
        let ao = try Self.raw("AO", [(1, "A"), (453, "0"), (581, "3"), (721, "P"), (728, "17"), (729, "2")])
        #expect(try RequestForPositionsAck(ao).posReqResult == PosReqResult(rawValue: 17))
        #expect(try RequestForPositionsAck(ao).parties == [])
    }

    @Test func theNewEnumValuesAreFIX44() {
        func codes<T: RawRepresentable & CaseIterable>(_: T.Type) -> String where T.RawValue == Character {
            String(T.allCases.map(\.rawValue))
        }
        #expect(codes(MassCancelRequestType.self) == "1234567")
        #expect(codes(MassCancelResponse.self) == "01234567")
        #expect(codes(PartyIDSource.self) == "BCDEFGHI123456789A")
        #expect(MassStatusReqType.allCases.map(\.rawValue) == Array(1...8))
        #expect(MassCancelRejectReason.allCases.map(\.rawValue) == Array(0...6) + [99])
        #expect(PosReqType.allCases.map(\.rawValue) == Array(0...3))
        #expect(PosReqResult.allCases.map(\.rawValue) == Array(0...4) + [99])
        #expect(PosReqStatus.allCases.map(\.rawValue) == Array(0...2))
        #expect(SettlPriceType.allCases.map(\.rawValue) == [1, 2])
        #expect(AccountType.allCases.map(\.rawValue) == [1, 2, 3, 4, 6, 7, 8])
        #expect(PosType.allCases.map(\.rawValue) == ["TQ", "IAS", "IES", "FIN", "SOD", "EX", "AS", "TX", "TA", "PIT", "TRF",
                                                     "ETR", "ALC", "PA", "ASF", "DLV", "TOT", "XM", "SPL"])
        #expect(PosAmtType.allCases.map(\.rawValue) == ["FMTM", "IMTM", "TVAR", "SMTM", "PREM", "CRES", "CASH", "VADJ"])
    }

    // MARK: - The dictionary

    /// Every message as written is valid against the engine's dictionary, and reads back the same
    /// once the dictionary has resolved its groups.
    @Test func theMessagesAreValidAgainstTheDictionary() throws {
        let dictionary = try DataDictionary.fix44()
        func check<M: FIXMessageBody & Equatable>(_ m: M, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let e = FIXEncoder()
            var parsed = try FIXMessage(bytes: m.encode(header: Self.header, into: e))
            #expect(dictionary.validate(&parsed) == nil, "\(M.msgType)", sourceLocation: sourceLocation)
            #expect(try M(parsed) == m, sourceLocation: sourceLocation)
        }
        try check(OrderStatusRequest(orderID: "O-1", clOrdID: "C-1", ordStatusReqID: "S-1", account: "A", symbol: "ABC", side: .buy))
        try check(OrderMassStatusRequest(massStatusReqID: "M-1", massStatusReqType: .security, symbol: "ABC", side: .sell))
        try check(OrderMassCancelRequest(clOrdID: "X-1", massCancelRequestType: .allOrders, side: .buy, transactTime: Self.t0))
        try check(OrderMassCancelReport(clOrdID: "X-1", orderID: "V-M1", massCancelRequestType: .security, massCancelResponse: .security,
                                        totalAffectedOrders: 1, affectedOrders: [AffectedOrder(origClOrdID: "C-1", orderID: "O-1")],
                                        symbol: "ABC", transactTime: Self.t0))
        try check(OrderMassCancelReport(orderID: "V-M2", massCancelRequestType: .product, massCancelResponse: .rejected,
                                        massCancelRejectReason: .other))
        try check(RequestForPositions(posReqID: "R-1", posReqType: .positions, parties: Self.parties, account: "A",
                                      accountType: .houseTrader, symbol: "ABC", clearingBusinessDate: "20240315", transactTime: Self.t0))
        try check(RequestForPositionsAck(posMaintRptID: "P-1", posReqID: "R-1", totalNumPosReports: 0, posReqResult: .noPositionsFound,
                                         posReqStatus: .completed, parties: Self.parties, account: "A", accountType: .houseTrader))
        try check(Self.fullPositionReport)
        var er = Self.fullExecutionReport
        er.execType = .orderStatus
        er.massStatusReqID = "M-1"
        er.totNumReports = 1
        er.lastRptRequested = true
        er.ordStatusReqID = "S-1"
        try check(er)
        // The dictionary's required fields of the new messages.
        var noClOrdID = try Self.raw("H", [(54, "1"), (55, "ABC")])
        #expect(dictionary.validate(&noClOrdID)?.refTagID == Tag.clOrdID)
        var noPosReqType = try Self.raw("AN", [(1, "A"), (60, "20240315-13:45:30.123"), (581, "3"), (710, "R"), (715, "20240315")])
        #expect(dictionary.validate(&noPosReqType)?.refTagID == Tag.posReqType)
    }
}
