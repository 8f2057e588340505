import Market

/// The checks a venue makes on an order's quantity and price before it enters or changes, the
/// same for the order book and the replay exchange.
enum OrderChecks {
    /// A new order: nil when it may enter. A limit order's price must be positive and inside
    /// the instrument's band around `reference` (the last trade, or the set reference price).
    static func new(_ r: OrderRequest, instrument: Instrument, maxQuantity: Int64, reference: Int64?) -> OrderRejectReason? {
        guard r.quantity > 0 && r.quantity <= maxQuantity else { return .invalidQuantity }
        if r.kind == .limit {
            guard r.price > 0 else { return .invalidPrice }
            guard instrument.priceBand.allows(r.price, reference: reference) else { return .priceOutsideBand }
        }
        return nil
    }

    /// A replace of an order that has `filled` lots to `price` and `quantity` (the new total):
    /// nil when allowed. The quantity must stay above what has filled.
    static func replace(price: Int64, quantity: Int64, filled: Int64, instrument: Instrument, maxQuantity: Int64,
                        reference: Int64?) -> CancelRejectReason? {
        guard quantity > 0 && quantity <= maxQuantity else { return .invalidQuantity }
        guard quantity > filled else { return .quantityNotAboveFilled }
        guard price > 0 && instrument.priceBand.allows(price, reference: reference) else { return .invalidPrice }
        return nil
    }
}
