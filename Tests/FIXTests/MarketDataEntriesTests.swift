import FIX
import Testing

/// The in-place reading of market-data entries (``FIXMessage/forEachMarketDataEntry(_:)``)
/// against the typed messages' checked reading, on random snapshots and refreshes.
struct MarketDataEntriesTests {
    /// What both readings give for an entry, in plain values.
    struct Seen: Equatable, CustomStringConvertible {
        var action: Character
        var type: Character?
        var symbol: String?
        var price: FIXDecimal?
        var size: FIXDecimal?
        var date: String?
        var time: String?
        var description: String { "\(action) \(type.map(String.init) ?? "-") \(symbol ?? "-") \(price?.description ?? "-") \(size?.description ?? "-") \(date ?? "-") \(time ?? "-")" }
    }

    static func scanned(_ m: FIXMessage) -> [Seen] {
        var out: [Seen] = []
        m.forEachMarketDataEntry { e, raw in
            func text(_ f: FIXField?) -> String? { f.map { String(decoding: raw[$0.valueRange], as: UTF8.self) } }
            out.append(Seen(action: Character(UnicodeScalar(e.action)), type: e.type == 0 ? nil : Character(UnicodeScalar(e.type)),
                            symbol: text(e.symbol), price: e.price, size: e.size, date: text(e.date), time: text(e.time)))
        }
        return out
    }

    @Test func inPlaceReadingAgreesWithTheTypedMessages() throws {
        var state: UInt64 = 2026
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % n
        }
        func maybe<T>(_ v: @autoclosure () -> T) -> T? { next(3) == 0 ? nil : v() }
        let types: [MDEntryType] = [.bid, .offer, .trade]
        let actions: [MDUpdateAction] = [.new, .change, .delete]
        let symbols = ["ABC", "XYZ"]
        for round in 0..<500 {
            let count = 1 + next(6)
            let bytes: [UInt8]
            var expected: [Seen] = []
            if round % 2 == 0 {
                var entries: [MDEntry] = []
                for _ in 0..<count {
                    let e = MDEntry(type: types[next(3)], id: maybe("E\(next(100))"),
                                    price: maybe(FIXDecimal(mantissa: Int64(next(1_000_000)), scale: Int8(next(4)))),
                                    size: maybe(FIXDecimal(mantissa: Int64(next(10_000)), scale: Int8(next(3)))),
                                    date: maybe("20240315"), time: maybe("13:45:\(10 + next(50)).123"), positionNo: maybe(1 + next(5)))
                    entries.append(e)
                    expected.append(Seen(action: "0", type: e.type.rawValue, symbol: nil, price: e.price, size: e.size, date: e.date, time: e.time))
                }
                let w = MarketDataSnapshotFullRefresh(mdReqID: "MD-1", symbol: symbols[next(2)], entries: entries)
                bytes = Array(w.encode(header: MessagesTests.header, into: FIXEncoder()))
                let typed = try MarketDataSnapshotFullRefresh(try FIXMessage(bytes: bytes))
                #expect(typed.entries == entries)
            } else {
                var entries: [MDIncrementalEntry] = []
                for _ in 0..<count {
                    let e = MDIncrementalEntry(action: actions[next(3)], type: maybe(types[next(3)]), id: maybe("E\(next(100))"),
                                               symbol: maybe(symbols[next(2)]),
                                               price: maybe(FIXDecimal(mantissa: Int64(next(1_000_000)), scale: Int8(next(4)))),
                                               size: maybe(FIXDecimal(mantissa: Int64(next(10_000)), scale: Int8(next(3)))),
                                               date: maybe("20240315"), time: maybe("13:45:\(10 + next(50))"))
                    entries.append(e)
                    expected.append(Seen(action: e.action.rawValue, type: e.type?.rawValue, symbol: e.symbol, price: e.price, size: e.size,
                                         date: e.date, time: e.time))
                }
                let x = MarketDataIncrementalRefresh(mdReqID: maybe("MD-1"), entries: entries)
                bytes = Array(x.encode(header: MessagesTests.header, into: FIXEncoder()))
                let typed = try MarketDataIncrementalRefresh(try FIXMessage(bytes: bytes))
                #expect(typed.entries == entries)
            }
            let seen = Self.scanned(try FIXMessage(bytes: bytes))
            #expect(seen == expected, "round \(round)")
        }
    }

    @Test func fieldsBeforeTheGroupAreNotEntries() throws {
        // A snapshot's Symbol (55) is the message's, before NoMDEntries; a bad price reads as nil.
        let w = try MessagesTests.raw("W", [(262, "MD-1"), (55, "ABC"), (268, "2"), (269, "0"), (270, "1x"), (271, "5"),
                                            (269, "1"), (270, "101"), (271, "6")])
        #expect(Self.scanned(w) == [Seen(action: "0", type: "0", size: 5), Seen(action: "0", type: "1", price: 101, size: 6)])
        // An incremental refresh whose first entry has no MDUpdateAction still yields it.
        let x = try MessagesTests.raw("X", [(268, "2"), (269, "2"), (270, "100"), (271, "1"), (279, "2"), (269, "0"), (270, "99")])
        #expect(Self.scanned(x) == [Seen(action: "0", type: "2", price: 100, size: 1), Seen(action: "2", type: "0", price: 99)])
    }
}
