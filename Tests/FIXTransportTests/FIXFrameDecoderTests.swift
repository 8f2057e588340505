import FIX
import FIXTestSupport
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import FIXTransport

/// The network frame decoder, checked with NIO's decoder verifier (every split of the input, one
/// byte at a time included) and on garbled streams.
struct FIXFrameDecoderTests {
    static let heartbeat = fix("35=0|34=2|49=A|52=20240808-12:00:00.000|56=B|")
    static let order = fix("35=D|34=3|49=A|52=20240808-12:00:00.000|56=B|11=ID|21=1|38=1|40=1|54=1|55=X|60=20240808-12:00:00|")

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        var b = ByteBufferAllocator().buffer(capacity: bytes.count)
        b.writeBytes(bytes)
        return b
    }

    @Test func framesAtEverySplit() throws {
        let stream = Self.heartbeat + Self.order + Self.heartbeat
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(Self.buffer(stream), [.message(Self.buffer(Self.heartbeat)), .message(Self.buffer(Self.order)),
                                                      .message(Self.buffer(Self.heartbeat))])],
            decoderFactory: { FIXFrameDecoder() })
    }

    @Test func garbledDataIsReportedAndSkipped() throws {
        var bad = Self.order
        bad[bad.count - 2] = bad[bad.count - 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")  // wrong CheckSum
        let junk = Array("junk".utf8)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FIXFrameDecoder()))
        try channel.writeInbound(Self.buffer(junk + bad + Self.heartbeat))
        var frames: [FIXFrame] = []
        while let f = try channel.readInbound(as: FIXFrame.self) { frames.append(f) }
        #expect(frames.count == 3)
        guard frames.count == 3 else { return }
        #expect(frames[0] == .garbled(FIXFramer.Garbled(offset: 0, length: 4, reason: .notBeginString)))
        if case .garbled(let g) = frames[1] {
            #expect(g.offset == 4 && g.length == bad.count)
        } else {
            Issue.record("expected a garbled frame, got \(frames[1])")
        }
        #expect(frames[2] == .message(Self.buffer(Self.heartbeat)))
        _ = try channel.finish()
    }

    @Test func boundsWhatAPeerCanMakeItBuffer() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FIXFrameDecoder(maxMessageSize: 4096)))
        // A BodyLength far beyond the limit is garbled at once; nothing waits for it.
        try channel.writeInbound(Self.buffer(Array("8=FIX.4.4\u{01}9=99999999\u{01}35=D\u{01}".utf8)))
        let first = try channel.readInbound(as: FIXFrame.self)
        if case .garbled(let g)? = first {
            #expect(g.reason == .tooLarge(limit: 4096))
        } else {
            Issue.record("expected a garbled frame, got \(String(describing: first))")
        }
        try channel.writeInbound(Self.buffer(Self.heartbeat))
        var last: FIXFrame?
        while let f = try channel.readInbound(as: FIXFrame.self) { last = f }
        #expect(last == .message(Self.buffer(Self.heartbeat)))
        _ = try channel.finish()
    }
}
