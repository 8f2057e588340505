/// MarketDataRequest (MsgType `V`): subscribes to (or asks a snapshot of, or unsubscribes from)
/// market data for some instruments.
public struct MarketDataRequest: FIXMessageBody, Equatable {
    /// `"V"`.
    public static let msgType = "V"

    /// MDReqID (262): the identifier of this request, echoed by the data sent for it.
    public var mdReqID: String
    /// SubscriptionRequestType (263): snapshot, subscribe or unsubscribe.
    public var subscriptionRequestType: SubscriptionRequestType
    /// MarketDepth (264): the book depth asked for: 0 full book, 1 top of book, N best N levels.
    public var marketDepth: Int
    /// MDUpdateType (265): full or incremental refreshes, for a subscription.
    public var mdUpdateType: MDUpdateType?
    /// AggregatedBook (266): `true` for one entry per side and price, `false` for one per order.
    public var aggregatedBook: Bool?
    /// The MDEntryType (269) of each NoMDEntryTypes (267) instance: the kinds of entries asked for.
    public var entryTypes: [MDEntryType]
    /// The Symbol (55) of each NoRelatedSym (146) instance: the instruments asked for.
    public var symbols: [String]

    /// A market data request.
    public init(mdReqID: String, subscriptionRequestType: SubscriptionRequestType, marketDepth: Int,
                mdUpdateType: MDUpdateType? = nil, aggregatedBook: Bool? = nil, entryTypes: [MDEntryType],
                symbols: [String]) {
        self.mdReqID = mdReqID
        self.subscriptionRequestType = subscriptionRequestType
        self.marketDepth = marketDepth
        self.mdUpdateType = mdUpdateType
        self.aggregatedBook = aggregatedBook
        self.entryTypes = entryTypes
        self.symbols = symbols
    }

    public init(_ message: some FIXFieldContainer) throws(FIXMessageDecodeError) {
        var r = try BodyReader(message, msgType: Self.msgType)
        let types = try GroupReader.readRequired(.mdEntryTypes, in: r) { (g: BodyReader) throws(FIXMessageDecodeError) -> MDEntryType in
            try g.code(Tag.mdEntryType)
        }
        let syms = try GroupReader.readRequired(.mdRequestRelatedSym, in: r) { (g: BodyReader) throws(FIXMessageDecodeError) -> String in
            try g.string(Tag.symbol)
        }
        r.exclude(types.span)
        r.exclude(syms.span)
        entryTypes = types.values
        symbols = syms.values
        mdReqID = try r.string(Tag.mdReqID)
        subscriptionRequestType = try r.code(Tag.subscriptionRequestType)
        marketDepth = try r.int(Tag.marketDepth)
        mdUpdateType = try r.codeIfPresent(Tag.mdUpdateType)
        aggregatedBook = try r.boolIfPresent(Tag.aggregatedBook)
    }

    public func writeBody(into e: FIXEncoder) {
        e.writeField(Tag.noRelatedSym, symbols.count)
        for s in symbols { e.writeField(Tag.symbol, s) }
        e.writeField(Tag.mdReqID, mdReqID)
        e.writeField(Tag.subscriptionRequestType, subscriptionRequestType)
        e.writeField(Tag.marketDepth, marketDepth)
        e.writeFieldIfPresent(Tag.mdUpdateType, mdUpdateType)
        e.writeFieldIfPresent(Tag.aggregatedBook, aggregatedBook)
        e.writeField(Tag.noMDEntryTypes, entryTypes.count)
        for t in entryTypes { e.writeField(Tag.mdEntryType, t) }
    }
}
