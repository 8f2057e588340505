import Testing
@testable import FIX
import FIXTestSupport

/// The example in README.md, run as written.
struct ReadmeExampleTests {
    @Test func frameParseValidateAndRead() throws {
        let bytesFromSocket = fix("35=D|34=2|49=TW44|52=20240808-12:00:00.000|56=ISLD|11=ID|21=1|38=5|40=2|44=101.25|54=1|55=INTC|60=20240808-12:00:00|")
            + fix("35=D|34=3|49=TW44|52=20240808-12:00:00.000|56=ISLD|11=ID2|21=4|38=5|40=2|44=101.25|54=1|55=INTC|60=20240808-12:00:00|")
        var orders: [NewOrderSingle] = []
        var rejects: [FIXReject] = []

        var framer = FIXFramer()
        var message = FIXMessage()
        let validator = FIXValidator(dictionary: try DataDictionary.fix44())

        framer.append(bytesFromSocket)
        while let event = framer.next() {
            guard case .message(let bytes) = event else { continue }
            try message.parse(bytes)
            if let reject = validator.validate(&message) {
                rejects.append(reject)
            } else if message.msgType == "D" {
                let order = try NewOrderSingle(message)
                orders.append(order)
            }
        }
        #expect(orders.map(\.clOrdID) == ["ID"])
        #expect(orders.first?.side == .buy)
        #expect(orders.first?.price == FIXDecimal(mantissa: 10125, scale: 2))
        #expect(rejects.map(\.description) == ["373=5 371=21 372=D Value is incorrect (out of range) for this tag"])
    }
}
