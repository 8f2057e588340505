import Dispatch
import Gzip

/// The gzip side of a ``FileLog``'s message file: lines in, compressed bytes written to the file.
///
/// Blocks of lines that only need to reach the file some time (a full buffer) are compressed on
/// a queue of the compressor's own, off the caller's thread, at most ``maxPending`` blocks
/// behind; a flush (whatever was given must reach the operating system before the call
/// returns) waits for those blocks and then compresses on the caller's thread. Either way the
/// file gets the blocks in the order given, as one gzip member.
///
/// Compressing a paper run's 1.2 GB of message logs at zlib's level 6 takes some 17 s of
/// processor time (1.7 s at level 1): done on the event loop it would slow the run by a fifth;
/// on a queue it runs on another core.
final class LogCompressor: @unchecked Sendable {
    // The deflater, `output` and the failure state are touched only on `queue` (blocks run
    // there, one at a time, or by `queue.sync` from the owner's thread).
    private let deflater: GzipDeflater
    private let file: POSIXFile
    private let queue: DispatchQueue
    private let pending: DispatchSemaphore
    private var output: [UInt8] = []
    private var failure: LogError?
    private var dropped = 0

    /// Most blocks waiting to be compressed; the caller waits when there are more.
    static let maxPending = 8

    init(file: POSIXFile, level: Int32) throws(LogError) {
        do {
            deflater = try GzipDeflater(level: level)
        } catch {
            throw LogError(.unusable, path: file.path, error.reason)
        }
        self.file = file
        queue = DispatchQueue(label: "fix.log-compressor")
        pending = DispatchSemaphore(value: Self.maxPending)
        output.reserveCapacity(64 << 10)
    }

    /// Compresses `block` some time soon (the caller's thread goes on at once, unless
    /// ``maxPending`` blocks are already waiting).
    func submit(_ block: [UInt8]) {
        pending.wait()
        queue.async {
            self.compress(block, .none)
            self.pending.signal()
        }
    }

    /// Compresses everything submitted and `block`, and writes it all to the file, ended on a
    /// byte boundary (or, with `finish`, with the member's trailer).
    func flush(_ block: [UInt8], finish: Bool = false) {
        queue.sync { compress(block, finish ? .finish : .sync) }
    }

    /// The last write that failed and the bytes it lost (waits for the blocks submitted).
    var state: (failure: LogError?, dropped: Int) {
        queue.sync { (failure, dropped) }
    }

    private func compress(_ block: [UInt8], _ flush: GzipDeflater.Flush) {
        output.removeAll(keepingCapacity: true)
        deflater.compress(block, flush: flush, into: &output)
        guard !output.isEmpty else { return }
        let result = output.withUnsafeBytes { b in Result { () throws(StoreError) in try file.append(b) } }
        if case .failure(let error) = result {
            failure = error
            dropped += block.count
        }
    }
}
