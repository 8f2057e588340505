// swift-tools-version:6.1
// Benchmarks for the FIX codec, kept in a package of their own so that the main package's
// `swift build` / `swift test` never build the benchmark machinery.
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
    ],
    targets: [
        .executableTarget(
            name: "FIXCodec",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FIX", package: engineIdentity),
            ],
            path: "Benchmarks/FIXCodec",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ]
)
