// swift-tools-version: 6.0
import PackageDescription

/// Hush: find credentials in repositories and move them into a sealed store.
///
/// Each part of the design (see DESIGN.md) is one module. The C libraries are
/// wrapped as system-library targets found through pkg-config.
let package = Package(
    name: "Hush",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hush", targets: ["hush"]),
        .library(name: "HushRules", targets: ["HushRules"]),
        .library(name: "HushMatcher", targets: ["HushMatcher"]),
        .library(name: "HushSources", targets: ["HushSources"]),
        .library(name: "HushScan", targets: ["HushScan"]),
        .library(name: "HushVault", targets: ["HushVault"]),
        .library(name: "HushMigrate", targets: ["HushMigrate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .systemLibrary(
            name: "CVectorscan", pkgConfig: "libhs",
            providers: [.apt(["libvectorscan-dev"]), .brew(["vectorscan"])]),
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
        .systemLibrary(
            name: "CIsal", pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"]), .brew(["isa-l"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),

        // Hot byte loops that want SIMD (base64 runs).
        .target(name: "CTextScan"),

        // MARK: Rules, embedded at build time from patterns/
        .executableTarget(name: "PatternEmbedder"),
        .plugin(
            name: "EmbedPatterns", capability: .buildTool(),
            dependencies: ["PatternEmbedder"]),
        .target(
            name: "HushRules",
            dependencies: [.product(name: "Yams", package: "Yams")],
            plugins: ["EmbedPatterns"]),

        // MARK: Engine
        .target(name: "HushCrypto", dependencies: ["COpenSSL"]),
        .target(name: "HushMatcher", dependencies: ["HushRules", "HushCrypto", "CVectorscan", "CPCRE2"]),
        .target(name: "HushSources", dependencies: ["CGit2", "CIsal"]),
        .target(
            name: "HushScan", dependencies: ["HushRules", "HushMatcher", "HushSources", "HushCrypto", "CTextScan"]),
        .target(name: "HushReport", dependencies: ["HushScan", "HushRules"]),
        .target(name: "HushVault", dependencies: ["HushCrypto", "COpenSSL"]),
        .target(
            name: "HushMigrate",
            dependencies: ["HushScan", "HushVault", "HushCrypto", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "HushAudit",
            dependencies: [
                "HushScan", "HushSources", "HushRules", "HushMatcher", "HushCrypto", "HushReport", "CGit2",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // MARK: Command line
        .target(
            name: "HushCLI",
            dependencies: [
                "HushRules", "HushMatcher", "HushSources", "HushScan", "HushReport", "HushVault", "HushMigrate",
                "HushAudit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "hush", dependencies: ["HushCLI"]),

        // MARK: Tests
        .target(name: "HushTestSupport", dependencies: ["HushSources"], path: "Tests/HushTestSupport"),
        .testTarget(name: "HushRulesTests", dependencies: ["HushRules", "HushMatcher", "HushScan"]),
        .testTarget(name: "HushMatcherTests", dependencies: ["HushMatcher", "HushRules"]),
        .testTarget(name: "HushSourcesTests", dependencies: ["HushSources", "HushTestSupport"]),
        .testTarget(name: "HushReportTests", dependencies: ["HushReport", "HushScan", "HushMatcher", "HushRules"]),
        .testTarget(
            name: "HushScanTests",
            dependencies: ["HushScan", "HushSources", "HushRules", "HushMatcher", "HushCrypto", "HushTestSupport"]),
        .testTarget(name: "HushCLITests", dependencies: ["HushCLI"]),
        .testTarget(name: "HushVaultTests", dependencies: ["HushVault", "HushCrypto", "HushCLI"]),
        .testTarget(name: "HushMigrateTests", dependencies: ["HushMigrate", "HushScan", "HushVault", "HushCLI"]),
        .testTarget(
            name: "HushGitTests",
            dependencies: ["HushTestSupport", "HushScan", "HushSources", "HushRules", "HushMatcher", "HushCLI"]),
        .testTarget(
            name: "HushAuditTests",
            dependencies: ["HushTestSupport", 
                "HushAudit", "HushScan", "HushSources", "HushRules", "HushMatcher", "HushCLI",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v5]
)
