import Benchmark
import Foundation
import HushMatcher
import HushRules
import HushScan
import HushSources

/// A generated repository: `commits` commits over `files` files, each commit
/// rewriting one file, with a credential in every `secretEvery`-th commit.
/// Built once per run through `git fast-import` in a temporary folder.
func makeRepository(commits: Int, files: Int, secretEvery: Int) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hush-bench-\(getpid())-\(commits)")
    try? FileManager.default.removeItem(at: folder)
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var stream = ""
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
    func random(_ count: Int) -> String {
        String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }
    for commit in 1...commits {
        var body = ""
        for line in 0..<120 {
            body += "setting_\(line) = \"\(random(12))\"  # checksum \(random(40))\n"
        }
        if commit % secretEvery == 0 {
            body += "GITHUB_TOKEN=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\n"
            body += "aws_access_key_id = AKIA\(random(16).uppercased())\n"
        }
        let data = Array(body.utf8)
        stream += "commit refs/heads/main\ncommitter Bench <bench@example.com> \(1_600_000_000 + commit) +0000\n"
        stream += "data 6\nchange\n"
        stream += "M 100644 inline config/file_\(commit % files).env\ndata \(data.count)\n\(body)\n"
    }
    func git(_ arguments: [String], input: String? = nil) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path] + arguments
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try! process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try! pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
    }
    git(["init", "-q"])
    git(["fast-import", "--quiet"], input: stream)
    git(["repack", "-adq"])
    return folder.path
}

let benchmarks: @Sendable () -> Void = {
    let repository = makeRepository(commits: 2000, files: 200, secretEvery: 20)
    let engine = ScanEngine(
        matcher: try! Matcher(rules: try! RuleSet.builtIn(), cache: .standard),
        fingerprinter: Fingerprinter(key: [1, 2, 3]))

    // The blobs of the whole history, found by diffing every commit against its parents.
    Benchmark(
        "Blob enumeration (2,000 commits)",
        configuration: .init(
            metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let git = try! GitRepository(path: repository)
            blackHole(GitHistoryWalker(repository: git).changes(selection: .all(unreachable: false)).blobs.count)
        }
    }

    // Reading (inflating, resolving deltas) every blob in pack order on one thread through libgit2.
    let git = try! GitRepository(path: repository)
    let blobs = GitHistoryWalker(repository: git).changes(selection: .all(unreachable: false)).blobs
    let plan = GitPackPlan.make(blobs, objectsDirectory: git.commonDirectory + "objects")
    let order = plan.families.flatMap { $0.members }.sorted { $0.offset < $1.offset }.map { Int($0.index) }
    Benchmark(
        "Blob inflation in pack order (2,000 blobs, 1 thread)",
        configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(10))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let reader = try! GitRepository(path: repository)
            var bytes = 0
            for index in order {
                if case .content(let content) = reader.readBlob(blobs[index], limit: 1 << 24) {
                    bytes += content.count
                }
            }
            blackHole(bytes)
        }
    }

    // The same blobs read by Hush's own pack reader (ISA-L igzip, delta families in pack order), as history
    // scans read them; compare with the libgit2 benchmark above, measured in the same run.
    Benchmark(
        "Blob inflation with the pack reader (2,000 blobs, 1 thread)",
        configuration: .init(metrics: [.wallClock, .throughput, .peakMemoryResident], maxDuration: .seconds(10))
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            var bytes = 0
            var readers: [Int: GitPackReader] = [:]
            for family in plan.families {
                let reader =
                    readers[family.pack] ?? GitPackReader(pack: plan.packs[family.pack], bases: plan.bases[family.pack])
                readers[family.pack] = reader
                for member in family.members {
                    if case .content(let content, _) = reader.readBlob(at: member.offset, limit: 1 << 24) {
                        bytes += content.count
                    }
                }
            }
            blackHole(bytes)
        }
    }

    // A full history scan whose findings (one credential pair every 20 commits, rotated through 200 paths)
    // are attributed to the commits and paths that introduced them.
    Benchmark(
        "History scan with finding attribution (2,000 commits, 100 introductions)",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10))
    ) { benchmark in
        var options = HistoryScanOptions()
        options.threads = 1
        for _ in benchmark.scaledIterations {
            blackHole(try! HistoryScanner(engine: engine, options: options).scan(repositoryPath: repository))
        }
    }
}
