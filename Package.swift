// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "strata",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
        .library(name: "StrataKit", targets: ["StrataKit"]),
        .library(name: "StrataSchema", targets: ["StrataSchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "StrataKit",
            dependencies: [
                "StrataPostgres",
                "StrataSchema",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The Alembic helper runs in the project's Python: compiled into the binary like the
            // catalog queries (`AlembicHelper.source`).
            resources: [.embedInCode("Resources/alembic_helper.py")]
        ),
        .target(
            name: "StrataPostgres",
            dependencies: ["CLibPQ"]
        ),
        .target(
            name: "StrataSchema",
            dependencies: ["StrataPostgres"],
            // Compiled into the binary (EmbeddedQueries.swift): an installed strata has no
            // resource bundle next to it.
            exclude: ["Queries/README.md"],
            resources: [.embedInCode("Queries")]
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataKit",
                "StrataSchema",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "StrataTestSupport",
            dependencies: ["StrataPostgres"]
        ),
        .testTarget(
            name: "StrataKitTests",
            dependencies: ["StrataKit", "StrataPostgres", "StrataTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "StrataPostgresTests",
            dependencies: ["StrataPostgres"]
        ),
        .testTarget(
            name: "StrataSchemaTests",
            // StrataKit: FingerprintCoverageTests runs the detection cases through the stairway recorder
            dependencies: ["StrataSchema", "StrataPostgres", "StrataTestSupport", "StrataKit"]
        ),
    ]
)
