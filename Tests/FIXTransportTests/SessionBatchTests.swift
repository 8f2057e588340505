import FIX
import FIXSessionCore
import FIXTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import FIXTransport

/// Messages written inside one batch carry one SendingTime; outside a batch each reads the clock.
struct SessionBatchTests {
    @Test func aBatchSharesOneSendingTime() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // A clock one millisecond later on every reading.
        let readings = Mutex(0)
        let start: Int64 = 1_723_118_400_000_000_000
        let clock: @Sendable () -> UTCTimestamp = {
            let k = readings.withLock { n in
                n += 1
                return n
            }
            return UTCTimestamp(nanosecondsSinceEpoch: start + Int64(k) * 1_000_000)
        }
        let store = MemoryStore(now: clock())
        let session = FIXSession(
            machine: SessionStateMachine(
                configuration: SessionConfiguration(sessionID: SessionID(senderCompID: "MAKER", targetCompID: "EXCH"),
                                                    role: .initiator),
                store: store, dictionary: try DataDictionary.fix44()),
            log: MemoryLog(), application: nil, eventLoop: loop, clock: clock)
        try await loop.submit {
            try session.batch { () throws(StoreError) in
                try session.write(LoopbackSessionTests.order("A"))
                try session.write(LoopbackSessionTests.order("B"))
                // A nested batch keeps the outer one's time.
                try session.batch { () throws(StoreError) in try session.write(LoopbackSessionTests.order("C")) }
            }
            try session.write(LoopbackSessionTests.order("D"))
            try session.write(LoopbackSessionTests.order("E"))
            // A batch given the time its caller read: no clock reading, that time on each message.
            try session.batch(sendingTime: UTCTimestamp(nanosecondsSinceEpoch: start - 7_000_000)) { () throws(StoreError) in
                try session.write(LoopbackSessionTests.order("F"))
                try session.write(LoopbackSessionTests.order("G"))
            }
        }.get()
        let times = try store.sentMessages(in: 1...7).map { try FIXMessage(bytes: $0.message).string(Tag.sendingTime) }
        #expect(times.count == 7)
        #expect(times[0] != nil && times[0] == times[1] && times[1] == times[2])
        #expect(times[2] != times[3] && times[3] != times[4])
        #expect(times[5] == "20240808-11:59:59.993" && times[6] == times[5])
        #expect(readings.withLock { $0 } == 4)
        try await group.shutdownGracefully()
    }
}
