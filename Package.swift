// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Fafang",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fafang", targets: ["fafang"]),
        .library(name: "FafangCore", targets: ["FafangCore"]),
        .library(name: "FafangConfig", targets: ["FafangConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .target(name: "FafangCore"),
        .target(
            name: "FafangConfig",
            dependencies: [
                "FafangCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "fafang",
            dependencies: [
                "FafangCore",
                "FafangConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FafangCoreTests", dependencies: ["FafangCore"]),
        .testTarget(
            name: "FafangConfigTests",
            dependencies: ["FafangConfig", "FafangCore"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
