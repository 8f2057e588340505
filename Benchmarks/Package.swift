// swift-tools-version:6.1
// Benchmarks for the FIX codec and the FIX session over loopback TCP, kept in a package of their
// own so that the main package's `swift build` / `swift test` never build the benchmark machinery.
// Run: cd Benchmarks && swift package --disable-sandbox benchmark
import Foundation
import PackageDescription

/// A path dependency's identity is the last component of its path, lowercased: for `..` that is
/// the name of the directory the repository is checked out in, whatever it is.
let engineIdentity = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
    .standardizedFileURL.lastPathComponent.lowercased()

let package = Package(
    name: "FIXBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The engine itself, by path (identity: `engineIdentity`).
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        // The event loops the session benchmarks run the engine's sessions on.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // What the benchmark executables share: the state box and the usual configuration.
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/Support"
        ),
        .executableTarget(
            name: "FIXCodec",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FIX", package: engineIdentity),
            ],
            path: "Benchmarks/FIXCodec",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // An initiator and an acceptor session in one process over 127.0.0.1: throughput one way
        // and NewOrderSingle -> ExecutionReport round trip (compared with QuickFIX C++ by
        // Tools/bench/run.sh).
        .executableTarget(
            name: "SessionLoopback",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FIX", package: engineIdentity),
                .product(name: "FIXSessionCore", package: engineIdentity),
                .product(name: "FIXTransport", package: engineIdentity),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/SessionLoopback",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // The order book on a mixed workload, and the replay of a recorded market.
        benchmarkTarget("ExchangeBook", ["Exchange", "Market", "MarketData"]),
        // The ladder's update on a moving market.
        benchmarkTarget("QuotingBench", ["Quoting", "Market"]),
        // The risk gate with every check on.
        benchmarkTarget("RiskGateBench", ["Risk", "Market"]),
        // Market data in -> cancel/replace bytes out, in process.
        benchmarkTarget("TickToTrade", ["MakerCore", "MakerFIX", "Market", "Exchange", "MarketFIX", "FIX", "FIXSessionCore", "FIXTransport", "Quoting"]),
        // Market events through the whole backtest (one run, the source alone, the sweep on 1 and 2 threads).
        benchmarkTarget("BacktestBench", ["Backtest", "MakerCore", "Market", "MarketData", "Exchange", "Risk"]),
    ]
)

/// A benchmark executable at Benchmarks/NAME using these products of the engine.
func benchmarkTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["BenchmarkSupport", .product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: engineIdentity) },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
