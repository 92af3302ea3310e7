// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "lvyue",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lvyue", targets: ["lvyue"]),
        .library(name: "LvyueCore", targets: ["LvyueCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // Pure domain logic: calendars, clocks, progress and delay math, audit hashing. No Vapor, no database.
        .target(
            name: "LvyueCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Data")]
        ),
        .target(
            name: "App",
            dependencies: [
                "LvyueCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                // XLSX files are ZIP archives: exports write them, imports read them.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "lvyue", dependencies: ["App"]),
        .executableTarget(
            name: "lvyue-bench",
            // Vapor for the bare route the HTTP benchmarks compare against; NIO (through it) for the lean client that drives the load.
            dependencies: ["LvyueCore", .product(name: "Vapor", package: "vapor")],
            path: "Sources/lvyue-bench"
        ),
        .testTarget(
            name: "LvyueCoreTests",
            dependencies: [
                "LvyueCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
