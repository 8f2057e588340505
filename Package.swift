// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FIXMarketMaker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mm", targets: ["mm"]),
        .library(name: "FIX", targets: ["FIX"]),
        .library(name: "FIXSessionCore", targets: ["FIXSessionCore"]),
        .library(name: "Gzip", targets: ["Gzip"]),
        .library(name: "FIXTransport", targets: ["FIXTransport"]),
        .library(name: "Market", targets: ["Market"]),
        .library(name: "MarketData", targets: ["MarketData"]),
        .library(name: "Exchange", targets: ["Exchange"]),
        .library(name: "ExchangeGateway", targets: ["ExchangeGateway"]),
        .library(name: "Quoting", targets: ["Quoting"]),
        .library(name: "Risk", targets: ["Risk"]),
        .library(name: "MakerCore", targets: ["MakerCore"]),
        .library(name: "MakerFIX", targets: ["MakerFIX"]),
        .library(name: "MarketFIX", targets: ["MarketFIX"]),
        .library(name: "Backtest", targets: ["Backtest"]),
        .library(name: "LogReplay", targets: ["LogReplay"]),
        .library(name: "Operations", targets: ["Operations"]),
        .library(name: "Redis", targets: ["Redis"]),
        .library(name: "FirmRisk", targets: ["FirmRisk"]),
        .executable(name: "fix-at", targets: ["fix-at"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // Message model, framer, parser, encoder, data dictionary, validation. Pure: no NIO.
        // Decimals and dates are read with the vocabulary's one reader and calendar.
        .target(
            name: "FIX",
            dependencies: ["Market"],
            resources: [.copy("Resources/FIX44.xml")]
        ),
        // Session state machine (pure), message stores, message and event logs, settings files.
        .target(
            name: "FIXSessionCore",
            dependencies: ["FIX", "Gzip", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // The system zlib for the rest: gzip streams (market data, FIX message logs) and CRC-32.
        // File descriptors are read through swift-system (which retries interrupted calls).
        .target(name: "Gzip", dependencies: ["CZlib", .product(name: "SystemPackage", package: "swift-system")]),
        // SwiftNIO initiator and acceptor, thin channel handlers around the session state machine.
        .target(
            name: "FIXTransport",
            dependencies: [
                "FIX",
                "FIXSessionCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The market's vocabulary, shared by everything that trades: instruments with their tick
        // and lot, sides, order requests, money and fees, the calendar. Pure, no dependency.
        .target(name: "Market"),
        // Every market-data source: recorded files (CSV, JSON captures, gzip, the event file),
        // the synthetic market, and sources built on others. Pure: no NIO, no FIX.
        .target(name: "MarketData", dependencies: ["Market", "Gzip", .product(name: "SystemPackage", package: "swift-system")]),
        // Order books, matching, queue-position replay. Pure: no NIO, no FIX.
        .target(name: "Exchange", dependencies: ["Market", "MarketData"]),
        // The system zlib: gzip streams (through Gzip) and PNG's deflate.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // FIX <-> the market's terms: FIX decimals <-> ticks and lots, sides and times in force.
        .target(name: "MarketFIX", dependencies: ["Market", "FIX"]),
        // The simulated exchange's FIX application: order entry and market data over a Venue.
        .target(name: "ExchangeGateway", dependencies: ["Market", "MarketData", "Exchange", "MarketFIX", "FIX", "FIXSessionCore", "FIXTransport",
                                                 .product(name: "Logging", package: "swift-log")]),
        // The ladder: market state in, order intents out. Pure.
        .target(name: "Quoting", dependencies: ["Market"]),
        // Pre-trade checks, net-position stop, dynamic margin, concentration, kill switch. Pure.
        .target(name: "Risk", dependencies: ["Market"]),
        // The market maker's core: Quoting -> Risk -> venue commands, order and position
        // tracking, its journal and the reconciliation's state machine, the trading summary.
        // Pure: no NIO, no FIX (the journal's file format is FIXSessionCore's RecordJournal).
        .target(name: "MakerCore", dependencies: ["Market", "Quoting", "Risk", "FIXSessionCore"]),
        // The market maker on a FIX session: market data and execution reports in, orders out,
        // the reconciliation's requests.
        .target(name: "MakerFIX", dependencies: ["MakerCore", "Market", "MarketFIX", "Quoting", "Risk", "FIX",
                                                "FIXSessionCore", "FIXTransport", .product(name: "NIOCore", package: "swift-nio")]),
        // The in-process backtest over recorded data (the market maker against the replay
        // exchange in one process): the study's sweep over Rc, accounting, reports and charts.
        // Pure: no NIO, no FIX session.
        .target(name: "Backtest", dependencies: ["MakerCore", "Market", "MarketData", "Exchange", "Quoting", "Risk", "CZlib", "Gzip"]),
        // FIX message logs read back: sessions, orders, fills and positions reconstructed; resent into a live session.
        .target(name: "LogReplay", dependencies: ["FIX", "FIXSessionCore", "FIXTransport", "Market", "Exchange", "MarketFIX", "MakerCore", "Gzip",
                                                 .product(name: "SystemPackage", package: "swift-system")]),
        // Running the engine: the Prometheus metrics endpoint and its collectors, graceful shutdown
        // through swift-service-lifecycle, session events in the log.
        .target(
            name: "Operations",
            dependencies: [
                "MakerCore",
                "MakerFIX",
                "ExchangeGateway",
                "FIX",
                "FIXSessionCore",
                "FIXTransport",
                "Risk",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // A small Redis client (RESP2) on SwiftNIO: commands, pipelining, pub/sub, scripts,
        // reconnection.
        .target(
            name: "Redis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // Firm-wide risk across engines over Redis: shares of firm limits leased by each engine, and
        // margin rates published by the margin service and followed by each engine.
        .target(name: "FirmRisk", dependencies: ["Redis", "Risk"]),
        // The conformance-test acceptor: behaves as the FIX 4.4 acceptance scripts expect.
        .executableTarget(
            name: "fix-at",
            dependencies: ["FIX", "FIXSessionCore", "FIXTransport"],
            path: "Tools/fix-at"
        ),
        .executableTarget(name: "fix-peer", dependencies: ["FIX", "FIXSessionCore", "FIXTransport"], path: "Tools/fix-peer"),
        // The command-line tool: every mode of the engine is a subcommand. Thin.
        .executableTarget(
            name: "mm",
            dependencies: [
                "FIX",
                "FIXSessionCore",
                "Market",
                "MarketData",
                "Exchange",
                "ExchangeGateway",
                "MakerCore",
                "MakerFIX",
                "Backtest",
                "LogReplay",
                "Quoting",
                "Risk",
                "FIXTransport",
                "Operations",
                "Redis",
                "FirmRisk",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Runs the built `mm` executable end to end.
        .testTarget(
            name: "mmTests",
            dependencies: ["mm", "FIXTestSupport"]
        ),
        // Helpers shared by the test targets.
        .target(
            name: "FIXTestSupport",
            dependencies: ["FIX"],
            path: "Tests/FIXTestSupport"
        ),
        .testTarget(
            name: "FIXSessionCoreTests",
            dependencies: ["FIXSessionCore", "FIXTestSupport", "Gzip"]
        ),
        .testTarget(
            name: "FIXTransportTests",
            dependencies: [
                "FIXTransport",
                "FIXTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ExchangeTests",
            dependencies: ["Market", "MarketData", "Exchange", "FIXTestSupport"]
        ),
        .testTarget(
            name: "ExchangeGatewayTests",
            dependencies: [
                "ExchangeGateway",
                "Market",
                "MarketFIX",
                "MarketData",
                "Exchange",
                "FIXTransport",
                "FIXTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: [
                "Operations",
                "MakerCore",
                "MakerFIX",
                "Market",
                "MarketData",
                "Exchange",
                "ExchangeGateway",
                "FIXSessionCore",
                "FIXTransport",
                "Risk",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "QuotingTests", dependencies: ["Quoting", "Market", "FIXTestSupport"]),
        .testTarget(name: "RiskTests", dependencies: ["Risk", "Market", "FIXTestSupport"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "MakerCore", "Market", "MarketData", "Exchange", "Quoting", "Risk",
                                                        "FIXTestSupport"]),
        .testTarget(name: "LogReplayTests", dependencies: ["LogReplay", "FIX", "FIXSessionCore", "FIXTestSupport", "Gzip"]),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "FirmRisk", "Risk", "FIXTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                                                     .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "MarketMakerTests", dependencies: ["MakerCore", "MakerFIX", "Market", "MarketData", "Exchange",
                                                          "Quoting", "Risk", "FIXTestSupport", "FIXSessionCore", "FIXTransport",
                                                          .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "FIXTests",
            dependencies: [
                "FIX",
                "Market",
                "FIXTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
