// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Fafang",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fafang", targets: ["fafang"]),
        .executable(name: "fafang-bench", targets: ["fafang-bench"]),
        .executable(name: "fafang-demo", targets: ["fafang-demo"]),
        .library(name: "FafangCore", targets: ["FafangCore"]),
        .library(name: "FafangConfig", targets: ["FafangConfig"]),
        .library(name: "FafangDelivery", targets: ["FafangDelivery"]),
        .library(name: "FafangStore", targets: ["FafangStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Generates fafangVersion from debian/changelog for the fafang command.
        .plugin(name: "VersionFromChangelog", capability: .buildTool()),
        .target(name: "FafangCore"),
        .target(
            name: "FafangConfig",
            dependencies: [
                "FafangCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "FafangStore",
            dependencies: [
                "FafangCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The store of a county on PostgreSQL (issue 12, in progress): versioned migrations under an advisory lock.
        .target(
            name: "FafangPostgres",
            dependencies: [
                "FafangCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Typed wrappers over libcurl's variadic calls (libcurl4-openssl-dev).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "FafangDelivery",
            dependencies: [
                "FafangCore",
                "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The long-running service: scheduler, dispatcher, ledger inbox; and the operator's services.
        .target(
            name: "FafangDaemon",
            dependencies: [
                "FafangCore",
                "FafangConfig",
                "FafangStore",
                "FafangPostgres",
                "FafangDelivery",
                .product(name: "Crypto", package: "swift-crypto"),  // `fafang migrate`: its checksums,
                .product(name: "PostgresNIO", package: "postgres-nio"),  // and its one transaction
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The admin HTTP server of `fafang run`: delivery receipts, metrics, health, the ledger API.
        .target(
            name: "FafangAdmin",
            dependencies: [
                "FafangCore",
                "FafangConfig",
                "FafangStore",
                "FafangDelivery",
                "FafangDaemon",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),  // URI, for the Kannel query
                .product(name: "HTTPTypes", package: "swift-http-types"),   // header names of the console's pages
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),  // operators' password hashes
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Loopback servers and helpers shared by tests and benchmarks; never linked into fafang.
        .target(
            name: "FafangTestSupport",
            dependencies: ["FafangCore", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "fafang",
            dependencies: [
                "FafangCore",
                "FafangConfig",
                "FafangDelivery",
                "FafangStore",
                "FafangDaemon",
                "FafangAdmin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Less of the binary resident (release, Linux): lld packs the relative relocations
            // (DT_RELR, glibc 2.36+) that ld.so would otherwise read and apply page by page, and
            // exports no symbols (--static-swift-stdlib links with -export-dynamic, putting every
            // Swift symbol in .dynsym/.dynstr); -z now binds every symbol at start so that the GOT
            // can be read-only (RELRO in full: lintian's hardening-no-bindnow). See the Makefile's
            // RELEASE_FLAGS.
            linkerSettings: [
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                              "-Xlinker", "-z", "-Xlinker", "now"],
                             .when(platforms: [.linux], configuration: .release)),
            ],
            plugins: ["VersionFromChangelog"]  // fafang --version: debian/changelog's newest entry
        ),
        .executableTarget(
            name: "fafang-bench",
            dependencies: [
                "FafangCore",
                "FafangStore",
                "FafangPostgres",
                "FafangDelivery",
                "FafangTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/fafang-bench"
        ),
        .executableTarget(
            name: "fafang-demo",
            dependencies: [
                "FafangCore",
                "FafangConfig",
                "FafangStore",
                "FafangDelivery",
                "FafangDaemon",  // ApprovalService: the demo's approver decides as `fafang batches approve` does
                "FafangTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Demo/fafang-demo"
        ),
        .testTarget(name: "FafangCoreTests", dependencies: ["FafangCore", "FafangTestSupport"]),
        .testTarget(
            name: "FafangConfigTests",
            dependencies: [
                "FafangConfig",
                "FafangCore",
                "FafangTestSupport",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "FafangStoreTests", dependencies: ["FafangStore", "FafangPostgres", "FafangCore", "FafangTestSupport",
                                                           .product(name: "GRDB", package: "GRDB.swift"),
                                                           .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "FafangDaemonTests",
            dependencies: ["FafangDaemon", "FafangAdmin", "FafangStore", "FafangConfig", "FafangCore", "FafangDelivery", "FafangTestSupport",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle")]
        ),
        .testTarget(
            name: "FafangDeliveryTests",
            dependencies: ["FafangDelivery", "FafangConfig", "FafangCore", "FafangTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FafangAdminTests",
            dependencies: ["FafangAdmin", "FafangDaemon", "FafangStore", "FafangPostgres", "FafangConfig", "FafangCore", "FafangDelivery", "FafangTestSupport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer harnesses (make fuzz; README "Fuzzing"): fafang-fuzz for the files people edit
// and the gateways' replies, fafang-fuzz-admin for the admin server's bodies (it links the whole
// server); FAFANG_FUZZ_TARGET picks the harness. Only declared when FAFANG_FUZZ is set, and built
// in its own scratch path with -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library.
if Context.environment["FAFANG_FUZZ"] != nil {
    package.targets += [
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(name: "FafangFuzzKit", dependencies: ["CLibFuzzer"], path: "Fuzz/FafangFuzzKit"),
        .executableTarget(
            name: "fafang-fuzz",
            dependencies: ["FafangFuzzKit", "FafangCore", "FafangConfig", "FafangDelivery", "FafangTestSupport"],
            path: "Fuzz/fafang-fuzz"
        ),
        .executableTarget(
            name: "fafang-fuzz-admin",
            dependencies: ["FafangFuzzKit", "FafangAdmin"],
            path: "Fuzz/fafang-fuzz-admin"
        ),
    ]
}
