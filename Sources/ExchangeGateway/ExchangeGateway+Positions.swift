import Market
import MarketFIX
import FIX

/// RequestForPositions (AN): a participant's net position in each instrument it has traded.
extension ExchangeGateway {
    /// Answers with a RequestForPositionsAck, then one PositionReport an instrument the
    /// participant has traded (or the request's Symbol only): the net position as LongQty or
    /// ShortQty of PosType TOT, valued at the book's last trade price (SettlPriceType 2,
    /// theoretical; PriorSettlPrice the same). With no position: the ack alone, PosReqResult 2
    /// and TotalNumPosReports 0. A PosReqType other than 0 (positions) or a subscription is
    /// refused: PosReqResult 1, PosReqStatus 2.
    func positions(_ r: RequestForPositions, owner: OwnerID) {
        func ack(_ result: PosReqResult, _ status: PosReqStatus, count: Int, text: String? = nil) {
            let ack = RequestForPositionsAck(
                posMaintRptID: nextReportID("P"), posReqID: r.posReqID, totalNumPosReports: count, posReqResult: result,
                posReqStatus: status, parties: r.parties, account: r.account, accountType: r.accountType, symbol: r.symbol,
                currency: r.currency, text: text)
            post(.positionsAck(ack), to: owner)
        }
        guard r.posReqType == .positions else {
            return ack(.invalidOrUnsupportedRequest, .rejected, count: 0,
                       text: "PosReqType \(r.posReqType.rawValue) is not supported: 0 (positions)")
        }
        if let s = r.subscriptionRequestType, s != .snapshot {
            return ack(.invalidOrUnsupportedRequest, .rejected, count: 0,
                       text: "Subscriptions are not supported: SubscriptionRequestType 0 (snapshot) only")
        }
        let participant = participants[index(owner)]
        var rows: [(symbol: String, long: FIXDecimal, short: FIXDecimal, price: FIXDecimal)] = []
        for (book, lots) in participant.positions.sorted(by: { $0.key < $1.key }) {
            let instrument = venue.instruments[book]
            if let symbol = r.symbol, symbol != instrument.symbol { continue }
            let short = Int64(clamping: lots < 0 ? lots.magnitude : 0)
            rows.append((instrument.symbol, instrument.quantity(max(lots, 0)), instrument.quantity(short), settlementPrice(book)))
        }
        for (symbol, quantity) in participant.otherPositions.sorted(by: { $0.key < $1.key }) {
            if let only = r.symbol, only != symbol { continue }
            let negative = quantity.mantissa < 0
            let magnitude = FIXDecimal(mantissa: Int64(clamping: quantity.mantissa.magnitude), scale: quantity.scale)
            rows.append((symbol, negative ? FIXDecimal(0) : magnitude, negative ? magnitude : FIXDecimal(0), FIXDecimal(0)))
        }
        guard !rows.isEmpty else { return ack(.noPositionsFound, .completed, count: 0) }
        ack(.validRequest, .completed, count: rows.count)
        for row in rows {
            let report = PositionReport(
                posMaintRptID: nextReportID("P"), posReqID: r.posReqID, posReqType: .positions, totalNumPosReports: rows.count,
                posReqResult: .validRequest, clearingBusinessDate: r.clearingBusinessDate, parties: r.parties,
                account: r.account, accountType: r.accountType, symbol: row.symbol, currency: r.currency,
                settlPrice: row.price, settlPriceType: .theoretical, priorSettlPrice: row.price,
                positions: [PositionQuantity(type: .totalTransactionQuantity, longQty: row.long, shortQty: row.short)])
            post(.position(report), to: owner)
        }
    }

    /// The price a position in `book` is valued at: the book's last trade price; before any
    /// trade, the middle of its best bid and offer; without both, 0.
    func settlementPrice(_ book: Int) -> FIXDecimal {
        let instrument = venue.instruments[book]
        if let last = lastTradePrice[book] { return instrument.price(last) }
        guard let bid = venue.depth(book: book, side: Market.Side.buy, levels: 1).first,
              let ask = venue.depth(book: book, side: Market.Side.sell, levels: 1).first else { return FIXDecimal(0) }
        let sum = Int128(bid.price) + Int128(ask.price)
        if sum % 2 == 0, let mid = Int64(exactly: sum / 2) { return instrument.price(mid) }
        return instrument.averagePrice(tickLots: sum, lots: 2)
    }
}
