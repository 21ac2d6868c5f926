import Benchmark
import HushMatcher
import HushRules
import HushScan

/// Generated text that looks like a repository's config and code: mostly
/// harmless assignments, identifiers, hashes and prose, with a credential
/// every few hundred lines.
func corpus(megabytes: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
    func random(_ count: Int) -> String {
        String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }
    let templates: [() -> String] = [
        { "    let value = computeSomething(input: \(Int.random(in: 0...9999)), label: \"item\")" },
        { "server.port=\(Int.random(in: 1000...9999))" },
        { "# This configuration file controls the behaviour of the service in production." },
        { "checksum: sha256:\(random(64).lowercased())" },
        { "  image: registry.internal/team/app:\(random(7).lowercased())" },
        { "DEBUG=false" },
        { "function handle(request, response) { return response.json({ ok: true, id: '\(random(24))' }); }" },
    ]
    var text = ""
    var line = 0
    while text.utf8.count < megabytes << 20 {
        line += 1
        if line % 400 == 0 {
            text += "GITHUB_TOKEN=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\n"
        } else {
            text += templates[line % templates.count]() + "\n"
        }
    }
    return Array(text.utf8)
}

let benchmarks: @Sendable () -> Void = {
    let rules = try! RuleSet.builtIn()
    let matcher = try! Matcher(rules: rules, cache: .standard)
    let engine = ScanEngine(matcher: matcher, fingerprinter: Fingerprinter(key: [1, 2, 3]))
    let text = corpus(megabytes: 16)

    // One iteration scans 16 MiB on one thread: MB/s = 16.8 × iterations per second.
    Benchmark(
        "Matcher throughput (16 MiB, 1 thread)",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(10))
    ) { benchmark in
        let scratch = matcher.makeScratch()
        for _ in benchmark.scaledIterations {
            blackHole(text.withUnsafeBufferPointer { matcher.scan($0, scratch: scratch) })
        }
    }

    Benchmark(
        "Scan engine with filters (16 MiB, 1 thread)",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(10))
    ) { benchmark in
        let scratch = engine.makeScratch()
        for _ in benchmark.scaledIterations {
            blackHole(engine.findings(in: text, path: "bench.txt", scratch: scratch))
        }
    }

    Benchmark(
        "Matcher start-up with warm cache",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! Matcher(rules: rules, cache: .standard))
        }
    }
}
