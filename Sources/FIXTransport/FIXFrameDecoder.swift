import FIX
import NIOCore

/// What the frame decoder passes on: a complete message, or garbled bytes it skipped.
public enum FIXFrame: Sendable, Equatable {
    /// A well-framed message (BodyLength and CheckSum verified), from `8=` to the CheckSum's SOH.
    case message(ByteBuffer)
    /// Bytes that are not a message, skipped; the stream goes on at the next `8=FIX`.
    case garbled(FIXFramer.Garbled)
}

/// Frames a FIX byte stream with BeginString, BodyLength and CheckSum, one frame per step.
///
/// The same rules as ``FIXFramer`` (both use ``FIXFrameScanner``): garbled data is reported and
/// skipped up to the next `8=FIX`; a message may not exceed `maxMessageSize`, so a peer cannot
/// make the connection buffer without bound.
public struct FIXFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = FIXFrame

    public let maxMessageSize: Int
    /// The stream's byte before the reader index (SOH at the start).
    private var byteBefore: UInt8 = 1
    /// Stream offset of the reader index.
    private var offset = 0

    public init(maxMessageSize: Int = 1 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> FIXFrame? {
        let before = byteBefore
        let limit = maxMessageSize
        let step = buffer.withUnsafeReadableBytes {
            FIXFrameScanner($0, byteBefore: before, maxMessageSize: limit).scan()
        }
        switch step {
        case .needMore:
            return nil
        case .message(let length):
            let slice = buffer.readSlice(length: length)!
            byteBefore = 1
            offset += length
            return .message(slice)
        case let .skip(length, reason):
            return skip(&buffer, length: length, reason: reason)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FIXFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        guard buffer.readableBytes > 0 else { return nil }
        let before = byteBefore
        let limit = maxMessageSize
        let (length, truncated) = buffer.withUnsafeReadableBytes {
            FIXFrameScanner($0, byteBefore: before, maxMessageSize: limit).unfinished()
        }
        return skip(&buffer, length: length, reason: truncated ? .truncated : .notBeginString)
    }

    private mutating func skip(_ buffer: inout ByteBuffer, length: Int, reason: FIXFramer.Garbled.Reason) -> FIXFrame {
        byteBefore = buffer.getInteger(at: buffer.readerIndex + length - 1, as: UInt8.self) ?? 1
        buffer.moveReaderIndex(forwardBy: length)
        defer { offset += length }
        return .garbled(FIXFramer.Garbled(offset: offset, length: length, reason: reason))
    }
}
