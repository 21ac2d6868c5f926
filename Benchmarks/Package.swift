// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that `swift test` in the main package
// never compiles the benchmark toolchain. Run: `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "HushBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "MatcherBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HushScan", package: "Hush"),
                .product(name: "HushMatcher", package: "Hush"),
                .product(name: "HushRules", package: "Hush"),
            ],
            path: "Benchmarks/MatcherBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
