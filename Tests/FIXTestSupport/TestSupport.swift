/// Helpers shared by the test targets: building framed messages, paths, a seeded generator.
import Foundation
import FIX

/// Builds a framed FIX 4.4 message from `body`, written with `|` for SOH and without 8, 9 and
/// 10: BodyLength and CheckSum are computed.
public func fix(_ body: String, beginString: String = "FIX.4.4") -> [UInt8] {
    let b = Array(body.replacingOccurrences(of: "|", with: "\u{01}").utf8)
    var m = Array("8=\(beginString)\u{01}9=\(b.count)\u{01}".utf8) + b
    let sum = m.reduce(0) { ($0 + Int($1)) % 256 }
    m += Array(String(format: "10=%03d\u{01}", sum).utf8)
    return m
}

/// A parsed message made with ``fix(_:beginString:)``.
public func parsed(_ body: String) throws -> FIXMessage {
    try FIXMessage(bytes: fix(body))
}

/// Text with SOH shown as `|`.
public func show(_ bytes: some Sequence<UInt8>) -> String {
    String(decoding: Array(bytes), as: UTF8.self).replacingOccurrences(of: "\u{01}", with: "|")
}

/// The repository root (two levels above this file's folder).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The third-party conformance material beside the repository, when present.
public let sharedDirectory = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
public let sharedDictionaryPath = sharedDirectory.appendingPathComponent("quickfix-at/spec/FIX44.xml").path
public let sharedDictionaryPresent = FileManager.default.fileExists(atPath: sharedDictionaryPath)

/// A deterministic random generator (SplitMix64) for reproducible randomized tests.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
