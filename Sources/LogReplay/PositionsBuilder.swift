import MakerCore
import Market
import FIX

/// Positions per session, order sender and symbol from fills read twice: the first pass finds
/// each position's price and quantity steps (the most decimals among its prices, its mark and
/// its quantities), the second books the fills in ticks and lots on those steps. Canceled
/// fills are left out. Only the figures of each position are held, never the fills.
struct PositionsBuilder {
    private struct Position {
        /// The most decimals (nil: no price, or no quantity, read).
        var priceScale: Int8?
        var quantityScale: Int8?
        var fills = 0
        var mark: (FIXDecimal, String)?
        var instrument: Instrument?
        var book: PositionBook?
        var bought = FIXDecimal.zero, sold = FIXDecimal.zero, fees = FIXDecimal.zero
    }

    /// Positions in the order their first fill came.
    private var order: [PositionKey] = []
    private var positions: [PositionKey: Position] = [:]

    /// First pass.
    mutating func scan(_ f: LogFill) {
        guard !f.canceled else { return }
        let k = PositionKey(session: f.session, owner: f.owner, symbol: f.symbol)
        if positions[k] == nil { order.append(k) }
        var p = positions[k] ?? Position()
        p.fills += 1
        if let px = FIXDecimal(f.lastPx) { p.priceScale = max(p.priceScale ?? px.normalized.scale, px.normalized.scale) }
        if let qty = FIXDecimal(f.lastQty) { p.quantityScale = max(p.quantityScale ?? qty.normalized.scale, qty.normalized.scale) }
        positions[k] = p
    }

    /// Between the passes: each position's mark (its price counts among the prices) and steps.
    mutating func fixInstruments(mark: (PositionKey) -> (FIXDecimal, String)?) {
        for k in order {
            var p = positions[k]!
            p.mark = mark(k)
            if let m = p.mark { p.priceScale = max(p.priceScale ?? m.0.normalized.scale, m.0.normalized.scale) }
            let instrument = Instrument(symbol: k.symbol, tickSize: DecimalStep(units: 1, scale: max(p.priceScale ?? 0, 0)),
                                        lotSize: DecimalStep(units: 1, scale: max(p.quantityScale ?? 0, 0)))
            p.instrument = instrument
            p.book = PositionBook(instrument: instrument)
            positions[k] = p
        }
    }

    /// Second pass: the fills in the order of the first.
    mutating func book(_ f: LogFill) {
        guard !f.canceled else { return }
        let k = PositionKey(session: f.session, owner: f.owner, symbol: f.symbol)
        guard var p = positions[k], let instrument = p.instrument else { return }
        guard let px = FIXDecimal(f.lastPx), let qty = FIXDecimal(f.lastQty), let ticks = instrument.ticks(px),
              let lots = instrument.lots(qty) else { return }
        let buy = f.side == "buy"
        p.book!.fill(side: buy ? .buy : .sell, price: ticks, quantity: lots, fee: 0, maker: false)
        if buy { p.bought = p.bought.adding(qty) ?? p.bought } else { p.sold = p.sold.adding(qty) ?? p.sold }
        if let fee = f.fee.flatMap({ FIXDecimal($0) }) { p.fees = p.fees.adding(fee) ?? p.fees }
        positions[k] = p
    }

    func reports() -> [PositionReport] {
        order.map { k in
            let p = positions[k]!
            let book = p.book!, instrument = p.instrument!
            let ps = p.priceScale ?? 0, qs = p.quantityScale ?? 0
            func money(_ tickLots: Int64) -> FIXDecimal { FIXDecimal(mantissa: tickLots, scale: ps + qs).normalized }
            let markTicks = p.mark.flatMap { instrument.ticks($0.0) }
            let unrealized = markTicks.map { book.unrealized(at: $0) } ?? 0
            let trading = money(book.realized + unrealized)
            return PositionReport(
                session: k.session, owner: k.owner, symbol: k.symbol,
                position: FIXDecimal(mantissa: book.position, scale: qs).plain, fills: p.fills, bought: p.bought.plain,
                sold: p.sold.plain,
                averagePrice: book.position == 0 ? nil : instrument.averagePrice(tickLots: book.openCost, lots: abs(book.position)).plain,
                markPrice: p.mark?.0.plain, markSource: p.mark?.1, realizedPnL: money(book.realized).plain,
                unrealizedPnL: money(unrealized).plain, tradingPnL: trading.plain, fees: p.fees.plain,
                netPnL: (trading.subtracting(p.fees) ?? trading).plain)
        }
    }
}
