import Testing

@testable import FIX
import FIXTestSupport

@Suite("MessagesTests")
struct MessagesTests {

    // MARK: - Helpers

    static let t0 = UTCTimestamp(year: 2024, month: 3, day: 15, hour: 13, minute: 45, second: 30,
                                 nanosecond: 123_000_000, fractionDigits: 3)!
    static let t1 = UTCTimestamp(year: 2024, month: 3, day: 15, hour: 20, minute: 0, second: 0,
                                 nanosecond: 0, fractionDigits: 0)!
    static let tMicro = UTCTimestamp(year: 2024, month: 3, day: 15, hour: 13, minute: 45, second: 30,
                                     nanosecond: 123_456_000, fractionDigits: 6)!
    static let header = FIXHeader(senderCompID: "MM", targetCompID: "VENUE", msgSeqNum: 42, sendingTime: t0)

    /// Header tags (and MsgType) the encoder writes before the body.
    static let headerTags: Set<Int32> = [8, 9, 35, 34, 49, 52, 56]

    static func dec(_ s: String) -> FIXDecimal { FIXDecimal(s)! }

    /// Checks BodyLength and CheckSum of encoded bytes independently of the encoder.
    static func checkFraming(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("8=FIX.4.4\u{01}9="))
        // BodyLength: from after the SOH ending 9=... to the SOH before 10=.
        let afterBegin = Array("8=FIX.4.4\u{01}9=".utf8).count
        var i = afterBegin
        var declared = 0
        while bytes[i] != 1 {
            declared = declared * 10 + Int(bytes[i] - 48)
            i += 1
        }
        let bodyStart = i + 1
        let trailerStart = bytes.count - 7
        #expect(Array(bytes[trailerStart..<(trailerStart + 3)]) == Array("10=".utf8))
        #expect(bytes.last == 1)
        #expect(declared == trailerStart - bodyStart)
        let sum = bytes[0..<trailerStart].reduce(0) { ($0 + Int($1)) % 256 }
        let written = Int(String(decoding: bytes[(trailerStart + 3)..<(trailerStart + 6)], as: UTF8.self))
        #expect(written == sum)
    }

    /// Encodes `m` with the test header, checks the framing, parses the bytes and reads `M` back.
    static func roundTrip<M: FIXMessageBody & Equatable>(_ m: M) throws -> M {
        let e = FIXEncoder()
        let bytes = Array(m.encode(header: header, into: e))
        checkFraming(bytes)
        let parsed = try FIXMessage(bytes: bytes)
        #expect(parsed.msgType == M.msgType)
        #expect(FIXHeader(parsed) == header)
        return try M(parsed)
    }

    /// Round trip, plus: body tags (after the header) are in ascending order.
    static func roundTripAscending<M: FIXMessageBody & Equatable>(_ m: M) throws -> M {
        let e = FIXEncoder()
        let parsed = try FIXMessage(bytes: m.encode(header: header, into: e))
        let tags = parsed.fields.map(\.tag).filter { !headerTags.contains($0) && $0 != 10 }
        #expect(tags == tags.sorted(), "body of \(M.msgType) not in ascending tag order: \(tags)")
        return try roundTrip(m)
    }

    /// A message of type `msgType` with the test header and the given body fields, as written.
    static func raw(_ msgType: String, _ body: [(Int, String)]) throws -> FIXMessage {
        let e = FIXEncoder()
        e.start(msgType: msgType)
        header.write(into: e)
        for (tag, value) in body { e.append(tag, value) }
        return try FIXMessage(bytes: e.finish())
    }

    /// Expects reading `M` from `message` to fail with `error`.
    static func expectError<M: FIXMessageBody>(_ type: M.Type, _ message: FIXMessage, _ expected: FIXMessageDecodeError,
                                               sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try M(message)
            Issue.record("expected \(expected), read a \(M.self)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    /// The encoded message as text with `|` for SOH.
    static func wire<M: FIXMessageBody>(_ m: M) -> String {
        let e = FIXEncoder()
        return String(decoding: m.encode(header: header, into: e).map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }

    /// The full expected message for `body` (from 35= to the SOH before 10=, `|` for SOH), with
    /// BodyLength and CheckSum computed here.
    static func framed(_ body: String) -> String {
        // With SOH in place of `|`, every byte counts the same: `|` and SOH are one byte each.
        let soh = Array(body.utf8).map { $0 == UInt8(ascii: "|") ? UInt8(1) : $0 }
        let head = Array("8=FIX.4.4\u{01}9=\(soh.count)\u{01}".utf8)
        let sum = (head + soh).reduce(0) { ($0 + Int($1)) % 256 }
        let digits = String(sum)
        let cks = String(repeating: "0", count: 3 - digits.count) + digits
        return "8=FIX.4.4|9=\(soh.count)|" + body + "10=\(cks)|"
    }

    // MARK: - Order entry

    @Test func newOrderSingleRoundTrip() throws {
        let full = NewOrderSingle(
            clOrdID: "C-1", account: "ACC1", handlInst: .automatedPrivate, execInst: "6", minQty: 5,
            symbol: "EUR/USD", securityID: "EU0009652759", securityIDSource: "4", side: .sell,
            transactTime: Self.tMicro, orderQty: Self.dec("1000000"), ordType: .stopLimit,
            price: Self.dec("1.08125"), stopPx: Self.dec("1.08200"), currency: "USD",
            timeInForce: .goodTillDate, expireTime: Self.t1, text: "hello = world")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = NewOrderSingle(clOrdID: "C-2", symbol: "ABC", side: .buy, transactTime: Self.t0,
                                     orderQty: 100, ordType: .market)
        #expect(try Self.roundTripAscending(minimal) == minimal)
        // Decimals keep their scale on the wire.
        let m = try FIXMessage(bytes: { let e = FIXEncoder(); return Array(full.encode(header: Self.header, into: e)) }())
        #expect(m.string(Tag.stopPx) == "1.08200")
        #expect(m.string(Tag.transactTime) == "20240315-13:45:30.123456")
    }

    @Test func orderCancelRequestRoundTrip() throws {
        let full = OrderCancelRequest(origClOrdID: "C-1", orderID: "O-1", clOrdID: "C-3", account: "ACC1",
                                      symbol: "ABC", securityID: "123", securityIDSource: "8", side: .buy,
                                      transactTime: Self.t0, orderQty: 100, text: "cancel")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderCancelRequest(origClOrdID: "C-1", clOrdID: "C-3", symbol: "ABC", side: .sellShort,
                                         transactTime: Self.t0)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func orderCancelReplaceRequestRoundTrip() throws {
        let full = OrderCancelReplaceRequest(
            orderID: "O-1", origClOrdID: "C-1", clOrdID: "C-4", account: "ACC1", handlInst: .automatedPublic,
            execInst: "6 A", minQty: 10, symbol: "ABC", securityID: "123", securityIDSource: "8", side: .buy,
            transactTime: Self.t0, orderQty: 150, ordType: .limit, price: Self.dec("99.95"),
            stopPx: Self.dec("98"), currency: "EUR", timeInForce: .goodTillCancel, expireTime: Self.t1,
            text: "amend")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderCancelReplaceRequest(origClOrdID: "C-1", clOrdID: "C-4", symbol: "ABC", side: .buy,
                                                transactTime: Self.t0, orderQty: 150, ordType: .limit)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    static let fullExecutionReport = ExecutionReport(
        orderID: "O-1", secondaryOrderID: "S-1", clOrdID: "C-1", origClOrdID: "C-0", execID: "E-7",
        execRefID: "E-6", execType: .trade, ordStatus: .partiallyFilled, ordRejReason: .other,
        account: "ACC1", symbol: "ABC", securityID: "123", securityIDSource: "8", side: .buy, orderQty: 100,
        ordType: .limit, price: dec("101.25"), stopPx: dec("100"), currency: "USD", timeInForce: .day,
        expireTime: t1, execInst: "6", minQty: 10, lastQty: 40, lastPx: dec("101.250"), leavesQty: 60,
        cumQty: 40, avgPx: dec("101.25"), transactTime: t0, text: "partial")

    @Test func executionReportRoundTrip() throws {
        #expect(try Self.roundTripAscending(Self.fullExecutionReport) == Self.fullExecutionReport)
        let minimal = ExecutionReport(orderID: "NONE", execID: "E-1", execType: .rejected, ordStatus: .rejected,
                                      symbol: "ABC", side: .sell, leavesQty: 0, cumQty: 0, avgPx: 0)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func orderCancelRejectRoundTrip() throws {
        let full = OrderCancelReject(orderID: "O-1", secondaryOrderID: "S-1", clOrdID: "C-3", origClOrdID: "C-1",
                                     ordStatus: .filled, account: "ACC1", transactTime: Self.t0,
                                     cxlRejResponseTo: .orderCancelReplaceRequest, cxlRejReason: .tooLateToCancel,
                                     text: "too late")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = OrderCancelReject(orderID: "NONE", clOrdID: "C-3", origClOrdID: "C-1", ordStatus: .rejected,
                                        cxlRejResponseTo: .orderCancelRequest)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    // MARK: - Market data

    @Test func marketDataRequestRoundTrip() throws {
        let full = MarketDataRequest(mdReqID: "MD-1", subscriptionRequestType: .snapshotPlusUpdates, marketDepth: 5,
                                     mdUpdateType: .incrementalRefresh, aggregatedBook: true,
                                     entryTypes: [.bid, .offer, .trade], symbols: ["ABC", "DEF", "EUR/USD"])
        #expect(try Self.roundTrip(full) == full)
        let minimal = MarketDataRequest(mdReqID: "MD-2", subscriptionRequestType: .snapshot, marketDepth: 0,
                                        entryTypes: [.bid], symbols: ["ABC"])
        #expect(try Self.roundTrip(minimal) == minimal)
        let unsubscribe = MarketDataRequest(mdReqID: "MD-1", subscriptionRequestType: .disablePreviousSnapshotPlusUpdateRequest,
                                            marketDepth: 0, entryTypes: [], symbols: [])
        #expect(try Self.roundTrip(unsubscribe) == unsubscribe)
        #expect(Self.wire(full).contains("|146=3|55=ABC|55=DEF|55=EUR/USD|262=MD-1|263=1|264=5|265=1|266=Y|267=3|269=0|269=1|269=2|10="))
    }

    @Test func marketDataSnapshotFullRefreshRoundTrip() throws {
        let full = MarketDataSnapshotFullRefresh(
            mdReqID: "MD-1", symbol: "ABC", securityID: "123", securityIDSource: "8",
            entries: [
                MDEntry(type: .bid, id: "B1", price: Self.dec("99.5"), size: 300, date: "20240315",
                        time: "13:45:30.123", numberOfOrders: 3, positionNo: 1),
                MDEntry(type: .offer, price: Self.dec("100.25"), size: Self.dec("12.5"), positionNo: 1),
                MDEntry(type: .trade, price: Self.dec("100"), size: 7),
            ])
        #expect(try Self.roundTrip(full) == full)
        let minimal = MarketDataSnapshotFullRefresh(symbol: "ABC", entries: [MDEntry(type: .bid)])
        #expect(try Self.roundTrip(minimal) == minimal)
        let empty = MarketDataSnapshotFullRefresh(symbol: "ABC", entries: [])
        #expect(try Self.roundTrip(empty) == empty)
        #expect(Self.wire(full).contains("|22=8|48=123|55=ABC|262=MD-1|268=3|269=0|278=B1|270=99.5|271=300|272=20240315|273=13:45:30.123|346=3|290=1|269=1|270=100.25|271=12.5|290=1|269=2|270=100|271=7|10="))
    }

    static let fullIncremental = MarketDataIncrementalRefresh(
        mdReqID: "MD-1",
        entries: [
            MDIncrementalEntry(action: .new, type: .bid, id: "B2", symbol: "ABC", securityID: "123",
                               securityIDSource: "8", price: dec("99.75"), size: 200, date: "20240315",
                               time: "13:45:30", numberOfOrders: 2, positionNo: 1),
            MDIncrementalEntry(action: .change, type: .offer, id: "A3", refID: "A1", symbol: "ABC",
                               price: dec("100.5"), size: 50),
            MDIncrementalEntry(action: .delete, id: "B1"),
        ])

    @Test func marketDataIncrementalRefreshRoundTrip() throws {
        #expect(try Self.roundTrip(Self.fullIncremental) == Self.fullIncremental)
        let minimal = MarketDataIncrementalRefresh(entries: [MDIncrementalEntry(action: .delete)])
        #expect(try Self.roundTrip(minimal) == minimal)
    }

    @Test func marketDataRequestRejectRoundTrip() throws {
        let full = MarketDataRequestReject(mdReqID: "MD-1", reason: .unknownSymbol, text: "no such symbol")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = MarketDataRequestReject(mdReqID: "MD-1")
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    @Test func businessMessageRejectRoundTrip() throws {
        let full = BusinessMessageReject(refSeqNum: 17, refMsgType: "D", businessRejectRefID: "C-1",
                                         reason: .unknownSecurity, text: "unknown security")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = BusinessMessageReject(refMsgType: "AE", reason: .unsupportedMessageType)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    // MARK: - Session

    @Test func heartbeatAndTestRequestRoundTrip() throws {
        #expect(try Self.roundTripAscending(Heartbeat(testReqID: "T-1")) == Heartbeat(testReqID: "T-1"))
        #expect(try Self.roundTripAscending(Heartbeat()) == Heartbeat())
        #expect(try Self.roundTripAscending(TestRequest(testReqID: "T-1")) == TestRequest(testReqID: "T-1"))
    }

    @Test func resendRequestRoundTrip() throws {
        let r = ResendRequest(beginSeqNo: 5, endSeqNo: 9)
        #expect(try Self.roundTripAscending(r) == r)
        let infinite = ResendRequest(beginSeqNo: 5)
        #expect(try Self.roundTripAscending(infinite) == infinite)
        #expect(Self.wire(infinite).contains("|7=5|16=0|10="))
    }

    @Test func rejectRoundTrip() throws {
        let full = Reject(refSeqNum: 12, refTagID: 54, refMsgType: "D", reason: .valueIncorrect,
                          text: "Value is incorrect (out of range) for this tag")
        #expect(try Self.roundTripAscending(full) == full)
        #expect(try Self.roundTripAscending(Reject(refSeqNum: 12)) == Reject(refSeqNum: 12))
        let fromReject = Reject(refSeqNum: 3, FIXReject(.requiredTagMissing, tag: 11, msgType: "D"))
        #expect(fromReject == Reject(refSeqNum: 3, refTagID: 11, refMsgType: "D", reason: .requiredTagMissing,
                                     text: "Required tag missing"))
    }

    @Test func sequenceResetRoundTrip() throws {
        let gapFill = SequenceReset(newSeqNo: 20, gapFillFlag: true)
        #expect(try Self.roundTripAscending(gapFill) == gapFill)
        #expect(try Self.roundTripAscending(SequenceReset(newSeqNo: 1)) == SequenceReset(newSeqNo: 1))
    }

    @Test func logoutRoundTrip() throws {
        #expect(try Self.roundTripAscending(Logout(text: "bye")) == Logout(text: "bye"))
        #expect(try Self.roundTripAscending(Logout()) == Logout())
    }

    @Test func logonRoundTrip() throws {
        let full = Logon(encryptMethod: .none, heartBtInt: 30, resetSeqNumFlag: true, nextExpectedMsgSeqNum: 8,
                         maxMessageSize: 65536, username: "user", password: "secret")
        #expect(try Self.roundTripAscending(full) == full)
        let minimal = Logon(heartBtInt: 60)
        #expect(try Self.roundTripAscending(minimal) == minimal)
    }

    // MARK: - Exact wire text

    @Test func executionReportWireText() {
        let er = ExecutionReport(orderID: "O-1", clOrdID: "C-1", execID: "E-7", execType: .trade,
                                 ordStatus: .partiallyFilled, symbol: "ABC", side: .buy, orderQty: 100,
                                 ordType: .limit, price: Self.dec("101.25"), lastQty: 40, lastPx: Self.dec("101.250"),
                                 leavesQty: 60, cumQty: 40, avgPx: Self.dec("101.25"), transactTime: Self.t0)
        let body = "35=8|34=42|49=MM|52=20240315-13:45:30.123|56=VENUE|6=101.25|11=C-1|14=40|17=E-7|31=101.250|32=40|37=O-1|38=100|39=1|40=2|44=101.25|54=1|55=ABC|60=20240315-13:45:30.123|150=F|151=60|"
        let expected = Self.framed(body)
        #expect(Self.wire(er) == expected)
        #expect(expected.hasPrefix("8=FIX.4.4|9=\(body.utf8.count)|"))
    }

    @Test func marketDataIncrementalRefreshWireText() {
        let x = MarketDataIncrementalRefresh(mdReqID: "MD-1", entries: [
            MDIncrementalEntry(action: .new, type: .bid, id: "B2", symbol: "ABC", price: Self.dec("99.75"), size: 200,
                               positionNo: 1),
            MDIncrementalEntry(action: .delete, type: .offer, id: "A1"),
        ])
        let body = "35=X|34=42|49=MM|52=20240315-13:45:30.123|56=VENUE|262=MD-1|268=2|279=0|269=0|278=B2|55=ABC|270=99.75|271=200|290=1|279=2|269=1|278=A1|"
        #expect(Self.wire(x) == Self.framed(body))
    }

    // MARK: - Errors

    static let nosBody: [(Int, String)] = [
        (11, "C-1"), (38, "100"), (40, "2"), (44, "10.5"), (54, "1"), (55, "ABC"), (60, "20240315-13:45:30.123"),
    ]

    @Test func missingRequiredFieldsThrowWithTheirTag() throws {
        for (tag, _) in Self.nosBody where tag != 44 {
            let m = try Self.raw("D", Self.nosBody.filter { $0.0 != tag })
            Self.expectError(NewOrderSingle.self, m, .missing(tag))
        }
        #expect(try NewOrderSingle(Self.raw("D", Self.nosBody)).price == Self.dec("10.5"))

        let er = try FIXMessage(bytes: { let e = FIXEncoder(); return Array(Self.fullExecutionReport.encode(header: Self.header, into: e)) }())
        for tag in [Tag.orderID, Tag.execID, Tag.execType, Tag.ordStatus, Tag.symbol, Tag.side,
                    Tag.leavesQty, Tag.cumQty, Tag.avgPx] {
            let without = try Self.raw("8", Self.bodyFields(er).filter { $0.0 != tag })
            Self.expectError(ExecutionReport.self, without, .missing(tag))
        }

        Self.expectError(TestRequest.self, try Self.raw("1", []), .missing(Tag.testReqID))
        Self.expectError(Logon.self, try Self.raw("A", [(98, "0")]), .missing(Tag.heartBtInt))
        Self.expectError(ResendRequest.self, try Self.raw("2", [(7, "1")]), .missing(Tag.endSeqNo))
        Self.expectError(OrderCancelReject.self,
                         try Self.raw("9", [(11, "C"), (37, "O"), (39, "0"), (41, "C0")]), .missing(Tag.cxlRejResponseTo))
        Self.expectError(BusinessMessageReject.self, try Self.raw("j", [(372, "D")]), .missing(Tag.businessRejectReason))
        // Required repeating groups and their members.
        Self.expectError(MarketDataIncrementalRefresh.self, try Self.raw("X", [(262, "MD-1")]), .missing(Tag.noMDEntries))
        Self.expectError(MarketDataSnapshotFullRefresh.self, try Self.raw("W", [(268, "1"), (269, "0")]), .missing(Tag.symbol))
        Self.expectError(MarketDataRequest.self,
                         try Self.raw("V", [(146, "1"), (55, "ABC"), (262, "R"), (263, "1"), (264, "0")]),
                         .missing(Tag.noMDEntryTypes))
        Self.expectError(MarketDataRequest.self,
                         try Self.raw("V", [(146, "1"), (55, "ABC"), (262, "R"), (263, "1"), (267, "1"), (269, "0")]),
                         .missing(Tag.marketDepth))
    }

    /// The body fields of a parsed message (after the header, before the trailer), as text.
    static func bodyFields(_ m: FIXMessage) -> [(Int, String)] {
        m.fields.filter { !headerTags.contains($0.tag) && $0.tag != 10 }.map { f in
            (Int(f.tag), String(decoding: m.bytes[f.valueRange], as: UTF8.self))
        }
    }

    @Test func malformedValuesThrowWithTheirTag() throws {
        func nos(_ tag: Int, _ value: String) throws -> FIXMessage {
            try Self.raw("D", Self.nosBody.map { $0.0 == tag ? ($0.0, value) : $0 })
        }
        Self.expectError(NewOrderSingle.self, try nos(54, "Z"), .malformed(Tag.side))
        Self.expectError(NewOrderSingle.self, try nos(54, "12"), .malformed(Tag.side))
        Self.expectError(NewOrderSingle.self, try nos(40, "5"), .malformed(Tag.ordType))
        Self.expectError(NewOrderSingle.self, try nos(38, "1e3"), .malformed(Tag.orderQty))
        Self.expectError(NewOrderSingle.self, try nos(44, "10,5"), .malformed(Tag.price))
        Self.expectError(NewOrderSingle.self, try nos(60, "2024-03-15"), .malformed(Tag.transactTime))
        Self.expectError(NewOrderSingle.self, try nos(11, ""), .malformed(Tag.clOrdID))
        Self.expectError(NewOrderSingle.self, try Self.raw("D", Self.nosBody + [(59, "9")]), .malformed(Tag.timeInForce))
        // Another message type.
        Self.expectError(OrderCancelRequest.self, try Self.raw("D", Self.nosBody), .malformed(Tag.msgType))
        // ExecType 1 and 2 are not FIX 4.4.
        let er = try FIXMessage(bytes: { let e = FIXEncoder(); return Array(Self.fullExecutionReport.encode(header: Self.header, into: e)) }())
        for bad in ["1", "2", "X"] {
            let m = try Self.raw("8", Self.bodyFields(er).map { $0.0 == Tag.execType ? ($0.0, bad) : $0 })
            Self.expectError(ExecutionReport.self, m, .malformed(Tag.execType))
        }
        Self.expectError(SequenceReset.self, try Self.raw("4", [(36, "5"), (123, "y")]), .malformed(Tag.gapFillFlag))
        Self.expectError(Logon.self, try Self.raw("A", [(98, "9"), (108, "30")]), .malformed(Tag.encryptMethod))
        Self.expectError(Logon.self, try Self.raw("A", [(98, "0"), (108, "3O")]), .malformed(Tag.heartBtInt))
    }

    @Test func groupCountsMustMatchTheInstances() throws {
        // Fewer instances than declared.
        Self.expectError(MarketDataIncrementalRefresh.self,
                         try Self.raw("X", [(268, "2"), (279, "0"), (269, "0"), (270, "1")]), .malformed(Tag.noMDEntries))
        // More instances than declared.
        Self.expectError(MarketDataSnapshotFullRefresh.self,
                         try Self.raw("W", [(55, "A"), (268, "1"), (269, "0"), (269, "1")]), .malformed(Tag.noMDEntries))
        // First field of an instance is not the delimiter.
        Self.expectError(MarketDataIncrementalRefresh.self,
                         try Self.raw("X", [(268, "1"), (269, "0"), (279, "0")]), .malformed(Tag.noMDEntries))
        // A tag that is not a member ends the group early.
        Self.expectError(MarketDataSnapshotFullRefresh.self,
                         try Self.raw("W", [(55, "A"), (268, "2"), (269, "0"), (100, "X"), (269, "1")]),
                         .malformed(Tag.noMDEntries))
        Self.expectError(MarketDataIncrementalRefresh.self, try Self.raw("X", [(268, "x")]), .malformed(Tag.noMDEntries))
        Self.expectError(MarketDataIncrementalRefresh.self,
                         try Self.raw("X", [(268, "1"), (279, "7")]), .malformed(Tag.mdUpdateAction))
    }

    // MARK: - Groups without and with a dictionary

    @Test func groupsReadWithoutADictionary() throws {
        // Fields of the group a typed view does not know (TickDirection 274, QuoteCondition 276,
        // a user-defined tag) are skipped, and the group's fields are not taken for top-level
        // ones: Text 58 inside the group is the entry's, and the top-level one comes after.
        let w = try Self.raw("W", [
            (262, "MD-9"), (55, "ABC"),
            (268, "2"), (269, "0"), (270, "1.5"), (274, "0"), (276, "A"), (5001, "x"), (58, "entry text"),
            (269, "1"), (270, "1.75"), (271, "3"),
        ])
        #expect(w.groupsResolved == false)
        let snapshot = try MarketDataSnapshotFullRefresh(w)
        #expect(snapshot == MarketDataSnapshotFullRefresh(mdReqID: "MD-9", symbol: "ABC", entries: [
            MDEntry(type: .bid, price: Self.dec("1.5")), MDEntry(type: .offer, price: Self.dec("1.75"), size: 3),
        ]))

        // In X, Symbol (55) appears only in the entries; a top-level read does not see it.
        let x = try Self.raw("X", [(268, "1"), (279, "0"), (269, "0"), (55, "ABC"), (454, "1"), (455, "US0000000000"),
                                   (456, "4"), (270, "2"), (271, "1"), (262, "MD-1")])
        let inc = try MarketDataIncrementalRefresh(x)
        #expect(inc.entries == [MDIncrementalEntry(action: .new, type: .bid, symbol: "ABC", price: 2, size: 1)])
        // MDReqID after the group is not a group member: it is read as the top-level field.
        #expect(inc.mdReqID == "MD-1")
    }

    @Test func groupsReadWithResolvedDepths() throws {
        // Marks the depths as a dictionary would, then reads: the instances are found from the
        // depths, including a member the layout lists (Symbol) and one it does not (9999 at depth 1).
        let e = FIXEncoder()
        e.start(msgType: "X")
        Self.header.write(into: e)
        e.append(262, "MD-1")
        e.append(268, 2)
        e.append(279, "0"); e.append(269, "0"); e.append(55, "ABC"); e.append(270, FIXDecimal(5)); e.append(1, "in-group")
        e.append(279, "2"); e.append(278, "B1")
        var m = try FIXMessage(bytes: e.finish())
        let countIndex = try #require(m.index(of: 268))
        let trailer = try #require(m.fields.lastIndex { $0.tag == 10 })
        for i in (countIndex + 1)..<trailer { m.fieldStorage[i].depth = 1 }
        m.groupsResolved = true
        let inc = try MarketDataIncrementalRefresh(m)
        #expect(inc == MarketDataIncrementalRefresh(mdReqID: "MD-1", entries: [
            MDIncrementalEntry(action: .new, type: .bid, symbol: "ABC", price: 5),
            MDIncrementalEntry(action: .delete, id: "B1"),
        ]))
        // A count that does not match the instances the depths show is still an error.
        var short = m
        short.bytes[Int(m.fields[countIndex].valueOffset)] = UInt8(ascii: "3")
        Self.expectError(MarketDataIncrementalRefresh.self, short, .malformed(Tag.noMDEntries))
    }

    // MARK: - Values

    @Test func reasonCodesAreOpen() throws {
        let er = try FIXMessage(bytes: { let e = FIXEncoder(); return Array(Self.fullExecutionReport.encode(header: Self.header, into: e)) }())
        let m = try Self.raw("8", Self.bodyFields(er).map { $0.0 == Tag.ordRejReason ? ($0.0, "1234") : $0 })
        #expect(try ExecutionReport(m).ordRejReason == OrdRejReason(rawValue: 1234))
        let j = try Self.raw("j", [(372, "D"), (380, "18")])
        #expect(try BusinessMessageReject(j).reason.rawValue == 18)
        let y = try Self.raw("Y", [(262, "R"), (281, "Z")])
        #expect(try MarketDataRequestReject(y).reason == MDReqRejReason(rawValue: "Z"))
        let r = try Self.raw("3", [(45, "1"), (373, "99")])
        #expect(try Reject(r).reason == .other)
    }

    @Test func enumValuesAreFIX44() {
        func codes<T: RawRepresentable & CaseIterable>(_: T.Type) -> String where T.RawValue == Character {
            String(T.allCases.map(\.rawValue))
        }
        #expect(codes(Side.self) == "123456789ABCDEFG")
        #expect(codes(OrdType.self) == "12346789DEGIJKLMP")
        #expect(codes(TimeInForce.self) == "01234567")
        #expect(codes(ExecType.self) == "03456789ABCDEFGHI")
        #expect(codes(OrdStatus.self) == "012346789ABCDE")
        #expect(codes(CxlRejResponseTo.self) == "12")
        #expect(codes(SubscriptionRequestType.self) == "012")
        #expect(codes(MDEntryType.self) == "0123456789ABC")
        #expect(codes(MDUpdateAction.self) == "012")
        #expect(codes(HandlInst.self) == "123")
        #expect(codes(MDReqRejReason.self) == "0123456789ABC")
        #expect(MDUpdateType.allCases.map(\.rawValue) == [0, 1])
        #expect(EncryptMethod.allCases.map(\.rawValue) == Array(0...6))
        #expect(OrdRejReason.allCases.map(\.rawValue) == Array(0...15) + [99])
        #expect(CxlRejReason.allCases.map(\.rawValue) == Array(0...6) + [99])
        #expect(BusinessRejectReason.allCases.map(\.rawValue) == Array(0...7))
    }

    @Test func decodeErrorDescription() {
        #expect(FIXMessageDecodeError.missing(11).description == "required tag 11 missing")
        #expect(FIXMessageDecodeError.malformed(54) == FIXMessageDecodeError(tag: 54, reason: .malformed))
        #expect(FIXMessageDecodeError.malformed(54).description == "tag 54 has a malformed value")
    }
}
