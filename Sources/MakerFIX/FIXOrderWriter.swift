import MakerCore
import Market
import MarketFIX
import FIX
import Quoting

/// Writes the market maker's orders as FIX 4.4 message bodies straight into an encoder: the same
/// fields, in the same order, as the typed NewOrderSingle, OrderCancelReplaceRequest and
/// OrderCancelRequest write, with no typed message and no string built on the way (ClOrdIDs are
/// written as their prefix and number).
struct FIXOrderWriter {
    let instrument: Instrument
    /// `55=<Symbol><SOH>`, encoded once.
    private let symbolField: [UInt8]

    init(instrument: Instrument) {
        self.instrument = instrument
        symbolField = FIXEncoder.encodedField(Tag.symbol, instrument.symbol)
    }

    /// MsgType (35) of the command's message.
    static func msgType(_ command: VenueCommand) -> String {
        switch command {
        case .new: NewOrderSingle.msgType
        case .replace: OrderCancelReplaceRequest.msgType
        case .cancel: OrderCancelRequest.msgType
        }
    }

    /// The ClOrdID prefix of ladder orders (`Q<key>`).
    static let ladderPrefix = UInt8(ascii: "Q")
    /// The ClOrdID prefix of flattening orders (`F<key - MarketMaker.flatteningKeyBase>`).
    static let flatteningPrefix = UInt8(ascii: "F")

    /// Writes ClOrdID-like field `tag` for `key`: `Q<n>` for the ladder, `F<n>` for flattening.
    @inline(__always)
    static func writeID(_ tag: Int, _ key: OrderKey, into e: FIXEncoder) {
        if MarketMaker.isFlattening(key) {
            e.append(tag, prefix: flatteningPrefix, key.rawValue - MarketMaker.flatteningKeyBase)
        } else {
            e.append(tag, prefix: ladderPrefix, key.rawValue)
        }
    }

    /// The ClOrdID of `key` (as ``writeID(_:_:into:)`` writes it).
    static func clOrdID(_ key: OrderKey) -> String {
        MarketMaker.isFlattening(key)
            ? "\(Character(Unicode.Scalar(flatteningPrefix)))\(key.rawValue - MarketMaker.flatteningKeyBase)"
            : "\(Character(Unicode.Scalar(ladderPrefix)))\(key.rawValue)"
    }

    /// The key a ClOrdID of ours names; nil for any other text, and for a number out of its
    /// range (a ladder key at or above the flattening keys, a flattening key that would overflow).
    static func key(_ clOrdID: String?) -> OrderKey? {
        guard let id = clOrdID, let first = id.utf8.first, let n = UInt64(id.dropFirst()),
              n < MarketMaker.flatteningKeyBase else { return nil }
        switch first {
        case ladderPrefix: return OrderKey(n)
        case flatteningPrefix: return OrderKey(n + MarketMaker.flatteningKeyBase)
        default: return nil
        }
    }

    /// Writes the body of `command`'s message. `cancelQuantity`: OrderQty of a cancel (the
    /// order's total quantity), when known.
    func writeBody(_ command: VenueCommand, transactTime: UTCTimestamp, cancelQuantity: Int64?, into e: FIXEncoder) {
        switch command {
        case let .new(key, side, kind, timeInForce, price, quantity):
            Self.writeID(Tag.clOrdID, key, into: e)
            e.append(Tag.handlInst, char: UInt8(ascii: "1"))
            e.append(Tag.orderQty, instrument.quantity(quantity))
            e.append(Tag.ordType, char: kind.fixCharacter)
            if kind != .market { e.append(Tag.price, instrument.price(price)) }
            e.append(Tag.side, char: side.fixCharacter)
            e.appendEncoded(symbolField)
            if let tif = timeInForce.fixCharacter { e.append(Tag.timeInForce, char: tif) }
            e.append(Tag.transactTime, transactTime, fractionDigits: transactTime.fractionDigits)
        case let .replace(key, newKey, side, price, quantity):
            Self.writeID(Tag.clOrdID, newKey, into: e)
            e.append(Tag.orderQty, instrument.quantity(quantity))
            e.append(Tag.ordType, char: OrderKind.limit.fixCharacter)
            Self.writeID(Tag.origClOrdID, key, into: e)
            e.append(Tag.price, instrument.price(price))
            e.append(Tag.side, char: side.fixCharacter)
            e.appendEncoded(symbolField)
            e.append(Tag.transactTime, transactTime, fractionDigits: transactTime.fractionDigits)
        case let .cancel(key, newKey, side):
            Self.writeID(Tag.clOrdID, newKey, into: e)
            if let cancelQuantity { e.append(Tag.orderQty, instrument.quantity(cancelQuantity)) }
            Self.writeID(Tag.origClOrdID, key, into: e)
            e.append(Tag.side, char: side.fixCharacter)
            e.appendEncoded(symbolField)
            e.append(Tag.transactTime, transactTime, fractionDigits: transactTime.fractionDigits)
        }
    }
}
