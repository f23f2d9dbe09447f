// swift-tools-version:6.1
import PackageDescription

// Targets are split along dependency lines: the domain core has no I/O, crypto needs only
// libcrypto, the store libsqlite3 and postgres-nio, delivery only libcurl, and only CognateHTTP
// pulls in Hummingbird.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "cognate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cognate", targets: ["cognate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl"),
        .target(name: "CognitoModel", swiftSettings: swiftSettings),
        .target(name: "CognateCore", dependencies: ["CognitoModel"], swiftSettings: swiftSettings),
        .target(name: "CognateCrypto", dependencies: ["COpenSSL", "CognateCore"], swiftSettings: swiftSettings),
        // SQLite through its C library; PostgreSQL through postgres-nio.
        .target(
            name: "CognateStore",
            dependencies: [
                "CSQLite", "CognateCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Outbox drain, SMTP, SMS and trigger webhooks: libcurl, no HTTP server.
        .target(
            name: "CognateDelivery",
            dependencies: [
                "CCurl", "CognateCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CognateHTTP",
            dependencies: [
                "CognitoModel", "CognateCore", "CognateCrypto", "CognateStore", "CognateDelivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cognate",
            dependencies: [
                "CognateHTTP", "CognateCore", "CognateCrypto", "CognateStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The load generator (bench/run drives it). Built by `swift build`; run on demand only.
        .executableTarget(
            name: "cognate-bench",
            dependencies: [
                "CognateCore", "CognateCrypto", "CognateStore", "CognateHTTP", "CognitoModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Sources/cognate-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CognitoModelTests", dependencies: ["CognitoModel"]),
        .testTarget(name: "CognateCoreTests", dependencies: ["CognateCore", "CognitoModel"]),
        .testTarget(name: "CognateDeliveryTests", dependencies: ["CognateDelivery", "CognateCore", "CognateStore"]),
        .testTarget(name: "CognateCryptoTests", dependencies: ["CognateCrypto", "CognateCore"], resources: [.copy("Vectors")]),
        .testTarget(
            name: "CognateStoreTests",
            dependencies: ["CognateStore", "CognateCore", "CognitoModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CognateHTTPTests",
            dependencies: [
                "CognateHTTP", "CognateCore", "CognateCrypto", "CognateStore", "CognitoModel",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Vectors")]
        ),
    ]
)
