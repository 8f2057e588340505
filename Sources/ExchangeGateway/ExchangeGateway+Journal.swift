import Market
import MarketFIX
import FIX
import FIXSessionCore

/// The gateway's state across restarts: restored from a ``VenueState``, written to a
/// ``VenueJournal``.
extension ExchangeGateway {
    /// Keeps the venue's state in `journal` from now on, starting with a snapshot of it now (this
    /// run's prefix, the participants, the cancels of a restart). Call on the venue's event loop
    /// before the sessions start.
    public func attach(journal: VenueJournal) throws(StoreError) {
        try journal.compact(snapshot())
        self.journal = journal
    }

    /// Takes up the state of an earlier run: the participants (they become this run's as their
    /// sessions show up), their positions, ClOrdIDs and done orders, the cancels waiting for
    /// them, the last trade prices. The orders that were working are canceled, each reported to
    /// its participant at its next logon.
    func restore(_ state: VenueState) {
        let now = clock()
        for (symbol, price) in state.lastPrices {
            guard let book = venue.bookIndex(symbol: symbol), let ticks = venue.instruments[book].ticks(price) else { continue }
            lastTradePrice[book] = ticks
        }
        for r in state.participants {
            var p = r.participant
            for (symbol, quantity) in r.positions {
                if let book = venue.bookIndex(symbol: symbol), let lots = venue.instruments[book].lots(quantity) {
                    p.positions[book] = lots
                } else {
                    p.otherPositions[symbol] = quantity
                }
            }
            for order in r.workingOrders {
                var canceled = order
                canceled.status = .canceled
                // Named by its last ClOrdID, as the other cancels the venue makes on its own.
                canceled.origClOrdID = nil
                p.remember(canceled)
                p.notices.append(Notice(order: canceled, text: Self.restartCancelText, time: now))
                restartCancels += 1
            }
            dormant[p.session] = p
        }
    }

    /// The venue's state now, as the journal keeps it.
    func snapshot() -> VenueState {
        var state = VenueState(lastPrefix: idPrefix)
        for (book, price) in lastTradePrice.enumerated() {
            guard let price else { continue }
            let instrument = venue.instruments[book]
            state.lastPrices[instrument.symbol] = instrument.price(price)
        }
        var working: [OwnerID: [String: (sequence: Int, order: RecordedOrder)]] = [:]
        for order in orders.values {
            working[order.owner, default: [:]][orderIDText(order.id)] = (Int(clamping: order.id), recorded(order, status: order.workingStatus))
        }
        for (i, p) in participants.enumerated() {
            var r = RestoredParticipant(participant: p)
            r.positions = positionsBySymbol(p)
            r.working = working[OwnerID(i + 1)] ?? [:]
            state.participants.append(r)
        }
        for p in dormant.values.sorted(by: { $0.session.description < $1.session.description }) {
            var r = RestoredParticipant(participant: p)
            r.positions = positionsBySymbol(p)
            state.participants.append(r)
        }
        return state
    }

    /// A participant's positions as quantities by symbol.
    func positionsBySymbol(_ p: Participant) -> [String: FIXDecimal] {
        var positions = p.otherPositions
        for (book, lots) in p.positions {
            let instrument = venue.instruments[book]
            positions[instrument.symbol] = instrument.quantity(lots)
        }
        return positions
    }
}
