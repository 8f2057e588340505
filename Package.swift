// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FIXMarketMaker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mm", targets: ["mm"]),
        .library(name: "FIX", targets: ["FIX"]),
        .library(name: "FIXSession", targets: ["FIXSession"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Message model, framer, parser, encoder, data dictionary, validation. Pure: no NIO.
        .target(
            name: "FIX",
            resources: [.copy("Resources/FIX44.xml")]
        ),
        // Session state machine (pure), message stores, message and event logs, settings files.
        .target(
            name: "FIXSession",
            dependencies: ["FIX"]
        ),
        // The command-line tool: every mode of the engine is a subcommand. Thin.
        .executableTarget(
            name: "mm",
            dependencies: [
                "FIX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs the built `mm` executable end to end.
        .testTarget(
            name: "mmTests",
            dependencies: ["mm"]
        ),
        .testTarget(
            name: "FIXSessionTests",
            dependencies: ["FIXSession"]
        ),
        .testTarget(
            name: "FIXTests",
            dependencies: [
                "FIX",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
